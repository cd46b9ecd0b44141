"""`--hetzner-endpoint URL`: the reference acquires its nodes through a Hetzner Cloud API as the real Pressluft does
(digest §4.3), here the fake of tools/fake_hetzner.py on loopback: the SSH key `pressluft-managed` found or created,
a `cpx11` named after the node from `ubuntu-24.04` with that key, the create action polled, the server's IPv4 the
node's hostname and public_ip; the token the provider connection gave, checked there, kept in memory only."""

import pytest

from tools.fake_hetzner import FakeHetznerCloud

from .conftest import check_schema

TOKEN = "hcloud-token-for-the-fake-4711"


@pytest.fixture
def fake():
    cloud = FakeHetznerCloud(TOKEN, action_seconds=0.2)
    yield cloud
    cloud.close()


def test_a_node_is_acquired_as_a_server_of_the_hetzner_api_named_after_it(fresh_server, fake):
    server = fresh_server("--hetzner-endpoint", fake.url)
    api = server.client()
    assert api.connect_provider(TOKEN)["status"] == "connected"
    job_id = api.post("/api/nodes", {"provider_id": "hetzner", "name": "w5-0000beef-run-node"}).json()["job_id"]
    job = api.wait_job(job_id)
    assert job["status"] == "succeeded", job
    [bought] = fake.servers()
    assert bought["name"] == "w5-0000beef-run-node" and bought["server_type"]["name"] == "cpx11"
    assert bought["image"]["name"] == "ubuntu-24.04" and bought["status"] == "running"
    [key] = fake.keys()
    assert key["name"] == "pressluft-managed" and key["public_key"].startswith("ssh-ed25519 ")
    node = check_schema("node", api.node(job["node_id"]))
    address = bought["public_net"]["ipv4"]["ip"]
    assert node["hostname"] == node["public_ip"] == address and node["readiness"]["is_ready"] is True
    asked = [f"{method} {path.split('?')[0]}" for method, path in fake.requests]
    assert asked[:4] == ["GET /v1/actions", "GET /v1/ssh_keys", "POST /v1/ssh_keys", "POST /v1/servers"]
    assert asked.count(f"GET /v1/servers/{bought['id']}") == 1 and "GET /v1/actions/" in " ".join(asked)
    second = api.post("/api/nodes", {"provider_id": "hetzner", "name": "another-node"}).json()["job_id"]
    assert api.wait_job(second)["status"] == "succeeded"
    assert len(fake.keys()) == 1 and len(fake.servers()) == 2  # the managed key is reused
    assert TOKEN not in server.stderr()


def test_a_token_the_api_rejects_degrades_the_connection(fresh_server, fake):
    api = fresh_server("--hetzner-endpoint", fake.url).client()
    connection = api.connect_provider("a-token-hetzner-does-not-know")
    assert connection["status"] == "degraded"
    assert connection["last_status_message"] == "Credential rejected by Hetzner API"
    assert connection["guidance"] == ["Generate a valid bearer token in Hetzner Cloud and reconnect provider."]
    assert fake.servers() == []


def test_an_api_error_during_acquisition_is_a_retried_provider_api_error(fresh_server, fake):
    fake.add_server("taken-name")  # Hetzner's names are unique: creating it again is refused
    api = fresh_server("--hetzner-endpoint", fake.url).client()
    api.connect_provider(TOKEN)
    job_id = api.post("/api/nodes", {"provider_id": "hetzner", "name": "taken-name"}).json()["job_id"]
    job = api.wait_job(job_id)
    assert job["status"] == "failed" and job["attempt_count"] == job["max_attempts"] == 3
    assert job["error_code"] == "PROVIDER_API_ERROR"
    assert job["error_message"] == "hetzner api error uniqueness_error: server name is already used"
    node = api.node(job["node_id"])
    assert node["public_ip"] == "pending.provider" and node["readiness"]["is_ready"] is False
    assert len(fake.servers()) == 1


def test_without_the_token_in_memory_acquisition_is_unavailable(fresh_server, fake, tmp_path):
    first = fresh_server("--hetzner-endpoint", fake.url, data_dir=tmp_path)
    first.client().connect_provider(TOKEN)
    first.stop()
    api = fresh_server("--hetzner-endpoint", fake.url, data_dir=tmp_path).client()  # connected, token forgotten
    job_id = api.post("/api/nodes", {"provider_id": "hetzner", "name": "after-restart"}).json()["job_id"]
    job = api.wait_job(job_id)
    assert (job["status"], job["error_code"]) == ("failed", "PROVIDER_ACQUISITION_UNAVAILABLE")
    assert fake.servers() == []


def test_without_the_flag_the_provider_stays_simulated(fresh_server, fake):
    api = fresh_server().client()
    job_id, node_id = api.create_node("simulated")
    assert api.wait_job(job_id)["status"] == "succeeded"
    assert api.node(node_id)["public_ip"] == "127.0.0.1" and fake.requests == []


@pytest.mark.parametrize("endpoint", ["ftp://example.test/v1", "not a url"])
def test_a_bad_endpoint_is_a_usage_error(endpoint):
    from pressluft_reference.cli import main

    assert main(["--hetzner-endpoint", endpoint]) == 2
