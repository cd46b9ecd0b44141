"""Waiting for asynchronous outcomes, built on tenacity.

Wait strategies compose: `+` adds two waits (tenacity), `|` takes the first one that has an
opinion (`wait_until_run_after() | wait_until_expected_end(DURATIONS) | backoff()`: sleep until a
queued job's run_after when there is one; for a running job of a type whose duration this run has
already seen, sleep until just before it should end and then look closely; otherwise back off).
Every wait is clipped to what is left of its budget, so a wait ends at its budget, and a wait that
ends still waiting raises StillWaiting with the job id, the last state, the number of polls and the
time spent.

Two poll policies (PRESSLUFT_POLL_POLICY): `adaptive` (the default, above) and `fixed-2s`, the
original bash smokes' schedule (jobs and node readiness every 2 s, previews every 3 s), kept to
measure the adaptive one against (scripts/bench). Every wait can be recorded as one JSON line
(`record_waits_to`), with the wall-clock moment its outcome was noticed.
"""
from __future__ import annotations

import json
import os
import random
import re
import statistics
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable, Optional, Tuple

from tenacity import RetryCallState, Retrying, retry_if_result, stop_after_delay
from tenacity.wait import wait_base, wait_exponential, wait_fixed

from support.diagnostics import Category, PollHistory, SuiteFailure

TERMINAL_JOB_STATES = ("succeeded", "failed", "cancelled")
REACHABLE_PREVIEW_STATUSES = (200, 301, 302)
POLICIES = ("adaptive", "fixed-2s")
DEFAULT_POLICY = "adaptive"


# -- wait strategies ---------------------------------------------------------------------------
def _polled_job(retry_state: RetryCallState, status: str) -> Optional[dict]:
    """The job the last poll returned, when it is in this status; otherwise None."""
    outcome = retry_state.outcome
    if outcome is None or outcome.failed:
        return None
    job = outcome.result()
    return job if isinstance(job, dict) and job.get("status") == status else None


class wait_seeded_jitter(wait_base):
    """A random extra of up to `maximum` seconds, from a seeded generator: the same run, the same waits."""

    def __init__(self, maximum: float, seed: int = 5):
        self.maximum = maximum
        self._random = random.Random(seed)

    def __call__(self, retry_state: RetryCallState) -> float:
        return self._random.uniform(0, self.maximum)


class _composable(wait_base):
    """A wait that takes `|`: `a | b` is wait_either(a, b)."""

    def __or__(self, other: wait_base) -> "wait_either":
        return wait_either(self, other)


class wait_either(_composable):
    """The first strategy's wait when it has one (> 0), otherwise the second's."""

    def __init__(self, first: wait_base, second: wait_base):
        self.first, self.second = first, second

    def __call__(self, retry_state: RetryCallState) -> float:
        seconds = self.first(retry_state)
        return seconds if seconds > 0 else self.second(retry_state)


