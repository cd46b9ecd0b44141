"""Provider-acquired nodes: async creation, the acquisition/provisioning lifecycle, readiness, retries."""

import time

import pytest

from .conftest import check_error, check_schema

NOT_ACTIVE = "Node status must be active before create flows can run."


def test_node_lifecycle_through_acquisition_and_provisioning(fresh_server):
    api = fresh_server("--job-duration", "node_provision=0.8").client()
    api.connect_provider()
    response = api.post("/api/nodes", {"provider_id": "hetzner", "name": "lifecycle-node"})
    assert response.status_code == 202
    job = api.job(check_schema("job_response", response.json())["job_id"])
    assert job["job_type"] == "node_provision" and job["site_id"] is None and job["environment_id"] is None
    assert job["max_attempts"] == 3 and job["status"] in ("queued", "running")
    node = check_schema("node", api.node(job["node_id"]))
    assert node["name"] == "lifecycle-node" and node["is_local"] is False and node["ssh_port"] == 22
    assert node["status"] == "provisioning" and node["hostname"] == node["public_ip"] == "pending.provider"
    assert node["readiness"]["is_ready"] is False
    assert node["readiness"]["reason_codes"] == ["node_status_not_active"]
    assert node["readiness"]["guidance"] == [NOT_ACTIVE]
    seen = set()
    while (job := api.job(job["id"]))["status"] != "succeeded":
        node = check_schema("node", api.node(job["node_id"]))
        seen.add((job["status"], node["status"], node["hostname"]))
        time.sleep(0.02)
    assert ("running", "provisioning", "pending.provider") in seen
    assert ("running", "provisioning", "127.0.0.1") in seen
    node = check_schema("node", api.node(job["node_id"]))
    assert node["status"] == "active" and node["hostname"] == node["public_ip"] == "127.0.0.1"
    assert node["readiness"]["is_ready"] is True
    assert node["readiness"]["reason_codes"] == [] and node["readiness"]["guidance"] == []
    assert job["finished_at"] and job["attempt_count"] == 1 and job["error_code"] is None


def test_default_node_name(api):
    job_id, node_id = api.create_node()
    assert api.node(node_id)["name"] == "hetzner-node"
    api.wait_job(job_id)


def test_nodes_need_a_connected_provider(fresh_server):
    api = fresh_server().client()
    check_error(api.post("/api/nodes", {"provider_id": "hetzner"}), 409, "conflict", "provider is not connected")
    check_error(api.post("/api/nodes", {"provider_id": "digitalocean"}), 409, "conflict", "provider is not connected")
    api.connect_provider("rejected")
    check_error(api.post("/api/nodes", {"provider_id": "hetzner"}), 409, "conflict", "provider is not connected")
    assert api.jobs() == [] and api.nodes() == []


@pytest.mark.parametrize("body, message", [
    ({"provider_id": "hetzner", "hostname": "10.0.0.1"}, "invalid JSON body"),
    ({"provider_id": "hetzner", "acquisition_source": "local"}, "invalid JSON body"),
    ({"provider_id": "hetzner", "ssh_user": "root"}, "invalid JSON body"),
    ({"provider_id": 1}, "invalid JSON body"),
    ({"name": "x"}, "provider_id is required"),
    ({"provider_id": "  "}, "provider_id is required"),
])
def test_node_create_rejects_bad_bodies(api, body, message):
    before = len(api.nodes())
    check_error(api.post("/api/nodes", body), 400, "bad_request", message)
    assert len(api.nodes()) == before


def test_transient_provider_errors_are_retried_with_backoff(api):
    api.connect_provider()
    api.fault("jobs", {"match": {"job_type": "node_provision", "node_name": "flaky"}, "outcome": "fail",
                       "error_code": "PROVIDER_API_ERROR", "error_message": "hetzner api status 503", "attempts": 2})
    job_id, node_id = api.create_node("flaky")
    waiting = api.wait_job(job_id, statuses=("queued",), predicate=lambda job: job["attempt_count"] == 1)
    assert waiting["error_code"] == "PROVIDER_API_ERROR" and waiting["error_message"] == "hetzner api status 503"
    assert waiting["run_after"] and waiting["locked_at"] is None and waiting["locked_by"] is None
    assert waiting["started_at"] is None and waiting["finished_at"] is None
    node = api.node(node_id)
    assert node["status"] == "provisioning" and node["hostname"] == "pending.provider"
    assert node["readiness"]["is_ready"] is False
    done = api.wait_job(job_id)
    assert done["status"] == "succeeded" and done["attempt_count"] == 3
    assert api.node(node_id)["readiness"]["is_ready"] is True
    assert sum(job["node_id"] == node_id for job in api.jobs()) == 1


