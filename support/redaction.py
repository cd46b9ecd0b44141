"""Secrets never reach the console, logs or reports: everything is redacted before it is recorded.

A registry of known secret values (passwords, provider tokens, session cookie values) is kept for
the run; `redact_text` replaces each of them wherever it appears, and the structural helpers blank
the known secret-bearing headers and JSON fields whatever their value.
"""
from __future__ import annotations

import re
import threading
from typing import Any, Iterable, Mapping

MASK = "«redacted»"
SECRET_HEADERS = {"cookie", "set-cookie", "authorization", "proxy-authorization"}
SECRET_FIELDS = {"api_token", "password", "session_token", "token", "secret"}
_SESSION_COOKIE = re.compile(r"(session_token=)[^;\s\"']+")
_MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words


class SecretRegistry:
    """The secret values known to this run."""

    def __init__(self, values: Iterable[str] = ()):
        self._values: set[str] = set()
        self._lock = threading.Lock()
        for value in values:
            self.add(value)

    def add(self, value: str | None) -> None:
        if value and len(value) >= _MIN_SECRET_LENGTH:
            with self._lock:
                self._values.add(value)

    def values(self) -> list[str]:
        with self._lock:
            return sorted(self._values, key=len, reverse=True)  # longest first: no partial leftovers

    def redact_text(self, text: str | None) -> str | None:
        if not text:
            return text
        for value in self.values():
            text = text.replace(value, MASK)
        return _SESSION_COOKIE.sub(lambda m: m.group(1) + MASK, text)

    def redact_headers(self, headers: Mapping[str, str] | None) -> dict:
        result = {}
        for name, value in (headers or {}).items():
            if name.lower() in SECRET_HEADERS:
                result[name] = _redact_cookie_header(value)
            else:
                result[name] = self.redact_text(str(value))
        return result

    def redact_json(self, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: (MASK if key in SECRET_FIELDS and value not in (None, "") else self.redact_json(value))
                    for key, value in data.items()}
        if isinstance(data, list):
            return [self.redact_json(item) for item in data]
        if isinstance(data, str):
            return self.redact_text(data)
        return data


def _redact_cookie_header(value: str) -> str:
    """Keep the cookie names and attributes (useful to read), blank every value."""
    parts = []
    for part in str(value).split(";"):
        name, sep, _ = part.partition("=")
        attribute = name.strip().lower() in {"path", "expires", "max-age", "domain", "samesite"}
        parts.append(part if not sep or attribute else f"{name}={MASK}")
    return ";".join(parts)


# The registry of this process. The client, the reporting and the diagnostics all use it.
secrets = SecretRegistry()
