"""What the operator does in the Wave 5 flows, a request at a time: each request is kept with what was
listed just before it (the evidence a later check compares with), and the Given steps' longer flows
(a live site, an active clone, a completed full backup) wait until they are done.
"""
from __future__ import annotations

import time
from typing import Optional

from support.checks.backups import a_completed_backup, backup_made_by
from support.checks.environments import an_environment, an_environment_that_is, environment_made_by
from support.checks.jobs import a_job_of_the_request
from support.checks.matchers import expect
from support.checks.sites import LiveSite, a_site_that_is
from support.pressluft.jobs import require_success
from support.screenplay.actions import (
    CreateEnvironment,
    CreateSite,
    Request,
    RestoreEnvironment,
    TakeBackup,
    _Post,
    is_enqueue_conflict,
)
from support.screenplay.actor import Operator
from support.screenplay.questions import (
    TheBackups,
    TheEnvironment,
    TheEnvironments,
    TheJob,
    TheJobs,
    TheSite,
    TheSites,
    by_id,
)
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.waiting.jobs import wait_for_job
from support.waiting.previews import wait_for_preview
from support.waiting.scopes import wait_until_free


def submit(operator: Operator, action: _Post, *, busy_scope: Optional[dict], budget: float) -> Request:
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


def _jobs(operator: Operator) -> list:
    return operator.asks_for(TheJobs(quiet=True))


def request_site(operator: Operator, *, label: str = "site", node_id: Optional[str] = None,
                 once: bool = False) -> Request:
    """`once`: one POST, never re-submitted after an enqueue-guard conflict."""
    slug = operator.ledger.slug(label)
    jobs, sites = _jobs(operator), operator.asks_for(TheSites(quiet=True))
    # the enqueue guard is per node: wait for the node to have no job in flight
    scope = None if once else {"node_id": node_id} if node_id else {}
    request = submit(operator, CreateSite(f"Wave 5 {slug}", slug), busy_scope=scope,
                     budget=operator.settings.budgets.site)
    return request.knowing(jobs_before=jobs, sites_before=sites)


def request_environment(operator: Operator, site: LiveSite, type: str) -> Request:
    slug = operator.ledger.slug(type)
    jobs = _jobs(operator)
    environments = operator.asks_for(TheEnvironments(site.id, quiet=True))
    request = submit(operator, CreateEnvironment(site.id, site.production["id"], type, f"Wave 5 {type} {slug}", slug),
                     busy_scope={"site_id": site.id}, budget=operator.settings.budgets.clone)
    return request.knowing(jobs_before=jobs, environments_before=environments, node_id=site.production.get("node_id"))


def request_backup(operator: Operator, site: LiveSite, environment: dict) -> Request:
    request = submit(operator, TakeBackup(environment["id"]), busy_scope={"site_id": site.id},
                     budget=operator.settings.budgets.backup)
    return request.knowing(site_id=site.id, node_id=environment.get("node_id"))


def request_restore(operator: Operator, site: LiveSite, environment: dict, backup: dict, *,
                    wait_for_guard: bool = True, showing: Optional[str] = None) -> Request:
    """Restore `environment` from `backup`; the backups and jobs listed just before are kept (the checkpoint
    the restore takes must be a new one), and `showing`: what the scenario saw the environment show just before
    (the checkpoint must hold it)."""
    jobs = _jobs(operator)
    backups = operator.asks_for(TheBackups(environment["id"], quiet=True))
    request = submit(operator, RestoreEnvironment(environment["id"], backup["id"]),
                     busy_scope={"site_id": site.id} if wait_for_guard else None,
                     budget=operator.settings.budgets.restore)
    return request.knowing(site_id=site.id, node_id=environment.get("node_id"), jobs_before=jobs,
                           backups_before=backups, content_before=showing)


def finish(operator: Operator, request: Request, budget: float) -> dict:
    """Waits for an accepted request's job to end and requires it to have succeeded."""
    job_id = request.accepted()
    job, history = wait_for_job(operator, job_id, command=request.command, budget=budget)
    return require_success(job, command=request.command, history=history)


