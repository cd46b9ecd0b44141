"""The correct twin `other_operator_acquires_nodes` (pressluft_reference/twins.py): another operator acquires provider
nodes of its own while the run goes on; each time the provider connection is made while a ready provider node is
listed, a node named other-operator-node-N is requested too and acquired as any node is. Without the twin a
connection acquires nothing."""

import requests

TWIN = "other_operator_acquires_nodes"


def _acquired_after_connecting(api) -> list:
    """The provider nodes listed after the provider is connected once more, that were not listed before."""
    before = {node["id"] for node in api.nodes()}
    api.connect_provider()
    return [node for node in api.nodes() if node["id"] not in before]


def test_another_operator_acquires_a_node_of_its_own_each_time_the_provider_is_connected(fresh_server):
    server = fresh_server("--twin", TWIN)
    api = server.client()
    assert requests.get(server.url("/_reference/capabilities"), timeout=5).json()["twins"] == [TWIN]
    assert _acquired_after_connecting(api) == []  # no ready provider node yet: nothing of theirs
    run_node = api.ready_node()
    for number in (1, 2):
        [theirs] = _acquired_after_connecting(api)  # there by the time the connection is answered
        assert (theirs["name"], theirs["is_local"]) == (f"other-operator-node-{number}", False)
        [job] = [job for job in api.jobs() if job["node_id"] == theirs["id"]]
        assert job["job_type"] == "node_provision" and api.wait_job(job["id"])["status"] == "succeeded"
        assert api.node(theirs["id"])["readiness"]["is_ready"]  # acquired as any node is
    sites_land_on = api.create_site()["production"]["node_id"]
    assert sites_land_on == run_node  # the first ready provider node, as before
    assert "twins=other_operator_acquires_nodes" in server.stderr()


def test_without_the_twin_a_connection_acquires_nothing(api):
    api.ready_node()
    assert _acquired_after_connecting(api) == []
