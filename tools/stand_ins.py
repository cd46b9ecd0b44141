"""Stand-ins for a control plane in tests and in scripts/chaos: a small HTTP server that is not the reference and a
proxy to the reference that revokes a provider credential during a run (an address where nothing listens:
support/runtime/ports.py); and the loopback server they (and tools/fake_hetzner.py) are built on."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class LoopbackServer:
    """An HTTP server on a free port of 127.0.0.1, serving `handler` in a thread of its own until close(). Its
    handlers reach this object as `self.server.owner`."""

    def __init__(self, handler: type, path: str = ""):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1, no access log on stderr; send() writes a whole answer."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status: int, body: bytes, headers: dict) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class StandIn(LoopbackServer):
    """A small HTTP server. `html404`: not Pressluft at all. `lookalike`: signs in but is not the
    reference (so it counts as a real target). `goes_silent`: signs in like the reference and then never
    answers another request. `session_token`: the cookie a sign-in gets."""

    def __init__(self, kind: str, session_token: str = "ab" * 32):
        self.kind, self.session_token = kind, session_token
        self.release = threading.Event()
        super().__init__(_StandInHandler)

    def close(self):
        self.release.set()
        super().close()


class _StandInHandler(QuietHandler):
    NOT_FOUND = (404, b"<html><body>Not Found</body></html>", {"Content-Type": "text/html"})

    def do_POST(self):
        stand_in = self.server.owner
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if stand_in.kind in ("lookalike", "goes_silent") and self.path == "/api/login":
            self.send(200, b'{"success": true}', {
                "Content-Type": "application/json",
                "Set-Cookie": f"session_token={stand_in.session_token}; Path=/; HttpOnly"})
        elif stand_in.kind == "goes_silent":
            stand_in.release.wait()
        else:
            self.send(*self.NOT_FOUND)

    def do_GET(self):
        stand_in = self.server.owner
        if stand_in.kind == "goes_silent" and self.path == "/_reference/capabilities":
            self.send(200, b'{"implementation": "pressluft_reference", "version": "0", '
                           b'"fault_injection": false, "faults": []}', {"Content-Type": "application/json"})
        elif stand_in.kind == "goes_silent":
            stand_in.release.wait()
        else:
            self.send(*self.NOT_FOUND)


class RevokingProxy(LoopbackServer):
    """Passes every request on to `upstream`, except that the `nth` provider connect (POST /api/providers) gets
    `token` instead of the credential it carries: an operator's credential the provider revokes while a run goes
    on (the run connects with it once, and cannot connect with it again)."""

    HOP_BY_HOP = ("host", "content-length", "connection", "transfer-encoding", "content-encoding", "keep-alive")

    def __init__(self, upstream: str, nth: int, token: str = "rejected-revoked-during-the-run"):
        self.upstream, self.nth, self.token = upstream, nth, token
        self.session = requests.Session()
        self.session.trust_env = False
        self._lock, self._connects = threading.Lock(), 0
        super().__init__(_ForwardingHandler)

    def revokes_this_connect(self) -> bool:
        with self._lock:
            self._connects += 1
            return self._connects == self.nth


class _ForwardingHandler(QuietHandler):
    def _forward(self):
        proxy = self.server.owner
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.command == "POST" and self.path == "/api/providers" and proxy.revokes_this_connect():
            body = json.dumps({**json.loads(body), "api_token": proxy.token}).encode()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in proxy.HOP_BY_HOP}
        answer = proxy.session.request(self.command, proxy.upstream + self.path, data=body or None, headers=headers,
                                       allow_redirects=False, timeout=30)
        self.send(answer.status_code, answer.content,
                  {k: v for k, v in answer.headers.items() if k.lower() not in proxy.HOP_BY_HOP})

    do_GET = do_POST = do_DELETE = _forward