def test_retryable_errors_fail_once_attempts_are_exhausted(api):
    api.connect_provider()
    api.fault("jobs", {"match": {"node_name": "doomed"}, "outcome": "fail",
                       "error_code": "PROVIDER_ACQUISITION_TIMEOUT"})
    job_id, node_id = api.create_node("doomed")
    job = api.wait_job(job_id)
    assert job["status"] == "failed" and job["attempt_count"] == job["max_attempts"] == 3
    assert job["error_code"] == "PROVIDER_ACQUISITION_TIMEOUT" and job["finished_at"]
    assert api.node(node_id)["status"] == "unreachable"


def test_terminal_acquisition_failure_marks_the_node_unreachable(api):
    api.connect_provider()
    api.fault("jobs", {"match": {"node_name": "limit"}, "outcome": "fail", "error_code": "PROVIDER_ACQUISITION_FAILED",
                       "error_message": "hetzner action failed: server limit reached"})
    job_id, node_id = api.create_node("limit")
    job = api.wait_job(job_id)
    assert (job["status"], job["attempt_count"]) == ("failed", 1)
    assert job["error_message"] == "hetzner action failed: server limit reached"
    node = check_schema("node", api.node(node_id))
    assert node["status"] == "unreachable" and node["hostname"] == "pending.provider"
    assert node["readiness"]["is_ready"] is False


def test_provisioning_failure_after_acquisition(api):
    api.connect_provider()
    api.fault("jobs", {"match": {"node_name": "ansible"}, "outcome": "fail", "error_code": "ANSIBLE_SYNTAX_ERROR"})
    job_id, node_id = api.create_node("ansible")
    job = api.wait_job(job_id)
    assert job["status"] == "failed" and job["error_code"] == "ANSIBLE_SYNTAX_ERROR"
    node = api.node(node_id)
    assert node["status"] == "unreachable" and node["hostname"] == "127.0.0.1"
    assert node["readiness"]["reason_codes"] == ["node_status_not_active"]


def test_injected_readiness_overrides_and_clears(api, node_id):
    api.fault("node-readiness", {"node_id": node_id, "reason_codes": ["runtime_missing", "sudo_unavailable"]})
    readiness = api.node(node_id)["readiness"]
    assert readiness["reason_codes"] == ["sudo_unavailable", "runtime_missing"]
    assert readiness["is_ready"] is False and len(readiness["guidance"]) == 2
    api.fault("node-readiness", {"node_id": node_id, "reason_codes": []})
    assert api.node(node_id)["readiness"]["is_ready"] is True
    api.fault("node-readiness", {"node_id": None, "reason_codes": ["node_unreachable"]})
    assert all(node["readiness"]["reason_codes"] == ["node_unreachable"] for node in api.nodes())
    api.delete("/_reference/faults")
    assert api.node(node_id)["readiness"]["is_ready"] is True


def test_nodes_listed_in_creation_order_and_valid(api, node_id):
    nodes = [check_schema("node", node) for node in api.nodes()]
    assert [node["created_at"] for node in nodes] == sorted(node["created_at"] for node in nodes)


def test_with_a_managed_key_acquisition_needs_that_public_key_as_pressluft_does(fresh_server, tmp_path):
    """--managed-key PATH: as Pressluft at 6164b449 without ~/.ssh/pressluft-provider-ed25519.pub, no key is an
    acquisition that ends failed with PROVIDER_ACQUISITION_UNAVAILABLE after one attempt; with it, acquired."""
    key = tmp_path / "pressluft-provider-ed25519.pub"
    api = fresh_server("--managed-key", str(key)).client()
    api.connect_provider()
    job = api.wait_job(api.post("/api/nodes", {"provider_id": "hetzner", "name": "keyless"}).json()["job_id"])
    assert (job["status"], job["error_code"], job["attempt_count"]) == ("failed", "PROVIDER_ACQUISITION_UNAVAILABLE", 1)
    assert str(key) in job["error_message"]
    assert api.node(job["node_id"])["hostname"] == "pending.provider"
    key.write_text("ssh-ed25519 AAAA test\n")
    job = api.wait_job(api.post("/api/nodes", {"provider_id": "hetzner", "name": "keyed"}).json()["job_id"])
    assert job["status"] == "succeeded"


def test_with_probe_seconds_the_listing_and_the_create_preflights_take_that_long_per_provider_node(fresh_server):
    """--probe-seconds S: like Pressluft's live SSH readiness probes, GET /api/nodes, POST /api/sites and
    POST /api/sites/{id}/environments take S s per provider node; other calls do not."""
    api = fresh_server("--probe-seconds", "0.4").client()

    def took(call) -> float:
        started = time.monotonic()
        call()
        return time.monotonic() - started

    assert took(api.nodes) < 0.3  # no provider node yet
    api.ready_node()
    assert 0.4 <= took(api.nodes) < 0.7
    created = {}
    assert 0.4 <= took(lambda: created.update(api.create_site())) < 1.5
    site, production = created["site"], created["production"]
    assert 0.4 <= took(lambda: api.create_env(site["id"], production["id"])) < 0.7
    assert took(api.jobs) < 0.3 and took(lambda: api.get("/api/sites")) < 0.3
