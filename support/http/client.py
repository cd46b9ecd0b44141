"""The HTTP client of the suite: a requests.Session with explicit timeouts and a journal.

* Every call has a connect and a read timeout.
* Every exchange is recorded, redacted, in the journal (including each retry).
* GETs are retried on connection errors and 502/503/504, up to 8 tries within 12 s (tenacity);
  POSTs are never repeated blindly.
* `Answer.category` is the one mapping of an unexpected answer to a failure category.
* Calls that make Pressluft probe its provider nodes over SSH before it answers (`PROBING_CALLS`) get 30 s more
  read timeout per provider node the target has (`ProviderNodes`: learnt from the listings the run makes), and a
  spent read timeout says which call, how long it waited and why it allowed that much.
"""
from __future__ import annotations

import errno
import json
import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Optional

import requests
from tenacity import (
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
    wait_random,
)

from support.http.journal import Exchange, Journal
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure, http_reason
from support.verdicts.redaction import secrets

RETRYABLE_STATUSES = frozenset({502, 503, 504})  # an answer from a proxy or a restarting server: try again
SESSION_COOKIE = "session_token"
# A read is tried up to 8 times within 12 s: with 20 % of answers failing, 0.2^8 ≈ 3e-6 of the reads
# are lost (docs/robustness.md); a target that is down still fails a read within the budget.
GET_RETRY_ATTEMPTS = 8
GET_RETRY_BUDGET = 12.0
# Pressluft evaluates readiness live for these calls: every provider node, one after another, up to three SSH probes
# (`true`, `sudo -n true`, `command -v wp`) with a 10 s connect timeout each (contract digest, addendum)
PROBING_CALLS = (("GET", re.compile(r"/api/nodes")), ("POST", re.compile(r"/api/sites")),
                 ("POST", re.compile(r"/api/sites/[^/?]+/environments")))
SECONDS_PER_PROBED_NODE = 30.0


def probes_nodes(method: str, path: str) -> bool:
    """Whether Pressluft probes every provider node over SSH before it answers this call."""
    return any(method == probing and pattern.fullmatch(path.split("?")[0]) for probing, pattern in PROBING_CALLS)


class ProviderNodes:
    """How many provider nodes the target has, as far as the run has seen: those of the latest node listing, plus
    the nodes requested since (accepted), and never fewer than the nodes the latest jobs listing shows acquisition
    jobs of (a jobs listing comes before the first node listing of a run against an external target)."""

    def __init__(self):
        self._listed, self._requested_since, self._acquired = 0, 0, 0
        self._lock = threading.Lock()

    def count(self) -> int:
        with self._lock:
            return max(self._listed + self._requested_since, self._acquired)

    def observe(self, method: str, path: str, status: int, body: Any) -> None:
        path = path.split("?")[0]
        with self._lock:
            if method == "GET" and path == "/api/nodes" and status == 200 and isinstance(body, list):
                self._listed = sum(1 for node in body if not (isinstance(node, dict) and node.get("is_local")))
                self._requested_since = 0
            elif method == "POST" and path == "/api/nodes" and status == 202:
                self._requested_since += 1
            elif method == "GET" and path == "/api/jobs" and status == 200 and isinstance(body, list):
                self._acquired = len({job.get("node_id") for job in body if isinstance(job, dict)
                                      and job.get("job_type") == "node_provision" and job.get("node_id")})


