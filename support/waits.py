"""The waits of the Wave 5 flows, on the one poll engine (support/polling.py): a job to end (or to reach a
state), a node to become ready, a preview to answer, a site or node to have no job in flight.

A job wait knows Pressluft's retries: when Pressluft has scheduled another attempt (queued, run_after
ahead, attempts left), or a new attempt has begun, the wait goes on until that attempt's budget is spent,
never past the retry ceiling. Every scheduled retry it sees is written to the wait log and narrated in
Allure. A job that makes no progress within its budget is `job_timeout` at its budget.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Optional, Tuple

from support.http.preview import REACHABLE_PREVIEW_STATUSES
from support.polling import Deadline, Outcome, StillWaiting, Wait, job_wait, poll, preview_wait, readiness_wait
from support.pressluft.jobs import (
    DURATIONS,
    ScheduledRetry,
    in_flight,
    is_terminal,
    job_progress,
    job_state,
    scheduled_retry,
)
from support.pressluft.readiness import is_ready, readiness_words
from support.reporting.narration import narrate
from support.reporting.waitlog import WAITS
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJob, TheJobs, TheNodes, by_id, jobs_touching
from support.verdicts.categories import Category
from support.verdicts.failure import PollHistory, SuiteFailure


class RetrySchedule:
    """Moves a job wait's deadline for Pressluft's own retries, and keeps what it saw for the verdict."""

    def __init__(self, job_id: str):
        self.job_id = job_id
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
        WAITS.write({"kind": "retry", "subject": self.job_id, "attempt": retry.attempt + 1,
                     "max_attempts": retry.max_attempts, "error_code": retry.error_code,
                     "run_after": retry.run_after.isoformat(), "ahead": round(retry.seconds_ahead(), 3)})
        with narrate(f"Pressluft scheduled {retry.describe()} for the job {self.job_id}"):
            pass

    def describe(self) -> str:
        return ", ".join(retry.describe() for retry in self.seen) or "none"


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
            reason = f"still {state} when its {deadline.budget:g} s budget was spent, without progress"
        return StillWaiting(Category.JOB_TIMEOUT, command, outcome, reason=reason, job_id=job_id)
    return timed_out


def wait_for_job(operator: Operator, job_id: str, *, command: str, budget: float,
                 until: Callable[[dict], bool] = is_terminal, also_watch: Optional[Callable[[dict], None]] = None
                 ) -> Tuple[dict, PollHistory]:
    """Until the job ends (succeeded, failed or cancelled; cancelled is terminal, not a timeout), or until
    `until(job)` holds. Pressluft's scheduled retries move the deadline (see RetrySchedule)."""
    settings = operator.settings
    schedule = RetrySchedule(job_id)

    def fetch() -> dict:
        job = operator.asks_for(TheJob(job_id, quiet=True))
        if also_watch:
            also_watch(job)
        return job

    wait = Wait(what=f"job {job_id}", fetch=fetch, done=lambda job: until(job) or is_terminal(job),
                describe=lambda job: (job_state(job), job.get("error_code")),
                timed_out=_job_timeout(command, job_id, schedule),
                deadline=Deadline(budget, ceiling=settings.retry_ceiling),
                strategy=job_wait(settings.poll_policy, DURATIONS), observe=schedule.observe, kind="job",
                subject=job_id, policy=settings.poll_policy, progress=job_progress)
    with narrate(f"Wait up to {budget:g} s (more for retries Pressluft schedules) for the job {job_id}"):
        job, history = poll(wait)
    DURATIONS.observe(job)
    return job, history


def learn_job_durations(operator: Operator) -> int:
    """Seeds the duration model with the target's finished jobs (a long-lived target, or the workers of a
    parallel run that share one): later waits close in on a job's expected end from the first job on.
    Never fails the run; returns how many jobs were learned from."""
    try:
        jobs = operator.asks_for(TheJobs(quiet=True))
    except SuiteFailure:  # only an optimisation
        return 0
    for job in jobs:
        DURATIONS.observe(job)
    return len(jobs)


def readiness_state(node: Optional[dict]) -> Tuple[str, Optional[str]]:
    if node is None:
        return "not listed", None
    return ("ready" if is_ready(node) else readiness_words(node)), None


def wait_for_node_ready(operator: Operator, node_id: str, *, budget: float, command: str = "GET /api/nodes",
                        job_id: Optional[str] = None) -> Tuple[dict, PollHistory]:
    def timed_out(outcome: Outcome) -> SuiteFailure:
        return StillWaiting(Category.NODE_NOT_READY, command, outcome, job_id=job_id, node=outcome.last,
                            reason=f"still {outcome.state} when its {outcome.deadline.budget:g} s budget was spent")

    settings = operator.settings
    wait = Wait(what=f"node {node_id} readiness",
                fetch=lambda: by_id(operator.asks_for(TheNodes(quiet=True)), node_id), done=is_ready,
                describe=readiness_state, timed_out=timed_out, deadline=Deadline(budget),
                strategy=readiness_wait(settings.poll_policy), kind="node", subject=job_id or node_id,
                policy=settings.poll_policy)
    with narrate(f"Wait up to {budget:g} s for the node {node_id} to be ready"):
        return poll(wait)


def wait_for_preview(operator: Operator, url: str, *, budget: Optional[float] = None) -> Tuple[int, PollHistory]:
    """GET without following redirects until 200, 301 or 302; the last answer is kept for the verdict."""
    settings = operator.settings
    budget = budget if budget is not None else settings.budgets.preview

    def fetch() -> tuple:
        status, last, _ = operator.preview.get(url, max_time=budget)
        return status, last

    def timed_out(outcome: Outcome) -> SuiteFailure:
        answer = outcome.last[1]
        verb = "answered" if answer.isdigit() else "got"
        return StillWaiting(Category.PREVIEW_UNREACHABLE, f"GET {url}", outcome, last_answer=answer,
                            reason=f"preview {verb} {answer} until its {outcome.deadline.budget:g} s budget was spent")

    wait = Wait(what=f"preview {url}", fetch=fetch, done=lambda result: result[0] in REACHABLE_PREVIEW_STATUSES,
                describe=lambda result: (result[1], None), timed_out=timed_out, deadline=Deadline(budget),
                strategy=preview_wait(settings.poll_policy), kind="preview", subject=url,
                policy=settings.poll_policy, progress=lambda result: f"last answer {result[1]}")
    with narrate(f"Wait up to {budget:g} s for the preview {url} to answer 200, 301 or 302"):
        (status, _), history = poll(wait)
    return status, history


def wait_until_free(operator: Operator, scope: dict, budget: float) -> int:
    """Polls the jobs list until no job of the scope is queued or running; the number of polls made. Gives up
    quietly at the budget (the caller decides what that means)."""
    history = PollHistory(what="the scope to be free")
    settings = operator.settings

    def busy() -> list:
        return [job for job in jobs_touching(operator.asks_for(TheJobs(quiet=True)), **scope) if in_flight(job)]

    wait = Wait(what="the scope to be free", fetch=busy, done=lambda jobs: not jobs,
                describe=lambda jobs: (f"{len(jobs)} jobs in flight", None),
                timed_out=lambda outcome: SuiteFailure(Category.JOB_TIMEOUT, "wait for a free scope", "busy"),
                deadline=Deadline(max(budget, 0.1)), strategy=readiness_wait(settings.poll_policy), kind="scope",
                subject=",".join(f"{k}={v}" for k, v in scope.items()) or "all", policy=settings.poll_policy)
    try:
        poll(wait, history=history)
    except SuiteFailure:
        pass
    return history.attempts
