"""Serves an HTML report folder on loopback until Ctrl-C: `scripts/report --open`.

    python -m tools.serve_report DIR [PORT]

Allure 3's report is a folder whose index.html loads its data over HTTP (opened from disk it shows only a spinner);
this is the local server that opens it. PORT 0 (the default) takes a free one; the first line says where.
"""
from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line of ours, not one per file the browser loads
        pass


def serve(folder: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_Quiet, directory=str(folder))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2 or not (len(argv) == 1 or argv[1].isdigit()):
        print("usage: python -m tools.serve_report DIR [PORT]", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    if not (folder / "index.html").is_file():
        print(f"report: error: no report in {folder}", file=sys.stderr)
        return 1
    try:
        server = serve(folder, int(argv[1]) if len(argv) == 2 else 0)
    except OSError as error:
        print(f"report: error: cannot serve on port {argv[1] if len(argv) == 2 else 0}: {error.strerror}",
              file=sys.stderr)
        return 1
    print(f"report: open http://127.0.0.1:{server.server_address[1]}/ in a browser (serving {folder}; Ctrl-C stops)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
