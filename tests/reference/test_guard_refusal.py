"""The enqueue guard's refusal and the records of the refused creation: by default (the contract) a refusal leaves
nothing; with --guard-refusal-keeps-records, as Pressluft at 6164b449 (which stores the site and its production, or
the environment and the site `cloning`, before the enqueue), they stay, and the same slug again is refused alike.
And the fault busy-node, which makes the guard refuse a creation: another operator's site creation on the same node,
accepted just before, its job running for a moment."""

import time

import pytest

from .conftest import check_error

CONFLICT_SITE, CONFLICT_ENV = "conflicting site mutation", "conflicting environment mutation"


def _busy(api, prefix, seconds=1.0):
    response = api.post("/_reference/faults/busy-node", {"site_slug_prefix": prefix, "seconds": seconds})
    assert response.status_code == 200, response.text


def _other_operators_job(api, node_id) -> dict:
    [job] = [job for job in api.jobs() if job["node_id"] == node_id and job["job_type"] == "site_create"
             and job["status"] in ("queued", "running")]
    return job


@pytest.mark.parametrize("keeps", [False, True], ids=["contract", "6164b449"])
def test_a_site_creation_the_guard_refuses_leaves_its_records_only_with_the_flag(fresh_server, keeps):
    api = fresh_server(*(["--guard-refusal-keeps-records"] if keeps else [])).client()
    node_id = api.ready_node()
    _busy(api, "busy-")
    response = api.post("/api/sites", {"name": "Busy", "slug": "busy-1"})
    check_error(response, 409, "conflict", CONFLICT_SITE)
    other = _other_operators_job(api, node_id)  # another operator's site creation, on the same node, in flight
    other_site = api.get(f"/api/sites/{other['site_id']}").json()
    assert other_site["slug"].startswith("other-operator-")
    sites = [site for site in api.get("/api/sites").json() if site["slug"] == "busy-1"]
    assert not any(job for job in api.jobs() if job["site_id"] in {site["id"] for site in sites})  # no job either way
    if not keeps:
        assert sites == []
        assert api.wait_job(other["id"], timeout=5)["status"] == "succeeded"  # released after its second
        assert api.post("/api/sites", {"name": "Busy", "slug": "busy-1"}).status_code == 202
        return
    [site] = sites
    production = api.env(site["primary_environment_id"])
    assert (site["status"], production["node_id"], production["status"]) == ("active", node_id, "active")
    api.wait_job(other["id"], timeout=5)
    check_error(api.post("/api/sites", {"name": "Busy", "slug": "busy-1"}), 409, "conflict", CONFLICT_SITE)


@pytest.mark.parametrize("keeps", [False, True], ids=["contract", "6164b449"])
def test_an_environment_creation_the_guard_refuses_leaves_it_and_the_site_cloning_only_with_the_flag(
        fresh_server, keeps):
    api = fresh_server(*(["--guard-refusal-keeps-records"] if keeps else [])).client()
    api.ready_node()
    created = api.create_site(slug="envbusy-site")
    site, production = created["site"], created["production"]
    _busy(api, "envbusy-")
    check_error(api.create_env(site["id"], production["id"], slug="clone-1"), 409, "conflict", CONFLICT_ENV)
    kept = [env for env in api.get(f"/api/sites/{site['id']}/environments").json() if env["slug"] == "clone-1"]
    status = api.get(f"/api/sites/{site['id']}").json()["status"]
    if keeps:
        assert [env["status"] for env in kept] == ["cloning"] and status == "cloning"
    else:
        assert kept == [] and status == "active"
    assert not [job for job in api.jobs() if job["job_type"] == "env_create"]


def test_a_busy_node_fault_covers_only_its_prefix_and_count(fresh_server):
    api = fresh_server().client()
    api.ready_node()
    _busy(api, "only-", seconds=0.3)
    assert api.post("/api/sites", {"name": "Other", "slug": "else-1"}).status_code == 202
    time.sleep(0.5)
    check_error(api.post("/api/sites", {"name": "Only", "slug": "only-1"}), 409, "conflict", CONFLICT_SITE)
    assert api.get("/_reference/faults").json()["busy-node"] == []  # spent
    time.sleep(0.5)
    assert api.post("/api/sites", {"name": "Only", "slug": "only-1"}).status_code == 202


@pytest.mark.parametrize("body", [{}, {"site_slug_prefix": ""}, {"site_slug_prefix": "a", "seconds": 0},
                                  {"site_slug_prefix": "a", "count": 0}, {"site_slug_prefix": "a", "other": 1}])
def test_a_bad_busy_node_fault_is_a_bad_request(server, body):
    api = server.client()
    check_error(api.post("/_reference/faults/busy-node", body), 400, "bad_request")