# -- the longer flows of the Given steps ---------------------------------------------------------------
def create_live_site(operator: Operator, *, label: str = "site", node_id: Optional[str] = None) -> LiveSite:
    """A new site whose site_create succeeded, whose production environment is active and answers: the site
    and the production its job names (the site bearing the requested slug, active; its production environment
    of that site, listed among its environments)."""
    request = request_site(operator, label=label, node_id=node_id)
    job = finish(operator, request, operator.settings.budgets.site)
    expect(job, a_job_of_the_request("site_create"), command=request.command, job_id=job["id"])
    site_command = TheSite(job.get('site_id')).command
    if not job.get("site_id") or not job.get("environment_id"):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJob(job['id']).command,
                           f"the site creation job names the site {job.get('site_id')!r} and the environment "
                           f"{job.get('environment_id')!r}", job_id=job["id"], job=job)
    site = operator.asks_for(TheSite(job["site_id"], quiet=True))
    expect(site, a_site_that_is("active", slug=request.slug), command=site_command, job_id=job["id"])
    operator.ledger.record("site", site["id"], request.slug)
    production = operator.asks_for(TheEnvironment(job["environment_id"], quiet=True))
    expect(production, an_environment_that_is("active", type="production", site=site["id"]),
           command=TheEnvironment(job['environment_id']).command, job_id=job["id"])
    if by_id(operator.asks_for(TheEnvironments(site["id"], quiet=True)), production["id"]) is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheEnvironments(site['id']).command,
                           f"the production environment {production['id']} of the site creation job is not listed "
                           "among the site's environments", job_id=job["id"])
    live = LiveSite(site, production, job)
    ensure_live(operator, live)
    return live


def ensure_live(operator: Operator, site: LiveSite) -> None:
    """Live: production is active and its preview answers 200, 301 or 302."""
    production = operator.asks_for(TheEnvironment(site.production["id"], quiet=True))
    if production.get("status") != "active":
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheEnvironment(production['id']).command,
                           f"production of the site {site.site.get('slug')} is {production.get('status')}, not active",
                           job_id=(site.job or {}).get("id"))
    wait_for_preview(operator, production["preview_url"])


def create_environment(operator: Operator, site: LiveSite, type: str) -> dict:
    """A clone or staging environment of production whose env_create succeeded: the environment its job
    names, bearing the requested slug, of that site, active, of that type, copied from production on its node."""
    request = request_environment(operator, site, type)
    job = finish(operator, request, operator.settings.budgets.clone)
    environment = environment_made_by(operator, job, command=request.command)
    operator.ledger.record("environment", environment["id"], request.slug)
    copy = an_environment("active", type=type, source=site.production["id"], node=request.node_id,
                                   site=site.id, slug=request.slug)
    return expect(environment, copy, command=TheEnvironment(environment['id']).command, job_id=job["id"])


def take_full_backup(operator: Operator, site: LiveSite, environment: dict) -> dict:
    """A full backup whose backup_create succeeded, as listed (its id is the job's id)."""
    request = request_backup(operator, site, environment)
    job = finish(operator, request, operator.settings.budgets.backup)
    operator.ledger.record("backup", job["id"])
    return backup_made_by(operator, job["id"], environment["id"], quiet=True)


def completed_full_backup(operator: Operator, site: LiveSite, environment: dict) -> dict:
    """A full backup of the environment that completed with its integrity data (a sha256 checksum, a size)."""
    backup = take_full_backup(operator, site, environment)
    return expect(backup, a_completed_backup(scope="full", of=environment["id"]),
                  command=TheBackups(environment['id']).command, job_id=backup["id"])


def backup_that_completed_without(operator: Operator, site: LiveSite, environment: dict, missing: str) -> dict:
    """A full backup of the environment that completed with one integrity datum missing (`missing`: "checksum"
    or "size"), the other one intact: a restore of it can be refused for that reason only."""
    backup = take_full_backup(operator, site, environment)
    complete = a_completed_backup(scope="full", of=environment["id"])
    whole = {**backup, "checksum": "sha256:" + "0" * 64} if missing == "checksum" else {**backup, "size_bytes": 1}
    lacking = backup.get("checksum") is None if missing == "checksum" else backup.get("size_bytes") == 0
    if not complete.matches(whole) or not lacking:
        found = f"its checksum is {backup.get('checksum')!r}" if missing == "checksum" \
            else f"its size is {backup.get('size_bytes')!r}"
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheBackups(environment['id']).command,
                           f"the backup {backup['id']} is not a full backup of {environment['id']} that completed "
                           f"without its {missing} alone: {complete.reason_for(whole) if lacking else found}",
                           job_id=backup["id"])
    return backup


def complete_backup_of_another(backup: dict, environment: dict) -> dict:
    """`backup` is a completed full backup with its integrity data, of an environment other than `environment`:
    a restore of it into `environment` can be refused for that reason only."""
    command = TheBackups(backup.get('environment_id')).command
    expect(backup, a_completed_backup(scope="full"), command=command, job_id=backup.get("id"))
    if backup.get("environment_id") in (None, environment["id"]):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"the backup {backup.get('id')} is of the environment {backup.get('environment_id')!r}, "
                           f"not of another environment than {environment['id']}", job_id=backup.get("id"))
    return backup