@dataclass
class Answer:
    """One HTTP answer, with the command that produced it."""

    method: str
    target: str
    status: int
    headers: dict
    text: str
    exchange: Exchange

    @property
    def command(self) -> str:
        return f"{self.method} {self.target}"

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.text) if self.text else None
        except ValueError:
            return None

    @property
    def is_json(self) -> bool:
        return "json" in self.headers.get("Content-Type", "").lower() and self.json is not None

    @property
    def reason(self) -> str:
        return http_reason(self.status, self.json, self.text)

    @property
    def error_code(self) -> Optional[str]:
        body = self.json
        return body.get("code") if isinstance(body, dict) else None

    def category(self, *, signing_in: bool = False) -> Category:
        """The category of an answer that is not the one expected: the one home of this mapping. Signing in (the
        first contact), a refusal in JSON is auth_failed, any 5xx target_unavailable, and anything else says the
        address is not a Pressluft API (config_error)."""
        if signing_in:
            if self.status in (400, 401, 403) and self.is_json:
                return Category.AUTH_FAILED
            return Category.TARGET_UNAVAILABLE if self.status >= 500 else Category.CONFIG_ERROR
        if self.status == 409 and self.error_code == "node_not_ready":
            return Category.PREFLIGHT_BLOCKED
        if self.status == 401:
            return Category.AUTH_FAILED
        if self.status in RETRYABLE_STATUSES:
            return Category.TARGET_UNAVAILABLE
        return Category.CONTRACT_VIOLATION

    def verdict(self, expected: str, **details) -> SuiteFailure:
        """This answer as a verdict, when `expected` (e.g. "200") was what the contract asks for."""
        reason = self.reason if self.category() is not Category.CONTRACT_VIOLATION \
            else f"expected {expected}, got {self.reason}"
        return SuiteFailure(self.category(), self.command, reason, **details)


def describe_connection_error(exc: BaseException) -> str:
    """A stable, short name for why no answer came: "connection refused", "timed out", …"""
    if isinstance(exc, (requests.ConnectTimeout, requests.ReadTimeout, socket.timeout, TimeoutError)):
        return "timed out"
    text = repr(exc).lower()
    if isinstance(exc, ConnectionRefusedError) or "refused" in text or f"errno {errno.ECONNREFUSED}" in text:
        return "connection refused"
    if "timed out" in text or "timeout" in text:
        return "timed out"
    if "name or service not known" in text or "nodename nor servname" in text or "failed to resolve" in text:
        return "host name not resolved"
    if "reset" in text:
        return "connection reset"
    if "remote end closed" in text or "remotedisconnected" in text:
        return "connection closed without answer"
    return "connection failed"


class TargetUnavailable(SuiteFailure):
    def __init__(self, command: str, why: str, base_url: str, waited: str = ""):
        reason = f"{why} at {base_url}" + (f": {waited}" if waited else "")
        super().__init__(Category.TARGET_UNAVAILABLE, command, reason)


