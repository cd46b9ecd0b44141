"""Waiting for a site or node (a scope of the jobs list) to have no job in flight: what the enqueue guard waits for
(support/flows/)."""
from __future__ import annotations

from support.pressluft.jobs import in_flight
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJobs, jobs_touching
from support.verdicts.categories import Category
from support.verdicts.failure import PollHistory, SuiteFailure
from support.waiting.polling import Deadline, Wait, poll, steady_wait


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
                deadline=Deadline(max(budget, 0.1)), strategy=steady_wait(settings.poll_policy), kind="scope",
                subject=",".join(f"{k}={v}" for k, v in scope.items()) or "all", policy=settings.poll_policy)
    try:
        poll(wait, history=history)
    except SuiteFailure:
        pass
    return history.attempts
