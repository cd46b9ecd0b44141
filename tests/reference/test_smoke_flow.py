"""The two Wave 5 smoke flows end to end: clone with a reachable preview, backup and restore."""

from .conftest import check_schema, preview


def test_clone_flow_gives_a_reachable_preview(api, site):
    site_id, production = site["site"]["id"], site["production"]
    response = api.create_env(site_id, production["id"], "clone")
    assert response.status_code == 202
    job = api.wait_job(check_schema("job_response", response.json())["job_id"])
    assert job["status"] == "succeeded" and job["job_type"] == "env_create"
    clone = api.env(job["environment_id"])
    assert clone["status"] == "active" and clone["node_id"] == production["node_id"]
    answer = preview(clone["preview_url"])
    assert answer.status_code == 200 and site["site"]["name"] in answer.text


def test_backup_restore_flow(api, site):
    production = site["production"]
    made = api.backup(production["id"])
    assert made["job"]["status"] == "succeeded"
    assert made["backup"]["status"] == "completed" and made["backup"]["checksum"].startswith("sha256:")
    response = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": made["backup"]["id"]})
    assert response.status_code == 202
    assert api.wait_job(response.json()["job_id"])["status"] == "succeeded"
    assert api.env(production["id"])["status"] == "active"
    assert preview(production["preview_url"]).status_code == 200
