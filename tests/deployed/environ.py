"""WSGI environs built the way real servers build them, and a call through the deployed app.

`gunicorn_environ` parses a raw HTTP request with gunicorn's own parser and environ builder
(what production runs); `wsgiref_environ` does the same with the standard library's handler,
which `manage.py runserver` (and so `make run`) is built on and which, unlike gunicorn, accepts
raw UTF-8 in the request line. `call` hands the environ to `config.wsgi.application`, the
object gunicorn loads, with every wrapper and middleware of the settings in play.
"""

from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    status_line: str = ""  # as the application gave it ("200 OK")

    def text(self) -> str:
        return self.body.decode("utf-8")


def raw_request(
    target: bytes | str, method: str = "GET", host: str = "testserver", headers=()
) -> bytes:
    """An HTTP/1.1 request; `target` as bytes goes on the wire as is (raw UTF-8 included)."""
    if isinstance(target, str):
        target = target.encode("ascii")  # a str target must already be percent-encoded
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: " + host.encode()]
    lines += [f"{name}: {value}".encode("latin-1") for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


class _Socket:
    def send(self, data):
        return len(data)

    sendall = send


def gunicorn_environ(request: bytes) -> dict:
    from gunicorn.config import Config
    from gunicorn.http import wsgi
    from gunicorn.http.parser import RequestParser

    cfg = Config()
    message = next(RequestParser(cfg, iter([request]), ("127.0.0.1", 40000)))
    _, environ = wsgi.create(message, _Socket(), ("127.0.0.1", 40000), "127.0.0.1:8000", cfg)
    return environ


def wsgiref_environ(request: bytes) -> dict:
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.rfile = io.BytesIO(request)
    handler.wfile = io.BytesIO()
    handler.client_address = ("127.0.0.1", 40000)
    server = WSGIServer.__new__(WSGIServer)
    server.server_name, server.server_port = "localhost", 8000
    server.setup_environ()
    handler.server = server
    handler.raw_requestline = handler.rfile.readline(65537)
    if not handler.parse_request():
        raise ValueError(f"wsgiref refused the request: {request[:80]!r}")
    environ = handler.get_environ()
    environ.update({"wsgi.input": handler.rfile, "wsgi.errors": io.StringIO()})
    environ.update({"wsgi.version": (1, 0), "wsgi.url_scheme": "http"})
    environ.update({"wsgi.multithread": False, "wsgi.multiprocess": False})
    environ.update({"wsgi.run_once": False})
    return environ


# The CGI variables a server sets from the request; the application must hand them on as
# they came (PEP 3333: latin-1 text of the raw bytes).
CGI_KEYS = ("PATH_INFO", "SCRIPT_NAME", "QUERY_STRING", "REQUEST_METHOD", "HTTP_HOST")


def call(environ: dict, app=None) -> Answer:
    """One request through the deployed WSGI application, inside the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    if app is None:
        from config.wsgi import application as app

    sent = {}

    def start_response(status, headers, exc_info=None):
        sent["status"], sent["headers"] = status, headers

    # As Django's test client does: the test's transaction must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status = int(sent["status"].split(" ", 1)[0])
    return Answer(status, dict(sent["headers"]), body, sent["status"])
