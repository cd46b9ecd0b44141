"""Correct twins (`--twin NAME`): each does what pressluft_reference/twins.py says it does, in a way the contract
allows, and nothing else; without the flag the reference is unchanged (the shared server of these tests runs without
twins). tests/acceptance/test_correct_twins.py runs the whole suite against each."""

import re
import subprocess
import sys
import time

import requests

from pressluft_reference.twins import TWIN_NAMES

from .conftest import ROOT, check_schema, preview

UTC_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$")
TIME_FIELD = re.compile(r"(_at|_until)$")


def _twin(fresh_server, name, ready=True):
    server = fresh_server("--twin", name)
    assert requests.get(server.url("/_reference/capabilities"), timeout=5).json()["twins"] == [name]
    api = server.client()
    if ready:
        api.ready_node()
    return api


def _everything(api) -> dict:
    """Two sites, the second with a clone and a backup restored (a checkpoint), then every listing of the API."""
    api.create_site()
    site = api.create_site()
    response = api.create_env(site["site"]["id"], site["production"]["id"])
    clone = api.env(api.wait_job(response.json()["job_id"])["environment_id"])
    production = site["production"]
    backup = api.backup(production["id"])["backup"]
    restore = api.post(f"/api/environments/{production['id']}/restore", {"backup_id": backup["id"]})
    api.wait_job(restore.json()["job_id"])
    return {"site": site, "clone": clone, "jobs": api.jobs(), "nodes": api.nodes(),
            "sites": api.get("/api/sites").json(), "providers": api.get("/api/providers").json(),
            "environments": api.get(f"/api/sites/{site['site']['id']}/environments").json(),
            "backups": api.backups(production["id"])}


def _times(value) -> list:
    if isinstance(value, dict):
        return [time for key, item in value.items() for time in
                ([item] if TIME_FIELD.search(key) and isinstance(item, str) else _times(item))]
    return [time for item in value for time in _times(item)] if isinstance(value, list) else []


def _oldest_first(records) -> bool:
    return [record["created_at"] for record in records] == sorted(record["created_at"] for record in records)


def test_the_default_lists_oldest_first_with_z_times_and_gives_a_copy_its_preview_at_once(api):
    api.ready_node()
    seen = _everything(api)
    for listing in ("jobs", "sites", "backups"):
        assert _oldest_first(seen[listing]), listing
    assert seen["environments"][0]["environment_type"] == "production"
    assert all(UTC_Z.match(time) for time in _times(seen) if not time.startswith("0001-"))


def test_newest_first_lists_lists_every_listing_newest_first(fresh_server):
    api = _twin(fresh_server, "newest_first_lists")
    api.wait_job(api.create_node("second-node")[0])
    seen = _everything(api)
    for listing in ("jobs", "sites", "nodes", "backups", "environments"):
        records = seen[listing]
        assert len(records) >= 2 and _oldest_first(list(reversed(records))) and not _oldest_first(records), listing
    assert [env["environment_type"] for env in seen["environments"]] == ["clone", "production"]


def test_offset_timestamps_writes_every_timestamp_with_an_offset_and_microseconds(fresh_server):
    api = _twin(fresh_server, "offset_timestamps", ready=False)
    never_connected = api.get("/api/providers").json()
    assert [provider["updated_at"] for provider in never_connected] == ["0001-01-01T00:00:00.000000+00:00"]
    api.ready_node()
    seen = _everything(api)
    times = _times(seen)
    assert len(times) > 40 and all(OFFSET.match(time) for time in times), [t for t in times if not OFFSET.match(t)]
    check_schema("job", seen["jobs"][0])  # RFC 3339 date-times, as the contract asks


def test_copy_preview_at_success_gives_a_copys_address_only_once_its_job_succeeded(fresh_server):
    api = _twin(fresh_server, "copy_preview_at_success")
    site = api.create_site()
    production = site["production"]
    assert preview(production["preview_url"]).status_code == 200  # production's at once, as before
    api.fault("jobs", {"match": {"job_type": "env_create", "site_id": site["site"]["id"]}, "outcome": "hang"})
    response = api.create_env(site["site"]["id"], production["id"])
    job = api.wait_job(response.json()["job_id"], statuses=("running",))
    pending = check_schema("environment", api.env(job["environment_id"]))
    assert pending["preview_url"] == f"http://{pending['id'][:8]}.pending.invalid/"
    api.post(f"/api/jobs/{job['id']}/cancel")
    assert api.env(job["environment_id"])["preview_url"] == pending["preview_url"]  # a copy that failed keeps it
    api.delete("/_reference/faults")
    response = api.create_env(site["site"]["id"], production["id"])
    copy = api.env(api.wait_job(response.json()["job_id"])["environment_id"])
    assert copy["preview_url"].startswith("http://127.0.0.1:") and preview(copy["preview_url"]).status_code == 200
    listed = api.get(f"/api/sites/{site['site']['id']}/environments").json()
    assert sorted(env["preview_url"] for env in listed) == sorted(
        [production["preview_url"], pending["preview_url"], copy["preview_url"]])


def test_an_unknown_twin_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "pressluft_reference", "--twin", "no_such_twin"], cwd=ROOT,
                            capture_output=True, text=True, timeout=20)
    assert result.returncode == 2 and "argument --twin: invalid choice: 'no_such_twin'" in result.stderr
    assert sorted(re.findall(r"'(\w+)'", result.stderr.split("choose from", 1)[1])) == sorted(TWIN_NAMES)


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
