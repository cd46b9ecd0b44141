"""Waiting for asynchronous outcomes, built on tenacity.

Wait strategies compose: `+` adds two waits (tenacity), `|` takes the first one that has an
opinion (`wait_until_run_after() | backoff()`: sleep until a queued job's run_after when there is
one, otherwise back off). Every wait is clipped to what is left of its budget, so a wait ends at
its budget, and a wait that ends still waiting raises StillWaiting with the job id, the last state,
the number of polls and the time spent.
"""
from __future__ import annotations

import random
import re
import time
from datetime import datetime, timezone
from typing import Any, Callable, Optional, Tuple

from tenacity import RetryCallState, Retrying, retry_if_result, stop_after_delay
from tenacity.wait import wait_base, wait_exponential

from support.diagnostics import Category, PollHistory, SuiteFailure

TERMINAL_JOB_STATES = ("succeeded", "failed", "cancelled")
REACHABLE_PREVIEW_STATUSES = (200, 301, 302)


# -- wait strategies ---------------------------------------------------------------------------
class wait_seeded_jitter(wait_base):
    """A random extra of up to `maximum` seconds, from a seeded generator: the same run, the same waits."""

    def __init__(self, maximum: float, seed: int = 5):
        self.maximum = maximum
        self._random = random.Random(seed)

    def __call__(self, retry_state: RetryCallState) -> float:
        return self._random.uniform(0, self.maximum)


class wait_either(wait_base):
    """The first strategy's wait when it has one (> 0), otherwise the second's."""

    def __init__(self, first: wait_base, second: wait_base):
        self.first, self.second = first, second

    def __call__(self, retry_state: RetryCallState) -> float:
        seconds = self.first(retry_state)
        return seconds if seconds > 0 else self.second(retry_state)

    def __or__(self, other: wait_base) -> "wait_either":
        return wait_either(self, other)


class wait_until_run_after(wait_base):
    """When the last poll saw a queued job with a future run_after: the seconds until then."""

    def __init__(self, margin: float = 0.05, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.margin = margin
        self.clock = clock

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        if outcome is None or outcome.failed:
            return 0.0
        job = outcome.result()
        if not isinstance(job, dict) or job.get("status") != "queued":
            return 0.0
        run_after = parse_time(job.get("run_after"))
        if run_after is None:
            return 0.0
        seconds = (run_after - self.clock()).total_seconds()
        return seconds + self.margin if seconds > 0 else 0.0

    def __or__(self, other: wait_base) -> wait_either:
        return wait_either(self, other)


class wait_within_budget(wait_base):
    """Any wait, but never past the end of the budget."""

    def __init__(self, inner: wait_base, budget: float):
        self.inner, self.budget = inner, budget

    def __call__(self, retry_state: RetryCallState) -> float:
        left = self.budget - (retry_state.seconds_since_start or 0.0)
        return max(0.0, min(self.inner(retry_state), left))


def backoff(first: float = 0.05, cap: float = 1.5, jitter: float = 0.05, seed: int = 5) -> wait_base:
    """Starts fast (about 50 ms), doubles up to the cap, with a little seeded jitter."""
    return wait_exponential(multiplier=first, min=first, max=cap) + wait_seeded_jitter(jitter, seed)


def job_wait() -> wait_base:
    return wait_until_run_after() | backoff()


# -- times ---------------------------------------------------------------------------------------
_FRACTION = re.compile(r"\.(\d+)")


def parse_time(text: Optional[str]) -> Optional[datetime]:
    """RFC 3339 (Go's nanoseconds too) to an aware datetime; None for null or junk."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# -- the wait ----------------------------------------------------------------------------------
class StillWaiting(SuiteFailure):
    """A wait that used its whole budget without seeing the outcome it waited for."""

    def __init__(self, category: Category | str, command: str, *, what: str, last_state: str, attempts: int,
                 elapsed: float, budget: float, history: PollHistory, job_id: Optional[str] = None,
                 last: Any = None, reason: Optional[str] = None):
        self.what = what
        self.last_state = last_state
        self.attempts = attempts
        self.elapsed = elapsed
        self.budget = budget
        self.last = last
        reason = reason or f"still {last_state} after {int(elapsed)} s, {attempts} polls"
        super().__init__(category, command, reason, job_id=job_id, poll=history,
                         job=last if isinstance(last, dict) and "attempt_count" in last else None)


def poll_until(fetch: Callable[[], Any], done: Callable[[Any], bool], *, budget: float, what: str,
               describe: Callable[[Any], Tuple[str, Optional[str]]], on_timeout: Callable[..., StillWaiting],
               wait: Optional[wait_base] = None, sleep: Callable[[float], None] = time.sleep,
               history: Optional[PollHistory] = None) -> Tuple[Any, PollHistory]:
    """Calls fetch until done(result) or the budget is spent.

    `describe(result)` names the state (and an error, if any) for the poll history. On timeout,
    `on_timeout(last=…, last_state=…, attempts=…, elapsed=…, history=…)` builds the error raised.
    """
    history = history if history is not None else PollHistory(what=what)
    history.what = what
    strategy = wait or backoff()
    started = time.monotonic()

    def attempt():
        result = fetch()
        history.attempts += 1
        history.elapsed = time.monotonic() - started
        label, error = describe(result)
        history.saw(label, error)
        return result

    def record_sleep(state: RetryCallState) -> None:
        if isinstance(strategy, wait_either) and isinstance(strategy.first, wait_until_run_after):
            slept = strategy.first(state)
            history.slept_for_run_after += min(slept, state.upcoming_sleep)

    def give_up(state: RetryCallState):
        last = state.outcome.result()
        label, _ = describe(last)
        raise on_timeout(last=last, last_state=label, attempts=history.attempts,
                         elapsed=time.monotonic() - started, history=history)

    retrying = Retrying(
        stop=stop_after_delay(budget),
        wait=wait_within_budget(strategy, budget),
        retry=retry_if_result(lambda result: not done(result)),
        before_sleep=record_sleep,
        retry_error_callback=give_up,
        sleep=sleep,
    )

    result = retrying(attempt)
    history.elapsed = time.monotonic() - started
    return result, history


def job_state(job: dict) -> Tuple[str, Optional[str]]:
    """`queued`, `running`, `queued, waiting to retry after PROVIDER_API_ERROR`, `failed`, …"""
    status = job.get("status", "unknown")
    error = job.get("error_code")
    if status == "queued" and error:
        return f"queued, waiting to retry after {error}", error
    return status, error
