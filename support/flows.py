"""The two Wave 5 smoke flows as plain functions (digest §7), with proper diagnostics.

Both take the run's provider-acquired node as given (see support.provider_node) and raise a
SuiteFailure naming the failed command, the job and the reason when something goes wrong.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from support.actions import CreateEnvironment, CreateSite, RestoreEnvironment, TakeBackup
from support.actor import Operator
from support.diagnostics import Category, SuiteFailure
from support.matchers import a_completed_backup_with_integrity_data
from support.polling import parse_time
from support.questions import TheBackups, TheEnvironments, TheSites, by_slug, production_of
from support.reporting import narrate
from support.waits import require_success, wait_for_job, wait_for_preview


@dataclass
class LiveSite:
    site: dict
    production: dict
    job: Optional[dict] = None

    @property
    def id(self) -> str:
        return self.site["id"]


@dataclass
class SmokeReport:
    """What a smoke did; `failure` is set when it did not pass."""

    name: str
    site: Optional[LiveSite] = None
    jobs: dict = field(default_factory=dict)      # step name -> job
    environment: Optional[dict] = None
    backup: Optional[dict] = None
    preview_status: Optional[int] = None
    failure: Optional[SuiteFailure] = None

    @property
    def passed(self) -> bool:
        return self.failure is None


@dataclass
class Budgets:
    job: Optional[float] = None
    preview: Optional[float] = None


def create_live_site(operator: Operator, *, label: str = "site", node_id: Optional[str] = None,
                     job_budget: Optional[float] = None) -> LiveSite:
    """POST /api/sites, wait for site_create to succeed, and find the site and its production."""
    slug = operator.ledger.slug(label)
    submission = operator.attempts_to(CreateSite(f"Wave 5 {slug}", slug, node_id=node_id))
    job_id = submission.accepted()
    job, history = wait_for_job(operator, job_id, command=submission.command, budget=job_budget)
    site = by_slug(operator.asks_for(TheSites(quiet=True)), slug)
    if site is not None:
        operator.ledger.record("site", site["id"], slug)
    require_success(job, command=submission.command, history=history)
    if site is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/sites",
                           f"the site {slug} is not listed after its creation job succeeded", job_id=job_id)
    environments = operator.asks_for(TheEnvironments(site["id"], quiet=True))
    production = production_of(environments)
    if production is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/sites/{site['id']}/environments",
                           "the new site has no production environment", job_id=job_id)
    return LiveSite(site, production, job)


def create_environment(operator: Operator, site: LiveSite, *, type: str = "clone",
                       job_budget: Optional[float] = None, report: Optional[SmokeReport] = None) -> dict:
    """POST a clone/staging of production, wait for env_create to succeed, return the new environment."""
    slug = operator.ledger.slug(type)
    submission = operator.attempts_to(CreateEnvironment(site.id, site.production["id"], type,
                                                        f"Wave 5 {type} {slug}", slug))
    job_id = submission.accepted()
    job, history = wait_for_job(operator, job_id, command=submission.command, budget=job_budget)
    if report is not None:
        report.jobs["environment creation"] = job
    environment = by_slug(operator.asks_for(TheEnvironments(site.id, quiet=True)), slug)
    if environment is not None:
        operator.ledger.record("environment", environment["id"], slug)
        if report is not None:
            report.environment = environment
    require_success(job, command=submission.command, history=history)
    if environment is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/sites/{site.id}/environments",
                           f"the environment {slug} is not listed after its creation job succeeded",
                           job_id=job_id)
    return environment


def take_full_backup(operator: Operator, site: LiveSite, environment: dict, *,
                     job_budget: Optional[float] = None, report: Optional[SmokeReport] = None) -> dict:
    submission = operator.attempts_to(TakeBackup(environment["id"], site_id=site.id))
    job_id = submission.accepted()
    job, history = wait_for_job(operator, job_id, command=submission.command, budget=job_budget)
    if report is not None:
        report.jobs["backup"] = job
    require_success(job, command=submission.command, history=history)
    operator.ledger.record("backup", job_id)
    return job


def completed_full_backup(operator: Operator, environment: dict, *, job_id: Optional[str] = None) -> dict:
    """The backup the smoke restores: the one the job made when known, else the first completed full one."""
    command = f"GET /api/environments/{environment['id']}/backups"
    backups = operator.asks_for(TheBackups(environment["id"], quiet=True))
    backup = next((b for b in backups if job_id and b.get("id") == job_id), None)
    if backup is None:
        backup = next((b for b in backups if b.get("status") == "completed" and b.get("backup_scope") == "full"),
                      None)
    if backup is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command, "no completed full backup is listed",
                           job_id=job_id)
    matcher = a_completed_backup_with_integrity_data()
    if not matcher.matches(backup):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"failed to resolve completed full backup with metadata: {matcher.reason_for(backup)}",
                           job_id=job_id)
    return backup


def backup_made_by(operator: Operator, environment: dict, job_id: Optional[str]) -> Optional[dict]:
    """The backup a backup job made: the one with the job's id (the contract), else the newest one."""
    backups = operator.asks_for(TheBackups(environment["id"]))
    backup = next((b for b in backups if b.get("id") == job_id), None)
    return backup or (sorted(backups, key=lambda b: b.get("created_at") or "")[-1] if backups else None)


