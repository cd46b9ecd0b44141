"""The one poll engine of the suite, built on tenacity: every wait of the suite goes through `poll()`. It knows
nothing of what it waits for (jobs, nodes, previews: the waits of support/waiting/jobs.py, nodes.py, …).

A `Wait` says what to fetch, when it is done, how to name what it saw, and what to raise when time is up.
Its `Deadline` is where time is up: the budget from the start, moved later (never past the ceiling) when
the caller extends it, e.g. for a retry Pressluft scheduled beyond the budget (support/waiting/jobs.py).

Wait strategies compose: `+` adds two waits (tenacity), `|` takes the first one that has an opinion (a job wait:
`wait_until_run_after() | wait_until_expected_end(model) | backoff()`). Every sleep is clipped to the deadline.

Two poll policies (PRESSLUFT_POLL_POLICY, support/runtime/config.py): `adaptive` (the strategies above) and
`fixed-2s`, the original bash smokes' schedule (jobs and nodes every 2 s, previews every 3 s), kept to measure the
adaptive one against (scripts/bench).
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple

from tenacity import RetryCallState, Retrying, retry_if_result
from tenacity.stop import stop_base
from tenacity.wait import wait_base, wait_fixed

from support.reporting.progress import ProgressLines
from support.reporting.waitlog import WaitLog
from support.runtime.config import ADAPTIVE, FIXED_2S
from support.verdicts.categories import Category
from support.verdicts.failure import PollHistory, SuiteFailure


# -- where time is up ------------------------------------------------------------------------------
class Deadline:
    """`budget` seconds from `start`; `extend_to()` moves it later, never beyond `ceiling` from the start."""

    def __init__(self, budget: float, ceiling: Optional[float] = None, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.start = clock()
        self.budget = budget
        self.ceiling = max(budget, ceiling if ceiling is not None else budget)
        self.at = self.start + budget
        self.extended = False

    def extend_to(self, moment: float) -> bool:
        """Moves the deadline to `moment` (monotonic), capped by the ceiling; True if it moved."""
        target = min(moment, self.start + self.ceiling)
        if target <= self.at:
            return False
        self.at, self.extended = target, True
        return True

    @property
    def at_ceiling(self) -> bool:
        return self.at >= self.start + self.ceiling

    def left(self) -> float:
        return self.at - self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.start


class stop_at_deadline(stop_base):
    def __init__(self, deadline: Deadline):
        self.deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.deadline.left() <= 0


class wait_within(wait_base):
    """Any wait, but never past the deadline."""

    def __init__(self, inner: wait_base, deadline: Deadline):
        self.inner, self.deadline = inner, deadline

    def __call__(self, retry_state: RetryCallState) -> float:
        return max(0.0, min(self.inner(retry_state), self.deadline.left()))


# -- wait strategies ---------------------------------------------------------------------------
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


class wait_growing_with_time(wait_base):
    """`first`, plus `growth` times the seconds the wait has run, up to `cap`. On its own it is the exponential
    backoff first·(1+growth)^n; unlike one counted in polls, it does not leap to its cap after a run of short looks
    another strategy asked for (a job close to its expected end that then runs late: it grows from there)."""

    def __init__(self, first: float, cap: float, growth: float):
        self.first, self.cap, self.growth = first, cap, growth

    def __call__(self, retry_state: RetryCallState) -> float:
        return min(self.cap, self.first + self.growth * (retry_state.seconds_since_start or 0.0))


def backoff(first: float = 0.05, cap: float = 4.0, factor: float = 1.5, jitter: float = 0.02,
            seed: int = 5) -> wait_base:
    """Starts fast (about 50 ms), grows by half the time waited so far (by half each poll) up to the cap, with a
    little seeded jitter. A 60 s wait makes at most 25 polls (tests/suite/test_poll_schedule.py)."""
    return wait_growing_with_time(first, cap, factor - 1) + wait_seeded_jitter(jitter, seed)


def steady_wait(policy: str, every: float = 2.0) -> wait_base:
    """Backoff, or under the fixed-2s policy a poll every `every` seconds (the bash smokes': 2 s, 3 s for previews)."""
    return wait_fixed(every) if policy == FIXED_2S else backoff()


# -- the engine ----------------------------------------------------------------------------------
class Unanswered:
    """A poll that got no usable answer (target_unavailable after the client's own GET retries)."""

    def __init__(self, failure: SuiteFailure):
        self.failure = failure
        self.label = f"target unavailable ({failure.reason})"


NO_ANSWER_YET = object()  # what a wait has before its first usable answer


@dataclass
class Outcome:
    """How a wait ended without its outcome: handed to `Wait.timed_out`, which builds the verdict."""

    last: Any
    state: str
    history: PollHistory
    deadline: Deadline



@dataclass
class Wait:
    """What to wait for. `describe(result)` names the state and an error seen, if any, for the history;
    `observe(result, deadline)` may move the deadline (a scheduled retry); `timed_out(outcome)` builds the
    SuiteFailure raised when the deadline passes; `progress(result)` says what was seen on a progress line
    (support/reporting/progress.py), when the state alone says less."""

    what: str
    fetch: Callable[[], Any]
    done: Callable[[Any], bool]
    describe: Callable[[Any], Tuple[str, Optional[str]]]
    timed_out: Callable[[Outcome], SuiteFailure]
    deadline: Deadline
    strategy: Optional[wait_base] = None
    observe: Optional[Callable[[Any, Deadline], None]] = None
    kind: Optional[str] = None
    subject: Optional[str] = None
    policy: str = ADAPTIVE
    progress: Optional[Callable[[Any], str]] = None  # what a poll saw, for the progress lines (default: the state)
    # the result says when the target acts next: a sleep after it counts in the history as slept for run_after
    scheduled: Optional[Callable[[Any], bool]] = None
    record: Optional[Callable[[], dict]] = None  # more for its wait-log line (what its polls saw, say)


class _Polling:
    """One run of a Wait: tries, the history, the last real answer, the wait-log entry."""

    def __init__(self, wait: Wait, history: Optional[PollHistory], progress: ProgressLines, waits: WaitLog):
        self.wait, self.waits = wait, waits
        self.watch = progress.watch(wait.what, wait.deadline)
        self.history = history if history is not None else PollHistory(what=wait.what)
        self.history.what = wait.what
        self.started_wall = time.time()
        self.noticed_at: Optional[float] = None
        self.label: Optional[str] = None
        self.answered: Any = NO_ANSWER_YET  # the last real answer: a timeout is judged on it, not on an outage

    def attempt(self) -> Any:
        try:
            result = self.wait.fetch()
        except SuiteFailure as failure:
            if failure.category is not Category.TARGET_UNAVAILABLE:
                raise
            result = Unanswered(failure)  # transient (502/503/504, no answer): poll again before the deadline
        self.noticed_at = time.time()
        self.history.attempts += 1
        self.history.elapsed = self.wait.deadline.elapsed()
        if isinstance(result, Unanswered):
            self.label = result.label
            self.history.saw(result.label, result.label)
            self.watch.saw(result.label)
            return result
        self.answered = result
        self.label, error = self.wait.describe(result)
        self.history.saw(self.label, error)
        if self.wait.observe is not None:
            self.wait.observe(result, self.wait.deadline)
        self.watch.saw(self.wait.progress(result) if self.wait.progress else self.label, final=self.wait.done(result))
        return result

    def before_sleep(self, state: RetryCallState) -> None:
        result = state.outcome.result() if state.outcome and not state.outcome.failed else None
        if self.wait.scheduled is not None and not isinstance(result, Unanswered) and self.wait.scheduled(result):
            self.history.slept_for_run_after += state.upcoming_sleep

    def give_up(self, state: RetryCallState):
        self.history.elapsed = self.wait.deadline.elapsed()
        last = state.outcome.result()
        if isinstance(last, Unanswered):
            if self.answered is NO_ANSWER_YET:  # no answer before the deadline: the target is unavailable
                self.log("unavailable")
                self.watch.ended("unavailable")
                last.failure.poll = self.history
                raise last.failure
            last = self.answered
        label, _ = self.wait.describe(last)
        self.log("timeout")
        self.watch.ended("timeout")
        raise self.wait.timed_out(Outcome(last, label, self.history, self.wait.deadline))

    def log(self, outcome: str) -> None:
        wait = self.wait
        if wait.kind:
            self.waits.write({"kind": wait.kind, "subject": wait.subject, "what": wait.what, "policy": wait.policy,
                         "outcome": outcome, "state": self.label, "polls": self.history.attempts,
                         "started": self.started_wall, "noticed": self.noticed_at,
                         "elapsed": round(self.history.elapsed, 4),
                         "slept_for_run_after": round(self.history.slept_for_run_after, 3),
                         "budget": wait.deadline.budget, "extended": wait.deadline.extended,
                         **(wait.record() if wait.record else {})})


def poll(wait: Wait, *, sleep: Callable[[float], None] = time.sleep, history: Optional[PollHistory] = None,
         progress: Optional[ProgressLines] = None, log: Optional[WaitLog] = None) -> Tuple[Any, PollHistory]:
    """Fetches until `done(result)` or the deadline passes. A fetch that fails with target_unavailable
    (no usable answer even after the client's own GET retries) counts as a poll and is tried again; only
    when no poll got an answer before the deadline is that target_unavailable raised. A long wait shows its
    progress (`progress`: where its lines go, support/reporting/progress.py): its sleeps are cut where a line is due.
    A wait of a `kind` is written to the wait log `log` when it ends (none: not recorded). The Wave 5 waits pass the
    operator's (`operator.progress`, `operator.waits`)."""
    polling = _Polling(wait, history, progress or ProgressLines(), log or WaitLog())
    retrying = Retrying(
        stop=stop_at_deadline(wait.deadline),
        wait=wait_within(wait.strategy or backoff(), wait.deadline),
        retry=retry_if_result(lambda result: isinstance(result, Unanswered) or not wait.done(result)),
        before_sleep=polling.before_sleep,
        retry_error_callback=polling.give_up,
        sleep=lambda seconds: polling.watch.sleep(sleep, seconds),
    )
    result = retrying(polling.attempt)
    polling.history.elapsed = wait.deadline.elapsed()
    polling.log("done")
    polling.watch.ended("done")
    return result, polling.history


class StillWaiting(SuiteFailure):
    """A wait that ended without the outcome it waited for: the job, the last state, polls and time spent."""

    def __init__(self, category: Category | str, command: str, outcome: Outcome, *, reason: str,
                 job_id: Optional[str] = None, job: Optional[dict] = None, node: Optional[dict] = None,
                 last_answer: Optional[str] = None):
        self.outcome = outcome
        self.last_state = outcome.state
        self.budget = outcome.deadline.budget
        super().__init__(category, command, reason, job_id=job_id, poll=outcome.history, node=node,
                         last_answer=last_answer, job=job)
