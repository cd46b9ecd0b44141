"""SC-2 and AC-5 where the run acquires the target's first provider node, as on a fresh real Pressluft: the site
creation the run tries while that node is acquired is refused, queues nothing and records nothing; the run's wait for
that node saw it not ready at every look while Pressluft acquired it, then ready, requested once, and keeps those looks
(attached to the report and in the wait log). The scenarios that judge this pass on a target without fault injection;
a run that reuses a ready node skips them, saying why."""
from __future__ import annotations

import json
import re
import time

from behave_runs import only_verdict, run_behave

FIRST_NODE = "Site creation is refused while the target's first node is being acquired, before anything is queued"
NAME = ["--name", "^" + FIRST_NODE.replace("'", ".") + "$"]
POLLED = ("A node still being acquired is reported not ready each time it is checked, and becomes ready without being "
          "asked for again")


def test_on_a_fresh_target_without_fault_injection_the_refusal_is_proven_and_queues_nothing(tmp_path, faulty_target):
    target = faulty_target(enable_faults=False)
    run = run_behave(tmp_path, *NAME, "features/wave5", env=target.env())
    assert run.exit_code == 0, run.output[-3000:]
    assert run.summary()["passed"] == 1 and run.verdicts == []
    result = run.result_named(FIRST_NODE)
    [evidence] = run.attachments(result, "the site creation tried while the node was being acquired")
    lines = evidence.splitlines()
    assert lines[1].startswith("site creation tried ") and lines[1].endswith("POST /api/sites answered 409 "
                                                                             "node_not_ready")
    assert lines[4] in ("its acquisition job right after: queued", "its acquisition job right after: running")
    # refused: no site of the attempt, and no job but the node's own acquisition; the one site is the run's own live
    # site, made when the scenario is judged to show that the sites list can show a site (a full run makes it anyway)
    [site] = target.sites()
    assert re.fullmatch(r"w5-[0-9a-f]{8}-site-\d+", site["slug"]), site["slug"]  # the run's live site
    assert [job["job_type"] for job in target.get("/api/jobs")] == ["node_provision", "site_create"]
    [site_job] = [job for job in target.get("/api/jobs") if job["job_type"] == "site_create"]
    assert site_job["site_id"] == site["id"]


def a_ready_node_before_the_run(target) -> str:
    """A provider node made ready on the target before the run starts: the run reuses it. Its acquisition job."""
    target.api.post(target.url + "/api/providers", json={"provider_id": "hetzner", "api_token": "operator-token"},
                    timeout=5)
    job_id = target.api.post(target.url + "/api/nodes", json={"provider_id": "hetzner", "name": "earlier-node"},
                             timeout=5).json()["job_id"]
    for _ in range(200):
        if target.get(f"/api/jobs/{job_id}")["status"] == "succeeded":
            break
        time.sleep(0.05)
    return job_id


def test_on_a_fresh_target_without_fault_injection_the_looks_at_the_node_being_acquired_are_the_proof(
        tmp_path, faulty_target):
    target = faulty_target(enable_faults=False)
    run = run_behave(tmp_path, "--name", f"^{POLLED}$", "features/wave5", env=target.env())
    assert run.exit_code == 0, run.output[-3000:]
    assert run.summary()["passed"] == 1 and run.verdicts == []
    [looks] = run.attachments(run.result_named(POLLED), "the looks at the node while Pressluft acquired it")
    lines = looks.splitlines()
    assert re.match(r"the wait for the node w5-[0-9a-f]{8}-run-node \(.+\), requested by the run, and its "
                    r"acquisition job \S+: job \S+: \d+ polls over ", lines[0]), lines[0]
    assert re.search(r"acquisition (queued|running) \(attempt [01]\); the node not ready \(node_status_not_active",
                     lines[2]), lines[2]
    assert "acquisition succeeded (attempt 1); the node " in lines[-1]  # the node as listed just before that
    # the same looks in the wait log, with the wait for the node's acquisition job
    waits = [json.loads(line) for path in (run.reports / "waits").glob("*.jsonl")
             for line in path.read_text().splitlines()]
    [wait] = [entry for entry in waits if "sightings" in entry]
    assert wait["kind"] == "job" and wait["outcome"] == "done"
    assert [look["job_status"] for look in wait["sightings"]][-1] == "succeeded"
    assert all(look["node"]["readiness"]["is_ready"] is False for look in wait["sightings"]
               if look["job_status"] in ("queued", "running"))
    assert [job["job_type"] for job in target.get("/api/jobs")].count("node_provision") == 1


def test_a_run_that_reuses_a_ready_node_skips_the_scenario_and_says_why(tmp_path, faulty_target):
    target = faulty_target(enable_faults=False)
    a_ready_node_before_the_run(target)
    run = run_behave(tmp_path, *NAME, "features/wave5", env=target.env())
    assert run.exit_code == 2, run.output[-3000:]  # a selection that ran nothing judged nothing
    summary = run.summary()
    assert {key: summary[key] for key in ("selected", "skipped", "passed", "failed")} == \
        {"selected": 1, "skipped": 1, "passed": 0, "failed": 0}
    result = run.result_named(FIRST_NODE)
    reason = ("not shown on this target: the run reused a node, the ready node earlier-node; the readiness preflight "
              "while a node is being acquired is proven only by a run that acquires the target's first provider node")
    assert result["status"] == "skipped" and {"name": "skip_reason", "value": reason} in result["labels"]
    verdict = only_verdict(run)
    assert verdict["category"] == "config_error"
    assert verdict["reason"].endswith(f"all skipped on this target ({reason})")
    assert summary["closing_line"].endswith("not on this target: SC-2 (not shown on this target: the run reused a "
                                            "node, the ready node earlier-node)")
    assert target.sites() == []


def test_a_run_that_reuses_a_ready_node_shows_no_node_being_acquired_and_says_so(tmp_path, faulty_target):
    target = faulty_target(enable_faults=False)
    job_id = a_ready_node_before_the_run(target)
    run = run_behave(tmp_path, "--name", f"^{POLLED}$", "features/wave5", env=target.env())
    assert run.exit_code == 2, run.output[-3000:]  # a selection that ran nothing judged nothing
    result = run.result_named(POLLED)
    reason = ("not shown on this target: the run reused the ready node earlier-node; a node polled while Pressluft "
              "acquires it is shown only by a run that acquires a node itself (the target's first, say) or waits for "
              "one being acquired")
    assert result["status"] == "skipped" and {"name": "skip_reason", "value": reason} in result["labels"]
    assert [job["id"] for job in target.get("/api/jobs")] == [job_id]  # no node requested, nothing made
