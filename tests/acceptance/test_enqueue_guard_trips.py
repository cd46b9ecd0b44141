"""The enqueue guard tripping during a run (issue 26 §1), against both behaviours of a refused creation: the run looks
at the jobs first and finds the node free, but another operator's site creation on the same node is accepted just
before its own arrives (the reference's busy-node fault: that job runs 1.5 s), so the guard refuses it.

* a clean refusal (the contract: nothing recorded): the run waits for that job to end, submits again, and passes;
* the records kept (Pressluft at 6164b449, the reference's --guard-refusal-keeps-records): one contract_violation
  line naming the refused request and the site it left, within seconds, not a job_timeout after the budget."""
from __future__ import annotations

import re

from behave_runs import new_run_id, only_verdict, run_smoke

HOLD = 1.5


def trip_the_guard(faulty_target, *args):
    target = faulty_target(extra_args=args)
    run_id = new_run_id()
    target.fault("busy-node", {"site_slug_prefix": f"{run_id}-site-", "seconds": HOLD})
    return target, run_id


def step_names(steps: list) -> list[str]:
    return [name for step in steps for name in [step["name"], *step_names(step.get("steps", []))]]


def site_creations(run, run_id: str) -> list[str]:
    """The run's requests to create its live site, as its report narrates them (a re-submission says so)."""
    names = step_names(run.result_named("A clone environment made from production").get("steps", []))
    return [name for name in names if re.fullmatch(rf"Create the site {run_id}-site-\d+( \(submitted again\))?",
                                                   name)]


def test_a_clean_refusal_is_waited_out_and_the_run_passes_after_the_other_job_ends(tmp_path, faulty_target):
    target, run_id = trip_the_guard(faulty_target)
    run = run_smoke(tmp_path, "site-clone-preview", env=target.env(PRESSLUFT_RUN_ID=run_id))
    assert run.exit_code == 0, run.output[-3000:]
    [slug] = {name.split()[3] for name in site_creations(run, run_id)}
    assert site_creations(run, run_id) == [f"Create the site {slug}", f"Create the site {slug} (submitted again)"]
    [other] = [job for job in target.jobs(job_type="site_create") if job["site_id"] in
               {site["id"] for site in target.sites("other-operator-")}]
    [mine] = target.sites(f"{run_id}-site-")
    [my_job] = target.jobs(site_id=mine["id"], job_type="site_create")
    assert other["status"] == "succeeded" and my_job["created_at"] >= other["finished_at"]  # after it ended
    assert run.elapsed < 60


def test_a_refusal_that_kept_the_site_is_one_contract_violation_naming_it_within_seconds(tmp_path, faulty_target):
    target, run_id = trip_the_guard(faulty_target, "--guard-refusal-keeps-records")
    run = run_smoke(tmp_path, "site-clone-preview", env=target.env(PRESSLUFT_RUN_ID=run_id))
    assert run.exit_code == 1, run.output[-3000:]
    verdict = only_verdict(run)
    [left] = target.sites(f"{run_id}-site-")
    assert (verdict["category"], verdict["command"], verdict["job_id"]) == ("contract_violation", "POST /api/sites",
                                                                           "none")
    assert verdict["reason"] == (
        f"the enqueue guard refused it (409 conflict: conflicting site mutation), yet it left the site {left['id']} "
        f"({left['slug']}, status active) recorded, as GET /api/sites shows: a refused creation must record nothing; "
        "not submitted again")
    assert site_creations(run, run_id) == [f"Create the site {left['slug']}"]  # never sent again
    assert run.elapsed < 30  # in seconds, not a job budget
