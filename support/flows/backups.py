"""The operator's flows of backups: a backup and a restore, kept with what was listed just before them, and the
Given steps' backups (completed with their integrity data, or with one datum missing, or of another environment of
the same site)."""
from __future__ import annotations

from typing import Optional

from support.checks.backups import a_completed_backup, backup_made_by
from support.checks.matchers import expect
from support.flows.submit import submit, wait_until_succeeded
from support.pressluft.listings import by_id
from support.pressluft.sites import LiveSite
from support.screenplay.actions import Request, RestoreEnvironment, TakeBackup
from support.screenplay.actor import Operator
from support.screenplay.questions import TheBackups, TheEnvironments, TheJobs
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


def request_backup(operator: Operator, site: LiveSite, environment: dict) -> Request:
    """A backup of `environment`; the jobs and the environment's backups listed just before are kept (the backup
    must be the one backup it added)."""
    jobs = operator.asks_for(TheJobs(quiet=True))
    backups = operator.asks_for(TheBackups(environment["id"], quiet=True))
    request = submit(operator, TakeBackup(environment["id"]),
                     busy_scope={"site_id": site.id, "node_id": environment.get("node_id")})
    return request.with_evidence(site_id=site.id, node_id=environment.get("node_id"), jobs_before=jobs,
                           backups_before=backups)


def request_restore(operator: Operator, site: LiveSite, environment: dict, backup: dict, *,
                    wait_for_guard: bool = True, showing: Optional[str] = None) -> Request:
    """Restore `environment` from `backup`; the backups and jobs listed just before are kept (the checkpoint
    the restore takes must be a new one), and `showing`: what the scenario saw the environment show just before
    (the checkpoint must hold it)."""
    jobs = operator.asks_for(TheJobs(quiet=True))
    backups = operator.asks_for(TheBackups(environment["id"], quiet=True))
    request = submit(operator, RestoreEnvironment(environment["id"], backup["id"]),
                     busy_scope={"site_id": site.id, "node_id": environment.get("node_id")} if wait_for_guard else None)
    return request.with_evidence(site_id=site.id, node_id=environment.get("node_id"), jobs_before=jobs,
                           backups_before=backups, content_before=showing)


def take_full_backup(operator: Operator, site: LiveSite, environment: dict) -> dict:
    """A full backup whose backup_create succeeded, as listed (its id is the job's id)."""
    request = request_backup(operator, site, environment)
    job = wait_until_succeeded(operator, request)
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


def complete_backup_of_another(operator: Operator, backup: dict, site: LiveSite) -> dict:
    """`backup` is a completed full backup with its integrity data, of another environment of the site than its
    production (one its site lists): the nearest neighbour of production's own backups, so that a restore of it into
    production can be refused for that reason only, and ownership checked by site instead of by environment is
    caught."""
    command = TheBackups(backup.get('environment_id')).command
    expect(backup, a_completed_backup(scope="full"), command=command, job_id=backup.get("id"))
    production = site.production["id"]
    owner = by_id(operator.asks_for(TheEnvironments(site.id, quiet=True)), backup.get("environment_id"))
    if owner is None or owner["id"] == production:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"the backup {backup.get('id')} is of the environment {backup.get('environment_id')!r}, "
                           f"not of another environment of the site {site.site.get('slug')} than its production "
                           f"{production}", job_id=backup.get("id"))
    return backup