def pre_restore_checkpoints(backups: list, restore_job: dict, restored: dict) -> list:
    """The completed full backups other than the one restored, made no earlier than the restore job (when
    its created_at, or theirs, cannot be read, they count)."""
    restore_started = parse_time(restore_job.get("created_at"))
    return [b for b in backups if b.get("id") != restored["id"] and b.get("backup_scope") == "full"
            and a_completed_backup_with_integrity_data().matches(b)
            and (restore_started is None or (parse_time(b.get("created_at")) or restore_started)
                 >= restore_started)]


def restore(operator: Operator, site: LiveSite, environment: dict, backup: dict, *,
            job_budget: Optional[float] = None, report: Optional[SmokeReport] = None) -> dict:
    submission = operator.attempts_to(RestoreEnvironment(environment["id"], backup["id"], site_id=site.id))
    job_id = submission.accepted()
    job, history = wait_for_job(operator, job_id, command=submission.command, budget=job_budget)
    if report is not None:
        report.jobs["restore"] = job
    return require_success(job, command=submission.command, history=history)


def clone_preview_smoke(operator: Operator, *, site: Optional[LiveSite] = None, node_id: Optional[str] = None,
                        budgets: Budgets = Budgets()) -> SmokeReport:
    """Site (unless given) → clone of production → the clone's preview answers 200/301/302."""
    report = SmokeReport("site clone preview", site=site)
    with narrate("Run the clone preview smoke"):
        try:
            if report.site is None:
                report.site = create_live_site(operator, label="clone-site", node_id=node_id, job_budget=budgets.job)
            environment = create_environment(operator, report.site, type="clone", job_budget=budgets.job,
                                             report=report)
            report.preview_status, _ = wait_for_preview(operator, environment["preview_url"],
                                                        budget=budgets.preview)
        except SuiteFailure as failure:
            report.failure = failure
    return report


def backup_restore_smoke(operator: Operator, *, site: Optional[LiveSite] = None, node_id: Optional[str] = None,
                         budgets: Budgets = Budgets()) -> SmokeReport:
    """Site (unless given) → full backup of production → listed with integrity data → restore → preview."""
    report = SmokeReport("backup restore", site=site)
    with narrate("Run the backup and restore smoke"):
        try:
            if report.site is None:
                report.site = create_live_site(operator, label="restore-site", node_id=node_id,
                                               job_budget=budgets.job)
            production = report.site.production
            job = take_full_backup(operator, report.site, production, job_budget=budgets.job, report=report)
            report.backup = completed_full_backup(operator, production, job_id=job.get("id"))
            restore(operator, report.site, production, report.backup, job_budget=budgets.job, report=report)
            report.preview_status, _ = wait_for_preview(operator, production["preview_url"], budget=budgets.preview)
        except SuiteFailure as failure:
            report.failure = failure
    return report
