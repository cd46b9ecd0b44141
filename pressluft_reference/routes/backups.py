"""Backups of an environment (list with lazy expiry, create) and restore (every precondition of §6.2)."""

import uuid

from .. import jobqueue, records, serializers, twins
from ..body import blank, parse_object, text
from ..defects import active as defective
from ..errors import bad_request, conflict, not_found
from ..httpapi import Response
from ..jobtypes import owns_backup
from ..store import row
from ..timeutil import iso_seconds_after, now_iso
from .common import mutants_on_refusal, require

SCOPES = ("db", "files", "full")


def register(router):
    router.add("GET", "/api/environments/{env_id}/backups", list_backups)
    router.add("POST", "/api/environments/{env_id}/backups", create_backup)
    router.add("POST", "/api/environments/{env_id}/restore", restore)


def list_backups(req):
    env_id = req.params["env_id"]
    with req.runtime.store.tx() as conn:
        require(conn, "environments", env_id, "environment not found")
        conn.execute("UPDATE backups SET status = 'expired' WHERE environment_id = ? AND status = 'completed' "
                     "AND retention_until <= ?", (env_id, now_iso()))
        backups = [dict(found) for found in conn.execute(
            "SELECT * FROM backups WHERE environment_id = ? ORDER BY seq", (env_id,))]
    shown = _listed(req.runtime, env_id, [serializers.backup(backup) for backup in backups])
    return Response(200, twins.listed(req.runtime, shown))


def _listed(runtime, env_id: str, backups: list) -> list:
    """The backups as the list shows them; the mutants below show a completed one wrongly, or one of another
    environment besides."""
    for backup in backups:
        if backup["status"] != "completed":
            continue
        if defective(runtime, "backup_completed_before_created"):
            backup["completed_at"] = iso_seconds_after(backup["created_at"], -1)
        if defective(runtime, "backup_completed_at_not_rfc3339"):
            backup["completed_at"] = backup["completed_at"][:19].replace("T", " ")
        if defective(runtime, "completed_backup_without_completed_at"):
            backup["completed_at"] = None
    completed = [backup for backup in backups if backup["status"] == "completed"]
    if completed and defective(runtime, "backups_list_shows_other_environments"):
        other = str(uuid.uuid5(uuid.NAMESPACE_URL, f"other-environment-of-{env_id}"))
        backups.append({**completed[0], "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"backup-of-{other}")),
                        "environment_id": other})
    return backups


def create_backup(req):
    data = parse_object(req.body, {"backup_scope": text})
    scope = data.get("backup_scope")
    if scope not in SCOPES:
        raise bad_request("backup_scope must be db, files, or full")
    runtime = req.runtime
    if defective(runtime, "backup_scope_stored_as_db"):
        scope = "db"
    backup_id, now = str(uuid.uuid4()), now_iso()
    job_id = str(uuid.uuid4()) if defective(runtime, "backup_id_differs_from_job") else backup_id
    with runtime.store.tx() as conn:
        env = require(conn, "environments", req.params["env_id"], "environment not found")
        jobqueue.enqueue(conn, runtime.config, "backup_create", "conflicting backup mutation",
                         site_id=env["site_id"], environment_id=env["id"], node_id=env["node_id"],
                         backup_id=backup_id, job_id=job_id)
        records.insert_backup(conn, backup_id=backup_id, environment_id=env["id"], backup_scope=scope,
                              created_at=now)
        if defective(runtime, "backup_records_twice"):
            records.insert_backup(conn, backup_id=str(uuid.uuid4()), environment_id=env["id"], backup_scope=scope,
                                  created_at=now)
    return Response(202, {"job_id": job_id})


def restore(req):
    data = parse_object(req.body, {"backup_id": text})
    runtime, env_id, backup_id = req.runtime, req.params["env_id"], data.get("backup_id")

    def leave_restoring(conn):  # the mutant refused_restore_leaves_restoring
        records.touch(conn, "environments", env_id, "restoring")

    def leave_site_restoring(conn):  # the mutant refused_restore_leaves_site_restoring
        env = require(conn, "environments", env_id, "environment not found")
        records.touch(conn, "sites", env["site_id"], "restoring")

    def queue_refused(conn):  # the mutant refusals_still_queue_jobs
        env = require(conn, "environments", env_id, "environment not found")
        jobqueue.enqueue(conn, runtime.config, "env_restore", site_id=env["site_id"], environment_id=env_id,
                         node_id=env["node_id"], backup_id=backup_id, guarded=False)

    def leave_checkpoint(conn):  # the mutant refused_restore_leaves_checkpoint: a checkpoint record, no job
        now = now_iso()
        records.insert_backup(conn, backup_id=str(uuid.uuid4()), environment_id=env_id, backup_scope="full",
                              created_at=now, status="completed", checksum="sha256:" + "0" * 64, size_bytes=1,
                              completed_at=now)

    with mutants_on_refusal(runtime, lambda refusal: refusal.status == 400,
                            {"refused_restore_leaves_restoring": leave_restoring,
                             "refused_restore_leaves_site_restoring": leave_site_restoring,
                             "refusals_still_queue_jobs": queue_refused,
                             "refused_restore_leaves_checkpoint": leave_checkpoint}):
        with runtime.store.tx() as conn:
            env = require(conn, "environments", env_id, "environment not found")
            if blank(backup_id):
                raise bad_request("invalid restore request")
            backup = row(conn, "SELECT * FROM backups WHERE id = ?", (backup_id,))
            if backup is None:
                raise not_found("backup not found")
            foreign = not owns_backup(runtime, backup, env, lambda env_id: (row(
                conn, "SELECT site_id FROM environments WHERE id = ?", (env_id,)) or {}).get("site_id"))
            incomplete = ((backup["checksum"] is None or not backup["size_bytes"] or backup["size_bytes"] <= 0)
                          and not defective(runtime, "restore_accepts_incomplete_backup"))
            if foreign or backup["status"] != "completed" or incomplete:
                raise bad_request("invalid restore request")
            if env["status"] != "active":
                raise conflict("environment is not active")
            job_id = jobqueue.enqueue(conn, runtime.config, "env_restore", "conflicting environment mutation",
                                      site_id=env["site_id"], environment_id=env["id"], node_id=env["node_id"],
                                      backup_id=backup["id"], max_attempts=3 if defective(runtime, "restore_retried")
                                      else None)
            records.touch(conn, "environments", env["id"], "restoring")
            records.touch(conn, "sites", env["site_id"], "restoring")
    return Response(202, {"job_id": job_id})
