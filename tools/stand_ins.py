"""Stand-ins for a control plane in tests and in scripts/chaos: a small HTTP server that is not the reference (an
address where nothing listens: support/runtime/ports.py)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class StandIn:
    """A small HTTP server. `html404`: not Pressluft at all. `lookalike`: signs in but is not the
    reference (so it counts as a real target). `goes_silent`: signs in like the reference and then never
    answers another request. `session_token`: the cookie a sign-in gets."""

    def __init__(self, kind: str, session_token: str = "ab" * 32):
        release = self.release = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if kind in ("lookalike", "goes_silent") and self.path == "/api/login":
                    self._send(200, b'{"success": true}', "application/json",
                               {"Set-Cookie": f"session_token={session_token}; Path=/; HttpOnly"})
                elif kind == "goes_silent":
                    release.wait()
                else:
                    self._send(404, b"<html><body>Not Found</body></html>", "text/html")

            def do_GET(self):
                if kind == "goes_silent" and self.path == "/_reference/capabilities":
                    self._send(200, b'{"implementation": "pressluft_reference", "version": "0", '
                                    b'"fault_injection": false, "faults": []}', "application/json")
                elif kind == "goes_silent":
                    release.wait()
                else:
                    self._send(404, b"<html><body>Not Found</body></html>", "text/html")

            def _send(self, status, body, content_type, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class RevokingProxy:
    """Passes every request on to `upstream`, except that the `nth` provider connect (POST /api/providers) gets
    `token` instead of the credential it carries: an operator's credential the provider revokes while a run goes
    on (the run connects with it once, and cannot connect with it again)."""

    HOP_BY_HOP = ("host", "content-length", "connection", "transfer-encoding", "content-encoding", "keep-alive")

    def __init__(self, upstream: str, nth: int, token: str = "rejected-revoked-during-the-run"):
        session = requests.Session()
        session.trust_env = False
        lock, connects = threading.Lock(), [0]
        hop_by_hop = self.HOP_BY_HOP

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.command == "POST" and self.path == "/api/providers":
                    with lock:
                        connects[0] += 1
                        revoked = connects[0] == nth
                    if revoked:
                        body = json.dumps({**json.loads(body), "api_token": token}).encode()
                headers = {k: v for k, v in self.headers.items() if k.lower() not in hop_by_hop}
                answer = session.request(self.command, upstream + self.path, data=body or None, headers=headers,
                                         allow_redirects=False, timeout=30)
                self.send_response(answer.status_code)
                for name, value in answer.headers.items():
                    if name.lower() not in hop_by_hop:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_DELETE = _forward

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
