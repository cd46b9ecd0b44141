"""What the operator does in the Wave 5 flows, a request at a time: each request is kept with what was
listed just before it (the evidence a later check compares with), and the Given steps' longer flows
(a live site, an active clone, a completed full backup) wait until they are done.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from support.actions import CreateEnvironment, CreateSite, RestoreEnvironment, Submission, TakeBackup
from support.actor import Operator
from support.categories import Category
from support.diagnostics import SuiteFailure
from support.jobs import require_success
from support.questions import TheBackups, TheEnvironment, TheEnvironments, TheJobs, TheSites, by_slug, production_of
from support.waits import wait_for_job, wait_for_preview


@dataclass
class LiveSite:
    site: dict
    production: dict
    job: Optional[dict] = None

    @property
    def id(self) -> str:
        return self.site["id"]


@dataclass
class Request(Submission):
    """One request of the operator: its answer (a Submission), what it names, and what was listed just before it."""

    slug: Optional[str] = None               # what it creates (a site, an environment, a node) is called so
    type: Optional[str] = None               # an environment's type
    site_id: Optional[str] = None
    environment_id: Optional[str] = None     # the environment it acts on (backup, restore)
    backup_id: Optional[str] = None          # the backup it restores
    node_id: Optional[str] = None            # the node the environment was on before
    jobs_before: list = field(default_factory=list)
    sites_before: list = field(default_factory=list)
    environments_before: list = field(default_factory=list)
    backups_before: list = field(default_factory=list)
    nodes_before: set = field(default_factory=set)

    @classmethod
    def of(cls, submission: Submission, **listed) -> "Request":
        return cls(submission.answer, submission.resubmissions, **listed)


def _jobs(operator: Operator) -> list:
    return operator.asks_for(TheJobs(quiet=True))


def request_site(operator: Operator, *, label: str = "site", node_id: Optional[str] = None,
                 once: bool = False) -> Request:
    """`once`: one POST, never re-submitted after an enqueue-guard conflict."""
    slug = operator.ledger.slug(label)
    jobs, sites = _jobs(operator), operator.asks_for(TheSites(quiet=True))
    submission = operator.attempts_to(CreateSite(f"Wave 5 {slug}", slug, node_id=node_id, once=once))
    return Request.of(submission, slug=slug, jobs_before=jobs, sites_before=sites)


def request_environment(operator: Operator, site: LiveSite, type: str) -> Request:
    slug = operator.ledger.slug(type)
    jobs = _jobs(operator)
    environments = operator.asks_for(TheEnvironments(site.id, quiet=True))
    submission = operator.attempts_to(CreateEnvironment(site.id, site.production["id"], type,
                                                        f"Wave 5 {type} {slug}", slug))
    return Request.of(submission, slug=slug, type=type, site_id=site.id, jobs_before=jobs,
                   environments_before=environments, node_id=site.production.get("node_id"))


def request_backup(operator: Operator, site: LiveSite, environment: dict) -> Request:
    submission = operator.attempts_to(TakeBackup(environment["id"], site_id=site.id))
    return Request.of(submission, site_id=site.id, environment_id=environment["id"])


def request_restore(operator: Operator, site: LiveSite, environment: dict, backup: dict, *,
                    wait_for_guard: bool = True) -> Request:
    """Restore `environment` from `backup`; the backups and jobs listed just before are kept (the checkpoint
    the restore takes must be a new one)."""
    jobs = _jobs(operator)
    backups = operator.asks_for(TheBackups(environment["id"], quiet=True))
    current = operator.asks_for(TheEnvironment(environment["id"], quiet=True))
    submission = operator.attempts_to(RestoreEnvironment(environment["id"], backup["id"],
                                                         site_id=site.id if wait_for_guard else None))
    return Request.of(submission, site_id=site.id, environment_id=environment["id"], backup_id=backup["id"],
                   node_id=current.get("node_id"), jobs_before=jobs, backups_before=backups)


def finish(operator: Operator, request: Request, budget: float) -> dict:
    """Waits for an accepted request's job to end and requires it to have succeeded."""
    job_id = request.accepted()
    job, history = wait_for_job(operator, job_id, command=request.command, budget=budget)
    return require_success(job, command=request.command, history=history)


# -- the longer flows of the Given steps ---------------------------------------------------------------
def create_live_site(operator: Operator, *, label: str = "site", node_id: Optional[str] = None) -> LiveSite:
    """A new site whose site_create succeeded, whose production environment is active and answers."""
    request = request_site(operator, label=label, node_id=node_id)
    job = finish(operator, request, operator.settings.budgets.site)
    site = by_slug(operator.asks_for(TheSites(quiet=True)), request.slug)
    if site is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/sites",
                           f"the site {request.slug} is not listed after its creation job succeeded", job_id=job["id"])
    operator.ledger.record("site", site["id"], request.slug)
    production = production_of(operator.asks_for(TheEnvironments(site["id"], quiet=True)))
    if production is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/sites/{site['id']}/environments",
                           "the new site has no production environment", job_id=job["id"])
    live = LiveSite(site, production, job)
    ensure_live(operator, live)
    return live


def ensure_live(operator: Operator, site: LiveSite) -> None:
    """Live: production is active and its preview answers 200, 301 or 302."""
    production = operator.asks_for(TheEnvironment(site.production["id"], quiet=True))
    if production.get("status") != "active":
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/environments/{production['id']}",
                           f"production of the site {site.site.get('slug')} is {production.get('status')}, not active",
                           job_id=(site.job or {}).get("id"))
    wait_for_preview(operator, production["preview_url"])


def create_environment(operator: Operator, site: LiveSite, type: str) -> dict:
    """A clone or staging environment of production whose env_create succeeded and that is active."""
    request = request_environment(operator, site, type)
    job = finish(operator, request, operator.settings.budgets.clone)
    environment = by_slug(operator.asks_for(TheEnvironments(site.id, quiet=True)), request.slug)
    if environment is None or environment.get("status") != "active":
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/sites/{site.id}/environments",
                           f"the {type} {request.slug} is "
                           + (f"{environment.get('status')}, not active" if environment else "not listed")
                           + " after its creation job succeeded", job_id=job["id"])
    operator.ledger.record("environment", environment["id"], request.slug)
    return environment


def take_full_backup(operator: Operator, site: LiveSite, environment: dict) -> dict:
    """A full backup whose backup_create succeeded, as listed (its id is the job's id)."""
    request = request_backup(operator, site, environment)
    job = finish(operator, request, operator.settings.budgets.backup)
    operator.ledger.record("backup", job["id"])
    backup = next((b for b in operator.asks_for(TheBackups(environment["id"], quiet=True)) if b.get("id") == job["id"]),
                  None)
    if backup is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/environments/{environment['id']}/backups",
                           f"the backup {job['id']} made by the job is not listed", job_id=job["id"])
    return backup


def completed_full_backup(operator: Operator, site: LiveSite, environment: dict) -> dict:
    backup = take_full_backup(operator, site, environment)
    if backup.get("status") != "completed":
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/environments/{environment['id']}/backups",
                           f"the backup {backup['id']} is {backup.get('status')}, not completed", job_id=backup["id"])
    return backup
