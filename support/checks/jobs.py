"""The checks of jobs: the job a request queued ended succeeded (judged by support/pressluft/jobs.py require_success,
the one judge of a job's success) and is the request's own; a job ended failed with
a code, within the attempts the contract gives its type; no job of a refused request was queued (the job list first
showing it can show one); and the matchers of a job."""
from __future__ import annotations

import re
from typing import Callable, Iterable, Optional

from support.checks.matchers import (
    RecordMatcher,
    expect,
    field_is,
    fields_that_are,
    new_value,
    shown_in,
)
from support.pressluft.jobs import CONTRACT_MAX_ATTEMPTS, is_terminal
from support.pressluft.times import by_creation
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJob, TheJobs
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.waiting.jobs import wait_for_job, wait_for_success

ATTEMPT_RULES = {
    # the sentence's words → (what it means, given the attempts the contract allows; the check of the job)
    "without a retry": ("one attempt, no retry", lambda job, allowed: job.get("attempt_count") == 1),
    "after its single attempt": (
        "one attempt, the only one the contract allows (max_attempts {allowed})",
        lambda job, allowed: allowed == 1 and job.get("attempt_count") == 1 == job.get("max_attempts")),
}
# "after its 3 attempts": all the attempts the contract allows, the number said (a number that is not the contract's
# is a mistake in the feature text)
EVERY_ATTEMPT = re.compile(r"after its (?P<count>\d+) attempts")
EVERY_ATTEMPT_RULE = (
    "the {allowed} attempts the contract allows (max_attempts {allowed}), each retry scheduled with a run_after",
    lambda job, allowed: job.get("attempt_count") == allowed == job.get("max_attempts")
    and (allowed == 1 or bool(job.get("run_after"))))


def _job_title(job: dict) -> str:
    return f"{job.get('job_type') or 'job'} job {job.get('id')}"


def _which_job(job_type: str, where: dict) -> list:
    """The properties that say which job it is: its type, and the node, site and environment it belongs to."""
    return [field_is("job_type", job_type)] + [field_is(field, value) for field, value in where.items()]


def a_job_of(job_type: str, *, identity_only: bool = False, **where) -> RecordMatcher:
    """A job of that type that belongs where the scenario put it (node_id, site_id, environment_id = …), its record
    holding the rules of every job (support/pressluft/records.py) unless `identity_only`: a claim that only names
    which job it is (a later claim of the scenario judges the job itself)."""
    return RecordMatcher("a job", _which_job(job_type, where), kind=None if identity_only else "job",
                         title=_job_title)


def _attempts_as_said(attempts: str, allowed: int) -> tuple:
    every = EVERY_ATTEMPT.fullmatch(attempts)
    if every and int(every["count"]) != allowed:
        raise ValueError(f"the feature text says '{attempts}' of a job the contract allows {allowed} attempts")
    what, rule = EVERY_ATTEMPT_RULE if every else ATTEMPT_RULES[attempts]
    return (what.format(allowed=allowed), lambda job: None if rule(job, allowed) else
            f"attempt {job.get('attempt_count')} of {job.get('max_attempts')}, run_after {job.get('run_after')!r}")


def a_job_that_ended_failed(code: str, message: Optional[str] = None, *, job_type: str,
                            attempts: Optional[str] = None, **where) -> RecordMatcher:
    """Failed with that code (and message), finished, a job of that type belonging where `where` says, its record
    holding the rules of every job (within the attempts the contract gives its type among them); `attempts`: one of
    ATTEMPT_RULES' phrases, as the feature text says it. Still in flight: job_timeout."""
    found = _which_job(job_type, where) + fields_that_are(("status", "failed"), ("error_code", code),
                                                           ("error_message", message))
    found.append(("finished_at set", lambda job: None if job.get("finished_at") else "finished_at is null"))
    if attempts is not None:
        found.append(_attempts_as_said(attempts, CONTRACT_MAX_ATTEMPTS[job_type]))
    return RecordMatcher("a job", found, kind="job", title=_job_title, category=lambda job: Category.JOB_TIMEOUT
                         if isinstance(job, dict) and job.get("status") in ("queued", "running")
                         else Category.CONTRACT_VIOLATION)


