"""The release of the provider servers a run bought (support/harness/provider_servers.py): the policy and its defaults,
the rule that only a server provably the run's is touched (name, address, created after the run started), and the
release itself through the official client against the fake Hetzner Cloud API of tools/fake_hetzner.py."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from support.harness import provider_servers as ps
from support.runtime.config import load_settings
from support.runtime.resources import NODE_REQUEST, ResourceLedger
from tools.fake_hetzner import FakeHetznerCloud, created_before

TOKEN = "hcloud-token-of-the-operator-0815"
NAME = "w5-0badf00d-run-node"


@pytest.fixture
def settings(tmp_path):
    def make(**values):
        return load_settings({"PRESSLUFT_REPORTS_DIR": str(tmp_path), "PRESSLUFT_PROVIDER_TOKEN": TOKEN, **values})
    return make


@pytest.fixture
def fake():
    cloud = FakeHetznerCloud(TOKEN, action_seconds=0.05)
    yield cloud
    cloud.close()


# -- the policy ----------------------------------------------------------------------------------------
def test_the_default_policy_is_on_pass_for_a_server_the_run_starts_and_never_for_a_shared_target(settings):
    assert ps.policy_for(settings(PRESSLUFT_SERVER_CMD="./bin/pressluft dev --port {port}")) == ps.ON_PASS
    assert ps.policy_for(settings(PRESSLUFT_BASE_URL="https://pressluft.example")) == ps.NEVER
    assert ps.policy_for(settings(PRESSLUFT_BASE_URL="https://pressluft.example",
                                  PRESSLUFT_RELEASE_NODE="always")) == ps.ALWAYS
    assert ps.policy_for(settings(PRESSLUFT_SERVER_CMD="./bin/pressluft dev --port {port}",
                                  PRESSLUFT_RELEASE_NODE="never")) == ps.NEVER


@pytest.mark.parametrize("policy, passed, released", [
    (ps.ALWAYS, True, True), (ps.ALWAYS, False, True), (ps.ON_PASS, True, True), (ps.ON_PASS, False, False),
    (ps.NEVER, True, False), (ps.NEVER, False, False)])
def test_what_each_policy_releases(policy, passed, released):
    assert ps.should_release(policy, passed) is released


# -- only a server provably the run's ------------------------------------------------------------------
def hetzner_server(name=NAME, ip="203.0.113.7", created=None):
    return SimpleNamespace(name=name, created=created or datetime.now(timezone.utc),
                           public_net=SimpleNamespace(ipv4=SimpleNamespace(ip=ip)))


def test_a_server_is_the_runs_only_by_its_name_its_address_and_a_creation_after_the_run_started():
    since = datetime.now(timezone.utc) - timedelta(minutes=5)
    assert ps.not_ours(hetzner_server(), name=NAME, address="203.0.113.7", since=since) is None
    assert ps.not_ours(hetzner_server(name="w5-0badf00d-run-node-2"), name=NAME, address="203.0.113.7",
                       since=since) == f"its name is w5-0badf00d-run-node-2, not {NAME}"
    assert ps.not_ours(hetzner_server(ip="203.0.113.8"), name=NAME, address="203.0.113.7",
                       since=since) == "its address is 203.0.113.8, not the node's 203.0.113.7"
    assert ps.not_ours(hetzner_server(created=since - timedelta(seconds=1)), name=NAME, address="203.0.113.7",
                       since=since).startswith("it was created at ")
    no_address = SimpleNamespace(name=NAME, created=datetime.now(timezone.utc), public_net=SimpleNamespace(ipv4=None))
    assert "its address is none" in ps.not_ours(no_address, name=NAME, address="203.0.113.7", since=since)


def bought(address="203.0.113.11"):
    return [ps.BoughtServer(NAME, "node-1", address)]


def test_a_released_server_is_deleted_and_servers_of_another_name_address_or_time_are_never_touched(settings, fake):
    since = datetime.now(timezone.utc)
    other_name = fake.add_server("someone-elses-server")
    ours = fake.add_server(NAME)
    same_name_other_address = fake.add_server(NAME)  # only a fake allows the name twice
    old = fake.add_server(NAME, ipv4=ours["public_net"]["ipv4"]["ip"], created=created_before(3600))
    servers = bought(ours["public_net"]["ipv4"]["ip"])
    ps.release(servers, settings(PRESSLUFT_SERVER_CMD="x {port}", PRESSLUFT_HCLOUD_ENDPOINT=fake.url), passed=True,
               since=since)
    left = {server["id"] for server in fake.servers()}
    assert left == {other_name["id"], same_name_other_address["id"], old["id"]}
    [server] = servers
    assert (server.fate, server.server_id, server.server_type) == (ps.DELETED, ours["id"], "cpx11")
    assert server.why.startswith("the run passed; PRESSLUFT_RELEASE_NODE=on-pass; not touched: ")
    assert f"{same_name_other_address['id']} (its address is " in server.why
    assert f"{old['id']} (it was created at " in server.why
    assert ("DELETE", f"/v1/servers/{other_name['id']}") not in fake.requests


def test_a_run_that_did_not_pass_keeps_its_server_and_says_how_to_delete_it(settings, fake):
    ours = fake.add_server(NAME)
    servers = bought(ours["public_net"]["ipv4"]["ip"])
    ps.release(servers, settings(PRESSLUFT_SERVER_CMD="x {port}", PRESSLUFT_HCLOUD_ENDPOINT=fake.url), passed=False,
               since=datetime.now(timezone.utc) - timedelta(minutes=1))
    assert fake.requests == [] and len(fake.servers()) == 1  # Hetzner is not even asked
    [server] = servers
    assert server.fate == ps.LEFT and server.billed
    assert server.keep_line() == (
        f"[wave5] kept the provider server {NAME} (cpx11 at {server.address}, about €4.35/month at 2024 list prices): "
        "the run did not pass, kept for debugging; PRESSLUFT_RELEASE_NODE=on-pass; delete it with "
        f"`hcloud server delete {NAME}` or in the Hetzner Cloud console (https://console.hetzner.cloud), or run with "
        "PRESSLUFT_RELEASE_NODE=always")


@pytest.mark.parametrize("policy, passed, fate", [("always", False, ps.DELETED), ("never", True, ps.LEFT)])
def test_the_policy_overrides_the_default(settings, fake, policy, passed, fate):
    ours = fake.add_server(NAME)
    servers = bought(ours["public_net"]["ipv4"]["ip"])
    ps.release(servers, settings(PRESSLUFT_SERVER_CMD="x {port}", PRESSLUFT_RELEASE_NODE=policy,
                                 PRESSLUFT_HCLOUD_ENDPOINT=fake.url), passed=passed,
               since=datetime.now(timezone.utc) - timedelta(minutes=1))
    assert servers[0].fate == fate and len(fake.servers()) == (0 if fate == ps.DELETED else 1)


def test_a_node_without_an_address_is_never_matched_and_hetzner_is_not_asked(settings, fake):
    fake.add_server(NAME)
    servers = bought(address=None)
    servers[0].why = "Pressluft records no address for the node (pending.provider)"
    ps.release(servers, settings(PRESSLUFT_SERVER_CMD="x {port}", PRESSLUFT_RELEASE_NODE="always",
                                 PRESSLUFT_HCLOUD_ENDPOINT=fake.url), passed=True, since=datetime.now(timezone.utc))
    assert fake.requests == [] and len(fake.servers()) == 1 and servers[0].fate == ps.LEFT
    assert servers[0].keep_line().startswith(f"[wave5] a provider server may be left for the node {NAME}: Pressluft "
                                             "records no address for the node (pending.provider); look for it with "
                                             f"`hcloud server describe {NAME}`")


def test_a_server_hetzner_no_longer_lists_is_gone_and_an_api_error_keeps_it(settings, fake):
    servers = bought()
    ps.release(servers, settings(PRESSLUFT_SERVER_CMD="x {port}", PRESSLUFT_HCLOUD_ENDPOINT=fake.url), passed=True,
               since=datetime.now(timezone.utc))
    assert (servers[0].fate, servers[0].why) == (ps.GONE, "Hetzner lists no server of that name")
    fake.add_server(NAME, ipv4="203.0.113.11")
    servers = bought()
    ps.release(servers, settings(PRESSLUFT_SERVER_CMD="x {port}", PRESSLUFT_HCLOUD_ENDPOINT=fake.url,
                                 PRESSLUFT_PROVIDER_TOKEN="a-token-hetzner-rejects"), passed=True,
               since=datetime.now(timezone.utc) - timedelta(minutes=1))
    assert servers[0].fate == ps.LEFT and len(fake.servers()) == 1
    assert servers[0].why == "it could not be deleted: APIException: unable to authenticate (unauthorized)"


# -- which servers the run bought, and the ledger --------------------------------------------------------
class Answers:
    """An operator whose questions are answered from fixed listings."""

    def __init__(self, ledger, jobs, nodes):
        self.ledger, self.jobs, self.nodes = ledger, jobs, nodes

    def asks_for(self, question):
        if question.path == "/api/nodes":
            return self.nodes
        return self.jobs[question.path.rsplit("/", 1)[1]]


def test_the_servers_bought_are_those_of_the_nodes_the_run_requested(tmp_path):
    ledger = ResourceLedger("w5-0badf00d")
    for job_id, name in (("j1", NAME), ("j2", "w5-0badf00d-node-3"), ("j3", "w5-0badf00d-node-4")):
        ledger.record(NODE_REQUEST, job_id, note=name)
    ledger.record("site", "s1", "w5-0badf00d-site-1")
    nodes = [{"id": "n1", "name": NAME, "public_ip": "203.0.113.9"},
             {"id": "n2", "name": "w5-0badf00d-node-3", "public_ip": "pending.provider"},
             {"id": "n3", "name": "w5-0badf00d-node-4", "public_ip": "127.0.0.1"},  # a simulated provider's node
             {"id": "n4", "name": "not-requested-by-the-run", "public_ip": "203.0.113.10"}]
    jobs = {"j1": {"node_id": "n1"}, "j2": {"node_id": "n2"}, "j3": {"node_id": "n3"}}
    servers = ps.bought_servers(Answers(ledger, jobs, nodes))
    assert [(s.name, s.node_id, s.address) for s in servers] == [(NAME, "n1", "203.0.113.9"),
                                                                 ("w5-0badf00d-node-3", "n2", None)]
    assert "pending.provider" in servers[1].why


def test_the_ledger_says_what_was_bought_deleted_and_left_with_the_monthly_cost():
    ledger = ResourceLedger("w5-0badf00d")
    servers = [ps.BoughtServer(NAME, "n1", "203.0.113.9", fate=ps.DELETED, why="PRESSLUFT_RELEASE_NODE=always"),
               ps.BoughtServer("w5-0badf00d-node-3", "n2", "203.0.113.10", why="PRESSLUFT_RELEASE_NODE=never"),
               ps.BoughtServer("w5-0badf00d-node-4", "n3", "203.0.113.11", server_type="cx99", why="kept")]
    ledger.servers, ledger.servers_summary = servers, ps.summary(servers)
    assert ledger.report().splitlines() == [
        "run w5-0badf00d created no resources",
        "provider servers the run bought: 3 (1 deleted, 2 left, left running: cost unknown)",
        f"  - {NAME}: cpx11 at 203.0.113.9, about €4.35/month at 2024 list prices: deleted "
        "(PRESSLUFT_RELEASE_NODE=always)",
        "  - w5-0badf00d-node-3: cpx11 at 203.0.113.10, about €4.35/month at 2024 list prices: left running "
        "(PRESSLUFT_RELEASE_NODE=never)",
        "  - w5-0badf00d-node-4: cx99 at 203.0.113.11, cost unknown (cx99 is not in the suite's price table): "
        "left running (kept)"]
    assert ps.summary(servers[:2]) == ("provider servers the run bought: 2 (1 deleted, 1 left, left running: "
                                       "about €4.35/month)")
