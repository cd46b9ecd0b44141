"""A preview address as a browser sees it before following any redirect: 200, 301 and 302 count as reachable
(the spec's AC-1)."""
from __future__ import annotations

import time
from typing import Optional

import requests

from support.http.client import describe_connection_error
from support.http.journal import Journal

REACHABLE_PREVIEW_STATUSES = (200, 301, 302)  # a preview answers: what a browser gets before any redirect


def looking_at(url: str) -> str:
    """The command of a look at a preview address, as a verdict names it: `GET <url>`."""
    return f"GET {url}"


class PreviewProbe:
    """GETs of a preview address the way a browser sees it before following any redirect."""

    def __init__(self, journal: Journal, *, connect_timeout: float = 3.0, read_timeout: float = 5.0):
        self.journal = journal
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.session = requests.Session()
        self.session.trust_env = False

    def get(self, url: str, *, max_time: Optional[float] = None) -> tuple[Optional[int], str, str]:
        """Returns (status or None, last answer as text, body). Never raises for network trouble."""
        connect, read = self.connect_timeout, self.read_timeout
        if max_time is not None:
            connect, read = max(0.2, min(connect, max_time)), max(0.2, min(read, max_time))
        started = time.monotonic()
        try:
            response = self.session.get(url, timeout=(connect, read), allow_redirects=False)
        except requests.RequestException as exc:
            why = describe_connection_error(exc)
            self.journal.record("GET", url, error=why, elapsed=time.monotonic() - started)
            return None, why, ""
        self.journal.record("GET", url, status=response.status_code, response_headers=dict(response.headers),
                            response_body=response.text[:500], elapsed=time.monotonic() - started)
        return response.status_code, str(response.status_code), response.text
