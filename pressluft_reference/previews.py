"""One real HTTP listener per environment, on 127.0.0.1, serving a page with the env's current content.

The port is allocated when the environment is created and kept bound (without listening, so connections
are refused) while the environment is not serving; it starts listening when the environment is active.
"""

import contextlib
import html
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import log
from .defects import active as defective
from .store import row

SERVING_STATUSES = ("active", "restoring")
SILENT_AT_MOST = 120.0  # a `silent` preview holds a connection unanswered at most so long
RESTORED = ("SELECT 1 AS restored FROM jobs WHERE environment_id = ? AND job_type = 'env_restore' "
            "AND status = 'succeeded'")


def _fault_now(runtime, environment_id, environment) -> dict:
    """The preview fault covering that environment (of its site, slug and type); one set `after_restore` only once a
    restore of that environment has succeeded."""
    fault = runtime.faults.preview_for(environment_id, environment["site_id"], environment["site_slug"],
                                       environment["environment_type"]) or {}
    if fault.get("after_restore") and runtime.store.one(RESTORED, (environment_id,)) is None:
        return {}
    return fault


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, port: int, runtime, environment_id=None):
        super().__init__(("127.0.0.1", port), PreviewHandler, bind_and_activate=False)
        self.runtime = runtime
        self.environment_id = environment_id
        self.listening = False
        self.thread = None
        try:
            self.server_bind()
        except OSError:
            self.server_close()
            raise

    def handle_error(self, request, client_address):
        log.event("preview_connection_error", environment_id=self.environment_id, error=repr(sys.exc_info()[1]))

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self):
        self.server_activate()
        self.listening = True
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                       name=f"preview-{self.port}", daemon=True)
        self.thread.start()

    def stop(self):
        if self.listening:
            self.shutdown()
        self.server_close()


class PreviewHandler(BaseHTTPRequestHandler):
    server_version = "pressluft_reference_preview"

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        runtime = self.server.runtime
        environment = runtime.store.one(
            "SELECT e.name AS env_name, e.slug AS env_slug, e.content, e.site_id, e.environment_type, "
            "s.name AS site_name, s.slug AS site_slug "
            "FROM environments e JOIN sites s ON s.id = e.site_id WHERE e.id = ?", (self.server.environment_id,))
        if environment is None:
            return self._answer(404, "<h1>Not found</h1>")
        fault = _fault_now(runtime, self.server.environment_id, environment)
        if fault.get("silent"):
            return self._stay_silent(runtime, environment)
        if fault.get("delay_seconds"):
            time.sleep(fault["delay_seconds"])
        status = fault.get("status") or 200
        if status in (301, 302) and defective(runtime, "redirects_answered_as_307"):
            status = 307
        elif status in (301, 302) and defective(runtime, "redirects_answered_as_200"):
            status = 200
        elif (status in (303, 307, 308) or 400 <= status < 500) and defective(runtime, "other_answers_answered_as_302"):
            status = 302
        location = fault.get("location") or ("/" if 300 <= status < 400 else None)
        self._answer(status, _page(environment), location)

    def _stay_silent(self, runtime, environment):
        """Accepts the connection and never answers: until the fault is lifted (then the connection is closed
        unanswered), or SILENT_AT_MOST seconds have passed."""
        until = time.monotonic() + SILENT_AT_MOST
        while time.monotonic() < until and _fault_now(runtime, self.server.environment_id, environment).get("silent"):
            time.sleep(0.05)
        self.close_connection = True

    def _answer(self, status: int, body: str, location=None):
        data = body.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if location:
                self.send_header("Location", location)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_HEAD = do_GET


def _page(environment: dict) -> str:
    site, env = html.escape(environment["site_name"]), html.escape(environment["env_name"])
    content = html.escape(environment["content"])
    return (f"<!doctype html><html><head><title>{site} – {env}</title></head><body>"
            f"<h1>{site}</h1><p class=\"environment\">Environment: {env} ({html.escape(environment['env_slug'])})</p>"
            f"<div class=\"content\">{content}</div></body></html>")


