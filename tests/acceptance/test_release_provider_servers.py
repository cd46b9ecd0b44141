"""A closeout-gate run releases the Hetzner server its node acquisition bought, and nothing else, proven end to end:
Pressluft's replacement gate script (docs/real-target.md) starts the reference control plane as the server under test
with `--hetzner-endpoint` pointing at a fake Hetzner Cloud API on loopback (tools/fake_hetzner.py), which the
reference buys its node's server from, and which the run deletes it from (`hcloud`, PRESSLUFT_HCLOUD_ENDPOINT) by
PRESSLUFT_RELEASE_NODE. A server of another name, or one of the run's node name created before the run, is never
touched; what was bought, deleted and left is in the ledger at the end, and a kept server gets one line."""
from __future__ import annotations

import re
import uuid

import pytest
from test_server_under_test import PressluftRepo

from tools.fake_hetzner import FakeHetznerCloud, created_before

TOKEN = f"hcloud-gate-token-{uuid.uuid4().hex[:12]}"
LEDGER_ENTRY = re.compile(r"^  - (?P<name>w5-[0-9a-f]{8}-run-node): cpx11 at (?P<ip>203\.0\.113\.\d+), "
                          r"about €4\.35/month at 2024 list prices: (?P<fate>deleted|left running) \((?P<why>.*)\)$",
                          re.M)


@pytest.fixture
def fake():
    cloud = FakeHetznerCloud(TOKEN, action_seconds=0.2)
    yield cloud
    cloud.close()


@pytest.fixture
def repo(tmp_path):
    repo = PressluftRepo(tmp_path)
    yield repo
    assert repo.leftovers() == []


def gate(repo: PressluftRepo, fake: FakeHetznerCloud, *defects: str, **env):
    """The clone gate, its server buying from the fake; the run id is fixed so that the test knows the node name."""
    run_id = env.pop("PRESSLUFT_RUN_ID", f"w5-{uuid.uuid4().hex[:8]}")
    args = " ".join([f"--hetzner-endpoint {fake.url}", *(f"--defect {defect}" for defect in defects)])
    run = repo.gate("site-clone-preview", STANDIN_PRESSLUFT_ARGS=args, HETZNER_API_TOKEN=TOKEN,
                    PRESSLUFT_HCLOUD_ENDPOINT=fake.url, PRESSLUFT_RUN_ID=run_id, **env)
    assert TOKEN not in run.everything_written() and TOKEN not in repo.server_log()
    return run, f"{run_id}-run-node"


def names(fake: FakeHetznerCloud) -> list[str]:
    return sorted(server["name"] for server in fake.servers())


def test_a_passing_gate_deletes_the_server_it_bought_and_nothing_else(repo, fake):
    someone_elses = fake.add_server("someone-elses-server")
    run, node = gate(repo, fake)
    assert run.exit_code == 0, run.output[-3000:]
    assert names(fake) == ["someone-elses-server"]  # the run's server is gone, the other one untouched
    deletes = [path for method, path in fake.requests if method == "DELETE"]
    assert len(deletes) == 1 and deletes[0] != f"/v1/servers/{someone_elses['id']}"
    assert "provider servers the run bought: 1 (1 deleted, 0 left)" in run.stdout
    [entry] = LEDGER_ENTRY.finditer(run.stdout)
    assert (entry["name"], entry["fate"], entry["why"]) == (node, "deleted",
                                                             "the run passed; PRESSLUFT_RELEASE_NODE=on-pass")
    assert "kept the provider server" not in run.output
    assert "provider servers the run buys: deleted at the end of a run that passes, kept after a failure " \
           "(PRESSLUFT_RELEASE_NODE=on-pass)" in run.stderr  # said up front
    properties = (repo.reports / "allure-results" / "environment.properties").read_text()
    assert re.search(rf"^run\.provider_servers ?= ?provider servers the run bought: 1 \(1 deleted, 0 left\): {node}: ",
                     properties, re.M)


def test_a_failing_gate_keeps_exactly_its_server_and_names_it(repo, fake):
    fake.add_server("someone-elses-server")
    run, node = gate(repo, fake, "env_create_leaves_cloning")
    assert run.exit_code == 1 and run.verdicts[0]["category"] == "contract_violation"
    assert names(fake) == sorted(["someone-elses-server", node])
    [kept] = [server for server in fake.servers() if server["name"] == node]
    address = kept["public_net"]["ipv4"]["ip"]
    [line] = [line for line in run.stderr.splitlines() if line.startswith("[wave5] kept the provider server")]
    assert line == (f"[wave5] kept the provider server {node} (cpx11 at {address}, about €4.35/month at 2024 list "
                    "prices): the run did not pass, kept for debugging; PRESSLUFT_RELEASE_NODE=on-pass; delete it "
                    f"with `hcloud server delete {node}` or in the Hetzner Cloud console (https://console.hetzner.cloud),"
                    " or run with PRESSLUFT_RELEASE_NODE=always")
    assert [method for method, _ in fake.requests if method == "DELETE"] == []
    assert "provider servers the run bought: 1 (0 deleted, 1 left, left running: about €4.35/month)" in run.stdout
    [entry] = LEDGER_ENTRY.finditer(run.stdout)
    assert (entry["name"], entry["ip"], entry["fate"]) == (node, address, "left running")


def test_release_always_deletes_after_a_failure(repo, fake):
    run, node = gate(repo, fake, "env_create_leaves_cloning", PRESSLUFT_RELEASE_NODE="always")
    assert run.exit_code == 1
    assert names(fake) == [] and "kept the provider server" not in run.output
    [entry] = LEDGER_ENTRY.finditer(run.stdout)
    assert (entry["name"], entry["fate"], entry["why"]) == (node, "deleted", "PRESSLUFT_RELEASE_NODE=always")


def test_release_never_keeps_after_a_pass(repo, fake):
    run, node = gate(repo, fake, PRESSLUFT_RELEASE_NODE="never")
    assert run.exit_code == 0, run.output[-3000:]
    assert names(fake) == [node] and [method for method, _ in fake.requests if method == "DELETE"] == []
    [entry] = LEDGER_ENTRY.finditer(run.stdout)
    assert (entry["fate"], entry["why"]) == ("left running", "PRESSLUFT_RELEASE_NODE=never")


def test_a_server_of_the_runs_node_name_made_before_the_run_is_never_touched(repo, fake):
    """A resume-run loop that keeps its PRESSLUFT_RUN_ID: an earlier iteration's server holds the node's name, so
    this run's acquisition fails (Hetzner's names are unique) and the node never gets an address."""
    run_id = f"w5-{uuid.uuid4().hex[:8]}"
    earlier = fake.add_server(f"{run_id}-run-node", created=created_before(600))
    run, node = gate(repo, fake, PRESSLUFT_RUN_ID=run_id, PRESSLUFT_RELEASE_NODE="always")
    assert run.exit_code == 1 and run.verdicts[0]["category"] == "job_failed"
    assert [server["id"] for server in fake.servers()] == [earlier["id"]]
    assert [method for method, _ in fake.requests if method == "DELETE"] == []
    [line] = [line for line in run.stderr.splitlines() if line.startswith("[wave5] a provider server may be left")]
    assert line.startswith(f"[wave5] a provider server may be left for the node {node}: Pressluft records no address "
                           "for the node (pending.provider): a server may exist, but the run cannot tell which one is "
                           f"its own; look for it with `hcloud server describe {node}`")
