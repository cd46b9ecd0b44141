"""The job table's state machine (digest §3): enqueue guard, claim, retry, finish, cancel, resume.

Every function takes an open transaction, so the caller can change the job and its resources together.
"""

import threading
import time
import uuid

from . import log
from .errors import conflict
from .store import row, rows
from .timeutil import iso_after, now_iso

ACTIVE_STATUSES = ("queued", "running")
RETRYABLE_CODES = {
    "ANSIBLE_TIMEOUT", "ANSIBLE_PLAY_ERROR", "ANSIBLE_HOST_FAILED", "ANSIBLE_HOST_UNREACHABLE",
    "PROVIDER_ACQUISITION_TIMEOUT", "PROVIDER_API_ERROR",
}
FORCED_NON_RETRYABLE = {"backup_create", "env_restore"}
MAX_ATTEMPTS = {"env_restore": 1}
DEFAULT_MAX_ATTEMPTS = 3
ERROR_MESSAGE_LIMIT = 10 * 1024
INTERRUPTED_CODE = "JOB_INTERRUPTED"


def guard_blocks(conn, site_id, node_id, node_guard: bool = True) -> bool:
    """§3.4: a queued or running job on the same site or the same node blocks a new one.

    `node_guard=False` (opt-in `--guard-scope site`, a deviation): a job with a site is only blocked by
    jobs on that site, as if every site had a node of its own."""
    if not node_guard and site_id is not None:
        node_id = None
    found = row(conn, "SELECT 1 AS busy FROM jobs WHERE status IN ('queued', 'running') AND "
                      "((? IS NOT NULL AND site_id = ?) OR (? IS NOT NULL AND node_id = ?)) LIMIT 1",
                (site_id, site_id, node_id, node_id))
    return found is not None


def enqueue(conn, config, job_type, conflict_message="", site_id=None, environment_id=None, node_id=None,
            backup_id=None, job_id=None, guarded: bool = True, max_attempts: int = None) -> str:
    """Inserts a queued job (the guard's scope and the id format follow `config`); `guarded=False` skips the
    enqueue guard (only mutants do that)."""
    if guarded and guard_blocks(conn, site_id, node_id, config.node_guard):
        raise conflict(conflict_message)
    job_id = job_id or new_job_id(config)
    now = now_iso()
    conn.execute(
        "INSERT INTO jobs (id, job_type, status, site_id, environment_id, node_id, backup_id, attempt_count, "
        "max_attempts, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?, ?, 0, ?, ?, ?)",
        (job_id, job_type, site_id, environment_id, node_id, backup_id,
         max_attempts or MAX_ATTEMPTS.get(job_type, DEFAULT_MAX_ATTEMPTS), now, now))
    log.event("job", job_id=job_id, job_type=job_type, status="queued", attempt=0)
    return job_id


def enqueue_with_records(conn, config, job_type, conflict_message, store, **scope):
    """Queues the job and stores its records (`store()`, in the same transaction), or refuses with 409 conflict when
    the enqueue guard blocks it, leaving nothing (the transaction is rolled back). With --guard-refusal-keeps-records,
    as Pressluft at 6164b449 (which stores them before the enqueue): the records are stored and kept, None is
    returned, and the caller answers `conflict(conflict_message)` once its transaction is committed."""
    if config.guard_keeps_records and guard_blocks(conn, scope.get("site_id"), scope.get("node_id"),
                                                   config.node_guard):
        store()
        log.event("guard_refusal_kept_records", job_type=job_type, site_id=scope.get("site_id"))
        return None
    job_id = enqueue(conn, config, job_type, conflict_message, **scope)
    store()
    return job_id


_last_nanos = 0
_nanos_lock = threading.Lock()


def new_job_id(config) -> str:
    """A UUID (the contract); with --quirks IMPL's `job-<unix-nanos>`, kept unique within the process."""
    if not config.quirks:
        return str(uuid.uuid4())
    global _last_nanos
    with _nanos_lock:
        _last_nanos = max(time.time_ns(), _last_nanos + 1)
        return f"job-{_last_nanos}"


