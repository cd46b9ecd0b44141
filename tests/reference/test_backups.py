"""Backups (real artifacts, lifecycle, expiry) and restore (every precondition of digest §6.2)."""

import hashlib
import json
import sqlite3
import tarfile
from datetime import datetime, timedelta

import pytest
import requests

from .conftest import check_error, check_schema, preview

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_backup_writes_a_real_artifact(fresh_server, tmp_path):
    server = fresh_server("--job-duration", "backup_create=0.5", data_dir=tmp_path)
    api = server.client()
    api.ready_node()
    production = api.create_site()["production"]
    api.post(f"/_reference/environments/{production['id']}/content", {"content": "Spring catalogue"})
    response = api.post(f"/api/environments/{production['id']}/backups", {"backup_scope": "full"})
    assert response.status_code == 202
    backup_id = check_schema("job_response", response.json())["job_id"]
    job = api.job(backup_id)
    assert job["job_type"] == "backup_create" and job["environment_id"] == production["id"]
    assert job["node_id"] == production["node_id"] and job["max_attempts"] == 3
    assert api.find_backup(production["id"], backup_id)["status"] in ("pending", "running")
    api.wait_job(backup_id, statuses=("running",))
    assert api.find_backup(production["id"], backup_id)["status"] == "running"
    assert api.wait_job(backup_id)["status"] == "succeeded"
    backup = api.find_backup(production["id"], backup_id)
    assert backup["status"] == "completed" and backup["backup_scope"] == "full" and backup["completed_at"]
    assert backup["storage_type"] == "s3"
    assert backup["storage_path"] == f"s3://pressluft/backups/{production['id']}/{backup_id}.tar.zst"
    assert _at(backup["retention_until"]) - _at(backup["created_at"]) == timedelta(days=30)
    artifact = tmp_path / "artifacts" / "backups" / production["id"] / f"{backup_id}.tar.zst"
    data = artifact.read_bytes()
    assert backup["checksum"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert backup["size_bytes"] == len(data) > 0
    with tarfile.open(artifact) as archive:
        snapshot = json.loads(archive.extractfile("environment.json").read())
    assert snapshot["environment"]["content"] == "Spring catalogue"


@pytest.mark.parametrize("scope", ["db", "files", "full"])
def test_backup_scopes(api, site, scope):
    made = api.backup(site["production"]["id"], scope)
    assert made["backup"]["backup_scope"] == scope and made["backup"]["status"] == "completed"


@pytest.mark.parametrize("body, message", [
    ({"backup_scope": "everything"}, "backup_scope must be db, files, or full"),
    ({}, "backup_scope must be db, files, or full"),
    ({"backup_scope": "full", "compress": True}, "invalid JSON body"),
    ({"backup_scope": 1}, "invalid JSON body"),
])
def test_backup_create_rejects_bad_bodies(api, site, body, message):
    check_error(api.post(f"/api/environments/{site['production']['id']}/backups", body), 400, "bad_request", message)


def test_backups_of_unknown_environment(api):
    check_error(api.get(f"/api/environments/{UNKNOWN}/backups"), 404, "not_found", "environment not found")
    check_error(api.post(f"/api/environments/{UNKNOWN}/backups", {"backup_scope": "db"}), 404, "not_found",
                "environment not found")


def test_failed_backup_is_never_retried(api, site):
    env_id = site["production"]["id"]
    api.fault("jobs", {"match": {"environment_id": env_id, "job_type": "backup_create"}, "outcome": "fail",
                       "error_code": "ANSIBLE_HOST_UNREACHABLE", "error_message": "backup host unreachable"})
    made = api.backup(env_id)
    assert made["job"]["status"] == "failed" and made["job"]["attempt_count"] == 1
    assert made["job"]["error_code"] == "ANSIBLE_HOST_UNREACHABLE"
    backup = made["backup"]
    assert backup["status"] == "failed" and backup["checksum"] is None and backup["size_bytes"] is None
    assert backup["completed_at"] is None


def test_backup_guard(api, site):
    env_id = site["production"]["id"]
    api.fault("jobs", {"match": {"environment_id": env_id}, "outcome": "hang"})
    assert api.post(f"/api/environments/{env_id}/backups", {"backup_scope": "db"}).status_code == 202
    check_error(api.post(f"/api/environments/{env_id}/backups", {"backup_scope": "db"}), 409, "conflict",
                "conflicting backup mutation")
    assert len(api.backups(env_id)) == 1


def test_restore_brings_back_the_backed_up_content(api, site):
    site_id, production = site["site"]["id"], site["production"]
    env_id = production["id"]
    api.post(f"/_reference/environments/{env_id}/content", {"content": "Spring catalogue"})
    backup = api.backup(env_id)["backup"]
    api.post(f"/_reference/environments/{env_id}/content", {"content": "Broken summer sale"})
    assert "Broken summer sale" in preview(production["preview_url"]).text
    api.fault("jobs", {"match": {"environment_id": env_id, "job_type": "env_restore"}, "outcome": "hang"})
    response = api.post(f"/api/environments/{env_id}/restore", {"backup_id": backup["id"]})
    assert response.status_code == 202
    job = api.wait_job(check_schema("job_response", response.json())["job_id"], statuses=("running",))
    assert job["job_type"] == "env_restore" and job["max_attempts"] == 1
    assert api.env(env_id)["status"] == "restoring"
    assert api.get(f"/api/sites/{site_id}").json()["status"] == "restoring"
    api.delete("/_reference/faults")
    assert api.wait_job(job["id"])["status"] == "succeeded"
    assert api.env(env_id)["status"] == "active" and api.get(f"/api/sites/{site_id}").json()["status"] == "active"
    page = preview(production["preview_url"])
    assert page.status_code == 200 and "Spring catalogue" in page.text and "Broken" not in page.text
    backups = api.backups(env_id)
    assert [item["id"] for item in backups][0] == backup["id"] and len(backups) == 2
    checkpoint = backups[1]
    assert checkpoint["backup_scope"] == "full" and checkpoint["status"] == "completed"
    assert checkpoint["checksum"].startswith("sha256:") and checkpoint["size_bytes"] > 0


def test_restore_failure_marks_environment_and_site_failed(api, site):
    env_id, site_id = site["production"]["id"], site["site"]["id"]
    backup = api.backup(env_id)["backup"]
    api.fault("jobs", {"match": {"site_id": site_id, "job_type": "env_restore"}, "outcome": "fail",
                       "error_code": "ANSIBLE_PLAY_ERROR", "error_message": "restore playbook aborted"})
    job = api.wait_job(api.post(f"/api/environments/{env_id}/restore", {"backup_id": backup["id"]}).json()["job_id"])
    assert job["status"] == "failed" and job["attempt_count"] == 1
    assert (job["error_code"], job["error_message"]) == ("ANSIBLE_PLAY_ERROR", "restore playbook aborted")
    assert api.env(env_id)["status"] == "failed" and api.get(f"/api/sites/{site_id}").json()["status"] == "failed"
    with pytest.raises(requests.ConnectionError):
        preview(site["production"]["preview_url"])
    check_error(api.post(f"/api/environments/{env_id}/restore", {"backup_id": backup["id"]}), 409, "conflict",
                "environment is not active")


@pytest.mark.parametrize("fault", [{"checksum": None}, {"size_bytes": 0}])
def test_restore_refuses_backups_without_integrity_data(api, site, fault):
    env_id = site["production"]["id"]
    api.fault("backups", {"environment_id": env_id, **fault})
    backup = api.backup(env_id)["backup"]
    assert backup["status"] == "completed"
    for key, value in fault.items():
        assert backup[key] == value
    jobs = len(api.jobs())
    check_error(api.post(f"/api/environments/{env_id}/restore", {"backup_id": backup["id"]}), 400, "bad_request",
                "invalid restore request")
    assert len(api.jobs()) == jobs and api.env(env_id)["status"] == "active"
    assert api.backup(env_id)["backup"]["checksum"], "the fault applies to the next backup only"


def test_restore_preconditions(api, site):
    env_id, site_id = site["production"]["id"], site["site"]["id"]
    clone_job = api.wait_job(api.create_env(site_id, env_id).json()["job_id"])
    clone_backup = api.backup(clone_job["environment_id"])["backup"]
    api.fault("jobs", {"match": {"environment_id": env_id, "job_type": "backup_create"}, "outcome": "fail"})
    failed_backup = api.backup(env_id)["backup"]
    url = f"/api/environments/{env_id}/restore"
    for body in ({}, {"backup_id": ""}, {"backup_id": None}, {"backup_id": clone_backup["id"]},
                 {"backup_id": failed_backup["id"]}):
        check_error(api.post(url, body), 400, "bad_request", "invalid restore request")
    check_error(api.post(url, {"backup_id": UNKNOWN}), 404, "not_found", "backup not found")
    check_error(api.post(url, {"backup_id": 7}), 400, "bad_request", "invalid JSON body")
    check_error(api.post(f"/api/environments/{UNKNOWN}/restore", {"backup_id": UNKNOWN}), 404, "not_found",
                "environment not found")
    assert api.env(env_id)["status"] == "active"


def test_restore_guard(api, site):
    env_id, site_id = site["production"]["id"], site["site"]["id"]
    backup = api.backup(env_id)["backup"]
    api.fault("jobs", {"match": {"site_id": site_id}, "outcome": "hang"})
    api.post(f"/api/environments/{env_id}/backups", {"backup_scope": "db"})
    check_error(api.post(f"/api/environments/{env_id}/restore", {"backup_id": backup["id"]}), 409, "conflict",
                "conflicting environment mutation")
    assert api.env(env_id)["status"] == "active"


def test_expired_backups_are_marked_lazily_and_not_restorable(fresh_server, tmp_path):
    server = fresh_server(data_dir=tmp_path)
    api = server.client()
    api.ready_node()
    env_id = api.create_site()["production"]["id"]
    backup = api.backup(env_id)["backup"]
    assert server.stop() == 0
    with sqlite3.connect(tmp_path / "pressluft_reference.sqlite3") as db:
        db.execute("UPDATE backups SET retention_until = '2020-01-01T00:00:00.000000Z' WHERE id = ?", (backup["id"],))
    api = fresh_server(data_dir=tmp_path).client()
    assert api.find_backup(env_id, backup["id"])["status"] == "expired"
    check_error(api.post(f"/api/environments/{env_id}/restore", {"backup_id": backup["id"]}), 400, "bad_request",
                "invalid restore request")
