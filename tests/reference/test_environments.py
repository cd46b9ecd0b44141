"""Clone and staging environments (digest §2.4), their state transitions and previews, wordpress-version."""

import pytest
import requests

from .conftest import check_error, check_schema, preview

UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize("env_type", ["clone", "staging"])
def test_environment_created_from_production(api, site, env_type):
    site_id, production = site["site"]["id"], site["production"]
    api.post(f"/_reference/environments/{production['id']}/content", {"content": "Autumn catalogue"})
    api.fault("jobs", {"match": {"site_id": site_id, "job_type": "env_create"}, "outcome": "hang"})
    response = api.create_env(site_id, production["id"], env_type, slug=f"{env_type}-1")
    assert response.status_code == 202
    job = api.wait_job(response.json()["job_id"], statuses=("running",))
    env = api.env(job["environment_id"])
    assert env["status"] == "cloning" and env["environment_type"] == env_type
    assert env["source_environment_id"] == production["id"] and env["node_id"] == production["node_id"]
    assert api.get(f"/api/sites/{site_id}").json()["status"] == "cloning"
    with pytest.raises(requests.ConnectionError):
        preview(env["preview_url"])
    api.delete("/_reference/faults")
    job = api.wait_job(job["id"])
    assert job["status"] == "succeeded" and job["site_id"] == site_id
    env = api.env(job["environment_id"])
    assert env["status"] == "active" and env["state_version"] > 1
    assert api.get(f"/api/sites/{site_id}").json()["status"] == "active"
    page = preview(env["preview_url"])
    assert page.status_code == 200 and "Autumn catalogue" in page.text and env["name"] in page.text
    listed = [check_schema("environment", item) for item in api.get(f"/api/sites/{site_id}/environments").json()]
    assert [item["id"] for item in listed] == [production["id"], env["id"]]


def test_promotion_preset_and_unique_preview_urls(api, site):
    site_id, production = site["site"]["id"], site["production"]
    response = api.create_env(site_id, production["id"], "staging", promotion_preset="commerce-protect")
    env = api.env(api.wait_job(response.json()["job_id"])["environment_id"])
    assert env["promotion_preset"] == "commerce-protect"
    assert env["preview_url"] != production["preview_url"]


def _body(source_id, **override):
    body = {"name": "Clone", "slug": "clone-x", "type": "clone", "source_environment_id": source_id,
            "promotion_preset": "content-protect", **override}
    return {key: value for key, value in body.items() if value != "<omit>"}


@pytest.mark.parametrize("override, status, code, message", [
    ({"name": ""}, 400, "bad_request", "name and slug are required"),
    ({"slug": "<omit>"}, 400, "bad_request", "name and slug are required"),
    ({"type": "production"}, 400, "bad_request", "type must be staging or clone"),
    ({"type": "<omit>"}, 400, "bad_request", "type must be staging or clone"),
    ({"promotion_preset": "yolo"}, 400, "bad_request", "promotion_preset is invalid"),
    ({"source_environment_id": "<omit>"}, 400, "bad_request", "invalid environment create request"),
    ({"source_environment_id": ""}, 400, "bad_request", "invalid environment create request"),
    ({"source_environment_id": UNKNOWN}, 400, "bad_request", "invalid environment create request"),
    ({"hostname": "x"}, 400, "bad_request", "invalid JSON body"),
    ({"type": 3}, 400, "bad_request", "invalid JSON body"),
])
def test_environment_create_check_order(api, site, override, status, code, message):
    site_id = site["site"]["id"]
    jobs = len(api.jobs())
    response = api.post(f"/api/sites/{site_id}/environments", _body(site["production"]["id"], **override))
    check_error(response, status, code, message)
    assert len(api.jobs()) == jobs
    assert len(api.get(f"/api/sites/{site_id}/environments").json()) == 1


def test_source_from_another_site_is_invalid(api, site):
    other = api.create_site()
    response = api.create_env(site["site"]["id"], other["production"]["id"])
    check_error(response, 400, "bad_request", "invalid environment create request")


