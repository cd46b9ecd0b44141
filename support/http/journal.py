"""The journal: every HTTP exchange of the run, redacted at the moment it is recorded.

Reporting attaches the exchanges of each step; diagnostics show the last ones under a failure.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from support.verdicts.redaction import SecretRegistry
from support.verdicts.redaction import secrets as default_secrets

MAX_BODY = 2000


@dataclass
class Exchange:
    method: str
    target: str                        # the path for API calls, the full URL for anything else
    request_headers: dict = field(default_factory=dict)
    request_body: Optional[str] = None
    status: Optional[int] = None
    response_headers: dict = field(default_factory=dict)
    response_body: Optional[str] = None
    error: Optional[str] = None         # "connection refused", "timed out", …
    elapsed: float = 0.0
    note: str = ""                      # e.g. "retry 2 of GET", "re-submit after conflict"
    started: float = field(default_factory=time.time)

    @property
    def command(self) -> str:
        return f"{self.method} {self.target}"

    @property
    def outcome(self) -> str:
        return str(self.status) if self.status is not None else (self.error or "no answer")

    def render(self, body_limit: int = MAX_BODY) -> str:
        lines = [f"> {self.command}" + (f"   [{self.note}]" if self.note else "")]
        if self.request_body:
            lines.append(f"> {_short(self.request_body, body_limit)}")
        lines.append(f"< {self.outcome} ({self.elapsed * 1000:.0f} ms)")
        if self.response_body:
            lines.append(f"< {_short(self.response_body, body_limit)}")
        return "\n".join(lines)


def _short(text: str, limit: int = MAX_BODY) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


class Journal:
    """An append-only, redacted record of exchanges, with bookmarks for "since this step began"."""

    def __init__(self, registry: SecretRegistry = default_secrets):
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self.secrets = registry

    def record(self, method: str, target: str, *, request_headers=None, request_body: Any = None,
               status=None, response_headers=None, response_body: Any = None, error=None,
               elapsed: float = 0.0, note: str = "") -> Exchange:
        exchange = Exchange(
            method=method, target=self.secrets.redact_text(target),
            request_headers=self.secrets.redact_headers(request_headers),
            request_body=self._body(request_body), status=status,
            response_headers=self.secrets.redact_headers(response_headers),
            response_body=self._body(response_body), error=error, elapsed=elapsed, note=note)
        with self._lock:
            self._exchanges.append(exchange)
        return exchange

    def _body(self, body: Any) -> Optional[str]:
        if body is None or body == "" or body == b"":
            return None
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                return self.secrets.redact_text(body)
        return self.secrets.redact_text(json.dumps(self.secrets.redact_json(body), sort_keys=True, ensure_ascii=False))

    def mark(self) -> int:
        with self._lock:
            return len(self._exchanges)

    def since(self, mark: int) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges[mark:])

    def last(self, count: int = 1) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges[-count:]) if count else []

    def __len__(self) -> int:
        with self._lock:
            return len(self._exchanges)
