"""Mutant targets (`--defect NAME`): each flag changes exactly its one behaviour, and without it the reference
behaves as specified. Every probe below is run twice, on a reference without defects and on one started with
the defect, and must observe the specified value on the first and the defective one on the second."""

import re
import subprocess
import sys

import pytest
import requests

from .conftest import ROOT, check_error, preview

REJECTED = "rejected-token"


def _clone(api, site):
    response = api.create_env(site["site"]["id"], site["production"]["id"])
    assert response.status_code == 202, response.text
    job = api.wait_job(response.json()["job_id"])
    return job, api.env(job["environment_id"])


def env_create_status(api):
    site = api.create_site()
    job, clone = _clone(api, site)
    assert job["status"] == "succeeded"
    return clone["status"]


def failed_env_create_status(api):
    site = api.create_site()
    api.fault("jobs", {"match": {"job_type": "env_create", "site_id": site["site"]["id"]}, "outcome": "fail",
                       "error_code": "ANSIBLE_HOST_FAILED", "retryable": False})
    job, clone = _clone(api, site)
    assert job["status"] == "failed"
    return clone["status"], api.get(f"/api/sites/{site['site']['id']}").json()["status"]


def failed_restore_status(api):
    site = api.create_site()
    production = site["production"]
    backup = api.backup(production["id"])["backup"]
    api.fault("jobs", {"match": {"job_type": "env_restore", "site_id": site["site"]["id"]}, "outcome": "fail",
                       "error_code": "ANSIBLE_PLAY_ERROR"})
    response = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": backup["id"]})
    assert api.wait_job(response.json()["job_id"])["status"] == "failed"
    return api.env(production["id"])["status"]


def create_answers_when_not_ready(api):
    site = api.create_site()
    api.fault("node-readiness", {"node_id": None, "reason_codes": ["runtime_missing"]})
    environment = api.create_env(site["site"]["id"], site["production"]["id"]).status_code
    api.cancel_in_flight()  # the enqueue guard would refuse the site on the same node with a 409 conflict
    created = api.post("/api/sites", {"name": "Blocked", "slug": "blocked-site"})
    api.cancel_in_flight()
    return created.status_code, environment


def _restore(api, production, backup):
    response = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": backup["id"]})
    assert response.status_code == 202, response.text
    assert api.wait_job(response.json()["job_id"])["status"] == "succeeded"


def restored_content(api):
    production = api.create_site()["production"]
    api.post(f"/_reference/environments/{production['id']}/content", {"content": "Spring catalogue"})
    backup = api.backup(production["id"])["backup"]
    api.post(f"/_reference/environments/{production['id']}/content", {"content": "Broken summer sale"})
    _restore(api, production, backup)
    page = preview(api.env(production["id"])["preview_url"]).text
    return "Spring catalogue" in page, "Broken summer sale" in page


def backups_after_restore(api):
    production = api.create_site()["production"]
    backup = api.backup(production["id"])["backup"]
    _restore(api, production, backup)
    return len(api.backups(production["id"]))


def restore_of_backup_without_checksum(api):
    production = api.create_site()["production"]
    api.fault("backups", {"environment_id": production["id"], "checksum": None})
    backup = api.backup(production["id"])["backup"]
    return api.post(f"/api/environments/{production['id']}/restore", {"backup_id": backup["id"]}).status_code


def restore_of_foreign_backup(api):
    site = api.create_site()
    _, clone = _clone(api, site)
    backup = api.backup(clone["id"])["backup"]
    production = site["production"]
    return api.post(f"/api/environments/{production['id']}/restore", {"backup_id": backup["id"]}).status_code


def node_job_after_a_transient_error(api):
    api.fault("jobs", {"match": {"job_type": "node_provision", "node_name": "transient"}, "outcome": "fail",
                       "error_code": "PROVIDER_API_ERROR", "retryable": True, "attempts": 1})
    job_id, _ = api.create_node("transient")
    job = api.wait_job(job_id)
    return job["status"], job["attempt_count"]


def rejected_token_status(api):
    status = api.connect_provider(REJECTED)["status"]
    api.connect_provider()
    return status


def readiness_after_failed_acquisition(api):
    api.fault("jobs", {"match": {"job_type": "node_provision", "node_name": "doomed"}, "outcome": "fail",
                       "error_code": "PROVIDER_ACQUISITION_FAILED", "retryable": False})
    job_id, node_id = api.create_node("doomed")
    assert api.wait_job(job_id)["status"] == "failed"
    node = api.node(node_id)
    return node["status"], node["readiness"]["is_ready"]


