"""The whole suite against an external target (a reference started here): it passes, lists what it
created, and leaves no fault behind that would change the target's behaviour."""
import re

from behave_runs import run_behave


def test_a_full_run_on_an_external_target_lists_its_resources_and_leaves_no_fault_behind(tmp_path, faulty_target):
    target = faulty_target()
    run = run_behave(tmp_path, "-f", "progress", "features/wave5", env=target.env())
    assert run.exit_code == 0, run.output[-4000:]

    match = re.search(r"^run (w5-[0-9a-f]{8}) created (\d+) resources on the target \(not deleted\):$", run.stdout, re.M)
    assert match, run.stdout[-2000:]
    run_id, count = match.group(1), int(match.group(2))
    listed = re.findall(r"^  - (\w[\w ]*?) (\S+)", run.stdout, re.M)
    assert len(listed) == count
    sites = {site["id"]: site for site in target.get("/api/sites")}
    listed_sites = [resource_id for kind, resource_id in listed if kind == "site"]
    assert listed_sites and all(site_id in sites for site_id in listed_sites)
    assert all(sites[site_id]["slug"].startswith(run_id) for site_id in listed_sites)
    props = (run.reports / "allure-results" / "environment.properties").read_text()
    assert f"target.url={target.url}" in props and "target.embedded_reference=false" in props
    assert f"run.created_resources={count}: " in props

    faults = target.get_faults()
    assert faults["node-readiness"] == []
    assert faults["http"] is None
    assert all(f.get("status") in (None, 200) and not f.get("refuse") and not f.get("delay_seconds")
               for f in faults["preview"])
    assert faults["jobs"] == [] and faults["backups"] == []
    in_flight = [job for job in target.get("/api/jobs") if job["status"] in ("queued", "running")]
    assert in_flight == []
