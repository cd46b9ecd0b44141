"""A request the operator submits, and its job: the enqueue guard's refusal waited out and the request submitted
again (recorded, never blind), and an accepted request's job waited for until it succeeded."""
from __future__ import annotations

import time
from typing import Optional

from support.checks.matchers import a_consistent_record, expect
from support.pressluft.jobs import require_success
from support.screenplay.actions import Post, Request, is_enqueue_conflict
from support.screenplay.actor import Operator
from support.waiting.jobs import wait_for_job
from support.waiting.scopes import wait_until_free


def submit(operator: Operator, action: Post, *, busy_scope: Optional[dict], budget: float) -> Request:
    """The action, submitted once; when the enqueue guard refuses it (a 409 conflict: a job of its site or node is in
    flight, nothing was created) and `busy_scope` is given (site_id, node_id; {}: the whole target), submitted again
    once that scope has no job in flight, within the budget. Every re-submission is recorded on the request; never
    blind."""
    request = operator.attempts_to(action)
    deadline, pauses, resubmissions = time.monotonic() + budget, 0, []
    while busy_scope is not None and is_enqueue_conflict(request.answer) and time.monotonic() < deadline:
        note = ""
        if wait_until_free(operator, busy_scope, deadline - time.monotonic()) <= 1:
            # our scope looked free, so the guard holds for another (e.g. the node): back off, politely
            pause = min(2.0, 0.1 * 1.5 ** pauses, max(0.0, deadline - time.monotonic()))
            pauses += 1
            time.sleep(pause)
            note = f" (the guard held beyond that scope: paused {pause:.2f} s)"
        resubmissions.append(f"{request.command} answered {request.answer.reason}; re-submitted once "
                             f"{' and '.join(busy_scope) or 'the target'} had no job in flight{note}")
        request = operator.attempts_to(action.again())
    request.resubmissions = resubmissions
    return request


def finish(operator: Operator, request: Request, budget: float) -> dict:
    """Waits for an accepted request's job to end and requires it to have succeeded, its record holding the rules of
    every job (support/pressluft/records.py)."""
    job_id = request.accepted()
    job, history = wait_for_job(operator, job_id, command=request.command, budget=budget)
    require_success(job, command=request.command, history=history)
    return expect(job, a_consistent_record("job"), command=request.command, job_id=job_id)
