"""Secrets and a real target's addresses never reach the console, logs or reports: everything is redacted
before it is recorded.

A registry of known secret values (passwords, provider tokens, session cookie values) is kept for
the run; `redact_text` replaces each of them wherever it appears, and the structural helpers blank
the known secret-bearing headers and JSON fields whatever their value.

The registry also hides the addresses of a target that is not the embedded reference (`TargetAddresses`): the
target is named by its label (PRESSLUFT_TARGET_NAME, default "external target") wherever its base URL, host and
port would appear, so an exchange reads `GET <external target>/api/jobs` when it is shown with its address at all;
a preview address loses its host: `http://a1b2c3d4.203-0-113-5.sslip.io/wp-login.php` reads
`<preview of env a1b2c3d4>/wp-login.php`. The embedded reference's loopback address is not hidden: it is a
throwaway process of the run on 127.0.0.1, and nothing a reader could reach.
"""
from __future__ import annotations

import ipaddress
import re
import threading
from typing import Any, Iterable, Mapping, Optional
from urllib.parse import urlsplit

MASK = "«redacted»"
SECRET_HEADERS = {"cookie", "set-cookie", "authorization", "proxy-authorization"}
SECRET_FIELDS = {"api_token", "password", "session_token", "token", "secret"}
_SESSION_COOKIE = re.compile(r"(session_token=)[^;\s\"']+")
_MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words


PREVIEW_FIELD = "preview_url"


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_ENDS = r"(?![\w-]|\.\w)"  # the end of a name or address: pressluft.example, not pressluft.example.org


def preview_label(environment_id: Any = None) -> str:
    """What a hidden preview address shows instead of its scheme and host."""
    return f"<preview of env {str(environment_id)[:8]}>" if environment_id else "<preview address>"


def shown_preview_address(url: str, environment_id: Any = None) -> str:
    """A preview address as a run against a target other than the embedded one shows it (e.g. a smoke command,
    which always runs against its target as an external one): `<preview of env 1a2b3c4d>/path`."""
    parts = urlsplit(url)
    return preview_label(environment_id) + url[len(f"{parts.scheme}://{parts.netloc}"):] if parts.netloc else url


def _host_pattern(host: str) -> str:
    """`host` as a whole name or address, not part of a longer one (pressluft.example, not xpressluft.example.org)."""
    return rf"(?<![\w.-]){re.escape(host)}{_ENDS}"


class TargetAddresses:
    """The addresses of a target that is not the embedded reference, and what is shown instead.

    `name_target` is called once per run with the base URL and the target's label; from then on the base URL,
    its host and port show as `<label>`, and every preview address seen (`add_preview`, fed by the JSON answers
    recorded in the journal) shows without its host. Before `name_target` (the embedded reference) nothing is hidden.
    """

    def __init__(self):
        # applied in this order: the target's address, each preview address (host and port), then bare preview hosts
        self._target: list[tuple[re.Pattern, str]] = []
        self._preview_addresses: list[tuple[re.Pattern, str]] = []
        self._preview_hosts: list[tuple[re.Pattern, str]] = []
        self._previews: set[str] = set()
        self._lock = threading.Lock()
        self.label: Optional[str] = None

    @property
    def hiding(self) -> bool:
        return self.label is not None

    def name_target(self, base_url: Optional[str], label: str) -> None:
        """Hide this target's address behind `<label>` (and every preview address seen from now on)."""
        if not base_url:
            return
        parts = urlsplit(base_url)
        if not parts.hostname:
            return
        shown = f"<{label}>"
        netloc = parts.netloc.rsplit("@", 1)[-1]
        address = rf"{re.escape(parts.scheme)}://(?:[^/@\s]*@)?{re.escape(netloc)}"  # with or without user:password@
        rules = [(re.compile(address + re.escape(parts.path.rstrip("/")) + _ENDS, re.I), shown),  # API paths stay
                 (re.compile(address + _ENDS, re.I), shown), (re.compile(_host_pattern(netloc), re.I), shown)]
        if not _is_loopback(parts.hostname):  # a loopback host is everyone's: only its port makes it the target's
            rules.append((re.compile(_host_pattern(parts.hostname), re.I), shown))
        with self._lock:
            self.label = label
            self._target = rules + self._target

    def add_preview(self, url: Any, environment_id: Any = None) -> None:
        """A preview address of this target: shown from now on as `<preview of env 1a2b3c4d>` (its path kept)."""
        if not self.hiding or not isinstance(url, str):
            return
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return
        if not parts.hostname or parts.netloc in self._previews:
            return
        address = (re.compile(rf"(?<![\w.-])(?:https?://)?{re.escape(parts.netloc)}{_ENDS}", re.I),
                   preview_label(environment_id))
        with self._lock:
            self._previews.add(parts.netloc)
            self._preview_addresses.append(address)
            if not _is_loopback(parts.hostname):  # a name or address of its own (the sslip.io form); not 127.0.0.1
                self._preview_hosts.append((re.compile(_host_pattern(parts.hostname), re.I), "<preview host>"))

    def redact_text(self, text: Optional[str]) -> Optional[str]:
        if not text or not self.hiding:
            return text
        with self._lock:
            rules = self._target + self._preview_addresses + self._preview_hosts
        for pattern, shown in rules:
            text = pattern.sub(shown, text)
        return text

    def forget(self) -> None:
        """Nothing hidden any more (tests; a process that runs several targets one after the other)."""
        with self._lock:
            self._target, self._preview_addresses, self._preview_hosts = [], [], []
            self._previews, self.label = set(), None


class SecretRegistry:
    """The secret values known to this run, and the target addresses it hides (`TargetAddresses`)."""

    def __init__(self, values: Iterable[str] = (), addresses: Optional[TargetAddresses] = None):
        self._values: set[str] = set()
        self._lock = threading.Lock()
        self.addresses = addresses if addresses is not None else TargetAddresses()
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
        return self.addresses.redact_text(_SESSION_COOKIE.sub(lambda m: m.group(1) + MASK, text))

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
            if PREVIEW_FIELD in data:  # an environment: its preview address is hidden from now on
                self.addresses.add_preview(data[PREVIEW_FIELD], data.get("id"))
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
# The one registry of the process, on purpose (the run's other state lives on its operator): every line anything of
# the process writes is redacted through it, behave's formatters, the hooks before a run exists and the tools
# included, and a secret once known stays hidden for the rest of the process, whichever run read it.
secrets = SecretRegistry()