def test_unknown_site(api, site):
    check_error(api.post(f"/api/sites/{UNKNOWN}/environments", _body("<omit>")), 404,
                "not_found", "site not found")
    check_error(api.create_env(UNKNOWN, site["production"]["id"]), 400, "bad_request",
                "invalid environment create request")
    check_error(api.get(f"/api/sites/{UNKNOWN}/environments"), 404, "not_found", "site not found")
    check_error(api.get(f"/api/environments/{UNKNOWN}"), 404, "not_found", "environment not found")


def test_duplicate_slug_conflicts(api, site):
    check_error(api.create_env(site["site"]["id"], site["production"]["id"], slug="production"), 409, "conflict",
                "conflicting environment mutation")


def test_not_ready_node_blocks_environment_creation(api, site):
    api.fault("node-readiness", {"node_id": site["production"]["node_id"], "reason_codes": ["runtime_missing"]})
    jobs = len(api.jobs())
    body = check_error(api.create_env(site["site"]["id"], site["production"]["id"]), 409, "node_not_ready",
                       "target node is not ready: runtime_missing. "
                       "Install required runtime tools on the node (wp CLI must be available).")
    assert body["details"]["reason_codes"] == ["runtime_missing"]
    assert len(api.jobs()) == jobs
    assert len(api.get(f"/api/sites/{site['site']['id']}/environments").json()) == 1


def test_guard_blocks_a_second_mutation_on_the_site(api, site):
    site_id, production = site["site"]["id"], site["production"]
    api.fault("jobs", {"match": {"site_id": site_id}, "outcome": "hang"})
    assert api.create_env(site_id, production["id"]).status_code == 202
    check_error(api.create_env(site_id, production["id"]), 409, "conflict", "conflicting environment mutation")
    assert len(api.get(f"/api/sites/{site_id}/environments").json()) == 2


def test_failed_clone_marks_environment_and_site_failed(api, site):
    site_id = site["site"]["id"]
    api.fault("jobs", {"match": {"site_id": site_id, "job_type": "env_create"}, "outcome": "fail",
                       "error_code": "ANSIBLE_HOST_FAILED", "error_message": "wp core install failed on target"})
    job = api.wait_job(api.create_env(site_id, site["production"]["id"]).json()["job_id"])
    assert job["status"] == "failed" and job["attempt_count"] == job["max_attempts"] == 3
    assert (job["error_code"], job["error_message"]) == ("ANSIBLE_HOST_FAILED", "wp core install failed on target")
    env = api.env(job["environment_id"])
    assert env["status"] == "failed"
    assert api.get(f"/api/sites/{site_id}").json()["status"] == "failed"
    with pytest.raises(requests.ConnectionError):
        preview(env["preview_url"])


def test_retryable_clone_failure_recovers(api, site):
    site_id = site["site"]["id"]
    api.fault("jobs", {"match": {"site_id": site_id}, "outcome": "fail", "error_code": "ANSIBLE_HOST_UNREACHABLE",
                       "attempts": 1})
    job = api.wait_job(api.create_env(site_id, site["production"]["id"]).json()["job_id"])
    assert job["status"] == "succeeded" and job["attempt_count"] == 2 and job["error_code"] is None
    assert api.env(job["environment_id"])["status"] == "active"


def test_wordpress_version(api, site):
    env_id = site["production"]["id"]
    body = api.get(f"/api/environments/{env_id}/wordpress-version").json()
    assert body["environment_id"] == env_id and body["wordpress_version"] and body["queried_at"]
    check_error(api.get(f"/api/environments/{UNKNOWN}/wordpress-version"), 404, "not_found")
    api.fault("node-readiness", {"node_id": None, "reason_codes": ["node_unreachable"]})
    check_error(api.get(f"/api/environments/{env_id}/wordpress-version"), 502, "node_unreachable")
    api.delete("/_reference/faults")
    api.fault("jobs", {"match": {"site_id": site["site"]["id"]}, "outcome": "hang"})
    job = api.wait_job(api.create_env(site["site"]["id"], env_id).json()["job_id"], statuses=("running",))
    check_error(api.get(f"/api/environments/{job['environment_id']}/wordpress-version"), 409,
                "environment_not_active", "Environment is not in active state")
