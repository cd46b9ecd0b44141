"""Correct twins (`--twin NAME`): each does what pressluft_reference/twins.py says it does, and nothing the contract
forbids. (tests/acceptance/test_correct_twins.py runs the whole suite against each.)"""

import time

import requests


def _provider_nodes(api) -> list:
    return [node for node in api.nodes() if not node["is_local"]]


def test_two_ready_provider_nodes_made_by_acquisitions_that_succeeded_take_new_sites_in_turn(fresh_server):
    server = fresh_server("--twin", "two_ready_provider_nodes")
    api = server.client()
    nodes = _provider_nodes(api)
    assert [node["readiness"]["is_ready"] for node in nodes] == [True, True]
    assert all(node["status"] == "active" and node["hostname"] not in ("", "pending.provider") for node in nodes)
    for node in nodes:
        jobs = [job for job in api.jobs() if job["node_id"] == node["id"]]
        assert [(job["job_type"], job["status"], job["attempt_count"]) for job in jobs] == [
            ("node_provision", "succeeded", 1)]
    landed = [api.create_site()["production"]["node_id"] for _ in range(4)]
    assert sorted(landed) == sorted(node["id"] for node in nodes for _ in range(2))  # each node twice
    assert landed[:2] == [nodes[1]["id"], nodes[0]["id"]]  # in turn, the newest first
    body = requests.get(server.url("/_reference/capabilities"), timeout=5).json()
    assert body["twins"] == ["two_ready_provider_nodes"]


def test_the_other_operator_works_on_the_same_node_and_leaves_the_run_room_between_its_jobs(fresh_server):
    server = fresh_server("--twin", "other_operator_traffic")
    api = server.client()
    assert api.jobs() == [] and api.get("/api/sites").json() == []  # it waits for a ready provider node
    node_id = api.ready_node()
    samples, busy, deadline = 0, 0, time.monotonic() + 7
    while time.monotonic() < deadline:
        jobs = api.jobs()
        samples += 1
        busy += any(job["status"] in ("queued", "running") and job["node_id"] == node_id for job in jobs)
        time.sleep(0.05)
    theirs = [job for job in api.jobs() if job["job_type"] != "node_provision"]
    assert {job["job_type"] for job in theirs} >= {"site_create", "backup_create"}
    assert {job["node_id"] for job in theirs} == {node_id}  # on the run's node
    sites = api.get("/api/sites").json()
    assert sites and all(site["slug"].startswith("other-operator-") for site in sites)
    assert busy < samples / 2, f"the node had a job in flight in {busy} of {samples} looks"
    slug, refused = f"mine-{time.monotonic_ns()}", 0  # a run gets through between its jobs
    while (answer := api.post("/api/sites", {"name": slug, "slug": slug})).status_code == 409 and refused < 10:
        refused += 1
        time.sleep(0.2)
    assert answer.status_code == 202, answer.text
    assert api.wait_job(answer.json()["job_id"])["status"] == "succeeded"
    assert "event=other_operator step=site status=202" in server.stderr()
