"""A request the operator submits, and its job.

Pressluft's enqueue guard refuses a job while a job of the same site or node is queued or running (409 `conflict`,
"conflicting … mutation"), and at 6164b449 it stores a site (with its production) or an environment (turning its site
`cloning`) before it asks the guard, and keeps them when refused: the same slug again is then the duplicate-slug
conflict, worded alike. So a submission:

* never provokes the guard: on a target other than the embedded one, a request whose scope is given (its site, its
  node) is sent only once the jobs list shows no job of that scope in flight, anyone's (one listing; while one is,
  a wait within the budget, a step of the report saying what it waited for);
* reads a refusal right when the guard trips anyway (a job that came in between): a site or environment of the
  refused request's slug is a record the refusal left, contract_violation at once naming both, and that request is
  never sent again;
* else waits until the scope is free and sends it again (recorded on the request, never blind).

An accepted request's job is then waited for until it succeeded (`wait_until_succeeded`). Every wait here takes the
budget of the job type the action queues (the settings' `Budgets.for_job`).
"""
from __future__ import annotations

import time
from typing import Optional

from support.checks.matchers import a_consistent_record, expect
from support.reporting.narration import narrate
from support.screenplay.actions import CreateEnvironment, CreateSite, Post, Request, is_enqueue_conflict
from support.screenplay.actor import Operator
from support.screenplay.questions import TheEnvironments, TheSites
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.waiting.jobs import wait_for_success
from support.waiting.scopes import jobs_in_flight, wait_until_free


def submit(operator: Operator, action: Post, *, busy_scope: Optional[dict]) -> Request:
    """The action, submitted once; `busy_scope` (site_id, node_id; {}: the whole target; None: none of this) is what
    the enqueue guard may hold it back for: looked at first on a target other than the embedded one, and when the
    guard refuses it anyway, a refusal that left a record is a verdict, one that left nothing is waited out and the
    action submitted again, within the budget of the job type it queues. Every re-submission is recorded on the
    request."""
    budget = operator.settings.budgets.for_job(action.JOB_TYPE)
    deadline = time.monotonic() + budget
    scope = _guarded_scope(operator, busy_scope)
    if scope is not None and not operator.settings.embedded:
        _until_free(operator, action, scope, deadline, budget)
    request = operator.attempts_to(action)
    pauses, resubmissions = 0, []
    while scope is not None and is_enqueue_conflict(request.answer):
        refused_leaving_nothing(operator, action, request, resubmissions)
        if time.monotonic() >= deadline:
            break
        note = ""
        if wait_until_free(operator, scope, deadline - time.monotonic())[0] <= 1:
            # our scope looked free, so the guard holds for another (e.g. the node): back off, politely
            pause = min(2.0, 0.1 * 1.5 ** pauses, max(0.0, deadline - time.monotonic()))
            pauses += 1
            time.sleep(pause)
            note = f" (the guard held beyond that scope: paused {pause:.2f} s)"
        resubmissions.append(f"{request.command} answered {request.answer.reason}; re-submitted once "
                             f"{' and '.join(scope) or 'the target'} had no job in flight{note}")
        request = operator.attempts_to(action.again())
    request.resubmissions = resubmissions
    return request


def _guarded_scope(operator: Operator, scope: Optional[dict]) -> Optional[dict]:
    """The scope as the target's guard holds it: without the node when the target says its guard holds only the
    site (a reference started with --guard-scope site, as scripts/parallel's), and then nothing at all for a new
    site (no job of it can be in flight)."""
    if scope is None or operator.guard_holds_nodes:
        return scope
    return {"site_id": scope["site_id"]} if scope.get("site_id") else None


def _until_free(operator: Operator, action: Post, scope: dict, deadline: float, budget: float) -> None:
    """One listing of the jobs; while it shows a job of the scope in flight (anyone's: another operator's on the same
    node counts), a wait within the budget, narrated. Still busy when the budget is spent: job_timeout, not sent."""
    busy = jobs_in_flight(operator, scope)
    if not busy:
        return
    what = f"{_jobs_in_words(busy)} to end before: {action.TITLE.format(**vars(action))}"
    with narrate(f"Wait for {what} (the enqueue guard would refuse it while a job of its site or node is in flight)"):
        _, still = wait_until_free(operator, scope, deadline - time.monotonic(), what=what)
    if still:
        raise SuiteFailure(Category.JOB_TIMEOUT, action.command,
                           f"not submitted: {_jobs_in_words(still)} still in flight when its {budget:g} s budget was "
                           "spent (the enqueue guard refuses a job while a job of the same site or node is queued or "
                           "running)",
                           job_id=still[0].get("id"), job=still[0])


def _jobs_in_words(jobs: list) -> str:
    named = ", ".join(f"{job.get('job_type')} {job.get('id')} ({job.get('status')})" for job in jobs[:3])
    return (f"the job {named}" if len(jobs) == 1 else f"{len(jobs)} jobs ({named}{', …' if len(jobs) > 3 else ''})")


def refused_leaving_nothing(operator: Operator, action: Post, request: Request, before: list = ()) -> None:
    """A creation the enqueue guard refused must have recorded nothing. A site of its slug (or an environment of its
    slug in its site) is a record the refusal left: contract_violation, naming the refused request and the record;
    the request is not sent again (the same slug would be refused as a duplicate, worded alike)."""
    if isinstance(action, CreateSite):
        question, kind = TheSites(quiet=True), "site"
    elif isinstance(action, CreateEnvironment):
        question, kind = TheEnvironments(action.site_id, quiet=True), "environment"
    else:  # a backup or a restore: nothing with a slug to look for
        return
    left = next((record for record in operator.asks_for(question) if record.get("slug") == action.slug), None)
    if left is None:
        return
    raise SuiteFailure(Category.CONTRACT_VIOLATION, request.command,
                       f"the enqueue guard refused it ({request.answer.reason}), yet it left the {kind} "
                       f"{left.get('id')} ({action.slug}, status {left.get('status')}) recorded, as {question.command} "
                       "shows: a refused creation must record nothing; not submitted again",
                       details={"refused request": request.command, f"the {kind} it left": left,
                                "re-submissions before": list(before) or "none"})


def wait_until_succeeded(operator: Operator, request: Request) -> dict:
    """Waits for an accepted request's job to end and requires it to have succeeded (support/waiting/jobs.py
    wait_for_success), its record holding the rules of every job (support/pressluft/records.py)."""
    job, _ = wait_for_success(operator, request)
    return expect(job, a_consistent_record("job"), command=request.command, job_id=job["id"])
