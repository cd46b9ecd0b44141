"""The correct twin `node_before_run_acquisition_unlisted` (pressluft_reference/twins.py): the reference starts with a
ready provider node, acquired before the run, whose acquisition job the jobs list no longer shows (pruned, as on a
long-lived shared target). Without the twin the reference starts with no node."""

import requests

TWIN = "node_before_run_acquisition_unlisted"


def test_the_twin_starts_with_a_ready_provider_node_whose_acquisition_job_is_not_listed(fresh_server):
    server = fresh_server("--twin", TWIN)
    api = server.client()
    assert requests.get(server.url("/_reference/capabilities"), timeout=5).json()["twins"] == [TWIN]
    [node] = api.nodes()
    assert (node["is_local"], node["status"], node["readiness"]["is_ready"], node["readiness"]["reason_codes"]) == \
        (False, "active", True, [])
    assert node["hostname"] == node["public_ip"] and node["hostname"] not in ("", "pending.provider")
    assert api.jobs() == []  # its acquisition job is no longer listed
    site = api.create_site()  # and it is the node sites land on
    assert site["job"]["status"] == "succeeded" and site["production"]["node_id"] == node["id"]
    assert [job["job_type"] for job in api.jobs()] == ["site_create"]


def test_without_the_twin_the_reference_starts_with_no_node(fresh_server):
    assert fresh_server().client().nodes() == []
