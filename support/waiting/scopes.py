"""Waiting for a site or node (a scope of the jobs list) to have no job in flight: what the enqueue guard waits for
(support/flows/)."""
from __future__ import annotations

from support.pressluft.jobs import in_flight
from support.pressluft.listings import jobs_touching
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJobs
from support.verdicts.categories import Category
from support.verdicts.failure import PollHistory, SuiteFailure
from support.waiting.polling import Deadline, Wait, poll, steady_wait


def jobs_in_flight(operator: Operator, scope: dict) -> list:
    """The jobs of the scope (its site or its node; {}: the whole target) queued or running now, anyone's: one
    listing."""
    return [job for job in jobs_touching(operator.asks_for(TheJobs(quiet=True)), **scope) if in_flight(job)]


def wait_until_free(operator: Operator, scope: dict, budget: float, *,
                    what: str = "the scope to be free") -> tuple[int, list]:
    """Polls the jobs list until no job of the scope is queued or running: the number of polls made, and the jobs
    still in flight at the last one ([] when the scope became free). Gives up quietly at the budget (the caller
    decides what that means)."""
    history = PollHistory(what=what)
    settings = operator.settings
    seen = {"busy": []}

    def busy() -> list:
        seen["busy"] = jobs_in_flight(operator, scope)
        return seen["busy"]

    wait = Wait(what=what, fetch=busy, done=lambda jobs: not jobs,
                describe=lambda jobs: (f"{len(jobs)} jobs in flight", None),
                timed_out=lambda outcome: SuiteFailure(Category.JOB_TIMEOUT, "wait for a free scope", "busy"),
                deadline=Deadline(max(budget, 0.1)), strategy=steady_wait(settings.poll_policy), kind="scope",
                subject=",".join(f"{k}={v}" for k, v in scope.items()) or "all", policy=settings.poll_policy)
    try:
        poll(wait, history=history, progress=operator.progress, log=operator.waits)
    except SuiteFailure:
        pass
    return history.attempts, seen["busy"]
