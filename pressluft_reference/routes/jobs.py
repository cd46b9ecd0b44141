"""GET /api/jobs, GET /api/jobs/{id}, POST /api/jobs/{id}/cancel."""

import uuid

from .. import jobqueue, jobtypes, log, serializers, twins
from ..defects import active as defective
from ..errors import ApiError
from ..httpapi import Response
from ..timeutil import iso_seconds_after
from .common import read_required, require


def register(router):
    router.add("GET", "/api/jobs", list_jobs)
    router.add("GET", "/api/jobs/{job_id}", get_job)
    router.add("POST", "/api/jobs/{job_id}/cancel", cancel_job)


def list_jobs(req):
    jobs = req.runtime.store.all("SELECT * FROM jobs ORDER BY seq")
    if defective(req.runtime, "jobs_list_shows_only_in_flight"):
        jobs = [job for job in jobs if job["status"] in jobqueue.ACTIVE_STATUSES]
    return Response(200, [_shown(req, job) for job in twins.listed(req.runtime, jobs)])


def get_job(req):
    job = read_required(req, "jobs", "job_id", "job not found")
    shown = _shown(req, job)
    req.runtime.faults.job_read(job["id"])  # after the read: a hang until then is still shown running
    return Response(200, shown)


def _shown(req, job) -> dict:
    """The job as the API shows it; the mutants below show one field wrongly."""
    shown = serializers.job(job)
    runtime = req.runtime
    if shown["job_type"] == "node_provision" and defective(runtime, "node_job_type_misreported"):
        shown["job_type"] = "provision"
    if shown["job_type"] == "node_provision" and defective(runtime, "node_jobs_listed_without_node"):
        shown["node_id"] = None
    if defective(runtime, "jobs_listed_without_environment") and shown["job_type"] != "site_create":
        shown["environment_id"] = None
    if shown["status"] == "cancelled" and defective(req.runtime, "cancelled_job_reported_running"):
        shown["status"] = "running"
    elif shown["status"] == "running" and defective(req.runtime, "running_job_reported_queued"):
        shown["status"] = "queued"
    elif shown["status"] == "queued" and shown["attempt_count"] == 1 and shown["error_code"] and defective(
            runtime, "first_retry_wait_shown_failed"):  # waiting for its first retry
        shown.update(status="failed", finished_at=shown["updated_at"], run_after=None)
    if shown["job_type"] == "env_create" and defective(req.runtime, "env_job_names_source_environment"):
        env = req.runtime.store.one("SELECT source_environment_id FROM environments WHERE id = ?",
                                    (shown["environment_id"],))
        shown["environment_id"] = env["source_environment_id"] if env else shown["environment_id"]
    if shown["job_type"] in ("backup_create", "env_restore") and defective(req.runtime,
                                                                          "backup_and_restore_jobs_without_node"):
        shown["node_id"] = None
    if shown["job_type"] == "site_create" and defective(req.runtime, "site_jobs_on_another_node") or \
            shown["job_type"] in ("backup_create", "env_restore") and defective(req.runtime,
                                                                                "backup_and_restore_jobs_on_another_node"):
        shown["node_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"another-node-than-{job['node_id']}"))
    return _shown_inconsistent(runtime, shown)


def _shown_inconsistent(runtime, shown: dict) -> dict:
    """The mutants whose succeeded job's record disagrees with itself or with the contract's attempts."""
    if shown["status"] != "succeeded":
        return shown
    if shown["job_type"] == "env_create" and defective(runtime, "env_create_finished_before_started"):
        shown["finished_at"] = iso_seconds_after(shown["started_at"], -1)
    if shown["job_type"] == "env_restore" and defective(runtime, "restore_job_updated_before_created"):
        shown["updated_at"] = iso_seconds_after(shown["created_at"], -1)
    if shown["job_type"] == "backup_create" and defective(runtime, "backup_succeeds_after_too_many_attempts"):
        shown["attempt_count"] = shown["max_attempts"] + 1
    if shown["job_type"] == "env_create" and defective(runtime, "succeeded_job_without_finished_at"):
        shown["finished_at"] = None
    if shown["job_type"] == "env_restore" and defective(runtime, "succeeded_job_never_started"):
        shown["attempt_count"], shown["started_at"] = 0, None
    return shown


def cancel_job(req):
    with req.runtime.store.tx() as conn:
        job = require(conn, "jobs", req.params["job_id"], "job not found")
        if job["status"] not in jobqueue.ACTIVE_STATUSES:
            raise ApiError(409, "job_not_cancellable", f"job is not cancellable (status {job['status']})")
        jobqueue.cancel(conn, job)
        jobtypes.settle_failed(conn, job, req.runtime)
        req.runtime.previews.sync(job["environment_id"], conn)
    log.event("job", job_id=job["id"], job_type=job["job_type"], status="cancelled", attempt=job["attempt_count"])
    return Response(200, {"success": True, "status": "cancelled"})
