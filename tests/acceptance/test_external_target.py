"""The whole suite against an external target (a reference started here): it says up front what it will do
(the start-up block), passes, shares one live site between the scenarios that only add to it, lists what it
created, skips the @disruptive scenarios unless allowed (and, allowed, puts back what it changed), and leaves
no fault behind that would change the target's behaviour."""
import re

import pytest

from behave_runs import assert_no_secrets, run_behave, wave5_scenarios
from support.runtime.config import EMBEDDED_PROVIDER_TOKEN
from support.runtime.skips import DISRUPTIVE

REJECTED = ("A provider credential that the provider rejects leaves the provider connection degraded, with guidance",
            "No node can be acquired while the provider connection is degraded, and nothing is queued or recorded")
START_UP = re.compile(r"^\[wave5\] run (?P<run_id>w5-[0-9a-f]{8}) against (?P<target>.+)\n"
                      r"  account: (?P<account>.+)\n"
                      r"  budgets: (?P<budgets>.+)\n"
                      r"  node: (?P<node>.+)\n"
                      r"  fault injection: (?P<faults>.+)$", re.M)
REAL_PRESSLUFT_BUDGETS = ("node 900 s, site 600 s, clone 600 s, backup 600 s, restore 600 s, preview 120 s; "
                          "retry ceiling 3600 s")


@pytest.fixture(scope="module")
def external_run(tmp_path_factory):
    from behave_runs import FaultyTarget

    target = FaultyTarget()
    try:
        run = run_behave(tmp_path_factory.mktemp("external"), "-f", "progress", "features/wave5", env=target.env())
        yield target, run
    finally:
        target.stop()


def test_a_full_run_on_an_external_target_passes_all_but_the_disruptive_scenarios(external_run):
    target, run = external_run
    assert run.exit_code == 0, run.output[-4000:]
    assert run.fail_lines == [] and run.suite_errors == [] and "Traceback" not in run.output
    results = {r["name"].strip(): r for r in run.results()}
    assert set(results) == {s.name for s in wave5_scenarios()}
    skipped = {name for name, r in results.items() if r["status"] == "skipped"}
    assert skipped == set(REJECTED)
    assert all({"name": "skip_reason", "value": DISRUPTIVE} in results[name]["labels"] for name in REJECTED)
    assert {r["status"] for name, r in results.items() if name not in REJECTED} == {"passed"}


def test_the_run_starts_with_a_block_naming_its_id_target_budgets_node_plan_and_what_it_skips(external_run):
    target, run = external_run
    block = START_UP.search(run.stderr)
    assert block and run.stderr.startswith("[wave5] run "), run.stderr[:2000]
    assert block["target"] == "external target"  # its label (PRESSLUFT_TARGET_NAME), never its address
    assert target.url not in run.output
    assert block["account"] == "admin@pressluft.local (provider hetzner)"
    assert block["budgets"] == REAL_PRESSLUFT_BUDGETS  # an external target gets a real Pressluft's budgets
    assert block["node"] == "acquires a new node"  # a fresh target has no provider node to reuse
    assert block["faults"] == ("yes; scenarios that change shared state: skipped "
                               "(PRESSLUFT_ALLOW_DISRUPTIVE=1 allows them)")
    assert run.stderr.count("[wave5] run ") == 1
    assert_no_secrets(run, EMBEDDED_PROVIDER_TOKEN)


def test_the_run_lists_its_resources_and_names_everything_it_made_with_its_run_id(external_run):
    target, run = external_run
    run_id = START_UP.search(run.stderr)["run_id"]
    match = re.search(rf"^run {run_id} created (\d+) resources on the target \(not deleted\):$", run.stdout, re.M)
    assert match, run.stdout[-2000:]
    count = int(match.group(1))
    listed = re.findall(r"^  - (\w[\w ]*?) (\S+)", run.stdout, re.M)
    assert len(listed) == count
    sites = {site["id"]: site for site in target.get("/api/sites")}
    listed_sites = [resource_id for kind, resource_id in listed if kind == "site"]
    assert listed_sites and all(site_id in sites for site_id in listed_sites)
    # every site on the target is this run's: its own, or made by a smoke command it ran (run id <run>-smoke-N, or
    # <run>-smoke-N-M for the M-th run of a scenario that runs the smoke more than once)
    assert all(site["slug"].startswith(f"{run_id}-") for site in sites.values())
    own = {site_id for site_id, site in sites.items() if re.fullmatch(rf"{run_id}-site-\d+", site["slug"])}
    smokes = {site_id for site_id, site in sites.items()
              if re.fullmatch(rf"{run_id}-smoke-\d+(?:-\d+)?-site-\d+", site["slug"])}
    assert own | smokes == set(sites) and set(listed_sites) == own
    props = (run.reports / "allure-results" / "environment.properties").read_text()
    assert "target.name=external target" in props and "target.embedded_reference=false" in props
    assert "target.url" not in props and target.url not in props
    assert f"run.id={run_id}" in props and f"run.created_resources={count}: " in props