class Previews:
    def __init__(self, runtime):
        self.runtime = runtime
        self._lock = threading.Lock()
        self._servers = {}  # environment id → PreviewServer (bound; listening while serving)
        self._down = set()  # environments whose preview a mutant took down for good (restored_preview_down)

    @contextlib.contextmanager
    def reserved(self):
        """A bound, not yet listening server on a free port, for an environment about to be created in the block;
        stopped when the block raises before `adopt` handed it to an environment."""
        server = PreviewServer(0, self.runtime)
        try:
            yield server
        except BaseException:
            if server.environment_id is None:
                server.stop()
            raise

    def adopt(self, environment_id: str, server: PreviewServer, conn):
        """Hands a reserved server to the environment created in the open transaction `conn`."""
        with self._lock:
            server.environment_id = environment_id
            self._servers[environment_id] = server
        self.sync(environment_id, conn)

    def sync(self, environment_id, conn=None):
        """Makes the listener match the environment's status and the preview faults.

        Job transitions call this inside their transaction (`conn`), so a client never sees an environment
        `active` before its listener accepts connections, nor `failed` while it still answers. Lock order:
        the store's lock before this one, never the reverse.
        """
        if not environment_id:
            return
        query = ("SELECT e.site_id, e.status, e.preview_port, e.environment_type, s.slug AS site_slug "
                 "FROM environments e LEFT JOIN sites s ON s.id = e.site_id WHERE e.id = ?")
        found = row(conn, query, (environment_id,)) if conn else self.runtime.store.one(query, (environment_id,))
        if found is None:
            return
        fault = self.runtime.faults.preview_for(environment_id, found["site_id"], found["site_slug"],
                                                found["environment_type"]) or {}
        serving = (found["status"] in SERVING_STATUSES and not fault.get("refuse") and environment_id not in self._down
                   and not (found["environment_type"] != "production"
                            and defective(self.runtime, "clone_preview_not_served"))
                   and not (found["environment_type"] == "staging"
                            and defective(self.runtime, "staging_preview_not_served")))
        with self._lock:
            server = self._servers.get(environment_id) or self._bind(environment_id, found["preview_port"])
            if serving and not server.listening:
                server.start()
                log.event("preview", environment_id=environment_id, port=server.port, state="listening")
            elif not serving and server.listening:
                server.stop()
                log.event("preview", environment_id=environment_id, port=server.port, state="closed")
                server = self._bind(environment_id, server.port)
        if server.port != found["preview_port"]:
            self._record_port(environment_id, server.port, conn)

    def take_down(self, environment_id):
        """Closes that preview for the rest of the process (the mutant restored_preview_down); `sync` applies it."""
        self._down.add(environment_id)

    def sync_all(self):
        for found in self.runtime.store.all("SELECT id FROM environments ORDER BY seq"):
            self.sync(found["id"])

    def close_all(self):
        with self._lock:
            servers, self._servers = list(self._servers.values()), {}
        # all at once: each listener takes up to its poll interval to notice the shutdown
        stoppers = [threading.Thread(target=server.stop, daemon=True) for server in servers]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join(timeout=5)

    def _bind(self, environment_id, port) -> PreviewServer:
        """Binds the stored port again (after a restart or a refuse fault); a taken port gets a new one."""
        try:
            server = PreviewServer(port, self.runtime, environment_id)
        except OSError:
            server = PreviewServer(0, self.runtime, environment_id)
            log.event("preview", environment_id=environment_id, port=server.port, state="rebound",
                      previous_port=port)
        self._servers[environment_id] = server
        return server

    def _record_port(self, environment_id, port, conn):
        update = "UPDATE environments SET preview_port = ? WHERE id = ?"
        if conn:
            conn.execute(update, (port, environment_id))
            return
        with self.runtime.store.tx() as own:
            own.execute(update, (port, environment_id))
