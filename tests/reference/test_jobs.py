"""Jobs: list, get, cancel and its effects, fault outcomes cancel/hang, metrics."""

import time

import pytest
import requests

from .conftest import check_error, check_schema, preview

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_jobs_list_in_creation_order(api, site):
    api.backup(site["production"]["id"])
    jobs = [check_schema("job", job) for job in api.get("/api/jobs").json()]
    assert [job["created_at"] for job in jobs] == sorted(job["created_at"] for job in jobs)
    assert len({job["id"] for job in jobs}) == len(jobs)


def test_unknown_job(api):
    check_error(api.get(f"/api/jobs/{UNKNOWN}"), 404, "not_found", "job not found")
    check_error(api.get("/api/jobs/a%2Fb"), 404, "not_found")
    check_error(api.post(f"/api/jobs/{UNKNOWN}/cancel"), 404, "not_found", "job not found")


def test_cancel_a_running_backup(api, site):
    env_id, site_id = site["production"]["id"], site["site"]["id"]
    api.fault("jobs", {"match": {"site_id": site_id, "job_type": "backup_create"}, "outcome": "hang"})
    first = api.post(f"/api/environments/{env_id}/backups", {"backup_scope": "db"}).json()["job_id"]
    api.wait_job(first, statuses=("running",))
    response = api.post(f"/api/jobs/{first}/cancel")
    assert response.status_code == 200
    assert check_schema("job_control", response.json()) == {"success": True, "status": "cancelled"}
    job = api.job(first)
    assert job["status"] == "cancelled" and job["finished_at"]
    assert job["locked_at"] is None and job["locked_by"] is None and job["error_code"] is None
    assert api.find_backup(env_id, first)["status"] == "failed"
    check_error(api.post(f"/api/jobs/{first}/cancel"), 409, "job_not_cancellable")


def test_cancel_a_job_waiting_to_retry(fresh_server):
    api = fresh_server("--retry-backoff", "30").client()
    api.connect_provider()
    api.fault("jobs", {"match": {"job_type": "node_provision"}, "outcome": "fail", "error_code": "PROVIDER_API_ERROR"})
    job_id, node_id = api.create_node()
    waiting = api.wait_job(job_id, statuses=("queued",), predicate=lambda job: job["attempt_count"] == 1)
    assert waiting["error_code"] == "PROVIDER_API_ERROR"
    assert api.post(f"/api/jobs/{job_id}/cancel").json() == {"success": True, "status": "cancelled"}
    job = api.job(job_id)
    assert job["status"] == "cancelled" and job["error_code"] is None and job["error_message"] is None
    assert api.node(node_id)["status"] == "unreachable"


def test_succeeded_job_is_not_cancellable(api, site):
    body = check_error(api.post(f"/api/jobs/{site['job']['id']}/cancel"), 409, "job_not_cancellable")
    assert "succeeded" in body["message"]


def test_cancelling_a_running_clone_fails_the_environment(api, site):
    site_id = site["site"]["id"]
    api.fault("jobs", {"match": {"site_id": site_id}, "outcome": "hang"})
    job = api.wait_job(api.create_env(site_id, site["production"]["id"]).json()["job_id"], statuses=("running",))
    api.post(f"/api/jobs/{job['id']}/cancel")
    assert api.job(job["id"])["status"] == "cancelled"
    assert api.env(job["environment_id"])["status"] == "failed"
    api.delete("/_reference/faults")
    assert api.job(job["id"])["status"] == "cancelled", "the worker must not resurrect a cancelled job"


def test_cancel_outcome_fault(api, site):
    site_id = site["site"]["id"]
    api.fault("jobs", {"match": {"site_id": site_id, "job_type": "env_create"}, "outcome": "cancel"})
    job = api.wait_job(api.create_env(site_id, site["production"]["id"]).json()["job_id"])
    assert job["status"] == "cancelled" and job["attempt_count"] == 1 and job["finished_at"]
    env = api.env(job["environment_id"])
    assert env["status"] == "failed"
    with pytest.raises(requests.ConnectionError):
        preview(env["preview_url"])


def test_hang_outcome_keeps_the_job_running(api, site):
    site_id = site["site"]["id"]
    api.fault("jobs", {"match": {"site_id": site_id}, "outcome": "hang"})
    job_id = api.create_env(site_id, site["production"]["id"]).json()["job_id"]
    api.wait_job(job_id, statuses=("running",))
    time.sleep(0.4)
    assert api.job(job_id)["status"] == "running"


def test_fault_count_limits_the_jobs_affected(api, site):
    env_id = site["production"]["id"]
    api.fault("jobs", {"match": {"environment_id": env_id}, "outcome": "fail", "count": 2})
    assert [api.backup(env_id)["job"]["status"] for _ in range(3)] == ["failed", "failed", "succeeded"]


def test_metrics(fresh_server):
    api = fresh_server("--job-duration", "site_create=30").client()
    assert check_schema("metrics", api.get("/api/metrics").json()) == \
        {"jobs_running": 0, "jobs_queued": 0, "nodes_active": 0, "sites_total": 0}
    api.ready_node()
    api.create_site(wait=False)
    api.wait_job(api.jobs()[-1]["id"], statuses=("running",))
    assert check_schema("metrics", api.get("/api/metrics").json()) == \
        {"jobs_running": 1, "jobs_queued": 0, "nodes_active": 1, "sites_total": 1}
