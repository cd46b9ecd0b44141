"""Waiting for a Pressluft job to end (or to reach a state), on the one poll engine (support/waiting/polling.py).

A job wait knows Pressluft's retries: when Pressluft has scheduled another attempt (queued, run_after ahead, attempts
left), or a new attempt has begun, the wait goes on until that attempt's budget is spent, never past the retry
ceiling. Every scheduled retry it sees is written to the wait log and narrated in Allure. A job that makes no
progress within its budget is `job_timeout` at its budget. Its polls sleep until a queued job's run_after when there
is one; for a running job of a type whose duration this run has seen, close in on its expected end; otherwise back
off (`job_wait`).
"""
from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Callable, Optional, Tuple

from tenacity import RetryCallState
from tenacity.wait import wait_base, wait_fixed

from support.pressluft.jobs import (
    DurationModel,
    ScheduledRetry,
    is_terminal,
    job_progress,
    job_state,
    require_success,
    scheduled_retry,
)
from support.pressluft.times import parse_time, utc_now
from support.reporting.narration import narrate
from support.reporting.waitlog import WaitLog
from support.runtime.config import FIXED_2S
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJob, TheJobs
from support.verdicts.categories import Category
from support.verdicts.failure import PollHistory, SuiteFailure
from support.waiting.polling import Deadline, Outcome, StillWaiting, Wait, _composable, backoff, poll


def out_of_budget(state: str, budget: float) -> str:
    """What a wait that ran out says of the last state it saw: `still running when its 600 s budget was spent`."""
    return f"still {state} when its {budget:g} s budget was spent"


# -- strategies that read the job the last poll returned ------------------------------------------------------
def _last_polled_job(retry_state: RetryCallState, status: str) -> Optional[dict]:
    """The job the last poll returned, when it is in this status; otherwise None."""
    outcome = retry_state.outcome
    if outcome is None or outcome.failed:
        return None
    job = outcome.result()
    return job if isinstance(job, dict) and job.get("status") == status else None


class wait_until_run_after(_composable):
    """When the last poll saw a queued job with a future run_after: the seconds until then."""

    def __init__(self, margin: float = 0.05, clock: Callable[[], datetime] = utc_now):
        self.margin = margin
        self.clock = clock

    def __call__(self, retry_state: RetryCallState) -> float:
        job = _last_polled_job(retry_state, "queued")
        run_after = parse_time(job.get("run_after")) if job else None
        if run_after is None:
            return 0.0
        seconds = (run_after - self.clock()).total_seconds()
        return seconds + self.margin if seconds > 0 else 0.0


class wait_until_expected_end(_composable):
    """For a running job of a type seen before: close in on its expected end, sleeping half of what is
    left each time (so a state in between is still seen), until `lead` before it; then look every `step`
    seconds for a short while (`grace`, plus 10 % of the expected duration). After that, or with nothing
    to go on (no started_at, an unseen type, a clock that disagrees), no opinion."""

    def __init__(self, model: DurationModel, lead: float = 0.03, step: float = 0.04, grace: float = 0.3,
                 fraction: float = 0.5, clock: Callable[[], datetime] = utc_now):
        self.model, self.lead, self.step, self.grace, self.clock = model, lead, step, grace, clock
        self.fraction = fraction

    def __call__(self, retry_state: RetryCallState) -> float:
        job = _last_polled_job(retry_state, "running")
        started = parse_time(job.get("started_at")) if job else None
        expected = self.model.expected(job.get("job_type")) if job else None
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


def job_wait(policy: str, model: DurationModel) -> wait_base:
    if policy == FIXED_2S:
        return wait_fixed(2.0)
    return wait_until_run_after() | wait_until_expected_end(model) | backoff()



def waiting_for_run_after(job: Any) -> bool:
    """A queued job with a run_after: Pressluft acts on it then, not before."""
    return isinstance(job, dict) and job.get("status") == "queued" and parse_time(job.get("run_after")) is not None


# -- the wait -----------------------------------------------------------------------------------------------
class RetrySchedule:
    """Moves a job wait's deadline for Pressluft's own retries, and keeps what it saw for the verdict."""

    def __init__(self, job_id: str, log: WaitLog):
        self.job_id, self.log = job_id, log
        self.seen: list[ScheduledRetry] = []
        self._attempt = None

    def observe(self, job: Any, deadline: Deadline) -> None:
        if not isinstance(job, dict):
            return
        attempt = job.get("attempt_count")
        retry = scheduled_retry(job)
        if retry is not None and all(seen.attempt != retry.attempt for seen in self.seen):
            self.seen.append(retry)
            self._announce(retry)
        if retry is not None:
            deadline.extend_to(time.monotonic() + max(0.0, retry.seconds_ahead()) + deadline.budget)
        elif self._attempt and attempt and attempt > self._attempt:  # a retry began (not the first attempt)
            deadline.extend_to(time.monotonic() + deadline.budget)
        self._attempt = attempt if attempt is not None else self._attempt

    def _announce(self, retry: ScheduledRetry) -> None:
        self.log.write({"kind": "retry", "subject": self.job_id, "attempt": retry.attempt + 1,
                     "max_attempts": retry.max_attempts, "error_code": retry.error_code,
                     "run_after": retry.run_after.isoformat(), "ahead": round(retry.seconds_ahead(), 3)})
        with narrate(f"Pressluft scheduled {retry.describe()} for the job {self.job_id}"):
            pass

    def describe(self) -> str:
        return ", ".join(retry.describe() for retry in self.seen) or "none"


