"""Fixtures for the unit tests of support/: a tiny scripted HTTP server and a silent socket."""
from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support.http.journal import Journal
from support.verdicts.redaction import SecretRegistry


class FakeServer:
    """Answers each (method, path) from a script: a list of (status, body, headers) used in order."""

    def __init__(self):
        self.script: dict = {}
        self.requests: list = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                server.requests.append((self.command, self.path, dict(self.headers), body))
                answers = server.script.get((self.command, self.path)) or [(404, {"code": "not_found",
                                                                               "message": "nothing here"}, {})]
                status, payload, headers = answers.pop(0) if len(answers) > 1 else answers[0]
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                self.send_response(status)
                content_type = "text/html" if isinstance(payload, str) else "application/json"
                self.send_header("Content-Type", headers.pop("Content-Type", content_type) if headers else
                                 content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def on(self, method: str, path: str, *answers):
        self.script[(method, path)] = [(a[0], a[1], dict(a[2]) if len(a) > 2 else {}) for a in answers]

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p, _, _ in self.requests if (m, p) == (method, path))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake_server():
    server = FakeServer()
    yield server
    server.close()


@pytest.fixture
def silent_socket():
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


@pytest.fixture
def registry():
    return SecretRegistry()


@pytest.fixture
def journal(registry):
    return Journal(registry)
