"""Sites: readiness preflight, production environment, site_create job, slug uniqueness, the guard."""

import pytest
import requests

from .conftest import check_error, check_schema, preview

NO_NODE = "target node is not ready: node_unreachable. Create a provider-backed node from /nodes first."
SUDO = "Configure passwordless sudo for the node SSH user (sudo -n true must succeed)."
WP = "Install required runtime tools on the node (wp CLI must be available)."


def test_no_provider_node_blocks_site_creation(fresh_server):
    api = fresh_server().client()
    body = check_error(api.post("/api/sites", {"name": "A", "slug": "a"}), 409, "node_not_ready", NO_NODE)
    assert body["details"] == {"reason_codes": ["node_unreachable"]}
    assert api.jobs() == [] and api.get("/api/sites").json() == []


def test_node_under_acquisition_blocks_site_creation(fresh_server):
    api = fresh_server("--job-duration", "node_provision=30").client()
    api.create_node()
    body = check_error(api.post("/api/sites", {"name": "A", "slug": "a"}), 409, "node_not_ready",
                       "target node is not ready: node_status_not_active. "
                       "Node status must be active before create flows can run.")
    assert body["details"]["reason_codes"] == ["node_status_not_active"]
    assert len(api.jobs()) == 1


@pytest.mark.parametrize("codes, message", [
    (["runtime_missing", "sudo_unavailable"],
     f"target node is not ready: sudo_unavailable, runtime_missing. {SUDO} {WP}"),
    (["node_unreachable"], "target node is not ready: node_unreachable. "
                           "Verify SSH reachability and credentials from Pressluft to the node."),
])
def test_not_ready_node_blocks_without_job_or_record(api, node_id, codes, message):
    jobs, sites = len(api.jobs()), api.get("/api/sites").json()
    api.fault("node-readiness", {"node_id": None, "reason_codes": codes})
    body = check_error(api.post("/api/sites", {"name": "B", "slug": "blocked"}), 409, "node_not_ready", message)
    assert set(body["details"]["reason_codes"]) == set(codes)
    assert len(api.jobs()) == jobs and api.get("/api/sites").json() == sites


def test_site_creation(api, node_id):
    response = api.post("/api/sites", {"name": "Shop", "slug": "shop-creation"})
    assert response.status_code == 202
    job = api.job(check_schema("job_response", response.json())["job_id"])
    assert job["job_type"] == "site_create" and job["node_id"] == node_id and job["max_attempts"] == 3
    site = check_schema("site", api.get(f"/api/sites/{job['site_id']}").json())
    assert (site["name"], site["slug"], site["state_version"]) == ("Shop", "shop-creation", 1)
    assert site["primary_environment_id"] == job["environment_id"]
    envs = [check_schema("environment", env) for env in api.get(f"/api/sites/{site['id']}/environments").json()]
    assert len(envs) == 1
    production = envs[0]
    assert (production["name"], production["slug"], production["environment_type"]) == \
        ("Production", "production", "production")
    assert production["node_id"] == node_id and production["source_environment_id"] is None
    assert production["promotion_preset"] == "content-protect" and production["drift_status"] == "unknown"
    assert api.wait_job(job["id"])["status"] == "succeeded"
    assert api.get(f"/api/sites/{site['id']}").json()["status"] == "active"
    assert api.env(production["id"])["status"] == "active"
    page = preview(production["preview_url"])
    assert page.status_code == 200 and "Shop" in page.text and "Production" in page.text
    assert any(item["id"] == site["id"] for item in api.get("/api/sites").json())


def test_sites_listed_in_creation_order(api, site):
    sites = [check_schema("site", item) for item in api.get("/api/sites").json()]
    assert [item["created_at"] for item in sites] == sorted(item["created_at"] for item in sites)
    assert sites[-1]["id"] == site["site"]["id"]


def test_duplicate_slug_conflicts(api, site):
    jobs = len(api.jobs())
    check_error(api.post("/api/sites", {"name": "Again", "slug": site["site"]["slug"]}), 409, "conflict",
                "conflicting site mutation")
    assert len(api.jobs()) == jobs


@pytest.mark.parametrize("body, message", [
    ({"name": "", "slug": "x"}, "name and slug are required"),
    ({"name": "x"}, "name and slug are required"),
    ({"name": "x", "slug": "  "}, "name and slug are required"),
    ({"name": "x", "slug": "y", "node_id": "z"}, "invalid JSON body"),
    ({"name": ["x"], "slug": "y"}, "invalid JSON body"),
])
def test_site_create_rejects_bad_bodies(api, node_id, body, message):
    check_error(api.post("/api/sites", body), 400, "bad_request", message)


def test_unknown_site_is_404(api):
    check_error(api.get("/api/sites/00000000-0000-4000-8000-000000000000"), 404, "not_found", "site not found")


def test_failed_site_create_marks_site_and_production_failed(api, node_id):
    api.fault("jobs", {"match": {"job_type": "site_create"}, "outcome": "fail", "error_code": "ANSIBLE_SYNTAX_ERROR",
                       "error_message": "playbook syntax"})
    created = api.create_site()
    job = created["job"]
    assert job["status"] == "failed" and job["error_code"] == "ANSIBLE_SYNTAX_ERROR" and job["attempt_count"] == 1
    assert created["site"]["status"] == "failed"
    assert created["production"]["status"] == "failed"
    with pytest.raises(requests.ConnectionError):
        preview(created["production"]["preview_url"])


def test_first_ready_node_wins(fresh_server):
    api = fresh_server().client()
    first = api.ready_node()
    job_id, second = api.create_node("second")
    api.wait_job(job_id)
    assert api.create_site()["job"]["node_id"] == first
    api.fault("node-readiness", {"node_id": first, "reason_codes": ["runtime_missing"]})
    assert api.create_site()["job"]["node_id"] == second


def test_enqueue_guard_blocks_a_site_on_a_busy_node(api, site):
    production = site["production"]
    api.fault("jobs", {"match": {"job_type": "backup_create", "site_id": site["site"]["id"]}, "outcome": "hang"})
    backup_job = api.post(f"/api/environments/{production['id']}/backups", {"backup_scope": "db"}).json()["job_id"]
    sites = len(api.get("/api/sites").json())
    check_error(api.post("/api/sites", {"name": "C", "slug": "guarded"}), 409, "conflict",
                "conflicting site mutation")
    assert len(api.get("/api/sites").json()) == sites
    api.post(f"/api/jobs/{backup_job}/cancel")
    assert api.create_site("guarded")["job"]["status"] == "succeeded"
