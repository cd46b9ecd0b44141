"""Mutant targets (`--defect NAME`): each flag changes exactly its one behaviour, and without it the reference
behaves as specified. Every probe below is run twice, on a reference without defects and on one started with
the defect, and must observe the specified value on the first and the defective one on the second."""

import re
import subprocess
import sys
import time

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


def node_readiness_after_a_failed_clone(api):
    site = api.create_site()
    failed_env_create_status(api)
    node = api.node(site["production"]["node_id"])
    return node["status"], node["readiness"]["is_ready"]


def failed_environments_listed(api):
    site = api.create_site()
    api.fault("jobs", {"match": {"job_type": "env_create", "site_id": site["site"]["id"]}, "outcome": "fail",
                       "error_code": "ANSIBLE_HOST_FAILED", "retryable": False})
    job, clone = _clone(api, site)
    listed = [env["id"] for env in api.get(f"/api/sites/{site['site']['id']}/environments").json()]
    return job["status"], clone["status"], clone["id"] in listed


def message_of_a_failed_job(api):
    job_id, _ = _node_job(api, _unique("failing"), outcome="fail", error_code="PROVIDER_ACQUISITION_FAILED",
                          error_message="server limit reached")
    job = api.wait_job(job_id)
    return job["status"], re.sub(r" \(at \d{4}-\d\d-\d\dT[\d:.]+Z\)$", " (at <time>)", job["error_message"])


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


def attempts_when_first_shown_failed(api):
    """The attempts of a clone job whose every attempt fails with a retryable error, when the jobs API first shows it
    failed, and when it ended failed for good (its third attempt)."""
    site = api.create_site()
    api.fault("jobs", {"match": {"job_type": "env_create", "site_id": site["site"]["id"]}, "outcome": "fail",
                       "error_code": "ANSIBLE_HOST_FAILED"})
    job_id = api.create_env(site["site"]["id"], site["production"]["id"]).json()["job_id"]
    first = api.wait_job(job_id)
    last = api.wait_job(job_id, predicate=lambda job: job["attempt_count"] == job["max_attempts"])
    return (first["status"], first["attempt_count"]), (last["status"], last["attempt_count"])


def _unique(prefix: str) -> str:
    return f"{prefix}-{time.monotonic_ns()}"


def _node_job(api, name, **fault):
    """Requests a node called `name` whose node_provision meets that job fault (if any); returns (job id, node id)."""
    if fault:
        api.fault("jobs", {"match": {"job_type": "node_provision", "node_name": name}, **fault})
    return api.create_node(name)


def ready_node_readiness(api):
    job_id, node_id = _node_job(api, _unique("ready"))
    assert api.wait_job(job_id)["status"] == "succeeded"
    readiness = api.node(node_id)["readiness"]
    return readiness["is_ready"], readiness["reason_codes"], len(readiness["guidance"])


def nodes_and_jobs_per_request(api):
    name = _unique("twice")
    job_id, _ = api.create_node(name)
    node_ids = {node["id"] for node in api.nodes() if node["name"] == name}
    jobs = [job for job in api.jobs() if job["node_id"] in node_ids]
    assert jobs[0]["id"] == job_id and all(job["job_type"] == "node_provision" for job in jobs)
    for job in jobs:
        api.wait_job(job["id"])
    return len(node_ids), len(jobs)


def acquisitions_of_a_name_after_reconnecting(api):
    """The nodes of a requested name, and their node_provision jobs, once the provider is connected again after
    that node became ready."""
    name = _unique("again")
    job_id, _ = api.create_node(name)
    assert api.wait_job(job_id)["status"] == "succeeded"
    api.connect_provider()
    node_ids = {node["id"] for node in api.nodes() if node["name"] == name}
    return len(node_ids), len([job for job in api.jobs() if job["node_id"] in node_ids])


def readiness_while_acquiring(api):
    job_id, node_id = _node_job(api, _unique("acquiring"), outcome="hang")
    api.wait_job(job_id, statuses=("running",))
    node = api.node(node_id)
    api.post(f"/api/jobs/{job_id}/cancel")
    assert node["hostname"] == "pending.provider"
    return node["readiness"]["is_ready"], node["readiness"]["reason_codes"]


def degraded_guidance(api):
    guidance = api.connect_provider(REJECTED)["guidance"]
    api.connect_provider()
    return len(guidance)


def node_request_on_a_degraded_provider(api):
    api.connect_provider(REJECTED)
    status = api.post("/api/nodes", {"provider_id": "hetzner", "name": _unique("degraded")}).status_code
    api.connect_provider()
    return status


def preflight_refusal(api):
    api.fault("node-readiness", {"node_id": None, "reason_codes": ["runtime_missing"]})
    response = api.post("/api/sites", {"name": "Blocked", "slug": _unique("blocked")})
    api.fault("node-readiness", {"node_id": None, "reason_codes": []})
    body = check_error(response, 409, "node_not_ready")
    return body["message"].split(".")[0], "details" in body


def _held_retry(api, **extra):
    """A node_provision whose first attempt fails with a retryable error and waits the real 60 s backoff."""
    job_id, _ = _node_job(api, _unique("held"), outcome="fail", error_code="PROVIDER_API_ERROR", attempts=1,
                          hold_last_retry=True, **extra)
    return api.wait_job(job_id, statuses=("queued", "succeeded"), predicate=lambda job: job["attempt_count"] >= 1)


def error_while_waiting_to_retry(api):
    job = _held_retry(api)
    api.post(f"/api/jobs/{job['id']}/cancel")
    return job["status"], job["error_code"], job["error_message"] is None


def run_after_while_waiting_to_retry(api):
    job = _held_retry(api)
    api.post(f"/api/jobs/{job['id']}/cancel")
    return job["run_after"] is None


def node_jobs_after_a_retry(api):
    job_id, node_id = _node_job(api, _unique("retried"), outcome="fail", error_code="PROVIDER_API_ERROR", attempts=1)
    api.wait_job(job_id)
    time.sleep(0.3)  # a duplicate, if any, runs after the first
    jobs = [api.wait_job(job["id"]) for job in api.jobs() if job["node_id"] == node_id]
    return len(jobs), {job["status"] for job in jobs}


def error_of_a_failed_job(api):
    job_id, _ = _node_job(api, _unique("failing"), outcome="fail", error_code="PROVIDER_ACQUISITION_FAILED")
    job = api.wait_job(job_id)
    return job["status"], job["error_code"], job["error_message"] is None


def job_after_a_non_retryable_error(api):
    job_id, _ = _node_job(api, _unique("syntax"), outcome="fail", error_code="ANSIBLE_SYNTAX_ERROR", attempts=1)
    job = api.wait_job(job_id)
    return job["status"], job["attempt_count"]


def restore_after_a_retryable_error(api):
    site = api.create_site()
    production = site["production"]
    backup = api.backup(production["id"])["backup"]
    api.fault("jobs", {"match": {"job_type": "env_restore", "site_id": site["site"]["id"]}, "outcome": "fail",
                       "error_code": "ANSIBLE_PLAY_ERROR", "attempts": 1})
    response = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": backup["id"]})
    job = api.wait_job(response.json()["job_id"])
    return job["status"], job["attempt_count"], job["max_attempts"]


def backup_after_a_retryable_error(api):
    site = api.create_site()
    production = site["production"]
    api.fault("jobs", {"match": {"job_type": "backup_create", "site_id": site["site"]["id"]}, "outcome": "fail",
                       "error_code": "ANSIBLE_PLAY_ERROR", "attempts": 1})
    response = api.post(f"/api/environments/{production['id']}/backups", {"backup_scope": "full"})
    job = api.wait_job(response.json()["job_id"])
    return job["status"], job["attempt_count"]


def _hanging_clone(api):
    site = api.create_site()
    api.fault("jobs", {"match": {"job_type": "env_create", "site_id": site["site"]["id"]}, "outcome": "hang"})
    job_id = api.create_env(site["site"]["id"], site["production"]["id"]).json()["job_id"]
    return api.wait_job(job_id, statuses=("queued", "running"), predicate=lambda job: job["started_at"])


def status_of_a_running_job(api):
    job = _hanging_clone(api)
    listed = next(item for item in api.jobs() if item["id"] == job["id"])
    api.post(f"/api/jobs/{job['id']}/cancel")
    return job["status"], listed["status"]


def hanging_job_after_its_claim(api):
    job = _hanging_clone(api)
    time.sleep(1.5)
    job = api.job(job["id"])
    api.post(f"/api/jobs/{job['id']}/cancel")
    return job["status"], job["error_code"], job["error_message"]


SYNTAX_ERROR = "ANSIBLE_SYNTAX_ERROR"


def clone_outcome(api):
    site = api.create_site()
    job, clone = _clone(api, site)
    return job["status"], job["attempt_count"], job["error_code"], job["error_message"], clone["status"]


def backup_outcome(api):
    production = api.create_site()["production"]
    made = api.backup(production["id"])
    job = made["job"]
    return job["status"], job["attempt_count"], job["error_code"], job["error_message"], made["backup"]["status"]


def restore_outcome(api):
    production = api.create_site()["production"]
    backup = api.backup(production["id"])["backup"]
    response = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": backup["id"]})
    job = api.wait_job(response.json()["job_id"])
    return job["status"], job["attempt_count"], job["error_code"], job["error_message"], \
        api.env(production["id"])["status"]


def staging_type(api):
    site = api.create_site()
    response = api.create_env(site["site"]["id"], site["production"]["id"], "staging")
    return api.env(api.wait_job(response.json()["job_id"])["environment_id"])["environment_type"]


def clone_source_and_node(api):
    site = api.create_site()
    job, clone = _clone(api, site)
    production = site["production"]
    return job["status"], clone["source_environment_id"] == production["id"], clone["node_id"] == production["node_id"]


def _answer(url):
    try:
        return preview(url).status_code
    except requests.ConnectionError:
        return "refused"


def clone_previews(api):
    site = api.create_site()
    job, clone = _clone(api, site)
    production_url = site["production"]["preview_url"]
    return job["status"], _answer(production_url), _answer(clone["preview_url"]), clone["preview_url"] == production_url


def copy_previews(api):
    site = api.create_site()
    answers = []
    for env_type in ("clone", "staging"):
        response = api.create_env(site["site"]["id"], site["production"]["id"], env_type)
        assert response.status_code == 202, response.text
        copy = api.env(api.wait_job(response.json()["job_id"])["environment_id"])
        answers.append(_answer(copy["preview_url"]))
    return answers


def redirect_answers(api):
    production = api.create_site()["production"]
    answers = []
    for status in (301, 302):
        api.fault("preview", {"environment_id": production["id"], "status": status, "location": "https://x.test/"})
        answer = preview(production["preview_url"])
        answers.append((answer.status_code, answer.headers["Location"]))
    return answers


def other_answers(api):
    production = api.create_site()["production"]
    answers = []
    for status in (303, 307, 308, 404):
        location = "https://x.test/" if status < 400 else None
        api.fault("preview", {"environment_id": production["id"], "status": status, "location": location})
        answers.append(preview(production["preview_url"]).status_code)
    return answers


def _backup_of_new_site(api, scope="full"):
    production = api.create_site()["production"]
    response = api.post(f"/api/environments/{production['id']}/backups", {"backup_scope": scope})
    job = api.wait_job(response.json()["job_id"])
    backups = api.backups(production["id"])
    assert len(backups) == 1
    return production, job, backups[0]


def backup_and_its_job(api):
    _, job, backup = _backup_of_new_site(api)
    return job["status"], backup["id"] == job["id"], backup["status"]


def backup_record(api):
    _, job, backup = _backup_of_new_site(api)
    return job["status"], backup["status"], backup["checksum"] is None, backup["completed_at"] is None


def _checkpoint(api, production, backup):
    """Restores `backup`; returns the restore job and the pre-restore checkpoint it wrote."""
    known = {item["id"] for item in api.backups(production["id"])}
    response = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": backup["id"]})
    job = api.wait_job(response.json()["job_id"])
    assert job["status"] == "succeeded"
    return job, next(item for item in api.backups(production["id"]) if item["id"] not in known)


def scopes_of_backup_and_checkpoint(api):
    production, _, backup = _backup_of_new_site(api, "full")
    return backup["backup_scope"], _checkpoint(api, production, backup)[1]["backup_scope"]


def checksum_length_and_restore(api):
    production, _, backup = _backup_of_new_site(api)
    checkpoint = _checkpoint(api, production, backup)[1]
    return len(backup["checksum"]), len(checkpoint["checksum"])


def backup_size(api):
    _, _, backup = _backup_of_new_site(api)
    return backup["status"], backup["size_bytes"] == 0


def checkpoint_record(api):
    production, _, backup = _backup_of_new_site(api)
    checkpoint = _checkpoint(api, production, backup)[1]
    return (checkpoint["status"], checkpoint["backup_scope"], checkpoint["checksum"] is None,
            checkpoint["size_bytes"] > 0)


def checkpoint_time_and_content(api):
    """Whether the checkpoint was created after the restore ended, and what it holds (the content before the
    restore, "Broken summer sale", or the restored one)."""
    production = api.create_site()["production"]
    api.post(f"/_reference/environments/{production['id']}/content", {"content": "Spring catalogue"})
    backup = api.backup(production["id"])["backup"]
    api.post(f"/_reference/environments/{production['id']}/content", {"content": "Broken summer sale"})
    job, checkpoint = _checkpoint(api, production, backup)
    held = api.get(f"/_reference/backups/{checkpoint['id']}/content").json()["content"]
    return checkpoint["created_at"] > job["finished_at"], held


def after_a_restore(api):
    site = api.create_site()
    production = site["production"]
    backup = api.backup(production["id"])["backup"]
    _checkpoint(api, production, backup)
    return api.env(production["id"])["status"], api.get(f"/api/sites/{site['site']['id']}").json()["status"], \
        _answer(production["preview_url"])


def refusals_and_jobs(api):
    site = api.create_site()
    known = {job["id"] for job in api.jobs()}
    api.fault("node-readiness", {"node_id": None, "reason_codes": ["runtime_missing"]})
    statuses = [api.post("/api/sites", {"name": "Blocked", "slug": _unique("blocked")}).status_code,
                api.create_env(site["site"]["id"], site["production"]["id"]).status_code]
    api.fault("node-readiness", {"node_id": None, "reason_codes": []})
    statuses.append(api.post(f"/api/environments/{site['production']['id']}/restore", {"backup_id": ""}).status_code)
    api.connect_provider(REJECTED)
    statuses.append(api.post("/api/nodes", {"provider_id": "hetzner"}).status_code)
    api.connect_provider()
    queued = sorted(job["job_type"] for job in api.jobs() if job["id"] not in known)
    time.sleep(0.5)  # the mutant's jobs run (and fail) before the next probe
    return statuses, queued


def refused_site_records(api):
    slug = _unique("refused")
    api.fault("node-readiness", {"node_id": None, "reason_codes": ["runtime_missing"]})
    status = api.post("/api/sites", {"name": "Refused", "slug": slug}).status_code
    api.fault("node-readiness", {"node_id": None, "reason_codes": []})
    sites = [site for site in api.get("/api/sites").json() if site["slug"] == slug]
    envs = [env["slug"] for site in sites for env in api.get(f"/api/sites/{site['id']}/environments").json()]
    return status, len(sites), envs


def refused_environment_records(api):
    site = api.create_site()
    api.fault("node-readiness", {"node_id": None, "reason_codes": ["runtime_missing"]})
    status = api.create_env(site["site"]["id"], site["production"]["id"]).status_code
    api.fault("node-readiness", {"node_id": None, "reason_codes": []})
    return status, [env["status"] for env in api.get(f"/api/sites/{site['site']['id']}/environments").json()]


def environment_after_a_refused_restore(api):
    production = api.create_site()["production"]
    status = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": ""}).status_code
    return status, api.env(production["id"])["status"]


def records_of_a_refused_node_request(api):
    """A node request refused because the provider is not connected: its answer, the nodes of its name, new jobs."""
    name, known = _unique("refused-node"), {job["id"] for job in api.jobs()}
    api.connect_provider(REJECTED)
    status = api.post("/api/nodes", {"provider_id": "hetzner", "name": name}).status_code
    api.connect_provider()
    return status, len([node for node in api.nodes() if node["name"] == name]), \
        [job["id"] for job in api.jobs() if job["id"] not in known]


def records_of_a_refused_restore(api):
    """A restore refused as invalid: its answer, production's backups (a checkpoint among them?), new jobs."""
    production, known = api.create_site()["production"], {job["id"] for job in api.jobs()}
    status = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": ""}).status_code
    return status, len(api.backups(production["id"])), [job["id"] for job in api.jobs() if job["id"] not in known]


def restores_from_neighbours(api):
    """Production restored from a backup of its own site's clone (the answer, and how the job ends when accepted),
    and from a backup of another site's production (the answer)."""
    site = api.create_site()
    _, clone = _clone(api, site)
    production, backup = site["production"], api.backup(clone["id"])["backup"]
    same_site = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": backup["id"]})
    ended = api.wait_job(same_site.json()["job_id"])["status"] if same_site.status_code == 202 else None
    other = api.backup(api.create_site()["production"]["id"])["backup"]
    other_site = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": other["id"]}).status_code
    return same_site.status_code, ended, other_site


def clone_job_names(api):
    site = api.create_site()
    response = api.create_env(site["site"]["id"], site["production"]["id"])
    job = api.wait_job(response.json()["job_id"])
    clone = next(env for env in api.get(f"/api/sites/{site['site']['id']}/environments").json()
                 if env["environment_type"] != "production")
    return job["status"], job["environment_id"] == clone["id"], job["environment_id"] == site["production"]["id"]


def nodes_of_backup_and_restore_jobs(api):
    production = api.create_site()["production"]
    backup = api.backup(production["id"])
    restore, _ = _checkpoint(api, production, backup["backup"])
    return backup["job"]["node_id"] == production["node_id"], api.job(restore["id"])["node_id"] == production["node_id"]


def site_of_a_clone(api):
    site = api.create_site()
    site_id = site["site"]["id"]
    _, clone = _clone(api, site)
    listed = [env for env in api.get(f"/api/sites/{site_id}/environments").json() if env["id"] == clone["id"]]
    return clone["site_id"] == site_id, len(listed), listed[0]["site_id"] == site_id


def after_a_clone(api):
    site = api.create_site()
    job, clone = _clone(api, site)
    return job["status"], clone["status"], api.get(f"/api/sites/{site['site']['id']}").json()["status"]


def site_after_a_refused_restore(api):
    site = api.create_site()
    production = site["production"]
    status = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": ""}).status_code
    return status, api.env(production["id"])["status"], api.get(f"/api/sites/{site['site']['id']}").json()["status"]


def content_after_restoring_the_older_of_two_backups(api):
    """Content A, a backup, B, a second backup, C; the first backup restored: which of A, B, C the preview shows."""
    production = api.create_site()["production"]
    older = None
    for content in ("Spring catalogue", "Summer sale"):
        api.post(f"/_reference/environments/{production['id']}/content", {"content": content})
        older = older or api.backup(production["id"])["backup"]
        if content == "Summer sale":
            api.backup(production["id"])
    api.post(f"/_reference/environments/{production['id']}/content", {"content": "Autumn banner"})
    _restore(api, production, older)
    page = preview(production["preview_url"]).text
    return tuple(text in page for text in ("Spring catalogue", "Summer sale", "Autumn banner"))
def provisioned_node(api):
    job_id, node_id = api.create_node(_unique("provisioned"))
    assert api.wait_job(job_id)["status"] == "succeeded"
    node = api.node(node_id)
    return node["status"], node["hostname"], node["public_ip"], node["readiness"]["is_ready"]


def name_of_a_named_node(api):
    name = _unique("named")
    job_id, _ = api.create_node(name)
    node_id = api.job(job_id)["node_id"]
    api.wait_job(job_id)
    return api.node(node_id)["name"] == name


def seeded_nodes(api):
    """Provider nodes the target had before anyone asked for one: their readiness and their jobs' status."""
    jobs = api.jobs()
    return [(node["readiness"]["is_ready"], [job["status"] for job in jobs if job["node_id"] == node["id"]])
            for node in api.nodes() if node["name"] == "seeded-node"]


def node_job_as_shown(api):
    job_id, _ = api.create_node(_unique("shown"))
    api.wait_job(job_id)
    node_ids = {node["id"] for node in api.nodes()}
    listed = next(job for job in api.jobs() if job["id"] == job_id)
    return [(job["job_type"], job["node_id"] in node_ids) for job in (listed, api.job(job_id))]


def finished_job_listed(api):
    job_id, _ = api.create_node(_unique("listed"))
    status = api.wait_job(job_id)["status"]
    return status, any(job["id"] == job_id for job in api.jobs())


def site_job_environment(api):
    """A backup job's environment as the job list and the job itself show it (site_create jobs keep theirs)."""
    production_id = api.create_site()["production"]["id"]
    job_id = api.backup(production_id)["job"]["id"]
    listed = next(job for job in api.jobs() if job["id"] == job_id)
    return listed["environment_id"] == production_id, api.job(job_id)["environment_id"] == production_id


def listed_while_the_node_is_not_ready(api):
    created = api.create_site()
    site_id = created["site"]["id"]
    api.fault("node-readiness", {"node_id": None, "reason_codes": ["runtime_missing"]})
    try:
        sites = [site["id"] for site in api.get("/api/sites").json()].count(site_id)
        environments = len(api.get(f"/api/sites/{site_id}/environments").json())
    finally:
        api.fault("node-readiness", {"node_id": None, "reason_codes": []})
    return sites, environments


def refusal_message(api):
    api.fault("node-readiness", {"node_id": None, "reason_codes": ["runtime_missing", "sudo_unavailable"]})
    response = api.post("/api/sites", {"name": "Blocked", "slug": _unique("blocked")})
    api.fault("node-readiness", {"node_id": None, "reason_codes": []})
    return check_error(response, 409, "node_not_ready")["message"]


SUDO = "Configure passwordless sudo for the node SSH user (sudo -n true must succeed)."
WP = "Install required runtime tools on the node (wp CLI must be available)."
GUIDED = f"target node is not ready: sudo_unavailable, runtime_missing. {SUDO} {WP}"
EVERY_CODE = ("target node is not ready: node_status_not_active, node_host_missing, ssh_port_invalid, "
              "ssh_user_missing, node_unreachable, sudo_unavailable, runtime_missing. Node status must be active "
              "before create flows can "
              "run. Set node hostname or public_ip so Pressluft can target the runtime host. Set a valid SSH port "
              "(1-65535) on the node record. Set the SSH user for the node so runtime checks can authenticate. Verify "
              f"SSH reachability and credentials from Pressluft to the node. {SUDO} {WP}")


def clone_job_attempts(api):
    site = api.create_site()
    job_id = api.create_env(site["site"]["id"], site["production"]["id"]).json()["job_id"]
    return api.wait_job(job_id)["max_attempts"]


def rejected_token_message(api):
    connection = api.connect_provider(REJECTED)
    api.connect_provider()
    return connection["status"], connection["last_status_message"]


def _clone_of_new_site(api):
    site = api.create_site()
    job, clone = _clone(api, site)
    return site, job, clone


def environments_of_a_site_with_a_copy(api):
    site, _, _ = _clone_of_new_site(api)
    listed = api.get(f"/api/sites/{site['site']['id']}/environments").json()
    return len(listed), {env["site_id"] for env in listed} == {site["site"]["id"]}


def backups_of_an_environment_with_a_backup(api):
    production, _, _ = _backup_of_new_site_listed(api)
    listed = api.get(f"/api/environments/{production['id']}/backups").json()
    return len(listed), {backup["environment_id"] for backup in listed} == {production["id"]}


def _backup_of_new_site_listed(api):
    """A completed backup of a new site's production, the listing read without a schema check."""
    production = api.create_site()["production"]
    response = api.post(f"/api/environments/{production['id']}/backups", {"backup_scope": "full"})
    job = api.wait_job(response.json()["job_id"])
    listed = api.get(f"/api/environments/{production['id']}/backups").json()
    return production, job, next(backup for backup in listed if backup["id"] == job["id"])


def times_of_a_clone_job(api):
    _, job, _ = _clone_of_new_site(api)
    return job["status"], job["started_at"] <= job["finished_at"]


def times_of_a_restore_job(api):
    production, _, backup = _backup_of_new_site_listed(api)
    job, _ = _checkpoint(api, production, backup)
    return job["status"], job["created_at"] <= job["updated_at"]


def attempts_of_a_backup_job(api):
    _, job, _ = _backup_of_new_site_listed(api)
    return job["status"], job["attempt_count"], job["max_attempts"]


def completed_at_of_a_backup(api):
    _, _, backup = _backup_of_new_site_listed(api)
    return backup["status"], bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z",
                                               backup["completed_at"]))


def times_of_a_backup(api):
    _, _, backup = _backup_of_new_site_listed(api)
    return backup["status"], backup["created_at"] <= backup["completed_at"]


def id_of_a_copy(api):
    _, job, clone = _clone_of_new_site(api)
    return job["status"], bool(re.fullmatch(r"[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}", clone["id"]))


def times_of_a_copy(api):
    _, _, clone = _clone_of_new_site(api)
    return clone["status"], clone["created_at"] <= clone["updated_at"]


def finish_of_a_clone_job(api):
    _, job, _ = _clone_of_new_site(api)
    return job["status"], job["finished_at"] is not None


def claim_of_a_restore_job(api):
    production, _, backup = _backup_of_new_site_listed(api)
    job, _ = _checkpoint(api, production, backup)
    return job["status"], job["attempt_count"], job["started_at"] is not None


def completion_of_a_backup(api):
    _, _, backup = _backup_of_new_site_listed(api)
    return backup["status"], backup["completed_at"] is not None


def source_of_a_restored_production(api):
    production = api.create_site()["production"]
    _restore(api, production, api.backup(production["id"])["backup"])
    return api.get(f"/api/environments/{production['id']}").json()["source_environment_id"] == production["id"]


def preview_scheme_of_a_copy(api):
    """The scheme a new clone's preview address begins with, read without a schema check."""
    site = api.create_site()
    job = api.wait_job(api.create_env(site["site"]["id"], site["production"]["id"]).json()["job_id"])
    return api.get(f"/api/environments/{job['environment_id']}").json()["preview_url"].split(":", 1)[0]


# defect → (probe, what a reference without defects shows, what the mutant shows, needs a ready node first)
# -- every environment on a provider-acquired node, exactly what was asked for (issue 25 §2, §3) ---------------
def production_node(api):
    """The node a new site's production is on: local or not, ready or not, and the statuses of the node_provision
    jobs listed for it."""
    production = api.create_site()["production"]
    node = api.node(production["node_id"])
    jobs = [job["status"] for job in api.jobs() if job["node_id"] == node["id"] and job["job_type"] == "node_provision"]
    return node["is_local"], node["readiness"]["is_ready"], jobs


def node_of_a_site_job(api):
    created = api.create_site()
    return api.job(created["job"]["id"])["node_id"] == created["production"]["node_id"]


def node_after_a_restore(api):
    production = api.create_site()["production"]
    _restore(api, production, api.backup(production["id"])["backup"])
    return api.env(production["id"])["node_id"] == production["node_id"]


def what_a_site_creation_recorded(api):
    """The sites of its name, and the types of the environments of its site, right after one site creation."""
    created = api.create_site()
    name = created["site"]["name"]
    types = [env["environment_type"] for env in api.get(f"/api/sites/{created['site']['id']}/environments").json()]
    return len([site for site in api.get("/api/sites").json() if site["name"] == name]), types


def environments_a_creation_added(api):
    site = api.create_site()
    _clone(api, site)
    return len(api.get(f"/api/sites/{site['site']['id']}/environments").json()) - 1


def production_after_a_clone(api):
    site = api.create_site()
    _clone(api, site)
    return api.env(site["production"]["id"])["status"]


def backups_a_request_added(api):
    production = api.create_site()["production"]
    api.backup(production["id"])
    return len(api.backups(production["id"]))


