"""An Allure report in headless Chromium, as a reader sees it: served over HTTP on 127.0.0.1, rendered, and read
as the text a reader sees (the report tests: test_html_report.py, test_fresh_clone.py)."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import threading
from html.parser import HTMLParser
from pathlib import Path

# the browser: Debian's chromium (scripts/setup --tests installs it as root with apt), or any Chrome
CHROMIUM = os.environ.get("PRESSLUFT_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def have_chromium() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@contextlib.contextmanager
def serve(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def dump_dom(url: str, profile: Path) -> str:
    assert os.path.isfile(CHROMIUM), f"{CHROMIUM} is required in CI (scripts/setup --tests installs it)"
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}",
        # let the single-page app fetch its data and render before the DOM is dumped
        "--virtual-time-budget=15000", "--dump-dom", url,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


class _VisibleText(HTMLParser):
    """Text of the rendered DOM outside <script>, <style>, <template> and <noscript>."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.chunks.append(data)


def visible_lines(dom: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(dom)
    return [" ".join(c.split()) for c in parser.chunks if c.strip()]