def readiness_after_provisioning(api):
    job_id, node_id = api.create_node("fresh")
    assert api.wait_job(job_id)["status"] == "succeeded"
    readiness = api.node(node_id)["readiness"]
    return readiness["is_ready"], readiness["reason_codes"]


def cancelled_job_status(api):
    site = api.create_site()
    api.fault("jobs", {"match": {"job_type": "env_create", "site_id": site["site"]["id"]}, "outcome": "hang"})
    job_id = api.create_env(site["site"]["id"], site["production"]["id"]).json()["job_id"]
    api.wait_job(job_id, statuses=("running",))
    assert api.post(f"/api/jobs/{job_id}/cancel").status_code == 200
    listed = next(job for job in api.jobs() if job["id"] == job_id)
    return api.job(job_id)["status"], listed["status"]


# defect → (probe, what a reference without defects shows, what the mutant shows, needs a ready node first)
CASES = {
    "env_create_leaves_cloning": (env_create_status, "active", "cloning", True),
    "failed_job_marks_active": (failed_env_create_status, ("failed", "failed"), ("active", "active"), True),
    "preflight_ignores_readiness": (create_answers_when_not_ready, (409, 409), (202, 202), True),
    "restore_keeps_content": (restored_content, (True, False), (False, True), True),
    "restore_skips_checkpoint": (backups_after_restore, 2, 1, True),
    "restore_accepts_incomplete_backup": (restore_of_backup_without_checksum, 400, 202, True),
    "restore_accepts_foreign_backup": (restore_of_foreign_backup, 400, 202, True),
    "retryable_errors_are_terminal": (node_job_after_a_transient_error, ("succeeded", 2), ("failed", 1), False),
    "any_token_connects": (rejected_token_status, "degraded", "connected", False),
    "failed_node_reported_ready": (readiness_after_failed_acquisition, ("unreachable", False), ("active", True),
                                   False),
    "node_never_ready": (readiness_after_provisioning, (True, []), (False, ["runtime_missing"]), False),
    "cancelled_job_reported_running": (cancelled_job_status, ("cancelled", "cancelled"), ("running", "running"),
                                       True),
}


def _usage_error(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pressluft_reference", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=20)


def test_every_defect_has_a_probe():
    """The names the command line accepts (read from its usage error: tests never import the reference)."""
    result = _usage_error("--defect", "no_such_defect")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("pressluft_reference: error: argument --defect: invalid choice: 'no_such_defect'")
    names = re.findall(r"'(\w+)'", result.stderr.split("choose from", 1)[1])
    assert sorted(CASES) == sorted(names)


@pytest.mark.parametrize("defect", list(CASES))
def test_the_defect_changes_exactly_its_behaviour(fresh_server, api, defect):
    probe, specified, mutant, needs_node = CASES[defect]
    if needs_node:
        api.ready_node()
    assert probe(api) == specified  # the reference without defects (the shared server)
    server = fresh_server("--defect", defect)
    mutated = server.client()
    if needs_node:
        mutated.ready_node()
    assert probe(mutated) == mutant
    assert f"defects={defect}" in server.stderr()  # the start line names the mutant
    body = requests.get(server.url("/_reference/capabilities"), timeout=5).json()
    assert body["defects"] == [defect]


def test_a_failed_restore_leaves_production_active_on_the_mutant(fresh_server, api):
    api.ready_node()
    assert failed_restore_status(api) == "failed"
    mutated = fresh_server("--defect", "failed_job_marks_active").client()
    mutated.ready_node()
    assert failed_restore_status(mutated) == "active"


def test_defects_are_listed_repeatable_and_never_switchable_over_http(fresh_server, server):
    assert requests.get(server.url("/_reference/capabilities"), timeout=5).json()["defects"] == []
    mutant = fresh_server("--defect", "node_never_ready", "--defect", "any_token_connects")
    body = requests.get(mutant.url("/_reference/capabilities"), timeout=5).json()
    assert body["defects"] == ["any_token_connects", "node_never_ready"]
    for method in ("GET", "POST", "PUT", "DELETE"):
        response = requests.request(method, mutant.url("/_reference/defects"), json={"defects": []}, timeout=5)
        check_error(response, 404, "not_found")
    requests.delete(mutant.url("/_reference/faults"), timeout=5)
    assert requests.get(mutant.url("/_reference/capabilities"), timeout=5).json()["defects"] == body["defects"]
