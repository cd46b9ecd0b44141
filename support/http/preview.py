"""A preview address as a browser sees it before following any redirect: 200, 301 and 302 count as reachable
(the spec's AC-1)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import requests

from support.http.client import describe_connection_error
from support.http.journal import Journal

REACHABLE_PREVIEW_STATUSES = (200, 301, 302)  # a preview answers: what a browser gets before any redirect


def looking_at(url: str) -> str:
    """The command of a look at a preview address, as a verdict names it: `GET <url>`."""
    return f"GET {url}"


@dataclass(frozen=True)
class PreviewAnswer:
    """What a preview address answered to one GET, not followed: its status (None: no HTTP answer), the answer in words
    (`200`, `connection refused`) and its body, what a browser would show."""

    url: str
    status: Optional[int]
    said: str
    body: str = ""

    @property
    def reachable(self) -> bool:
        """200, 301 or 302: a preview that answers."""
        return self.status in REACHABLE_PREVIEW_STATUSES

    @property
    def command(self) -> str:
        return looking_at(self.url)


class PreviewProbe:
    """GETs of a preview address the way a browser sees it before following any redirect."""

    def __init__(self, journal: Journal, *, connect_timeout: float = 3.0, read_timeout: float = 5.0):
        self.journal = journal
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.session = requests.Session()
        self.session.trust_env = False

    def get(self, url: str, *, max_time: Optional[float] = None) -> PreviewAnswer:
        """One GET, not followed, within `max_time` seconds when given. Never raises for network trouble."""
        connect, read = self.connect_timeout, self.read_timeout
        if max_time is not None:
            connect, read = max(0.2, min(connect, max_time)), max(0.2, min(read, max_time))
        started = time.monotonic()
        try:
            response = self.session.get(url, timeout=(connect, read), allow_redirects=False)
        except requests.RequestException as exc:
            why = describe_connection_error(exc)
            self.journal.record("GET", url, error=why, elapsed=time.monotonic() - started)
            return PreviewAnswer(url, None, why)
        self.journal.record("GET", url, status=response.status_code, response_headers=dict(response.headers),
                            response_body=response.text[:500], elapsed=time.monotonic() - started)
        return PreviewAnswer(url, response.status_code, str(response.status_code), response.text)
