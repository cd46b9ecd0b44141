"""The checks of backups and restores: the backup a job made is the one listed for it, complete with its integrity
data (sha256, positive size); a restore's checkpoint is listed, taken while it ran and holding what production
showed; and the matcher of a completed backup."""
from __future__ import annotations

import re
from typing import Callable, Optional

from support.checks.matchers import RecordMatcher, expect, fields_that_are
from support.pressluft.listings import by_id
from support.pressluft.times import by_creation, parse_time
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheBackups
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.verdicts.not_shown import NotShownHere

SHA256_CHECKSUM = re.compile(r"^sha256:[0-9a-f]{64}$")


def _sha256(backup: dict) -> Optional[str]:
    checksum = backup.get("checksum")
    return None if isinstance(checksum, str) and SHA256_CHECKSUM.match(checksum) else f"checksum is {checksum!r}"


def _positive_size(backup: dict) -> Optional[str]:
    size = backup.get("size_bytes")
    return None if isinstance(size, int) and not isinstance(size, bool) and size > 0 else f"size_bytes is {size!r}"


def a_completed_backup(*, scope: Optional[str] = "full", of: Optional[str] = None) -> RecordMatcher:
    """Completed, with that scope, of that environment, with a sha256 checksum and a positive size; a backup record that
    holds the rules of every backup (support/pressluft/records.py)."""
    found = fields_that_are(("status", "completed"), ("backup_scope", scope), ("environment_id", of))
    found += [("a checksum of sha256: and 64 hex digits", _sha256), ("a positive size_bytes", _positive_size)]
    return RecordMatcher("a backup", found, kind="backup")


def backup_job_record(backup: Optional[dict]) -> list[dict]:
    """The backup_create job that made a backup of this run (its id is the backup's id)."""
    if not backup:
        return []
    return [{"id": backup["id"], "job_type": "backup_create", "environment_id": backup.get("environment_id")}]


def backup_made_by(operator: Operator, job_id: str, environment_id: str, *, quiet: bool = False) -> dict:
    """The backup a backup_create job made (its id is the job's id), as the environment's backups list it."""
    listing = TheBackups(environment_id, quiet=quiet)
    return _backup_listed(operator.asks_for(listing), job_id, listing.command)


def _backup_listed(backups: list, job_id: str, command: str) -> dict:
    backup = by_id(backups, job_id)
    if backup is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"the backup {job_id} that the job made is not listed among the {len(backups)} backups",
                           job_id=job_id)
    return backup


def _added_by(request: Request, backups: list) -> list:
    """The backups listed now that were not listed before the request (nor are the backup it restores)."""
    before = {backup.get("id") for backup in request.backups_before} | {request.backup_id}
    return [backup for backup in backups if backup.get("id") not in before]


def backup_listed_once(operator: Operator, request: Request, environment_id: str) -> dict:
    """The backup the job made (the job's id is the backup's id) is listed among that environment's backups, the one
    backup the request added (the only one listed that was not listed before it)."""
    job_id = request.accepted()
    backups = operator.asks_for(TheBackups(environment_id))
    backup = _backup_listed(backups, job_id, TheBackups(environment_id).command)
    added = _added_by(request, backups)
    if [found.get("id") for found in added] != [job_id]:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheBackups(environment_id).command,
                           f"the backup request added {len(added)} backups ("
                           + ", ".join(f"{found.get('id')} ({found.get('status')})" for found in added)
                           + f"), not the backup {job_id} alone", job_id=job_id)
    return backup


def backup_complete(backup: dict, environment_id: str) -> dict:
    """The backup, as listed, is a completed full backup of that environment with a sha256 checksum and a positive
    size, its record holding the rules of every backup."""
    return expect(backup, a_completed_backup(scope="full", of=environment_id),
                  command=TheBackups(environment_id).command, job_id=backup.get("id"))


def checkpoint_listed(operator: Operator, restore: Request, restore_job: dict, *,
                      read_content: Optional[Callable[[str], str]] = None) -> dict:
    """The restore added one backup to the environment's backups (the only one listed that was not listed before
    it), its checkpoint: a completed full backup of the environment with integrity data, taken while that restore
    job ran (between its start and its end), holding what the environment showed just before the restore (when
    the scenario knows it, `restore.content_before`, and the target can show what a backup holds, `read_content`;
    otherwise judged by its time alone)."""
    new = _added_by(restore, operator.asks_for(TheBackups(restore.environment_id)))
    return _the_checkpoint(new, restore.environment_id, restore_job, content_before=restore.content_before,
                           read_content=read_content)


def checkpoint_holds(operator: Operator, restore: Request, restore_job: dict, content: str, *,
                     read_content: Optional[Callable[[str], str]] = None) -> dict:
    """The checkpoint of checkpoint_listed holds `content`, what the environment showed just before the restore (the
    content the scenario last made it show). A target that cannot show what a backup holds (`read_content` None, a real
    Pressluft) shows nothing of it: not shown on this target."""
    if restore.content_before != content:
        raise ValueError(f"the scenario last made production show {restore.content_before!r}, not {content!r}")
    if read_content is None:
        raise NotShownHere("what a backup holds; this target shows no backup's content")
    new = _added_by(restore, operator.asks_for(TheBackups(restore.environment_id)))
    return _the_checkpoint(new, restore.environment_id, restore_job, content_before=content,
                           read_content=read_content)


def checkpoint_among(operator: Operator, environment_id: str, known: set, restore_job: dict) -> dict:
    """The checkpoint of checkpoint_listed, judged by its time, among the environment's backups but the `known` ones
    (those a smoke took itself, and the one it restored): the one backup its restore added."""
    new = [backup for backup in operator.asks_for(TheBackups(environment_id)) if backup.get("id") not in known]
    return _the_checkpoint(new, environment_id, restore_job)


def _the_checkpoint(new: list, environment_id: str, restore_job: dict, *, content_before: Optional[str] = None,
                    read_content: Optional[Callable[[str], str]] = None) -> dict:
    """`new`: the backups the restore added; one, a completed full backup taken while the restore ran, holding
    `content_before` when given and the target shows what a backup holds."""
    command = TheBackups(environment_id).command
    new = sorted(new, key=by_creation)
    if len(new) != 1:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"{len(new) or 'no'} new backups of the environment are listed after the restore, not its "
                           "one checkpoint" + (": " + ", ".join(b.get("id") for b in new) if new else ""),
                           job_id=restore_job["id"])
    backup, matcher = new[0], a_completed_backup(scope="full", of=environment_id)
    started, finished = parse_time(restore_job.get("started_at")), parse_time(restore_job.get("finished_at"))
    created = parse_time(backup.get("created_at"))
    if not matcher.matches(backup):
        problem = matcher.reason_for(backup)
    elif created is None or finished is None or created > finished or (started and created < started):
        problem = (f"the backup {backup['id']} was created at {backup.get('created_at')}, not while the restore ran "
                   f"({restore_job.get('started_at')} to {restore_job.get('finished_at')})")
    elif content_before is not None and read_content is not None \
            and (held := read_content(backup["id"])) != content_before:
        problem = (f"the backup {backup['id']} holds '{held}', not '{content_before}', what production showed just "
                   "before the restore")
    else:
        return backup
    raise SuiteFailure(Category.CONTRACT_VIOLATION, command, "no full checkpoint taken by the restore is listed: "
                       + problem, job_id=restore_job["id"])
