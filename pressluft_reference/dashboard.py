"""The non-API pages: 200 HTML like the real dashboard (digest §2.0; GET / is the liveness probe)."""

from .httpapi import Html, Response, Text

DASHBOARD_PAGES = ("/", "/providers", "/nodes", "/sites", "/jobs")


def page(method: str, path: str) -> Response:
    """`/`, `/providers`, `/nodes`, `/sites`, `/jobs` and `/sites/{id}` answer HTML; anything else a plain 404."""
    parts = path.strip("/").split("/")
    known = path in DASHBOARD_PAGES or (len(parts) == 2 and parts[0] == "sites" and parts[1] and
                                        not path.endswith("/"))
    if not known:
        return Response(404, Text("404 page not found\n"))
    if method not in ("GET", "HEAD"):
        return Response(405, Text("method not allowed\n"))
    title = path.strip("/") or "dashboard"
    return Response(200, Html(f"<!doctype html><html><head><title>Pressluft reference – {title}</title></head>"
                              f"<body><h1>Pressluft reference control plane</h1><p>{title}</p></body></html>"))
