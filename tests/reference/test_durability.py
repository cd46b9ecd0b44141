"""Restart durability: records survive, running jobs are resumed or failed, previews are re-bound."""

import signal

from .conftest import preview


def _snapshot(api):
    sites = api.get("/api/sites").json()
    envs = {site["id"]: api.get(f"/api/sites/{site['id']}/environments").json() for site in sites}
    nodes = [{key: value for key, value in node.items() if key != "readiness"} for node in api.nodes()]
    backups = {env["id"]: api.backups(env["id"]) for items in envs.values() for env in items}
    return {"sites": sites, "envs": envs, "nodes": nodes, "jobs": api.jobs(), "backups": backups,
            "providers": api.get("/api/providers").json()}


def test_restart_keeps_every_record_the_session_and_the_previews(fresh_server, tmp_path):
    server = fresh_server(data_dir=tmp_path)
    api = server.client()
    api.ready_node()
    created = api.create_site()
    site_id, production = created["site"]["id"], created["production"]
    clone = api.env(api.wait_job(api.create_env(site_id, production["id"]).json()["job_id"])["environment_id"])
    api.backup(production["id"])
    api.post(f"/_reference/environments/{clone['id']}/content", {"content": "Kept across restarts"})
    before = _snapshot(api)
    assert server.stop() == 0

    restarted = fresh_server(data_dir=tmp_path)
    again = restarted.client(login=False)
    again.http.cookies.update(api.http.cookies)
    assert _snapshot(again) == before
    assert preview(production["preview_url"]).status_code == 200
    page = preview(clone["preview_url"])
    assert page.status_code == 200 and "Kept across restarts" in page.text
    assert again.backup(production["id"])["job"]["status"] == "succeeded"


def test_killed_mid_job_the_job_is_resumed(fresh_server, tmp_path):
    server = fresh_server("--job-duration", "env_create=30", data_dir=tmp_path)
    api = server.client()
    api.ready_node()
    created = api.create_site()
    job_id = api.create_env(created["site"]["id"], created["production"]["id"]).json()["job_id"]
    api.wait_job(job_id, statuses=("running",))
    server.stop(signal.SIGKILL)

    api = fresh_server(data_dir=tmp_path).client()
    job = api.wait_job(job_id)
    assert job["status"] == "succeeded" and job["attempt_count"] == 2
    assert api.env(job["environment_id"])["status"] == "active"
    assert [item["id"] for item in api.jobs()].count(job_id) == 1
    assert "event=job job_id=%s job_type=env_create status=queued attempt=1 error_code=JOB_INTERRUPTED" % job_id \
        in api.server.stderr()


def test_killed_mid_restore_the_job_fails(fresh_server, tmp_path):
    server = fresh_server("--job-duration", "env_restore=30", data_dir=tmp_path)
    api = server.client()
    api.ready_node()
    created = api.create_site()
    env_id = created["production"]["id"]
    backup = api.backup(env_id)["backup"]
    job_id = api.post(f"/api/environments/{env_id}/restore", {"backup_id": backup["id"]}).json()["job_id"]
    api.wait_job(job_id, statuses=("running",))
    server.kill()

    api = fresh_server(data_dir=tmp_path).client()
    job = api.job(job_id)
    assert job["status"] == "failed" and job["attempt_count"] == job["max_attempts"] == 1
    assert job["error_code"] == "JOB_INTERRUPTED" and job["finished_at"]
    assert api.env(env_id)["status"] == "failed"
    assert api.get(f"/api/sites/{created['site']['id']}").json()["status"] == "failed"


def test_queued_jobs_survive_a_kill(fresh_server, tmp_path):
    server = fresh_server("--retry-backoff", "1", data_dir=tmp_path)
    api = server.client()
    api.connect_provider()
    api.fault("jobs", {"match": {}, "outcome": "fail", "error_code": "PROVIDER_API_ERROR", "attempts": 1})
    job_id, node_id = api.create_node()
    api.wait_job(job_id, statuses=("queued",), predicate=lambda job: job["attempt_count"] == 1)
    server.kill()

    api = fresh_server(data_dir=tmp_path).client()
    job = api.wait_job(job_id)
    assert job["status"] == "succeeded" and job["attempt_count"] == 2
    assert api.node(node_id)["readiness"]["is_ready"] is True