class PressluftClient:
    """Talks to one Pressluft API (`<base_url>/api/...`) as a signed-in operator."""

    def __init__(self, base_url: str, journal: Journal, *, connect_timeout: float = 3.0, read_timeout: float = 30.0,
                 get_retry_budget: float = GET_RETRY_BUDGET, get_retry_attempts: int = GET_RETRY_ATTEMPTS):
        self.base_url = base_url.rstrip("/")
        self.journal = journal
        self.timeout = (connect_timeout, read_timeout)
        self.get_retry_budget = get_retry_budget
        self.get_retry_attempts = get_retry_attempts
        self.provider_nodes = ProviderNodes()
        self.seconds_per_probed_node = SECONDS_PER_PROBED_NODE
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies from the environment between the suite and its target
        self.session.headers.update({"Accept": "application/json", "User-Agent": "pressluft-acceptance"})

    # -- signing in -------------------------------------------------------------------------
    LOGIN_READ_TIMEOUT = 5.0  # the first contact: a target that accepts and never answers fails fast

    def login(self, email: str, password: str) -> Answer:
        secrets.add(password)
        answer = self._send("POST", "/api/login", {"email": email, "password": password}, "",
                            read_timeout=min(self.timeout[1], self.LOGIN_READ_TIMEOUT))
        if answer.status == 200 and self.session.cookies.get(SESSION_COOKIE):
            secrets.add(self.session.cookies.get(SESSION_COOKIE))
            return answer
        category = answer.category(signing_in=True)
        if category is not Category.CONFIG_ERROR:
            raise SuiteFailure(category, answer.command, answer.reason)
        kind = answer.headers.get("Content-Type", "no content type").split(";")[0]
        why = "answered 200 without a session_token cookie" if answer.status == 200 else \
            f"answered {answer.status} ({kind})"
        raise SuiteFailure(Category.CONFIG_ERROR, answer.command,
                           f"{self.base_url} does not look like a Pressluft API: login {why}")

    # -- requests ---------------------------------------------------------------------------
    def get(self, path: str, *, note: str = "") -> Answer:
        attempt = {"n": 0}

        def once() -> Answer:
            attempt["n"] += 1
            label = note if attempt["n"] == 1 else f"retry {attempt['n'] - 1} of GET"
            return self._send("GET", path, None, label)

        retrying = Retrying(
            stop=stop_after_attempt(self.get_retry_attempts) | stop_after_delay(self.get_retry_budget),
            wait=wait_exponential(multiplier=0.1, max=1.0) + wait_random(0, 0.05),
            retry=(retry_if_exception_type(TargetUnavailable)
                   | retry_if_result(lambda answer: answer.status in RETRYABLE_STATUSES)),
            retry_error_callback=lambda state: state.outcome.result(),  # the last answer or error as it was
            reraise=True,
        )
        return retrying(once)

    def post(self, path: str, body: Any = None, *, note: str = "") -> Answer:
        return self._send("POST", path, body, note)

    def read_timeout_for(self, method: str, path: str) -> tuple[float, str]:
        """The read timeout of a call, and why it is that long."""
        base = self.timeout[1]
        if not probes_nodes(method, path):
            return base, f"{base:g} s, PRESSLUFT_READ_TIMEOUT"
        nodes = self.provider_nodes.count()
        if not nodes:
            return base, (f"{base:g} s, PRESSLUFT_READ_TIMEOUT; Pressluft probes every provider node over SSH before "
                          "it answers this call, and the target had listed none")
        each = self.seconds_per_probed_node
        return base + each * nodes, (
            f"{base:g} s, PRESSLUFT_READ_TIMEOUT, plus {each:g} s for each of the {nodes} provider "
            f"node{'s' if nodes > 1 else ''} the target has, as its listings show: Pressluft probes each over SSH, "
            "one after another "
            "(up to three probes of up to 10 s), before it answers this call")

    def _send(self, method: str, path: str, body: Any, note: str, read_timeout: Optional[float] = None) -> Answer:
        url = self.base_url + path
        allowed, why_allowed = (read_timeout, "signing in: the first contact fails fast") if read_timeout is not None \
            else self.read_timeout_for(method, path)
        timeout = (self.timeout[0], allowed)
        started = time.monotonic()
        request_headers = dict(self.session.headers)
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        if cookie:
            request_headers["Cookie"] = cookie
        try:
            response = self.session.request(method, url, json=body, timeout=timeout, allow_redirects=False)
        except requests.RequestException as exc:
            why, elapsed = describe_connection_error(exc), time.monotonic() - started
            self.journal.record(method, path, request_headers=request_headers, request_body=body, error=why,
                                elapsed=elapsed, note=note)
            waited = ""
            if isinstance(exc, requests.ReadTimeout):
                waited = (f"no answer to {method} {path} after {elapsed:.1f} s, its read timeout of {allowed:g} s "
                          f"({why_allowed})")
            elif isinstance(exc, requests.ConnectTimeout):
                waited = f"no connection within {self.timeout[0]:g} s (PRESSLUFT_CONNECT_TIMEOUT)"
            raise TargetUnavailable(f"{method} {path}", why, self.base_url, waited) from None
        exchange = self.journal.record(
            method, path, request_headers=request_headers, request_body=body, status=response.status_code,
            response_headers=dict(response.headers), response_body=response.text,
            elapsed=time.monotonic() - started, note=note)
        answer = Answer(method, path, response.status_code, dict(response.headers), response.text, exchange)
        self.provider_nodes.observe(method, path, answer.status, answer.json)
        return answer
