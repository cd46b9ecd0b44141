"""The waits of the Wave 5 flows: a job to end, a node to become ready, a preview to answer.

Each returns what it waited for and its poll history, or raises StillWaiting (a SuiteFailure) with
the category of what did not happen in time.
"""
from __future__ import annotations

from typing import Optional, Tuple

from support.actor import Operator
from support.diagnostics import Category, PollHistory, SuiteFailure, job_reason
from support.polling import (DURATIONS, REACHABLE_PREVIEW_STATUSES, TERMINAL_JOB_STATES, StillWaiting, job_state,
                             job_wait, poll_until, preview_wait, readiness_wait)
from support.questions import TheJob, TheJobs, TheNodes, node_by_id
from support.reporting import narrate


def wait_for_job(operator: Operator, job_id: str, *, command: str, budget: Optional[float] = None,
                 also_watch=None) -> Tuple[dict, PollHistory]:
    """Until the job is succeeded, failed or cancelled (cancelled is terminal, not a timeout)."""
    budget = budget if budget is not None else operator.settings.job_timeout

    def fetch() -> dict:
        job = operator.asks_for(TheJob(job_id))
        if also_watch:
            also_watch(job)
        return job

    def timed_out(*, last, last_state, attempts, elapsed, history):
        return StillWaiting(Category.JOB_TIMEOUT, command, what=f"job {job_id}", last_state=last_state,
                            attempts=attempts, elapsed=elapsed, budget=budget, history=history, job_id=job_id,
                            last=last)

    with narrate(f"Wait up to {budget:g} s for the job {job_id} to end"):
        job, history = poll_until(fetch, lambda job: job.get("status") in TERMINAL_JOB_STATES, budget=budget,
                                  what=f"job {job_id}", describe=job_state, on_timeout=timed_out, wait=job_wait(),
                                  kind="job", subject=job_id)
        DURATIONS.observe(job)
        return job, history


def learn_job_durations(operator: Operator) -> int:
    """Seeds the duration model with the target's finished jobs (a long-lived target, or the workers of a
    parallel run that share one): later waits close in on a job's expected end from the first job on.
    Never fails the run; returns how many jobs were learned from."""
    try:
        jobs = operator.asks_for(TheJobs(quiet=True))
    except Exception:  # noqa: BLE001 - only an optimisation
        return 0
    jobs = jobs if isinstance(jobs, list) else []
    for job in jobs:
        DURATIONS.observe(job)
    return len(jobs)


def require_success(job: dict, *, command: str, history: Optional[PollHistory] = None) -> dict:
    """A succeeded job passes; failed is job_failed, cancelled is job_cancelled."""
    status = job.get("status")
    if status == "succeeded":
        return job
    category = {"failed": Category.JOB_FAILED, "cancelled": Category.JOB_CANCELLED}.get(
        status, Category.JOB_TIMEOUT)
    reason = job_reason(job) if status == "failed" or job.get("error_code") else f"job ended {status}"
    raise SuiteFailure(category, command, reason, job_id=job.get("id"), job=job, poll=history)


def readiness_state(node: Optional[dict]) -> Tuple[str, Optional[str]]:
    if node is None:
        return "not listed", None
    readiness = node.get("readiness") or {}
    codes = readiness.get("reason_codes") or []
    if readiness.get("is_ready"):
        return "ready", None
    return f"not ready ({', '.join(codes) or 'no reason codes'}, status {node.get('status')})", None


def wait_for_node_ready(operator: Operator, node_id: str, *, budget: float, command: str,
                        job_id: Optional[str] = None) -> Tuple[dict, PollHistory]:
    def fetch() -> Optional[dict]:
        return node_by_id(operator.asks_for(TheNodes(quiet=True)), node_id)

    def timed_out(*, last, last_state, attempts, elapsed, history):
        failure = StillWaiting(Category.NODE_NOT_READY, command, what=f"node {node_id} readiness",
                               last_state=last_state, attempts=attempts, elapsed=elapsed, budget=budget,
                               history=history, job_id=job_id)
        failure.node = last
        return failure

    with narrate(f"Wait up to {budget:g} s for the node {node_id} to be ready"):
        return poll_until(fetch, lambda node: bool(node and (node.get("readiness") or {}).get("is_ready")),
                          budget=budget, what=f"node {node_id} readiness", describe=readiness_state,
                          on_timeout=timed_out, wait=readiness_wait(), kind="node", subject=job_id or node_id)


def wait_for_preview(operator: Operator, url: str, *, budget: Optional[float] = None) -> Tuple[int, PollHistory]:
    """GET without following redirects until 200, 301 or 302; the last answer is kept for the verdict."""
    budget = budget if budget is not None else operator.settings.preview_timeout
    seen = {"last": None}

    def fetch():
        status, last, _ = operator.preview.get(url, max_time=budget)
        seen["last"] = last
        return status, last

    def timed_out(*, last, last_state, attempts, elapsed, history):
        _, answer = last
        verb = "answered" if answer.isdigit() else "got"
        failure = StillWaiting(Category.PREVIEW_UNREACHABLE, f"GET {url}", what=f"preview {url}",
                               last_state=answer, attempts=attempts, elapsed=elapsed, budget=budget,
                               history=history,
                               reason=f"preview {verb} {answer} on {attempts} tries over {int(elapsed)} s")
        failure.last_answer = answer
        return failure

    with narrate(f"Wait up to {budget:g} s for the preview {url} to answer 200, 301 or 302"):
        (status, _), history = poll_until(fetch, lambda result: result[0] in REACHABLE_PREVIEW_STATUSES,
                                          budget=budget, what=f"preview {url}",
                                          describe=lambda result: (result[1], None), on_timeout=timed_out,
                                          wait=preview_wait(), kind="preview", subject=url)
        return status, history
