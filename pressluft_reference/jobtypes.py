"""What each job type does to its resources: the run itself, and the effects of failure or cancellation."""

import os
import time
import uuid
from dataclasses import dataclass
from typing import Callable

from . import artifacts, hetzner, records
from .config import JOB_TYPES
from .defects import active as defective
from .readiness import PENDING_HOST
from .records import touch
from .store import row
from .timeutil import iso_seconds_after, now_iso

SIMULATED_HOST = "127.0.0.1"


class JobFailed(Exception):
    def __init__(self, code: str, message: str, retryable: bool, phase: str = None):
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.retryable, self.phase = code, message, retryable, phase


# node_provision: acquisition (host pending.provider → 127.0.0.1, or the IPv4 of the server created through
# --hetzner-endpoint), then provisioning, then node active.
# The node is `provisioning` from the claim on; with --quirks (IMPL, digest §4.3) it stays `active` while acquiring.

def run_node_provision(ctx):
    quirks = ctx.runtime.config.quirks
    with ctx.tx() as conn:
        node = row(conn, "SELECT * FROM nodes WHERE id = ?", (ctx.job["node_id"],))
        if node is not None and not (quirks and node["hostname"] == PENDING_HOST):
            touch(conn, "nodes", node["id"], "provisioning")
    if node is None:
        raise JobFailed("ANSIBLE_UNKNOWN_EXIT", f"node not found for job {ctx.job['id']}", False)
    if node["hostname"] == PENDING_HOST:
        ctx.phase("acquisition", 0.5, fails_here=lambda code: code.startswith("PROVIDER_"))
        host = PENDING_HOST if defective(ctx.runtime, "acquired_node_keeps_pending_host") \
            else _acquired_host(ctx.runtime, node)
        with ctx.tx() as conn:
            touch(conn, "nodes", node["id"], "provisioning" if quirks else None, hostname=host, public_ip=host,
                  ssh_user="root")
    ctx.phase("provisioning", 0.5)
    with ctx.finish() as conn:
        touch(conn, "nodes", node["id"], "provisioning" if defective(ctx.runtime, "ready_node_not_active")
              else "active")


def _acquired_host(runtime, node) -> str:
    """The acquired server's address: a server created through --hetzner-endpoint, else the simulated host. With
    --managed-key, no acquisition without that public key (as Pressluft at 6164b449 without its managed key)."""
    key = runtime.config.managed_key
    if key and not os.path.isfile(key):
        raise JobFailed("PROVIDER_ACQUISITION_UNAVAILABLE", f"managed provider SSH public key {key} is not available",
                        False, "acquisition")
    endpoint = runtime.config.hetzner_endpoint
    if not endpoint:
        return SIMULATED_HOST
    try:
        return hetzner.acquire_server(endpoint, runtime.provider_tokens.get(node["provider_id"]), node["name"])
    except hetzner.ProviderError as error:
        raise JobFailed(error.code, error.message, error.retryable, "acquisition") from None


def requeue_node_provision(conn, job, phase):
    if phase == "provisioning":
        touch(conn, "nodes", job["node_id"], "unreachable")


def settle_node_provision(conn, job, runtime):
    if defective(runtime, "failed_node_reported_ready"):
        touch(conn, "nodes", job["node_id"], "active", hostname=SIMULATED_HOST, public_ip=SIMULATED_HOST,
              ssh_user="root")
        return
    touch(conn, "nodes", job["node_id"], "unreachable")


# site_create: runtime install and reachability check; the site and production env were created active.

def run_site_create(ctx):
    ctx.phase("runtime", 1.0)
    with ctx.finish() as conn:
        _mark_site_and_env(conn, ctx.job, "active")


def settle_site_or_env(conn, job, runtime):
    environment_job = job["job_type"] in ("env_create", "env_restore")
    if environment_job and defective(runtime, "failed_job_marks_node_unready"):
        touch(conn, "nodes", job["node_id"], "unreachable")
    if environment_job and defective(runtime, "failed_job_marks_active"):
        _mark_site_and_env(conn, job, "active")
    elif environment_job and defective(runtime, "failed_job_leaves_site_active"):
        _mark_site_and_env(conn, job, "failed", site_status="active")
    else:
        _mark_site_and_env(conn, job, "failed")


