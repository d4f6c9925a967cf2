"""`make run`, the README's first command: the port it serves, a busy port, logins once."""

import shutil
import socket
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from editorial import demo

ROOT = Path(__file__).resolve().parents[1]
CHECK_PORT = ROOT / "scripts" / "check-port"


def check_port(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECK_PORT), *args], capture_output=True, text=True, timeout=30
    )


def test_a_free_port_passes():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert check_port("127.0.0.1", str(port)).returncode == 0


def test_a_busy_port_says_which_and_what_to_run_instead():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = check_port("127.0.0.1", str(port))
    assert done.returncode == 1
    assert f"ポート {port} はほかのプログラムが使っています" in done.stderr
    assert "make run PORT=" in done.stderr
    suggested = int(done.stderr.rsplit("PORT=", 1)[1].split()[0])
    assert suggested != port


def test_a_bad_port_is_a_usage_error():
    done = check_port("127.0.0.1", "http")
    assert done.returncode == 2 and "使い方" in done.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_honours_port_checks_it_first_and_prints_logins_once():
    done = subprocess.run(
        ["make", "-n", "run", "PORT=8123", "HOST=127.0.0.1"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    commands = [line for line in lines if "check-port" in line or "runserver" in line]
    assert "check-port 127.0.0.1 8123" in commands[0]
    assert commands[-1].endswith("runserver 127.0.0.1:8123")
    assert sum("demo-credentials.txt" in line for line in lines) == 1
    seed = [line for line in lines if "seed_demo" in line]
    assert seed and all("--no-logins" in line for line in seed)


@pytest.mark.django_db
def test_seed_demo_for_make_run_prints_no_logins(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo-credentials.txt")
    out = StringIO()
    call_command("seed_demo", "--no-logins", stdout=out)
    passwords = [row.split("\t")[1] for row in demo.CREDENTIALS_FILE.read_text().splitlines()]
    assert passwords and not any(p in out.getvalue() for p in passwords)
    assert "ログイン" not in out.getvalue()