def get(conn, job_id):
    return row(conn, "SELECT * FROM jobs WHERE id = ?", (job_id,))


def claim_due(conn, worker_id: str, limit: int, node_guard: bool = True) -> list:
    """Claims due queued jobs in creation order, skipping any whose site or node has a running job
    (without `node_guard`, only jobs without a site are held back by their node)."""
    busy_sites, busy_nodes = set(), set()
    for running in rows(conn, "SELECT site_id, node_id FROM jobs WHERE status = 'running'"):
        busy_sites.add(running["site_id"])
        busy_nodes.add(running["node_id"])
    now = now_iso()
    claimed = []
    for job in rows(conn, "SELECT * FROM jobs WHERE status = 'queued' AND (run_after IS NULL OR run_after <= ?) "
                          "ORDER BY seq", (now,)):
        if len(claimed) >= limit:
            break
        node_held = job["node_id"] and job["node_id"] in busy_nodes and (node_guard or not job["site_id"])
        if (job["site_id"] and job["site_id"] in busy_sites) or node_held:
            continue
        conn.execute("UPDATE jobs SET status = 'running', attempt_count = attempt_count + 1, locked_at = ?, "
                     "locked_by = ?, started_at = ?, finished_at = NULL, updated_at = ? WHERE id = ?",
                     (now, worker_id, now, now, job["id"]))
        busy_sites.add(job["site_id"])
        if node_guard or not job["site_id"]:
            busy_nodes.add(job["node_id"])
        claimed.append(get(conn, job["id"]))
    return claimed


def is_current(conn, job: dict) -> bool:
    """True while the claim `job` describes still holds (not cancelled, not finished, not re-claimed)."""
    found = row(conn, "SELECT status, locked_at FROM jobs WHERE id = ?", (job["id"],))
    return bool(found) and found["status"] == "running" and found["locked_at"] == job["locked_at"]


def succeed(conn, job: dict) -> None:
    now = now_iso()
    conn.execute("UPDATE jobs SET status = 'succeeded', finished_at = ?, locked_at = NULL, locked_by = NULL, "
                 "error_code = NULL, error_message = NULL, updated_at = ? WHERE id = ?", (now, now, job["id"]))


def may_retry(job: dict, retryable: bool, forced_non_retryable=FORCED_NON_RETRYABLE) -> bool:
    return retryable and job["job_type"] not in forced_non_retryable and job["attempt_count"] < job["max_attempts"]


def requeue(conn, job: dict, code, message, delay) -> None:
    """Back to queued until `delay` seconds from now (`None`: no run_after), keeping the error while it waits."""
    conn.execute("UPDATE jobs SET status = 'queued', run_after = ?, locked_at = NULL, locked_by = NULL, "
                 "started_at = NULL, error_code = ?, error_message = ?, updated_at = ? WHERE id = ?",
                 (None if delay is None else iso_after(delay), code, _truncate(message), now_iso(), job["id"]))


def fail(conn, job: dict, code, message) -> None:
    now = now_iso()
    conn.execute("UPDATE jobs SET status = 'failed', finished_at = ?, locked_at = NULL, locked_by = NULL, "
                 "error_code = ?, error_message = ?, updated_at = ? WHERE id = ?",
                 (now, code, _truncate(message), now, job["id"]))


def cancel(conn, job: dict) -> None:
    now = now_iso()
    conn.execute("UPDATE jobs SET status = 'cancelled', finished_at = ?, locked_at = NULL, locked_by = NULL, "
                 "error_code = NULL, error_message = NULL, updated_at = ? WHERE id = ?", (now, now, job["id"]))


def interrupted(conn) -> list:
    """Jobs left `running` by a previous process."""
    return rows(conn, "SELECT * FROM jobs WHERE status = 'running' ORDER BY seq")


def _truncate(message):
    """Like IMPL, keep the last 10 KiB: the end of an error output is the informative part."""
    if message is None:
        return None
    data = message.encode()
    if len(data) <= ERROR_MESSAGE_LIMIT:
        return message
    return data[-ERROR_MESSAGE_LIMIT:].decode(errors="ignore")
