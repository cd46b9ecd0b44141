"""The HTTP client of the suite: a requests.Session with explicit timeouts and a journal.

* Every call has a connect and a read timeout.
* Every exchange is recorded, redacted, in the journal (including each retry).
* GETs are retried on connection errors and 502/503/504, up to 8 tries within 12 s (tenacity);
  POSTs are never repeated blindly.
* `Answer.category` is the one mapping of an unexpected answer to a failure category.
"""
from __future__ import annotations

import errno
import json
import socket
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
    def __init__(self, command: str, why: str, base_url: str):
        super().__init__(Category.TARGET_UNAVAILABLE, command, f"{why} at {base_url}")


class PressluftClient:
    """Talks to one Pressluft API (`<base_url>/api/...`) as a signed-in operator."""

    def __init__(self, base_url: str, journal: Journal, *, connect_timeout: float = 3.0, read_timeout: float = 30.0,
                 get_retry_budget: float = GET_RETRY_BUDGET, get_retry_attempts: int = GET_RETRY_ATTEMPTS):
        self.base_url = base_url.rstrip("/")
        self.journal = journal
        self.timeout = (connect_timeout, read_timeout)
        self.get_retry_budget = get_retry_budget
        self.get_retry_attempts = get_retry_attempts
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

    def _send(self, method: str, path: str, body: Any, note: str, read_timeout: Optional[float] = None) -> Answer:
        url = self.base_url + path
        timeout = (self.timeout[0], read_timeout if read_timeout is not None else self.timeout[1])
        started = time.monotonic()
        request_headers = dict(self.session.headers)
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        if cookie:
            request_headers["Cookie"] = cookie
        try:
            response = self.session.request(method, url, json=body, timeout=timeout, allow_redirects=False)
        except requests.RequestException as exc:
            why = describe_connection_error(exc)
            self.journal.record(method, path, request_headers=request_headers, request_body=body, error=why,
                                elapsed=time.monotonic() - started, note=note)
            raise TargetUnavailable(f"{method} {path}", why, self.base_url) from None
        exchange = self.journal.record(
            method, path, request_headers=request_headers, request_body=body, status=response.status_code,
            response_headers=dict(response.headers), response_body=response.text,
            elapsed=time.monotonic() - started, note=note)
        return Answer(method, path, response.status_code, dict(response.headers), response.text, exchange)
