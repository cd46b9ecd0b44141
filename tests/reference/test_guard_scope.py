"""`--guard-scope site` (opt-in deviation for parallel acceptance runs): jobs on different sites of one node
may be queued and run at the same time; the same site is still guarded. The default keeps the node guard."""

from .conftest import check_error


def _two_sites_and_a_hanging_backup(api):
    api.connect_provider()
    api.ready_node()
    first = api.create_site()
    api.fault("jobs", {"match": {"job_type": "backup_create", "site_id": first["site"]["id"]}, "outcome": "hang"})
    response = api.post(f"/api/environments/{first['production']['id']}/backups", {"backup_scope": "db"})
    assert response.status_code == 202, response.text
    return first, response.json()["job_id"]


def test_site_scope_lets_another_site_on_the_same_node_run(fresh_server):
    api = fresh_server("--guard-scope", "site").client()
    first, hanging = _two_sites_and_a_hanging_backup(api)
    second = api.create_site()  # another site on the same (busy) node: accepted and run
    assert second["job"]["status"] == "succeeded"
    assert second["production"]["node_id"] == first["production"]["node_id"]
    check_error(api.post(f"/api/environments/{first['production']['id']}/backups", {"backup_scope": "db"}),
                409, "conflict", "conflicting backup mutation")  # the same site is still guarded
    api.post(f"/api/jobs/{hanging}/cancel")
    # it says so, so that a client's look before a submission follows it (the suite: support/flows/submit.py)
    assert api.get("/_reference/capabilities").json()["guard_scope"] == "site"


def test_the_default_guard_still_covers_the_node(fresh_server):
    api = fresh_server().client()
    _, hanging = _two_sites_and_a_hanging_backup(api)
    check_error(api.post("/api/sites", {"name": "B", "slug": "b-guarded"}), 409, "conflict",
                "conflicting site mutation")
    api.post(f"/api/jobs/{hanging}/cancel")


def test_an_unknown_guard_scope_is_a_usage_error(fresh_server):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "pressluft_reference", "--guard-scope", "none"],
                            capture_output=True, text=True, timeout=20)
    assert result.returncode == 2 and result.stderr.startswith("pressluft_reference: error:")
