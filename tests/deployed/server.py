"""The application as deployed: a site built the way an operator builds it, behind gunicorn.

`build_site` creates a database of its own (an SQLite file, or a PostgreSQL database beside the
suite's when DATABASE_URL points at PostgreSQL), migrates it, collects static files and runs
`import_jekyll` on a Jekyll folder, all with the production settings (DEBUG off, no test
settings: PYTEST_VERSION is removed from the environment). `Gunicorn` serves it with
`config.wsgi:application`, as the deploy runs it; `fetch` speaks HTTP over a socket, so the
request line goes on the wire exactly as given (raw UTF-8 included).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests import environment

ROOT = Path(__file__).resolve().parents[2]
HOST = "ai-media.co.jp"
SITE_URL = f"https://{HOST}"

# The variables a test run may have set that would change what the deployed site does: pytest's
# own, and every settings variable the suite pins or clears (tests/environment.py), so the site
# runs with settings.py's production defaults plus what `build_site` and `Gunicorn` set. Only the
# database variables (environment.SHELL_OWNED) pass through; `build_site` sets DATABASE_URL.
_DROPPED = (
    "PYTEST_VERSION",
    "PYTEST_CURRENT_TEST",
    "DJANGO_SETTINGS_MODULE",
    *environment.PINNED,
    *environment.CLEARED,
)


@dataclass
class Site:
    env: dict[str, str]
    drop_database: object = None
    log: list[str] = field(default_factory=list)

    def manage(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        self.log.append(done.stdout + done.stderr)
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def close(self) -> None:
        if self.drop_database is not None:
            self.drop_database()


def _database(tmp: Path) -> tuple[str, object]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'site.sqlite3'}", None
    import psycopg

    parts = urlsplit(url)
    name = f"kosei_deployed_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path="/" + name)), drop


def build_site(tmp: Path, jekyll_dir: Path) -> Site:
    database_url, drop = _database(tmp)
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env.update(
        {
            "DJANGO_SECRET_KEY": "deployed-test-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "SITE_URL": SITE_URL,
            "DATABASE_URL": database_url,
            "STATIC_ROOT": str(tmp / "static"),
            "MEDIA_ROOT": str(tmp / "media"),
            "OGP_CARDS_ON_SAVE": "0",  # cards are drawn by their own tests; not needed here
        }
    )
    site = Site(env=env, drop_database=drop)
    try:
        site.manage("migrate", "--noinput")
        site.manage("collectstatic", "--noinput")
        site.manage("import_jekyll", str(jekyll_dir), "--status", "published", "--jobs", "1")
    except BaseException:
        site.close()
        raise
    return site


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class Server:
    """A server process for `site` on a free port, answering over a socket once it is up."""

    name = "server"
    output_is_log = True  # False: the server writes its own log to log_path

    def __init__(self, site: Site, tmp: Path, **env: str):
        self.port = _free_port()
        self.log_path = tmp / f"{self.name}-{self.port}.log"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env={**site.env, **env},
                stdout=log if self.output_is_log else subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.fetch(b"/robots.txt")
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{self.name} did not start:\n" + self.log()) from None
                time.sleep(0.2)

    def command(self) -> list[str]:
        raise NotImplementedError

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def fetch(self, target: bytes | str, method: str = "GET", host: str = HOST, headers=()):
        """One request on a new connection; as nginx passes it on (X-Forwarded-Proto: https)."""
        if isinstance(target, str):
            target = target.encode("ascii")
        head = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: " + host.encode(),
                b"X-Forwarded-Proto: https", b"Connection: close"]  # fmt: skip
        head += [f"{name}: {value}".encode("latin-1") for name, value in headers]
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as conn:
            conn.sendall(b"\r\n".join(head) + b"\r\n\r\n")
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        raw = b"".join(chunks)
        header_block, _, body = raw.partition(b"\r\n\r\n")
        lines = header_block.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers_out = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers_out[name.strip().lower()] = value.strip()
        return Response(status, headers_out, body)


class Gunicorn(Server):
    """gunicorn serving config.wsgi:application for `site`, as the deploy runs it."""

    name = "gunicorn"
    output_is_log = False  # its error log only: Django's console logging is not checked

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
            "--error-logfile", str(self.log_path), "--log-level", "warning",
        ]  # fmt: skip


class Runserver(Server):
    """`manage.py runserver` with DJANGO_DEBUG=1, as `make run` serves the site."""

    name = "runserver"

    def __init__(self, site: Site, tmp: Path, **env: str):
        super().__init__(site, tmp, DJANGO_DEBUG="1", **env)

    def command(self) -> list[str]:
        return [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"]
