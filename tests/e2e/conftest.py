"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser)."""

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# to set up data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KOSEI_CHROMIUM", "/usr/bin/chromium")
OUTPUT_DIR = Path(os.environ.get("KOSEI_TEST_OUTPUT", "test-results"))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class _ServerRequests:
    """Requests the live server is answering, counted through Django's request signals.

    A page closed at the end of a test may leave requests behind it (an autosave beacon sent on
    pagehide, a preview in flight). If one is still inside a transaction when the live server's
    database is flushed for the next test, PostgreSQL refuses the TRUNCATE (deadlock) and every
    later test starts from stale rows; so a test ends only when the server is quiet.
    """

    def __init__(self):
        self.count = 0
        self.last_change = time.monotonic()
        self.lock = threading.Condition()
        request_started.connect(self.started, weak=False)
        request_finished.connect(self.finished, weak=False)

    def started(self, **kwargs):
        with self.lock:
            self.count += 1
            self.last_change = time.monotonic()

    def finished(self, **kwargs):
        with self.lock:
            self.count = max(0, self.count - 1)
            self.last_change = time.monotonic()
            self.lock.notify_all()

    def wait_until_quiet(self, quiet=0.3, timeout=15.0):
        deadline = time.monotonic() + timeout
        with self.lock:
            while time.monotonic() < deadline:
                idle_for = time.monotonic() - self.last_change
                if self.count == 0 and idle_for >= quiet:
                    return
                self.lock.wait(timeout=quiet if self.count == 0 else 0.1)


_server_requests = _ServerRequests()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()
    _server_requests.wait_until_quiet()


@pytest.fixture
def output_dir():
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR
