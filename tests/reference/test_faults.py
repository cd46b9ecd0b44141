"""The fault-injection API under /_reference/ (docs/architecture.md)."""

import socket
import time
from datetime import datetime

import pytest
import requests

from .conftest import check_error, preview

FAULT_ROUTES = [("GET", "/_reference/faults"), ("DELETE", "/_reference/faults"),
                ("POST", "/_reference/faults/node-readiness"), ("POST", "/_reference/faults/jobs"),
                ("POST", "/_reference/faults/preview"), ("POST", "/_reference/faults/backups"),
                ("POST", "/_reference/faults/http"), ("POST", "/_reference/environments/x/content"),
                ("POST", "/_reference/jobs/x/due"), ("GET", "/_reference/backups/x/content"),
                ("GET", "/_reference/unknown")]


def test_capabilities_and_disabled_faults(fresh_server):
    server = fresh_server(faults=False)
    body = requests.get(server.url("/_reference/capabilities"), timeout=5).json()
    assert body == {"implementation": "pressluft_reference", "version": body["version"], "fault_injection": False,
                    "faults": [], "defects": [], "twins": [], "quirks": False, "guard_scope": "site-and-node"}
    for method, path in FAULT_ROUTES:
        response = requests.request(method, server.url(path), json={}, timeout=5)
        check_error(response, 404, "not_found", "fault injection is disabled")


def test_capabilities_when_enabled(server):
    body = requests.get(server.url("/_reference/capabilities"), timeout=5).json()
    assert body["fault_injection"] is True
    assert set(body["faults"]) == {"node-readiness", "jobs", "preview", "backups", "http", "environment-content",
                                   "backup-content", "busy-node"}
    check_error(requests.get(server.url("/_reference/unknown"), timeout=5), 404, "not_found")
    check_error(requests.post(server.url("/_reference/capabilities"), timeout=5), 405, "bad_request")


def test_list_and_reset_faults(api):
    api.fault("node-readiness", {"node_id": None, "reason_codes": ["runtime_missing"]})
    api.fault("jobs", {"match": {"job_type": "site_create"}, "outcome": "hang"})
    api.fault("http", {"error_rate": 0, "path_prefix": "/api/metrics"})
    listed = api.get("/_reference/faults").json()
    assert listed["node-readiness"] == [{"node_id": None, "reason_codes": ["runtime_missing"]}]
    assert listed["jobs"][0]["outcome"] == "hang" and listed["http"]["path_prefix"] == "/api/metrics"
    assert api.delete("/_reference/faults").json() == {"success": True}
    listed = api.get("/_reference/faults").json()
    assert listed["node-readiness"] == [] and listed["jobs"] == [] and listed["http"] is None


@pytest.mark.parametrize("name, body", [
    ("node-readiness", {}),
    ("node-readiness", {"reason_codes": ["bogus"]}),
    ("node-readiness", {"reason_codes": "runtime_missing"}),
    ("node-readiness", {"reason_codes": [], "extra": 1}),
    ("jobs", {}),
    ("jobs", {"outcome": "explode"}),
    ("jobs", {"outcome": "fail", "match": {"job_type": "nope"}}),
    ("jobs", {"outcome": "fail", "match": {"color": "red"}}),
    ("jobs", {"outcome": "fail", "attempts": 0}),
    ("jobs", {"outcome": "fail", "count": "1"}),
    ("jobs", {"outcome": "fail", "retryable": "yes"}),
    ("jobs", {"outcome": "fail", "match": {"site_slug_prefix": ""}}),
    ("jobs", {"outcome": "fail", "match": {"site_slug_prefix": 1}}),
    ("jobs", {"outcome": "fail", "match": {"environment_type": "prod"}}),
    ("jobs", {"outcome": "fail", "attempts": 1, "hold_last_retry": "yes"}),
    ("jobs", {"outcome": "fail", "hold_last_retry": True}),
    ("jobs", {"outcome": "hang", "attempts": 1, "hold_last_retry": True}),
    ("jobs", {"outcome": "fail", "until_read": True}),
    ("jobs", {"outcome": "hang", "until_read": "yes"}),
    ("preview", {"status": "200"}),
    ("preview", {"status": 700}),
    ("preview", {"delay_seconds": -1}),
    ("preview", {"refuse": 1}),
    ("preview", {"site_slug_prefix": ""}),
    ("preview", {"site_slug_prefix": 1}),
    ("preview", {"environment_type": "prod"}),
    ("preview", {"environment_id": "x", "environment_type": "clone"}),
    ("preview", {"environment_id": "x", "site_slug_prefix": "a"}),
    ("preview", {"site_id": "x", "site_slug_prefix": "a"}),
    ("backups", {}),
    ("backups", {"checksum": "sha256:abc"}),
    ("backups", {"size_bytes": -1}),
    ("backups", {"size_bytes": 1.5}),
    ("backups", {"site_slug_prefix": "", "size_bytes": 0}),
    ("http", {"error_rate": 2}),
    ("http", {"statuses": [200]}),
    ("http", {"methods": "GET"}),
    ("http", {"seed": "x"}),
    ("http", {"latency_max_seconds": True}),
])
def test_fault_bodies_are_validated(api, name, body):
    check_error(api.post(f"/_reference/faults/{name}", body), 400, "bad_request")


@pytest.mark.parametrize("raw", [b"{", b"[]", b"", b"null"])
def test_fault_bodies_must_be_json_objects(api, raw):
    check_error(api.post("/_reference/faults/jobs", data=raw), 400, "bad_request")


@pytest.mark.parametrize("status", [301, 302])
def test_preview_redirects(api, site, status):
    env = site["production"]
    api.fault("preview", {"environment_id": env["id"], "status": status, "location": "https://example.test/"})
    answer = preview(env["preview_url"])
    assert answer.status_code == status and answer.headers["Location"] == "https://example.test/"


def test_preview_status_delay_refuse_and_reset(api, site):
    env = site["production"]
    api.fault("preview", {"environment_id": env["id"], "status": 500})
    assert preview(env["preview_url"]).status_code == 500
    api.fault("preview", {"environment_id": env["id"], "delay_seconds": 0.3})
    started = time.monotonic()
    assert preview(env["preview_url"]).status_code == 200
    assert time.monotonic() - started >= 0.3
    api.fault("preview", {"environment_id": env["id"], "refuse": True})
    with pytest.raises(requests.ConnectionError):
        preview(env["preview_url"])
    api.delete("/_reference/faults")
    assert preview(env["preview_url"]).status_code == 200


def test_a_silent_preview_accepts_the_connection_and_never_answers_until_the_fault_is_lifted(api, site):
    env = site["production"]
    api.fault("preview", {"environment_id": env["id"], "silent": True})
    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):  # connected (no ConnectTimeout, no refusal), then nothing
        requests.get(env["preview_url"], timeout=(2, 0.5), allow_redirects=False)
    assert time.monotonic() - started >= 0.5
    api.delete("/_reference/faults")
    assert preview(env["preview_url"]).status_code == 200


def test_an_after_restore_preview_fault_applies_only_once_a_restore_of_the_environment_succeeded(api, site):
    env = site["production"]
    api.fault("preview", {"environment_id": env["id"], "status": 503, "after_restore": True})
    assert preview(env["preview_url"]).status_code == 200
    backup = api.backup(env["id"])
    restore = api.post(f"/api/environments/{env['id']}/restore", {"backup_id": backup["backup"]["id"]})
    assert api.wait_job(restore.json()["job_id"])["status"] == "succeeded"
    assert preview(env["preview_url"]).status_code == 503
    check_error(api.post("/_reference/faults/preview", {"environment_id": env["id"], "refuse": True,
                                                        "after_restore": True}), 400, "bad_request")


def test_preview_fault_scoped_to_a_site_covers_later_environments(api, site):
    site_id, production = site["site"]["id"], site["production"]
    other = api.create_site()["production"]
    api.fault("preview", {"site_id": site_id, "status": 503})
    clone = api.env(api.wait_job(api.create_env(site_id, production["id"]).json()["job_id"])["environment_id"])
    assert preview(clone["preview_url"]).status_code == 503
    assert preview(production["preview_url"]).status_code == 503
    assert preview(other["preview_url"]).status_code == 200


def test_global_preview_fault(api, site):
    api.fault("preview", {"environment_id": None, "status": 404})
    assert preview(site["production"]["preview_url"]).status_code == 404


def test_http_fault_errors_and_scope(api):
    api.fault("http", {"error_rate": 1, "statuses": [502], "methods": ["GET"], "path_prefix": "/api/jobs"})
    check_error(api.get("/api/jobs"), 502, "injected_fault")
    assert api.get("/api/metrics").status_code == 200
    assert api.post("/api/jobs/x/cancel").status_code == 404
    assert api.get("/_reference/capabilities").status_code == 200


def test_http_fault_rate_is_seeded(api):
    def pattern():
        api.fault("http", {"error_rate": 0.5, "statuses": [502, 503], "path_prefix": "/api/metrics", "seed": 7})
        return [api.get("/api/metrics").status_code for _ in range(20)]
    first = pattern()
    assert first == pattern()
    assert {200, 502, 503} >= set(first) and 200 in first and len(set(first)) > 1


def test_http_latency(api):
    api.fault("http", {"latency_max_seconds": 0.2, "seed": 1, "path_prefix": "/api/metrics"})
    started = time.monotonic()
    for _ in range(5):
        assert api.get("/api/metrics").status_code == 200
    assert time.monotonic() - started > 0.1


def test_environment_content(api, site):
    env = site["production"]
    response = api.post(f"/_reference/environments/{env['id']}/content", {"content": "<b>Sale</b>"})
    assert response.status_code == 200 and response.json()["content"] == "<b>Sale</b>"
    assert "&lt;b&gt;Sale&lt;/b&gt;" in preview(env["preview_url"]).text
    check_error(api.post("/_reference/environments/nope/content", {"content": "x"}), 404, "not_found")
    check_error(api.post(f"/_reference/environments/{env['id']}/content", {"content": 1}), 400, "bad_request")
    check_error(api.post(f"/_reference/environments/{env['id']}/content", {}), 400, "bad_request")


def test_backup_content_is_what_the_backup_holds(api, site):
    env = site["production"]
    api.post(f"/_reference/environments/{env['id']}/content", {"content": "Spring catalogue"})
    backup = api.backup(env["id"])["backup"]
    api.post(f"/_reference/environments/{env['id']}/content", {"content": "Summer sale"})
    response = api.get(f"/_reference/backups/{backup['id']}/content")
    assert response.status_code == 200
    assert response.json() == {"backup_id": backup["id"], "environment_id": env["id"], "content": "Spring catalogue"}
    check_error(api.get("/_reference/backups/nope/content"), 404, "not_found")
    api.fault("jobs", {"match": {"job_type": "backup_create", "environment_id": env["id"]}, "outcome": "hang"})
    pending = api.post(f"/api/environments/{env['id']}/backups", {"backup_scope": "full"}).json()["job_id"]
    check_error(api.get(f"/_reference/backups/{pending}/content"), 409, "conflict", "backup has no artifact yet")


def test_refused_preview_port_stays_reserved(api, site):
    env = site["production"]
    api.fault("preview", {"environment_id": env["id"], "refuse": True})
    port = int(env["preview_url"].rsplit(":", 1)[1].strip("/"))
    with socket.socket() as probe, pytest.raises(OSError):
        probe.bind(("127.0.0.1", port))


def test_job_fault_matches_a_site_slug_prefix(api, node_id):
    prefix = f"pfx{time.monotonic_ns()}-"
    api.fault("jobs", {"match": {"site_slug_prefix": prefix}, "outcome": "fail", "retryable": False})
    job_id, _ = api.create_node()  # a job without a site never matches
    assert api.wait_job(job_id)["status"] == "succeeded"
    assert api.create_site(slug=f"x{prefix}shop")["job"]["status"] == "succeeded"  # the prefix inside the slug
    assert len(api.get("/_reference/faults").json()["jobs"]) == 1
    job = api.create_site(slug=f"{prefix}shop")["job"]
    assert (job["status"], job["attempt_count"], job["error_code"]) == ("failed", 1, "ANSIBLE_PLAY_ERROR")
    assert api.get("/_reference/faults").json()["jobs"] == []


def test_job_fault_matches_the_type_of_the_environment_a_job_acts_on(api, node_id):
    """An env_create of a staging environment can fail while the clone's of the same site succeeds."""
    site = api.create_site()
    api.fault("jobs", {"match": {"job_type": "env_create", "site_id": site["site"]["id"],
                                 "environment_type": "staging"}, "outcome": "fail", "retryable": False})
    clone = api.wait_job(api.create_env(site["site"]["id"], site["production"]["id"]).json()["job_id"])
    staging = api.wait_job(api.create_env(site["site"]["id"], site["production"]["id"], "staging").json()["job_id"])
    assert (clone["status"], staging["status"], staging["error_code"]) == ("succeeded", "failed", "ANSIBLE_PLAY_ERROR")
    assert api.get("/_reference/faults").json()["jobs"] == []


def test_backup_fault_scoped_by_site_slug_prefix(api, node_id):
    prefix = f"bkp{time.monotonic_ns()}-"
    api.fault("backups", {"site_slug_prefix": prefix, "checksum": None, "size_bytes": 0})
    other = api.backup(api.create_site(slug=f"x{prefix}shop")["production"]["id"])["backup"]
    assert other["checksum"] and other["size_bytes"] > 0  # the prefix inside the slug: not covered
    backup = api.backup(api.create_site(slug=f"{prefix}shop")["production"]["id"])["backup"]
    assert (backup["status"], backup["checksum"], backup["size_bytes"]) == ("completed", None, 0)
    assert api.get("/_reference/faults").json()["backups"] == []


@pytest.mark.parametrize("attempts, backoff", [(1, 60), (2, 300)])
def test_hold_last_retry_waits_the_real_backoff_until_made_due(api, attempts, backoff):
    api.connect_provider()
    name = f"held-{attempts}-{time.monotonic_ns()}"
    api.fault("jobs", {"match": {"node_name": name}, "outcome": "fail", "error_code": "PROVIDER_API_ERROR",
                       "error_message": "hetzner api status 503", "attempts": attempts, "hold_last_retry": True})
    job_id, _ = api.create_node(name)
    held = api.wait_job(job_id, statuses=("queued",), predicate=lambda job: job["attempt_count"] == attempts)
    assert (held["error_code"], held["error_message"]) == ("PROVIDER_API_ERROR", "hetzner api status 503")
    wait = (_at(held["run_after"]) - _at(held["updated_at"])).total_seconds()
    assert backoff - 1 < wait <= backoff + 1, held
    time.sleep(0.5)
    assert api.job(job_id)["status"] == "queued"
    response = api.post(f"/_reference/jobs/{job_id}/due")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["job_id"] == job_id and _at(body["run_after"]) < _at(held["run_after"])
    done = api.wait_job(job_id)
    assert (done["status"], done["attempt_count"], done["error_code"]) == ("succeeded", attempts + 1, None)
    check_error(api.post(f"/_reference/jobs/{job_id}/due"), 409, "conflict")


def test_a_hang_until_read_holds_the_job_running_until_a_client_reads_it_by_its_id(api):
    """The node's acquisition stays in flight while only lists are read; the first read of the job by its id sees it
    running and lets it run on to success (the clone smoke started while its node is acquired)."""
    api.connect_provider()
    name = f"held-until-read-{time.monotonic_ns()}"
    api.fault("jobs", {"match": {"node_name": name}, "outcome": "hang", "until_read": True})
    response = api.post("/api/nodes", {"provider_id": "hetzner", "name": name})
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    time.sleep(0.6)  # twice a node_provision's duration
    [listed] = [job for job in api.jobs() if job["id"] == job_id]
    [node] = [node for node in api.nodes() if node["name"] == name]
    assert listed["status"] == "running" and node["readiness"]["is_ready"] is False
    assert api.job(job_id)["status"] == "running"  # the read that releases it still sees it held
    assert api.wait_job(job_id)["status"] == "succeeded" and api.node(node["id"])["readiness"]["is_ready"]


def test_a_hang_until_read_of_a_job_read_before_its_claim_does_not_hold_it(api):
    api.connect_provider()
    name = f"read-first-{time.monotonic_ns()}"
    api.fault("jobs", {"match": {"node_name": name}, "outcome": "hang", "until_read": True})
    response = api.post("/api/nodes", {"provider_id": "hetzner", "name": name})
    job_id = response.json()["job_id"]
    api.get(f"/api/jobs/{job_id}")  # at once: most likely before the worker claims it; either way it runs on
    assert api.wait_job(job_id, timeout=3)["status"] == "succeeded"


def test_due_needs_a_known_queued_job(api):
    check_error(api.post("/_reference/jobs/00000000-0000-4000-8000-000000000000/due"), 404, "not_found",
                "job not found")
    check_error(api.post("/_reference/jobs/x/due", {"at": 1}), 400, "bad_request")


def test_preview_fault_scoped_by_slug_prefix_and_environment_type(api, node_id):
    prefix = f"pv{time.monotonic_ns()}-"
    site = api.create_site(slug=f"{prefix}shop")
    other = api.create_site(slug=f"other-{prefix}")
    production = site["production"]
    api.fault("preview", {"site_slug_prefix": prefix, "environment_type": "clone", "status": 503})

    def new_env(of, env_type):
        job = api.wait_job(api.create_env(of["site"]["id"], of["production"]["id"], env_type).json()["job_id"])
        assert job["status"] == "succeeded"
        return api.env(job["environment_id"])["preview_url"]

    clone, staging, other_clone = new_env(site, "clone"), new_env(site, "staging"), new_env(other, "clone")
    assert [preview(url).status_code for url in (production["preview_url"], clone, staging, other_clone)] == \
        [200, 503, 200, 200]
    api.fault("preview", {"site_slug_prefix": prefix, "status": 500})  # the type-limited fault stays first
    assert [preview(url).status_code for url in (production["preview_url"], clone, staging)] == [500, 503, 500]
    api.fault("preview", {"site_slug_prefix": prefix, "environment_type": "staging", "refuse": True})
    with pytest.raises(requests.ConnectionError):
        preview(staging)
    api.fault("preview", {"site_slug_prefix": prefix, "environment_type": "staging", "refuse": False})
    api.fault("preview", {"site_slug_prefix": prefix, "environment_type": "clone", "status": 200})
    api.fault("preview", {"site_slug_prefix": prefix, "status": 200})
    assert [preview(url).status_code for url in (production["preview_url"], clone, staging, other_clone)] == \
        [200, 200, 200, 200]


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_preflight_readiness_fault_blocks_only_the_creations_of_sites_with_that_slug_prefix(api, node_id):
    api.fault("node-readiness", {"reason_codes": ["sudo_unavailable", "runtime_missing"], "node_id": None,
                                 "preflight_site_slug_prefix": "smoke-7-"})
    listed = next(node for node in api.get("/api/nodes").json() if node["id"] == node_id)
    assert listed["readiness"]["is_ready"] is True  # the node list does not see it
    refused = api.post("/api/sites", {"name": "S", "slug": "smoke-7-site-1"})
    check_error(refused, 409, "node_not_ready")
    assert "sudo_unavailable, runtime_missing" in refused.json()["message"]
    other = api.post("/api/sites", {"name": "S", "slug": "other-site-1"})
    assert other.status_code == 202, other.text
    api.wait_job(other.json()["job_id"])
    api.fault("node-readiness", {"reason_codes": [], "node_id": None, "preflight_site_slug_prefix": "smoke-7-"})
    assert api.post("/api/sites", {"name": "S", "slug": "smoke-7-site-2"}).status_code == 202


def test_a_preflight_readiness_fault_can_block_only_the_environment_creations_of_those_sites(api, node_id):
    """`preflight_creation: "environment"`: the site is created, its environments are refused (a node turning
    unready just as the smoke creates its clone); `"site"`: the other way round."""
    body = {"reason_codes": ["runtime_missing"], "node_id": None, "preflight_site_slug_prefix": "smoke-8-",
            "preflight_creation": "environment"}
    assert api.fault("node-readiness", body)["preflight_creation"] == "environment"
    created = api.create_site(slug="smoke-8-site-1")
    assert created["job"]["status"] == "succeeded"
    refused = api.create_env(created["site"]["id"], created["production"]["id"])
    check_error(refused, 409, "node_not_ready")
    assert refused.json()["message"].startswith("target node is not ready: runtime_missing")
    api.fault("node-readiness", {**body, "reason_codes": []})
    accepted = api.create_env(created["site"]["id"], created["production"]["id"])
    assert accepted.status_code == 202, accepted.text
    api.wait_job(accepted.json()["job_id"])
    api.fault("node-readiness", {**body, "preflight_creation": "site"})
    check_error(api.post("/api/sites", {"name": "S", "slug": "smoke-8-site-2"}), 409, "node_not_ready")
    again = api.create_env(created["site"]["id"], created["production"]["id"])
    assert again.status_code == 202, again.text
    api.wait_job(again.json()["job_id"])
    api.fault("node-readiness", {**body, "preflight_creation": "site", "reason_codes": []})
    for wrong in ({"preflight_creation": "backup"}, {"preflight_site_slug_prefix": None}):
        response = api.post("/_reference/faults/node-readiness", {**body, **wrong})
        check_error(response, 400, "bad_request")