def _mark_site_and_env(conn, job, status, site_status=None):
    """The job's environment and site take `status` (the site `site_status` instead: only mutants)."""
    for table, resource_id, wanted in (("sites", job["site_id"], site_status or status),
                                       ("environments", job["environment_id"], status)):
        found = row(conn, f"SELECT status FROM {table} WHERE id = ?", (resource_id,))
        if found and found["status"] != wanted:
            touch(conn, table, resource_id, wanted)


# env_create: copy the source environment's content, then env (and site) back to active.

def run_env_create(ctx):
    ctx.phase("clone", 1.0)
    with ctx.finish() as conn:
        env = row(conn, "SELECT * FROM environments WHERE id = ?", (ctx.job["environment_id"],))
        if env is None:  # only a mutant queues a job for an environment it never recorded
            raise JobFailed("ANSIBLE_UNKNOWN_EXIT", f"environment not found for job {ctx.job['id']}", False)
        source = row(conn, "SELECT content FROM environments WHERE id = ?", (env["source_environment_id"],))
        status = "cloning" if defective(ctx.runtime, "env_create_leaves_cloning") else "active"
        touch(conn, "environments", env["id"], status, content=source["content"] if source else env["content"])
        if source and defective(ctx.runtime, "env_create_changes_source"):
            touch(conn, "environments", env["source_environment_id"], "cloning")
        _mark_site_and_env(conn, ctx.job, status, site_status="cloning" if defective(
            ctx.runtime, "site_left_cloning_after_clone") else None)


# backup_create: pending → running → completed with a real artifact, or failed.

def _site_slug(ctx, job):
    site = ctx.runtime.store.one("SELECT slug FROM sites WHERE id = ?", (job["site_id"],))
    return site["slug"] if site else None


def _backup_id(job) -> str:
    """The backup a backup_create job makes: its own id (older rows have no backup_id), unless a mutant split them."""
    return job["backup_id"] or job["id"]


def run_backup_create(ctx):
    job = ctx.job
    with ctx.tx() as conn:
        conn.execute("UPDATE backups SET status = 'running' WHERE id = ?", (_backup_id(job),))
        backup = row(conn, "SELECT * FROM backups WHERE id = ?", (_backup_id(job),))
    ctx.phase("backup", 1.0)
    path = artifacts.backup_path(ctx.runtime.data_dir, backup["environment_id"], backup["id"])
    checksum, size = _write_snapshot(ctx, backup["environment_id"], path, backup["backup_scope"])
    fault = ctx.runtime.faults.take_backup(backup["environment_id"], job["site_id"], _site_slug(ctx, job)) or {}
    if "checksum" in fault:
        checksum = fault["checksum"]
    if fault.get("size_bytes") is not None:
        size = fault["size_bytes"]
    if defective(ctx.runtime, "backup_size_zero"):
        size = 0
    with ctx.finish() as conn:
        if not defective(ctx.runtime, "backup_left_running"):
            conn.execute("UPDATE backups SET status = 'completed', checksum = ?, size_bytes = ?, completed_at = ?, "
                         "artifact_path = ? WHERE id = ?", (checksum, size, now_iso(), path, backup["id"]))


def requeue_backup_create(conn, job, phase):
    conn.execute("UPDATE backups SET status = 'pending' WHERE id = ?", (_backup_id(job),))


def settle_backup_create(conn, job, runtime):
    conn.execute("UPDATE backups SET status = 'failed', checksum = NULL, size_bytes = NULL, completed_at = NULL "
                 "WHERE id = ?", (_backup_id(job),))


def _write_snapshot(ctx, environment_id, path, scope, content=None):
    env = ctx.runtime.store.one("SELECT * FROM environments WHERE id = ?", (environment_id,))
    site = ctx.runtime.store.one("SELECT id, name, slug FROM sites WHERE id = ?", (env["site_id"],))
    content = env["content"] if content is None else content
    snapshot = {"site": site, "backup_scope": scope, "taken_at": now_iso(),
                "environment": {"id": env["id"], "name": env["name"], "slug": env["slug"], "content": content}}
    try:
        checksum, size = artifacts.write(path, snapshot)
    except OSError as exc:
        raise JobFailed("ANSIBLE_UNEXPECTED_ERROR", f"write backup artifact: {exc}", False) from None
    return _recorded_checksum(ctx.runtime, checksum), size


