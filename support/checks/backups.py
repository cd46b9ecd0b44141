"""The checks of backups and restores: the backup a job made is listed complete with its integrity data (sha256,
positive size), a restore's checkpoint is listed, taken while it ran and holding what production showed; and the
matcher of a completed backup."""
from __future__ import annotations

import re
from typing import Callable, Optional

from support.checks.matchers import RecordMatcher, VerdictMatcher, expect, fields_that_are
from support.pressluft.times import parse_time
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheBackups, by_id
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

SHA256_CHECKSUM = re.compile(r"^sha256:[0-9a-f]{64}$")


def _sha256(backup: dict) -> Optional[str]:
    checksum = backup.get("checksum")
    return None if isinstance(checksum, str) and SHA256_CHECKSUM.match(checksum) else f"checksum is {checksum!r}"


def _positive_size(backup: dict) -> Optional[str]:
    size = backup.get("size_bytes")
    return None if isinstance(size, int) and not isinstance(size, bool) and size > 0 else f"size_bytes is {size!r}"


class _CompletedBackup(RecordMatcher):
    noun = "a backup"

    def __init__(self, scope: Optional[str], environment_id: Optional[str]):
        self.scope, self.environment_id = scope, environment_id

    def properties(self):
        found = fields_that_are(("status", "completed"), ("backup_scope", self.scope),
                                ("environment_id", self.environment_id))
        found += [("a checksum of sha256: and 64 hex digits", _sha256), ("a positive size_bytes", _positive_size)]
        return found


def a_completed_backup(*, scope: Optional[str] = "full", of: Optional[str] = None) -> VerdictMatcher:
    """Completed, with that scope, of that environment, with a sha256 checksum and a positive size."""
    return _CompletedBackup(scope, of)


def backup_job_record(backup: Optional[dict]) -> list[dict]:
    """The backup_create job that made a backup of this run (its id is the backup's id)."""
    if not backup:
        return []
    return [{"id": backup["id"], "job_type": "backup_create", "environment_id": backup.get("environment_id")}]


def backup_made_by(operator: Operator, job_id: str, environment_id: str, *, quiet: bool = False) -> dict:
    """The backup a backup_create job made (its id is the job's id), as the environment's backups list it."""
    listing = TheBackups(environment_id, quiet=quiet)
    backups = operator.asks_for(listing)
    backup = by_id(backups, job_id)
    if backup is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, listing.command,
                           f"the backup {job_id} that the job made is not listed among the {len(backups)} backups",
                           job_id=job_id)
    return backup


def backup_listed_complete(operator: Operator, request: Request, environment_id: str) -> dict:
    """The backup the job made (the job's id is the backup's id) is listed for that environment as a
    completed full backup with a sha256 checksum and a positive size."""
    job_id = request.accepted()
    backup = backup_made_by(operator, job_id, environment_id)
    return expect(backup, a_completed_backup(scope="full", of=environment_id),
                  command=TheBackups(environment_id).command, job_id=job_id)


def checkpoint_listed(operator: Operator, restore: Request, restore_job: dict, *,
                      read_content: Optional[Callable[[str], str]] = None) -> dict:
    """A backup that was not listed before the restore is listed now: a completed full backup of the
    environment with integrity data, taken while that restore job ran (between its start and its end), holding
    what the environment showed just before the restore (when the scenario knows it, `restore.content_before`,
    and the target can show what a backup holds, `read_content`; otherwise judged by its time alone)."""
    before = {backup["id"] for backup in restore.backups_before} | {restore.backup_id}
    return checkpoint_among(operator, restore.environment_id, before, restore_job,
                            content_before=restore.content_before, read_content=read_content)


def checkpoint_among(operator: Operator, environment_id: str, known: set, restore_job: dict, *,
                     content_before: Optional[str] = None, read_content: Optional[Callable[[str], str]] = None) -> dict:
    """The checkpoint of checkpoint_listed among the environment's backups but the `known` ones (those listed before
    the restore, and the one it restored)."""
    command = TheBackups(environment_id).command
    new = [b for b in operator.asks_for(TheBackups(environment_id)) if b.get("id") not in known]
    if not new:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           "no new backup of the environment is listed after the restore", job_id=restore_job["id"])
    started, finished = parse_time(restore_job.get("started_at")), parse_time(restore_job.get("finished_at"))
    problems = []
    for backup in new:
        matcher = a_completed_backup(scope="full", of=environment_id)
        created = parse_time(backup.get("created_at"))
        if not matcher.matches(backup):
            problems.append(matcher.reason_for(backup))
        elif created is None or finished is None or created > finished or (started and created < started):
            problems.append(f"the backup {backup['id']} was created at {backup.get('created_at')}, not while the "
                            f"restore ran ({restore_job.get('started_at')} to {restore_job.get('finished_at')})")
        elif content_before is not None and read_content is not None \
                and (held := read_content(backup["id"])) != content_before:
            problems.append(f"the backup {backup['id']} holds '{held}', not '{content_before}', what "
                            "production showed just before the restore")
        else:
            return backup
    raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                       "no full checkpoint taken by the restore is listed: " + "; ".join(problems),
                       job_id=restore_job["id"])