def a_job_of_the_request(job_type: str, *, site: Optional[str] = None, environment: Optional[str] = None,
                         node: Optional[str] = None, new_environment_not_in: Optional[Iterable[str]] = None
                         ) -> RecordMatcher:
    """The job a request queued, as the scenario knows it: its type, its site, its environment (or, for a creation,
    an environment that did not exist before) and its node; a job record that holds the rules of every job."""
    found = fields_that_are(("job_type", job_type), ("site_id", site, "site"), ("environment_id", environment,
                                                                                "environment"))
    found += new_value("environment_id", new_environment_not_in, "a new environment",
                       "it names the environment {}, one that existed before")
    return RecordMatcher("a job", found + fields_that_are(("node_id", node, "node")), kind="job", title=_job_title)


def job_succeeded(operator: Operator, request: Request) -> dict:
    """The job the request queued ended succeeded (failed: job_failed, cancelled: job_cancelled, still in
    flight after the budget of its job type and Pressluft's own retries: job_timeout; support/waiting/jobs.py
    wait_for_success), and it is the request's own: of the job type the request queues, for the site, the
    environment (a creation: a new one) and the node the scenario set up."""
    job, _ = wait_for_success(operator, request)
    job_id = job["id"]
    creation = request.job_type == "env_create"
    own = a_job_of_the_request(
        request.job_type, site=request.site_id, environment=request.environment_id, node=request.node_id,
        new_environment_not_in=[env["id"] for env in request.environments_before] if creation else None)
    return expect(job, own, command=TheJob(job_id).command, job_id=job_id)


def job_ended_failed(operator: Operator, job: Optional[dict], *, command: str, job_type: str, code: str,
                     message: Optional[str] = None, attempts: Optional[str] = None, **where) -> dict:
    """The job (of that type, belonging where `where` says) ended failed with that code (and message),
    finished, within the attempts the contract gives its type, and with the attempts the sentence names
    (`attempts`: a phrase of ATTEMPT_RULES, above); a job still in flight is waited for, within the budget of its
    type."""
    if job is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJobs().command, f"no job of {command} is listed")
    if not is_terminal(job):
        job, _ = wait_for_job(operator, job["id"], command=command, job_type=job_type)
    return expect(job, a_job_that_ended_failed(code, message, job_type=job_type, attempts=attempts, **where),
                  command=command, job_id=job["id"])


def no_job_queued(operator: Operator, jobs_before: list, *, because: str, made: list[dict], what: str = "job",
                  theirs: Callable[[list], list] = list, none_made: Optional[str] = None) -> None:
    """No new job that the refused request could have queued is listed: of the jobs not listed before it, `theirs`
    keeps those that could be its own (a request's scope: its site, its environment, a site or node of the name it
    asked for, or none that is listed), so that jobs other operators (or scenarios running in parallel) queue on
    their own records meanwhile do not count. First the list shows the jobs this run made before (`made`: the
    fields `theirs` reads among them); without any, the claim is not shown on this target (`none_made`: why)."""
    jobs = operator.asks_for(TheJobs())
    shown_in(jobs, made, command=TheJobs().command, what="jobs", claim=f"no {what} was queued", none_made=none_made)
    before = {job["id"] for job in jobs_before}
    new = sorted(theirs([job for job in jobs if job["id"] not in before]), key=by_creation)  # in the order made
    if new:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJobs().command,
                           f"{len(new)} jobs were queued although {because}: "
                           + ", ".join(f"{job.get('job_type')} {job['id']}" + _owner(job) for job in new),
                           job_id=new[0]["id"], job=new[0])


def _owner(job: dict) -> str:
    owners = [f"{field[:-3]} {job[field]}" for field in ("site_id", "environment_id", "node_id") if job.get(field)]
    return f" ({', '.join(owners)})" if owners else ""