def _recorded_checksum(runtime, checksum: str) -> str:
    """The checksum as recorded (and compared when restoring): the mutant backup_checksum_not_sha256 keeps only
    the first 32 hex digits, as a buggy checksum function would for writing and checking alike."""
    if defective(runtime, "backup_checksum_not_sha256"):
        return checksum[:len("sha256:") + 32]
    return checksum


# env_restore: re-check the backup, write a pre-restore full checkpoint, then bring the content back.

def run_env_restore(ctx):
    job, runtime = ctx.job, ctx.runtime
    backup = runtime.store.one("SELECT * FROM backups WHERE id = ?", (job["backup_id"],))
    if not _restorable(backup, job["environment_id"], runtime):
        raise JobFailed("ANSIBLE_UNKNOWN_EXIT", "backup is not eligible for restore", False)
    ctx.phase("checkpoint", 0.5, fails_here=lambda code: False)
    if defective(runtime, "restore_uses_newest_backup"):
        backup = _newest_completed_backup(runtime, job["environment_id"]) or backup
    late_checkpoint = defective(runtime, "checkpoint_taken_after_restore")
    if not defective(runtime, "restore_skips_checkpoint") and not late_checkpoint:
        for _ in range(2 if defective(runtime, "restore_records_two_checkpoints") else 1):
            checkpoint = _write_checkpoint_artifact(ctx, job, holding=_content_of(backup) if defective(
                runtime, "checkpoint_holds_restored_content") else None)
            if checkpoint is None:
                continue
            with ctx.tx() as conn:
                _record_checkpoint(conn, runtime, job, checkpoint, now_iso())
    ctx.phase("restore", 0.5)
    content = _content_of(backup)
    current = runtime.store.one("SELECT content FROM environments WHERE id = ?", (job["environment_id"],))["content"]
    if defective(runtime, "restore_keeps_content"):
        content = current
    elif defective(runtime, "restore_merges_content"):
        content = f"{content}\n{current}"
    moved = {"node_id": str(uuid.uuid4())} if defective(runtime, "restore_moves_environment") else {}
    with ctx.finish(then=_late_checkpoint(ctx) if late_checkpoint else None) as conn:
        touch(conn, "environments", job["environment_id"], content=content, **moved)
        _mark_site_and_env(conn, job, "restoring" if defective(runtime, "restore_leaves_restoring") else "active",
                           site_status="restoring" if defective(runtime, "site_left_restoring_after_restore")
                           else None)
        if defective(runtime, "restored_preview_down"):
            runtime.previews.take_down(job["environment_id"])


def _content_of(backup) -> str:
    try:
        return artifacts.read(backup["artifact_path"])["environment"]["content"]
    except (OSError, KeyError, ValueError) as exc:
        raise JobFailed("ANSIBLE_UNKNOWN_EXIT", f"read backup artifact: {exc}", False) from None


def _newest_completed_backup(runtime, environment_id):
    """The mutant restore_uses_newest_backup: the environment's newest completed backup, checkpoints included
    (this restore's own is not written yet)."""
    return runtime.store.one("SELECT * FROM backups WHERE environment_id = ? AND status = 'completed' "
                             "AND artifact_path IS NOT NULL ORDER BY seq DESC LIMIT 1", (environment_id,))


def _late_checkpoint(ctx):
    """The mutant checkpoint_taken_after_restore: the checkpoint holds the restored content and is created after
    the job's finished_at (written in the job's last transaction, so it is listed as soon as the job succeeded)."""
    def write(conn):
        checkpoint = _write_checkpoint_artifact(ctx, ctx.job)  # reads the restored content of this transaction
        if checkpoint is None:
            return
        finished = row(conn, "SELECT finished_at FROM jobs WHERE id = ?", (ctx.job["id"],))["finished_at"]
        _record_checkpoint(conn, ctx.runtime, ctx.job, checkpoint, iso_seconds_after(finished, 0.001))
    return write


def _write_checkpoint_artifact(ctx, job, holding=None):
    """The pre-restore full backup's artifact: (id, path, checksum, size), or None when there is no checkpoint id
    (--quirks, a second restore of the environment within one second); `holding`: other content to write instead
    of the environment's (only the mutant checkpoint_holds_restored_content)."""
    checkpoint_id = _checkpoint_id(ctx.runtime, job["environment_id"])
    if checkpoint_id is None:
        return None
    path = artifacts.backup_path(ctx.runtime.data_dir, job["environment_id"], checkpoint_id)
    return (checkpoint_id, path, *_write_snapshot(ctx, job["environment_id"], path, "full", content=holding))


