"""The HTTP layer of the control plane: body limits, auth before routing, envelopes, request log."""

import json
import socket
import sys
import time
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from . import log, twins
from .errors import ApiError, bad_request, unauthorized

MAX_BODY = 1024 * 1024
MAX_DRAINED = 16 * MAX_BODY  # an oversized body up to this size is read and dropped, so the client sees the 413
SESSION_COOKIE = "session_token"


class Request:
    def __init__(self, runtime, params, body, token=None):
        self.runtime = runtime
        self.params = params
        self.body = body
        self.token = token


class Response:
    def __init__(self, status: int, payload=None, headers=()):
        self.status = status
        self.payload = payload
        self.headers = list(headers)


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, runtime):
        self.runtime = runtime
        super().__init__(address, ApiHandler)

    def handle_error(self, request, client_address):
        log.event("connection_error", client=client_address[0], error=repr(sys.exc_info()[1]))


class ApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pressluft_reference"

    def version_string(self):
        return self.server_version

    def setup(self):
        super().setup()
        # Headers and body are written separately; without NODELAY, Nagle + delayed ACK add ~40 ms per answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format, *args):
        pass  # replaced by the one-line event=request log

    def send_error(self, code, message=None, explain=None):
        """http.server's own refusals (bad request line, unknown method, huge headers) as JSON envelopes."""
        if code == 501:
            code, message = 405, "method not allowed"
        envelope = {"code": "bad_request" if code < 500 else "internal_error",
                    "message": message or self.responses.get(code, ("error",))[0]}
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # unparsable request line: still answer with a status line
            self.request_version = "HTTP/1.0"
        self._send(Response(code, envelope))
        log.event("request", method=self.command, path=getattr(self, "path", None), status=code, duration_ms=0)

    def _handle(self):
        started = time.monotonic()
        runtime = self.server.runtime
        path = unquote(urlsplit(self.path).path)
        try:
            response = self._dispatch(runtime, path)
        except ApiError as exc:
            response = Response(exc.status, exc.body())
        except Exception as exc:  # noqa: BLE001 - a bug must still answer an envelope, never a dropped connection
            log.event("internal_error", method=self.command, path=path, error=repr(exc))
            response = Response(500, {"code": "internal_error", "message": "internal error"})
        self._send(response)
        log.event("request", method=self.command, path=path, status=response.status,
                  duration_ms=int((time.monotonic() - started) * 1000))

    def _dispatch(self, runtime, path) -> Response:
        body = self._read_body()
        if path == "/_reference" or path.startswith("/_reference/"):
            handler, params = runtime.reference_router.resolve(self.command, path)
            return handler(Request(runtime, params, body))
        runtime.faults.apply_http(self.command, path)
        if path == "/api" or path.startswith("/api/"):
            token = None
            if path != "/api/login":
                token = self._session_token()
                if runtime.sessions.user_for(token) is None:
                    raise unauthorized()
            handler, params = runtime.api_router.resolve(self.command, path)
            response = handler(Request(runtime, params, body, token))
            response.payload = twins.shown(runtime, response.payload)
            return response
        return runtime.dashboard(self.command, path)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise bad_request("chunked request bodies are not supported; send Content-Length")
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            return b""
        try:
            length = int(length_header)
            if length < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            raise bad_request("invalid Content-Length") from None
        if length > MAX_BODY:
            self.close_connection = True
            if length <= MAX_DRAINED:
                while length > 0:
                    chunk = self.rfile.read(min(length, 65536))
                    if not chunk:
                        break
                    length -= len(chunk)
            raise ApiError(413, "bad_request", "request body too large (limit 1 MiB)")
        body = self.rfile.read(length)
        if len(body) != length:
            self.close_connection = True
            raise bad_request("incomplete request body")
        return body

    def _session_token(self):
        raw = self.headers.get("Cookie")
        if not raw:
            return None
        try:
            morsel = SimpleCookie(raw).get(SESSION_COOKIE)
        except CookieError:
            return None
        return morsel.value if morsel else None

    def _send(self, response: Response):
        payload = response.payload
        content_type = "application/json"
        if isinstance(payload, Html):
            data, content_type = payload.text.encode(), "text/html; charset=utf-8"
        elif isinstance(payload, Text):
            data, content_type = payload.text.encode(), "text/plain; charset=utf-8"
        else:
            data = json.dumps(payload).encode()
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in response.headers:
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Html:
    def __init__(self, text: str):
        self.text = text


class Text:
    def __init__(self, text: str):
        self.text = text