class LastLook:
    """A job wait's looks at the job, the last one kept: its wait-log line says what the wait ended on (the job as it
    was then: a smoke's report is judged against it, support/checks/smoke_verdicts.py)."""

    FIELDS = ("status", "attempt_count", "max_attempts", "error_code", "finished_at")

    def __init__(self, fetch: Callable[[], Any]):
        self.fetch, self.job = fetch, None

    def look(self) -> Any:
        self.job = self.fetch()
        return self.job

    def seen(self) -> Optional[dict]:
        return {key: self.job.get(key) for key in self.FIELDS} if isinstance(self.job, dict) else None


def _job_timeout(command: str, job_id: str, schedule: RetrySchedule) -> Callable[[Outcome], SuiteFailure]:
    def timed_out(outcome: Outcome) -> SuiteFailure:
        deadline, state = outcome.deadline, outcome.state
        if deadline.extended and deadline.at_ceiling:
            reason = (f"still {state} when the {deadline.ceiling:g} s retry ceiling was reached "
                      f"(retries Pressluft scheduled: {schedule.describe()})")
        elif deadline.extended:
            reason = (f"still {state} when its {deadline.budget:g} s budget after the last retry was spent "
                      f"(retries Pressluft scheduled: {schedule.describe()})")
        else:
            reason = out_of_budget(state, deadline.budget) + ", without progress"
        job = outcome.last if isinstance(outcome.last, dict) else None
        return StillWaiting(Category.JOB_TIMEOUT, command, outcome, reason=reason, job_id=job_id, job=job)
    return timed_out


def wait_for_job(operator: Operator, job_id: str, *, command: str, job_type: Optional[str],
                 until: Callable[[dict], bool] = is_terminal, watch: Optional[Any] = None) -> Tuple[dict, PollHistory]:
    """Until the job ends (succeeded, failed or cancelled; cancelled is terminal, not a timeout), or until
    `until(job)` holds, within the budget of its job type (the settings' `Budgets.for_job`: no caller chooses one).
    Pressluft's scheduled retries move the deadline (see RetrySchedule). A `watch` looks at more than the job at each
    poll: its `look()` returns the job, `describe(job)` names what it saw, and `record()` is written to the wait log
    (support/waiting/nodes.py AcquisitionWatch)."""
    settings = operator.settings
    budget = settings.budgets.for_job(job_type)
    schedule = RetrySchedule(job_id, operator.waits)
    last = LastLook(watch.look if watch else lambda: operator.asks_for(TheJob(job_id, quiet=True)))

    wait = Wait(what=f"job {job_id}", fetch=last.look,
                done=lambda job: until(job) or is_terminal(job),
                describe=watch.describe if watch else lambda job: (job_state(job), job.get("error_code")),
                timed_out=_job_timeout(command, job_id, schedule),
                deadline=Deadline(budget, ceiling=settings.retry_ceiling),
                strategy=job_wait(settings.poll_policy, operator.durations), observe=schedule.observe, kind="job",
                subject=job_id, policy=settings.poll_policy, progress=job_progress, scheduled=waiting_for_run_after,
                record=lambda: {**(watch.record() if watch else {}), "job": last.seen()})
    with narrate(f"Wait up to {budget:g} s (more for retries Pressluft schedules) for the job {job_id}"):
        job, history = poll(wait, progress=operator.progress, log=operator.waits)
    operator.durations.observe(job)
    return job, history


def wait_for_success(operator: Operator, request: Request) -> Tuple[dict, PollHistory]:
    """The job an accepted request queued, waited for within the budget of the job type the request names (and the
    retries Pressluft schedules), and judged by the one judge of a job's success (support/pressluft/jobs.py
    `require_success`: failed is job_failed, cancelled job_cancelled; still in flight, the wait's job_timeout)."""
    job, history = wait_for_job(operator, request.accepted(), command=request.command, job_type=request.job_type)
    return require_success(job, command=request.command, history=history), history


def learn_job_durations(operator: Operator) -> int:
    """Seeds the duration model with the target's finished jobs (a long-lived target, or the workers of a
    parallel run that share one): later waits close in on a job's expected end from the first job on.
    Never fails the run; returns how many jobs were learned from."""
    try:
        jobs = operator.asks_for(TheJobs(quiet=True))
    except SuiteFailure:  # only an optimisation
        return 0
    for job in jobs:
        operator.durations.observe(job)
    return len(jobs)