def _checkpoint_id(runtime, environment_id):
    """A UUID; with --quirks IMPL's `pre-<env_id[:8]>-<unix seconds>`, or None when a checkpoint of this environment
    already has this second's id: at 6164b449 the store refuses the duplicate id and the restore handler ignores
    that error, so the first checkpoint is kept (nothing is overwritten) and this restore has none of its own."""
    if not runtime.config.quirks:
        return str(uuid.uuid4())
    checkpoint_id = f"pre-{environment_id[:8]}-{int(time.time())}"
    if runtime.store.one("SELECT 1 AS taken FROM backups WHERE id = ?", (checkpoint_id,)) is not None:
        return None
    return checkpoint_id


def _record_checkpoint(conn, runtime, job, checkpoint, created_at):
    checkpoint_id, path, checksum, size = checkpoint
    scope = "db" if defective(runtime, "checkpoint_not_full") else "full"
    if defective(runtime, "checkpoint_without_checksum"):
        checksum = None
    records.insert_backup(conn, backup_id=checkpoint_id, environment_id=job["environment_id"], backup_scope=scope,
                          created_at=created_at, status="completed", checksum=checksum, size_bytes=size,
                          artifact_path=path, completed_at=created_at)


def owns_backup(runtime, backup: dict, env: dict, site_of: Callable) -> bool:
    """The backup is the environment's own (§6.2: no cross-environment or cross-site restore); `site_of(env_id)`: the
    site of an environment. The mutants restore_accepts_foreign_backup (any backup) and restore_checks_owner_site_only
    (a backup of any environment of the site)."""
    if defective(runtime, "restore_accepts_foreign_backup") or backup["environment_id"] == env["id"]:
        return True
    return defective(runtime, "restore_checks_owner_site_only") and site_of(backup["environment_id"]) == env["site_id"]


def _site_of(runtime, environment_id):
    return (runtime.store.one("SELECT site_id FROM environments WHERE id = ?", (environment_id,)) or {}).get("site_id")


def _restorable(backup, environment_id, runtime) -> bool:
    """The job's own re-check; the restore_accepts_* defects skip the part they break (and the checksum check,
    since a backup without a checksum or of another environment is exactly what they let through)."""
    incomplete_ok = defective(runtime, "restore_accepts_incomplete_backup")
    if not backup or backup["status"] != "completed" or not backup["artifact_path"]:
        return False
    env = {"id": environment_id, "site_id": _site_of(runtime, environment_id)}
    if not owns_backup(runtime, backup, env, lambda env_id: _site_of(runtime, env_id)):
        return False
    if incomplete_ok:
        return True
    if not backup["checksum"] or not backup["size_bytes"]:
        return False
    try:
        return _recorded_checksum(runtime, artifacts.checksum(backup["artifact_path"])) == backup["checksum"]
    except OSError:
        return False


def _no_requeue_effect(conn, job, phase):
    pass


@dataclass(frozen=True)
class JobType:
    run: Callable  # run(ctx): the attempt; raises JobFailed
    settle_failed: Callable  # settle_failed(conn, job, runtime): resources of a job ended failed or cancelled
    on_requeue: Callable = _no_requeue_effect  # on_requeue(conn, job, phase): resources of a job waiting to retry


HANDLERS = {
    "node_provision": JobType(run_node_provision, settle_node_provision, requeue_node_provision),
    "site_create": JobType(run_site_create, settle_site_or_env),
    "env_create": JobType(run_env_create, settle_site_or_env),
    "backup_create": JobType(run_backup_create, settle_backup_create, requeue_backup_create),
    "env_restore": JobType(run_env_restore, settle_site_or_env),
}
if set(HANDLERS) != set(JOB_TYPES):  # config.JOB_TYPES (the --job-duration names) is the one list of job types
    raise AssertionError(f"job types without handlers or durations: {set(HANDLERS) ^ set(JOB_TYPES)}")


def run(ctx):
    HANDLERS[ctx.job["job_type"]].run(ctx)


def on_requeue(conn, job, phase=None):
    HANDLERS[job["job_type"]].on_requeue(conn, job, phase)


def settle_failed(conn, job, runtime):
    """Resource effects of a job that ends failed or cancelled: no false-positive active status."""
    HANDLERS[job["job_type"]].settle_failed(conn, job, runtime)