class wait_until_run_after(_composable):
    """When the last poll saw a queued job with a future run_after: the seconds until then."""

    def __init__(self, margin: float = 0.05, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.margin = margin
        self.clock = clock

    def __call__(self, retry_state: RetryCallState) -> float:
        job = _polled_job(retry_state, "queued")
        if job is None:
            return 0.0
        run_after = parse_time(job.get("run_after"))
        if run_after is None:
            return 0.0
        seconds = (run_after - self.clock()).total_seconds()
        return seconds + self.margin if seconds > 0 else 0.0


class wait_within_budget(wait_base):
    """Any wait, but never past the end of the budget."""

    def __init__(self, inner: wait_base, budget: float):
        self.inner, self.budget = inner, budget

    def __call__(self, retry_state: RetryCallState) -> float:
        left = self.budget - (retry_state.seconds_since_start or 0.0)
        return max(0.0, min(self.inner(retry_state), left))


class DurationModel:
    """How long the jobs of each type took in this run (finished_at - started_at of their last attempt)."""

    def __init__(self, keep: int = 7):
        self.keep = keep
        self._seen: dict = {}
        self._lock = threading.Lock()

    def observe(self, job: Any) -> None:
        if not isinstance(job, dict) or job.get("status") != "succeeded":
            return
        started, finished = parse_time(job.get("started_at")), parse_time(job.get("finished_at"))
        if started is None or finished is None or finished < started:
            return
        with self._lock:
            seen = self._seen.setdefault(job.get("job_type"), [])
            seen.append((finished - started).total_seconds())
            del seen[:-self.keep]

    def expected(self, job_type: Optional[str]) -> Optional[float]:
        with self._lock:
            seen = self._seen.get(job_type)
            return statistics.median(seen) if seen else None

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


DURATIONS = DurationModel()


class wait_until_expected_end(_composable):
    """For a running job of a type seen before: close in on its expected end, sleeping half of what is
    left each time (so a state in between, e.g. a failed attempt queued to retry, is still seen), until
    `lead` before it; then look every `step` seconds for a short while (`grace`, plus 10 % of the
    expected duration). After that, or with nothing to go on (no started_at, an unseen type, a clock that
    disagrees), no opinion."""

    def __init__(self, model: DurationModel, lead: float = 0.03, step: float = 0.04, grace: float = 0.3,
                 fraction: float = 0.5, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.model, self.lead, self.step, self.grace, self.clock = model, lead, step, grace, clock
        self.fraction = fraction

    def __call__(self, retry_state: RetryCallState) -> float:
        job = _polled_job(retry_state, "running")
        if job is None:
            return 0.0
        started = parse_time(job.get("started_at"))
        expected = self.model.expected(job.get("job_type"))
        if started is None or expected is None:
            return 0.0
        left = (started - self.clock()).total_seconds() + expected
        if left > expected + 1.0:  # the target's clock is ahead of ours: do not trust it
            return 0.0
        if left > self.lead + self.step:
            return max(self.step, min(left - self.lead, left * self.fraction))
        if left > -(self.grace + 0.1 * expected):
            return self.step
        return 0.0


def backoff(first: float = 0.05, cap: float = 4.0, factor: float = 1.5, jitter: float = 0.02,
            seed: int = 5) -> wait_base:
    """Starts fast (about 50 ms), grows by half each poll up to the cap, with a little seeded jitter.
    A 60 s wait makes at most 25 polls (tests/suite/test_polling.py)."""
    return wait_exponential(multiplier=first, min=first, max=cap, exp_base=factor) + wait_seeded_jitter(jitter, seed)


def poll_policy(name: Optional[str] = None) -> str:
    """The policy named (or PRESSLUFT_POLL_POLICY, or adaptive)."""
    name = name or os.environ.get("PRESSLUFT_POLL_POLICY") or DEFAULT_POLICY
    return name if name in POLICIES else DEFAULT_POLICY


def job_wait(policy: Optional[str] = None) -> wait_base:
    if poll_policy(policy) == "fixed-2s":
        return wait_fixed(2.0)
    return wait_until_run_after() | wait_until_expected_end(DURATIONS) | backoff()


def readiness_wait(policy: Optional[str] = None) -> wait_base:
    return wait_fixed(2.0) if poll_policy(policy) == "fixed-2s" else backoff()


def scope_wait(policy: Optional[str] = None) -> wait_base:
    """Waiting for a site or node to have no job in flight (after an enqueue-guard 409)."""
    return wait_fixed(2.0) if poll_policy(policy) == "fixed-2s" else backoff()


def preview_wait(policy: Optional[str] = None) -> wait_base:
    return wait_fixed(3.0) if poll_policy(policy) == "fixed-2s" else backoff()


# -- the record of every wait -------------------------------------------------------------------
class WaitLog:
    """One JSON line per finished wait: what, how many polls, when it started and when its outcome
    was noticed (wall clock, to compare with the target's timestamps). One file per process."""

    def __init__(self):
        self.path: Optional[str] = None
        self._lock = threading.Lock()

    def record_to(self, directory: Optional[str]) -> Optional[str]:
        if not directory:
            self.path = None
            return None
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, f"waits-{os.getpid()}.jsonl")
        return self.path

    def write(self, entry: dict) -> None:
        if not self.path:
            return
        line = json.dumps(entry, default=str) + "\n"
        with self._lock:
            try:
                with open(self.path, "a", encoding="utf-8") as out:
                    out.write(line)
            except OSError:
                pass


WAITS = WaitLog()


def record_waits_to(directory: Optional[str]) -> Optional[str]:
    return WAITS.record_to(directory)


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


class Unanswered:
    """A poll that got no usable answer (target_unavailable after the client's own GET retries)."""

    def __init__(self, failure: SuiteFailure):
        self.failure = failure
        self.label = f"target unavailable ({failure.reason})"


def poll_until(fetch: Callable[[], Any], done: Callable[[Any], bool], *, budget: float, what: str,
               describe: Callable[[Any], Tuple[str, Optional[str]]], on_timeout: Callable[..., StillWaiting],
               wait: Optional[wait_base] = None, sleep: Callable[[float], None] = time.sleep,
               history: Optional[PollHistory] = None, kind: Optional[str] = None,
               subject: Optional[str] = None) -> Tuple[Any, PollHistory]:
    """Calls fetch until done(result) or the budget is spent.

    `describe(result)` names the state (and an error, if any) for the poll history. On timeout,
    `on_timeout(last=…, last_state=…, attempts=…, elapsed=…, history=…)` builds the error raised.
    With a `kind` (job, node, preview, scope) the wait is written to the wait log (WAITS).
    A fetch that fails with target_unavailable (no usable answer even after the client's own GET
    retries) counts as a poll and is tried again within the budget; it shows in the poll history.
    Only when no poll got an answer in the whole budget is that target_unavailable raised.
    """
    history = history if history is not None else PollHistory(what=what)
    history.what = what
    strategy = wait or backoff()
    started = time.monotonic()
    started_wall = time.time()
    noticed = {"at": None, "label": None}

    seen = {"answered": Unanswered}  # the last real answer: a timeout is judged on it, not on a transient error

    def attempt():
        try:
            result = fetch()
        except SuiteFailure as failure:
            if failure.category is not Category.TARGET_UNAVAILABLE:
                raise
            result = Unanswered(failure)  # transient (502/503/504, no answer): poll again within the budget
        noticed["at"] = time.time()
        history.attempts += 1
        history.elapsed = time.monotonic() - started
        if isinstance(result, Unanswered):
            label, error = result.label, result.label
        else:
            seen["answered"] = result
            label, error = describe(result)
        noticed["label"] = label
        history.saw(label, error)
        return result

    def run_after_part(state: RetryCallState) -> float:
        inner = strategy
        while isinstance(inner, wait_either):
            if isinstance(inner.second, wait_until_run_after):
                return inner.second(state)
            inner = inner.first
        return inner(state) if isinstance(inner, wait_until_run_after) else 0.0

    def record_sleep(state: RetryCallState) -> None:
        slept = run_after_part(state)
        if slept:
            history.slept_for_run_after += min(slept, state.upcoming_sleep)

    def log(outcome: str) -> None:
        if kind and WAITS.path:
            WAITS.write({"kind": kind, "subject": subject, "what": what, "policy": poll_policy(),
                         "outcome": outcome, "state": noticed["label"], "polls": history.attempts,
                         "started": started_wall, "noticed": noticed["at"], "elapsed": round(history.elapsed, 4),
                         "slept_for_run_after": round(history.slept_for_run_after, 3), "budget": budget,
                         "pid": os.getpid()})

    def give_up(state: RetryCallState):
        last = state.outcome.result()
        if isinstance(last, Unanswered):
            if seen["answered"] is Unanswered:  # no answer in the whole budget: the target is unavailable
                history.elapsed = time.monotonic() - started
                log("unavailable")
                last.failure.poll = history
                raise last.failure
            last = seen["answered"]
        label, _ = describe(last)
        history.elapsed = time.monotonic() - started
        log("timeout")
        raise on_timeout(last=last, last_state=label, attempts=history.attempts,
                         elapsed=time.monotonic() - started, history=history)

    retrying = Retrying(
        stop=stop_after_delay(budget),
        wait=wait_within_budget(strategy, budget),
        retry=retry_if_result(lambda result: isinstance(result, Unanswered) or not done(result)),
        before_sleep=record_sleep,
        retry_error_callback=give_up,
        sleep=sleep,
    )

    result = retrying(attempt)
    history.elapsed = time.monotonic() - started
    log("done")
    return result, history


def job_state(job: dict) -> Tuple[str, Optional[str]]:
    """`queued`, `running`, `queued, waiting to retry after PROVIDER_API_ERROR`, `failed`, …"""
    status = job.get("status", "unknown")
    error = job.get("error_code")
    if status == "queued" and error:
        return f"queued, waiting to retry after {error}", error
    return status, error