CASES = {
    "env_create_leaves_cloning": (env_create_status, "active", "cloning", True),
    "failed_job_marks_active": (failed_env_create_status, ("failed", "failed"), ("active", "active"), True),
    "failed_job_marks_node_unready": (node_readiness_after_a_failed_clone, ("active", True), ("unreachable", False),
                                      True),
    "failed_job_error_timestamped": (message_of_a_failed_job, ("failed", "server limit reached"),
                                     ("failed", "server limit reached (at <time>)"), False),
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
    "ready_node_keeps_reason_codes": (ready_node_readiness, (True, [], 0), (True, ["runtime_missing"], 1), False),
    "node_request_acquires_twice": (nodes_and_jobs_per_request, (1, 1), (2, 2), False),
    "reconnect_acquires_nodes_again": (acquisitions_of_a_name_after_reconnecting, (1, 1), (2, 2), False),
    "node_ready_while_acquiring": (readiness_while_acquiring, (False, ["node_status_not_active"]), (True, []), False),
    "acquiring_node_listed_ready": (readiness_while_acquiring, (False, ["node_status_not_active"]), (True, []), False),
    "degraded_without_guidance": (degraded_guidance, 1, 0, False),
    "degraded_provider_acquires": (node_request_on_a_degraded_provider, 409, 202, False),
    "preflight_names_no_reasons": (preflight_refusal, ("target node is not ready: runtime_missing", True),
                                   ("target node is not ready", False), True),
    "retry_forgets_error": (error_while_waiting_to_retry, ("queued", "PROVIDER_API_ERROR", False),
                            ("queued", None, True), False),
    "retry_without_run_after": (run_after_while_waiting_to_retry, False, True, False),
    "retry_duplicates_job": (node_jobs_after_a_retry, (1, {"succeeded"}), (2, {"succeeded"}), False),
    "failed_job_loses_error": (error_of_a_failed_job, ("failed", "PROVIDER_ACQUISITION_FAILED", False),
                               ("failed", None, True), False),
    "non_retryable_errors_retried": (job_after_a_non_retryable_error, ("failed", 1), ("succeeded", 2), False),
    "restore_retried": (restore_after_a_retryable_error, ("failed", 1, 1), ("succeeded", 2, 3), True),
    "backup_create_retried": (backup_after_a_retryable_error, ("failed", 1), ("succeeded", 2), True),
    "first_retry_wait_shown_failed": (attempts_when_first_shown_failed, (("failed", 3), ("failed", 3)),
                                      (("failed", 1), ("failed", 3)), True),
    "running_job_reported_queued": (status_of_a_running_job, ("running", "running"), ("queued", "queued"), True),
    "hung_jobs_fail_with_job_timeout": (hanging_job_after_its_claim, ("running", None, None),
                                        ("failed", "JOB_TIMEOUT", "job exceeded its timeout (reference defect)"),
                                        True),
    "env_create_fails": (clone_outcome, ("succeeded", 1, None, None, "active"),
                         ("failed", 1, SYNTAX_ERROR, "env_create playbook has a syntax error (reference defect)",
                          "failed"), True),
    "backup_create_fails": (backup_outcome, ("succeeded", 1, None, None, "completed"),
                            ("failed", 1, SYNTAX_ERROR,
                             "backup_create playbook has a syntax error (reference defect)", "failed"), True),
    "restore_fails": (restore_outcome, ("succeeded", 1, None, None, "active"),
                      ("failed", 1, SYNTAX_ERROR, "env_restore playbook has a syntax error (reference defect)",
                       "failed"), True),
    "env_type_stored_as_clone": (staging_type, "staging", "clone", True),
    "env_source_not_recorded": (clone_source_and_node, ("succeeded", True, True), ("succeeded", False, True), True),
    "env_source_unknown": (clone_source_and_node, ("succeeded", True, True), ("succeeded", False, True), True),
    "env_on_unknown_node": (clone_source_and_node, ("succeeded", True, True), ("succeeded", True, False), True),
    "clone_preview_not_served": (clone_previews, ("succeeded", 200, 200, False), ("succeeded", 200, "refused", False),
                                 True),
    "staging_preview_not_served": (copy_previews, [200, 200], [200, "refused"], True),
    "preview_url_points_to_source": (clone_previews, ("succeeded", 200, 200, False), ("succeeded", 200, 200, True),
                                     True),
    "redirects_answered_as_307": (redirect_answers, [(301, "https://x.test/"), (302, "https://x.test/")],
                                  [(307, "https://x.test/"), (307, "https://x.test/")], True),
    "redirects_answered_as_200": (redirect_answers, [(301, "https://x.test/"), (302, "https://x.test/")],
                                  [(200, "https://x.test/"), (200, "https://x.test/")], True),
    "other_answers_answered_as_302": (other_answers, [303, 307, 308, 404], [302, 302, 302, 302], True),
    "backup_id_differs_from_job": (backup_and_its_job, ("succeeded", True, "completed"),
                                   ("succeeded", False, "completed"), True),
    "backup_left_running": (backup_record, ("succeeded", "completed", False, False),
                            ("succeeded", "running", True, True), True),
    "backup_scope_stored_as_db": (scopes_of_backup_and_checkpoint, ("full", "full"), ("db", "full"), True),
    "backup_checksum_not_sha256": (checksum_length_and_restore, (71, 71), (39, 39), True),
    "backup_size_zero": (backup_size, ("completed", False), ("completed", True), True),
    "checkpoint_not_full": (checkpoint_record, ("completed", "full", False, True), ("completed", "db", False, True),
                            True),
    "checkpoint_without_checksum": (checkpoint_record, ("completed", "full", False, True),
                                    ("completed", "full", True, True), True),
    "checkpoint_taken_after_restore": (checkpoint_time_and_content, (False, "Broken summer sale"),
                                       (True, "Spring catalogue"), True),
    "restore_leaves_restoring": (after_a_restore, ("active", "active", 200), ("restoring", "restoring", 200), True),
    "restored_preview_down": (after_a_restore, ("active", "active", 200), ("active", "active", "refused"), True),
    "refusals_still_queue_jobs": (refusals_and_jobs, ([409, 409, 400, 409], []),
                                  ([409, 409, 400, 409], ["env_create", "env_restore", "node_provision",
                                                          "site_create"]), True),
    "refused_site_is_recorded": (refused_site_records, (409, 0, []), (409, 1, ["production"]), True),
    "refused_environment_is_recorded": (refused_environment_records, (409, ["active"]), (409, ["active", "cloning"]),
                                        True),
    "refused_restore_leaves_restoring": (environment_after_a_refused_restore, (400, "active"), (400, "restoring"),
                                         True),
    # the right object, and every record it touches
    "refused_node_request_is_recorded": (records_of_a_refused_node_request, (409, 0, []), (409, 1, []), False),
    "refused_restore_leaves_checkpoint": (records_of_a_refused_restore, (400, 0, []), (400, 1, []), True),
    "restore_checks_owner_site_only": (restores_from_neighbours, (400, None, 400), (202, "succeeded", 400), True),
    "env_job_names_source_environment": (clone_job_names, ("succeeded", True, False), ("succeeded", False, True), True),
    "backup_and_restore_jobs_without_node": (nodes_of_backup_and_restore_jobs, (True, True), (False, False), True),
    "env_shown_under_other_site": (site_of_a_clone, (True, 1, True), (False, 1, False), True),
    "site_left_cloning_after_clone": (after_a_clone, ("succeeded", "active", "active"),
                                      ("succeeded", "active", "cloning"), True),
    "site_left_restoring_after_restore": (after_a_restore, ("active", "active", 200), ("active", "restoring", 200),
                                          True),
    "failed_job_leaves_site_active": (failed_env_create_status, ("failed", "failed"), ("failed", "active"), True),
    "refused_restore_leaves_site_restoring": (site_after_a_refused_restore, (400, "active", "active"),
                                              (400, "active", "restoring"), True),
    "restore_uses_newest_backup": (content_after_restoring_the_older_of_two_backups, (True, False, False),
                                   (False, True, False), True),
    "restore_merges_content": (content_after_restoring_the_older_of_two_backups, (True, False, False),
                               (True, False, True), True),
    "checkpoint_holds_restored_content": (checkpoint_time_and_content, (False, "Broken summer sale"),
                                          (False, "Spring catalogue"), True),
    "ready_node_not_active": (provisioned_node, ("active", "127.0.0.1", "127.0.0.1", True),
                              ("provisioning", "127.0.0.1", "127.0.0.1", True), False),
    "acquired_node_keeps_pending_host": (provisioned_node, ("active", "127.0.0.1", "127.0.0.1", True),
                                         ("active", "pending.provider", "pending.provider", True), False),
    "node_name_ignored": (name_of_a_named_node, True, False, False),
    "ready_node_with_failed_acquisition": (seeded_nodes, [], [(True, ["failed"])], False),
    "node_job_type_misreported": (node_job_as_shown, [("node_provision", True)] * 2, [("provision", True)] * 2,
                                  False),
    "node_jobs_listed_without_node": (node_job_as_shown, [("node_provision", True)] * 2,
                                      [("node_provision", False)] * 2, False),
    "jobs_list_shows_only_in_flight": (finished_job_listed, ("succeeded", True), ("succeeded", False), False),
    "jobs_listed_without_environment": (site_job_environment, (True, True), (False, False), True),
    "sites_list_hides_sites_on_unready_nodes": (listed_while_the_node_is_not_ready, (1, 1), (0, 1), True),
    "environments_list_hides_failed": (failed_environments_listed, ("failed", "failed", True),
                                       ("failed", "failed", False), True),
    "environments_list_hides_unready_nodes": (listed_while_the_node_is_not_ready, (1, 1), (1, 0), True),
    "preflight_names_every_reason": (refusal_message, GUIDED, EVERY_CODE, True),
    "preflight_reasons_unordered": (refusal_message, GUIDED,
                                    f"target node is not ready: runtime_missing, sudo_unavailable. {WP} {SUDO}", True),
    "preflight_without_guidance": (refusal_message, GUIDED, "target node is not ready: sudo_unavailable, "
                                   "runtime_missing", True),
    "env_create_single_attempt": (clone_job_attempts, 3, 1, True),
    "rejected_token_reported_unavailable": (rejected_token_message, ("degraded", "Credential rejected by Hetzner API"),
                                            ("degraded", "Hetzner API unavailable during credential validation "
                                             "(status 503)"), False),
    "production_on_local_node": (production_node, (False, True, ["succeeded"]), (True, True, []), True),
    "production_on_node_with_failed_acquisition": (production_node, (False, True, ["succeeded"]),
                                                   (False, True, ["failed"]), True),
    "production_on_node_not_acquired": (production_node, (False, True, ["succeeded"]), (False, False, []), True),
    "backup_and_restore_jobs_on_another_node": (nodes_of_backup_and_restore_jobs, (True, True), (False, False), True),
    "restore_moves_environment": (node_after_a_restore, True, False, True),
    "site_jobs_on_another_node": (node_of_a_site_job, True, False, True),
    "site_create_records_twice": (what_a_site_creation_recorded, (1, ["production"]), (2, ["production"]), True),
    "site_create_records_two_productions": (what_a_site_creation_recorded, (1, ["production"]),
                                            (1, ["production", "production"]), True),
    "env_create_records_twice": (environments_a_creation_added, 1, 2, True),
    "env_create_changes_source": (production_after_a_clone, "active", "cloning", True),
    "backup_records_twice": (backups_a_request_added, 1, 2, True),
    "restore_records_two_checkpoints": (backups_after_restore, 2, 3, True),
    # listings hold their scope; records agree with themselves and with the contract
    "environments_list_shows_other_sites": (environments_of_a_site_with_a_copy, (2, True), (3, False), True),
    "backups_list_shows_other_environments": (backups_of_an_environment_with_a_backup, (1, True), (2, False), True),
    "env_create_finished_before_started": (times_of_a_clone_job, ("succeeded", True), ("succeeded", False), True),
    "restore_job_updated_before_created": (times_of_a_restore_job, ("succeeded", True), ("succeeded", False), True),
    "backup_succeeds_after_too_many_attempts": (attempts_of_a_backup_job, ("succeeded", 1, 3), ("succeeded", 4, 3),
                                                True),
    "backup_completed_at_not_rfc3339": (completed_at_of_a_backup, ("completed", True), ("completed", False), True),
    "backup_completed_before_created": (times_of_a_backup, ("completed", True), ("completed", False), True),
    "copy_ids_not_uuids": (id_of_a_copy, ("succeeded", True), ("succeeded", False), True),
    "copy_updated_before_created": (times_of_a_copy, ("active", True), ("active", False), True),
    "succeeded_job_without_finished_at": (finish_of_a_clone_job, ("succeeded", True), ("succeeded", False), True),
    "succeeded_job_never_started": (claim_of_a_restore_job, ("succeeded", 1, True), ("succeeded", 0, False), True),
    "completed_backup_without_completed_at": (completion_of_a_backup, ("completed", True), ("completed", False),
                                              True),
    "restore_sets_production_source": (source_of_a_restored_production, False, True, True),
    "copy_preview_without_scheme": (preview_scheme_of_a_copy, "http", "127.0.0.1", True),
}
# the mutants whose answers do not fit the contract schemas: probed without the client's strict schema checks
SCHEMA_BREAKING = {"backup_completed_at_not_rfc3339", "copy_ids_not_uuids"}


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
    mutated = server.client(strict=defect not in SCHEMA_BREAKING)
    if needs_node:
        mutated.ready_node()
    assert probe(mutated) == mutant
    assert f"defects={defect}" in server.stderr()  # the start line names the mutant
    body = requests.get(server.url("/_reference/capabilities"), timeout=5).json()
    assert body["defects"] == [defect]


def test_a_node_listed_ready_while_acquired_is_still_refused_by_the_site_preflight(fresh_server):
    api = fresh_server("--defect", "acquiring_node_listed_ready").client()
    job_id, node_id = _node_job(api, _unique("acquiring"), outcome="hang")
    api.wait_job(job_id, statuses=("running",))
    listed = api.node(node_id)["readiness"]
    refused = api.post("/api/sites", {"name": "Site", "slug": _unique("site")})
    api.post(f"/api/jobs/{job_id}/cancel")
    assert (listed["is_ready"], listed["reason_codes"]) == (True, [])
    check_error(refused, 409, "node_not_ready", "target node is not ready: node_status_not_active. Node status must "
                                                "be active before create flows can run.")


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