def test_the_scenarios_that_only_add_to_a_site_share_one(external_run):
    """Own sites: one shared live site, plus one for each scenario that asks for a new site (they change
    production); every other scenario on a live site (clones, staging, refused restores, preflight) reuses it."""
    target, run = external_run
    run_id = START_UP.search(run.stderr)["run_id"]
    ran = [s for s in wave5_scenarios() if s.name not in REJECTED]
    new_sites = sum(1 for s in ran if s.says("a new site whose production environment is live"))
    sharing = [s.name for s in ran if s.says("a site whose production environment is live")]
    assert new_sites == 2 and len(sharing) >= 7
    own = [site for site in target.get("/api/sites") if re.fullmatch(rf"{run_id}-site-\d+", site["slug"])]
    assert len(own) == 1 + new_sites, [site["slug"] for site in own]
    site_jobs = [job for job in target.get("/api/jobs")
                 if job["job_type"] == "site_create" and job["site_id"] in {site["id"] for site in own}]
    assert len(site_jobs) == len(own)  # no site was requested twice


def test_the_run_leaves_no_fault_and_no_job_in_flight_behind(external_run):
    target, _ = external_run
    faults = target.get_faults()
    assert faults["node-readiness"] == []  # node faults and preflight-only faults alike
    assert faults["http"] is None
    assert all(f.get("status") in (None, 200) and not f.get("refuse") and not f.get("delay_seconds")
               and not f.get("location") for f in faults["preview"])
    assert faults["jobs"] == [] and faults["backups"] == []
    in_flight = [job for job in target.get("/api/jobs") if job["status"] in ("queued", "running")]
    assert in_flight == []


def test_the_disruptive_scenarios_run_when_allowed_and_put_the_provider_connection_back(tmp_path, faulty_target):
    target = faulty_target()
    connected = target.api.post(target.url + "/api/providers", timeout=5,
                                json={"provider_id": "hetzner", "api_token": EMBEDDED_PROVIDER_TOKEN})
    assert connected.status_code == 200 and connected.json()["status"] == "connected", connected.text
    run = run_behave(tmp_path, "--name", "|".join(f"^{re.escape(name)}$" for name in REJECTED), "features/wave5",
                     env=target.env(PRESSLUFT_ALLOW_DISRUPTIVE="1"))
    assert run.exit_code == 0, run.output[-4000:]
    assert "scenarios that change shared state: allowed" in run.stderr
    assert sorted((r["name"].strip(), r["status"]) for r in run.results()) == [(name, "passed") for name in REJECTED]
    # the scenario connected a credential the provider rejects; afterwards the operator's one is back
    after = {p["provider_id"]: (p["status"], p.get("guidance")) for p in target.get("/api/providers")}
    assert after == {"hetzner": ("connected", [])}, after


def test_the_job_budget_sets_the_four_job_kinds_and_a_kind_of_its_own_overrides_it(tmp_path, faulty_target):
    target = faulty_target()
    token = "sentinel-provider-token-4711"
    run = run_behave(tmp_path, "--tags=@no-such-tag", "features/wave5",
                     env=target.env(PRESSLUFT_JOB_TIMEOUT="7", PRESSLUFT_CLONE_TIMEOUT="9",
                                    PRESSLUFT_PREVIEW_TIMEOUT="4.5", PRESSLUFT_PROVIDER_TOKEN=token))
    block = START_UP.search(run.stderr)
    assert block, run.stderr[-2000:]
    assert block["budgets"] == ("node 900 s, site 7 s, clone 9 s, backup 7 s, restore 7 s, preview 4.5 s; "
                                "retry ceiling 3600 s")
    assert_no_secrets(run, token)
