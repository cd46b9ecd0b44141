"""Every kind of failure provoked on a faulty target, and the verdict the suite gives: exit code, category,
command, the real job id read back from the target, reason, the diagnosis under the line, the Allure result,
category and attachments, JUnit.

1. The failure classes as an operator meets them: the smoke commands (bash scripts/smoke-*.sh) run against a
   target whose fault is scoped to the smoke's own sites (site_slug_prefix=<run id>-). This is the line the
   failure-class scenarios check only in part (e.g. "the refused request, and no job" of a preflight block,
   tools/claims.py), checked here in full against what the target lists.
2. The success scenarios fail for the reason their name says, in the suite's own flows (behave --name).
3. What the verdicts rest on: the node secured once, transient answers retried, the embedded target's log,
   and an error in the suite's own code, which is a SUITE ERROR line and never a verdict.
"""
import random
import re
import threading
import time

import pytest

from behave_runs import ROOT, assert_no_secrets, new_run_id, only_verdict, run_behave, run_smoke
from support.runtime.config import EMBEDDED_PROVIDER_TOKEN

CLONE = "A clone environment made from production gets a reachable preview -- @1.1 A clone"
STAGING = "A staging environment made from production gets a reachable preview -- @2.1 A staging environment"
BACKUP = ("Production restored from a full backup is live again on the "
          "same node, and the restore kept a checkpoint of it")
NODE = "With no node ready, exactly one provider-acquired node is acquired, and it becomes ready"
SMOKES_PASS = "^The (clone preview smoke makes|backup and restore smoke backs up) "
SHORT = {"PRESSLUFT_JOB_TIMEOUT": "2", "PRESSLUFT_PREVIEW_TIMEOUT": "1"}
SMOKE_FAILED = re.compile(r"^\[smoke\] FAIL: (site-clone-preview|backup-restore) smoke failed \(exit 1: Pressluft "
                          r"failed a check\); the \[wave5\] FAIL line above says why$", re.M)


def unescaped(xml: str) -> str:
    return xml.replace("&quot;", '"').replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")


def check_reported(run, name, verdict):
    """The failing scenario's Allure result, attachments, category and JUnit carry the same verdict."""
    line = next(text for text in run.stderr.splitlines() if text.startswith("[wave5] FAIL"))
    assert run.exit_code == 1
    result = run.result_named(name)
    assert result["status"] == "failed"
    assert line in result["statusDetails"]["message"].splitlines()[0]
    assert run.category_of(result) == f"Product defect: {verdict['category']}"
    diagnosis = run.attachments(result, "diagnosis")
    assert len(diagnosis) == 1 and diagnosis[0].splitlines()[0] == line
    assert run.attachments(result, "HTTP exchanges (redacted)")
    assert line in unescaped(run.junit_text())
    assert "Traceback" not in run.output and run.suite_errors == []
    assert_no_secrets(run, EMBEDDED_PROVIDER_TOKEN)
    return diagnosis[0]


# -- 1. the failure classes, through the smoke commands ------------------------------------------------
def smoke(tmp_path, target, name, run_id, **env):
    run = run_smoke(tmp_path, name, env=target.env(PRESSLUFT_RUN_ID=run_id, **{**SHORT, **env}))
    assert run.exit_code == 1, run.output[-3000:]
    assert run.success_lines == [] and len(SMOKE_FAILED.findall(run.stderr)) == 1
    assert run.stderr.rstrip().splitlines()[-1].startswith("[smoke] FAIL: ")  # the smoke's last word
    assert run.summary()["failed"] == 1 and run.summary()["passed"] == 0
    return run


def smoke_site(target, run_id):
    [site] = target.sites(f"{run_id}-")
    environments = target.environments(site["id"])
    return site, {env["environment_type"]: env for env in environments}


def test_a_preflight_block_fails_the_clone_smoke_naming_the_refused_request_no_job_and_the_reasons(
        tmp_path, faulty_target):
    target = faulty_target()
    run_id = new_run_id()
    target.fault("node-readiness", {"reason_codes": ["sudo_unavailable", "runtime_missing"], "node_id": None,
                                    "preflight_site_slug_prefix": f"{run_id}-"})
    run = smoke(tmp_path, target, "site-clone-preview", run_id)
    verdict = only_verdict(run)
    assert (verdict["category"], verdict["command"], verdict["job_id"]) == ("preflight_blocked", "POST /api/sites",
                                                                           "none")
    assert verdict["reason"].startswith("409 node_not_ready: target node is not ready: sudo_unavailable, "
                                        "runtime_missing. ")  # the codes, then Pressluft's guidance
    assert "sudo -n true must succeed" in verdict["reason"] and "wp CLI must be available" in verdict["reason"]
    assert target.sites(f"{run_id}-") == []
    assert [job["job_type"] for job in target.jobs()] == ["node_provision"]  # the smoke's node, nothing else
    diagnosis = check_reported(run, CLONE, verdict)
    assert "> POST /api/sites" in diagnosis and "< 409" in diagnosis


def test_a_clone_that_keeps_failing_fails_the_clone_smoke_with_its_job_and_error(tmp_path, faulty_target):
    target = faulty_target()
    run_id = new_run_id()
    target.fault("jobs", {"match": {"job_type": "env_create", "site_slug_prefix": f"{run_id}-"}, "outcome": "fail",
                          "error_code": "ANSIBLE_HOST_FAILED", "error_message": "wp core install failed on target"})
    run = smoke(tmp_path, target, "site-clone-preview", run_id)
    verdict = only_verdict(run)
    site, environments = smoke_site(target, run_id)
    [job] = target.jobs(job_type="env_create")
    assert (job["status"], job["attempt_count"], job["environment_id"]) == ("failed", job["max_attempts"],
                                                                          environments["clone"]["id"])
    assert verdict == {"category": "job_failed", "command": f"POST /api/sites/{site['id']}/environments",
                       "job_id": job["id"], "reason": "ANSIBLE_HOST_FAILED: wp core install failed on target"}
    diagnosis = check_reported(run, CLONE, verdict)
    assert '"error_code": "ANSIBLE_HOST_FAILED"' in diagnosis  # the job JSON
    assert "waiting to retry after ANSIBLE_HOST_FAILED" in diagnosis  # the retries Pressluft made, in the history


def test_a_cancelled_clone_fails_the_clone_smoke_as_cancelled_not_timed_out(tmp_path, faulty_target):
    target = faulty_target()
    run_id = new_run_id()
    target.fault("jobs", {"match": {"job_type": "env_create", "site_slug_prefix": f"{run_id}-"}, "outcome": "cancel"})
    run = smoke(tmp_path, target, "site-clone-preview", run_id)
    verdict = only_verdict(run)
    site, _ = smoke_site(target, run_id)
    [job] = target.jobs(job_type="env_create")
    assert job["status"] == "cancelled"
    assert verdict == {"category": "job_cancelled", "command": f"POST /api/sites/{site['id']}/environments",
                       "job_id": job["id"], "reason": "job ended cancelled"}
    check_reported(run, CLONE, verdict)


def test_a_clone_that_never_ends_fails_the_clone_smoke_as_timed_out_at_its_budget(tmp_path, faulty_target):
    target = faulty_target()
    run_id = new_run_id()
    target.fault("jobs", {"match": {"job_type": "env_create", "site_slug_prefix": f"{run_id}-"}, "outcome": "hang"})
    run = smoke(tmp_path, target, "site-clone-preview", run_id)
    verdict = only_verdict(run)
    site, _ = smoke_site(target, run_id)
    [job] = target.jobs(job_type="env_create")
    assert job["status"] == "running"
    assert verdict == {"category": "job_timeout", "command": f"POST /api/sites/{site['id']}/environments",
                       "job_id": job["id"], "reason": "still running when its 2 s budget was spent, without progress"}
    assert run.elapsed < 20
    check_reported(run, CLONE, verdict)


@pytest.mark.parametrize("fault, last_answer", [({"status": 500}, "answered 500"),
                                                ({"refuse": True}, "got connection refused")])
def test_an_unreachable_clone_preview_fails_the_clone_smoke_naming_its_address_and_last_answer(
        tmp_path, faulty_target, fault, last_answer):
    target = faulty_target()
    run_id = new_run_id()
    target.fault("preview", {"site_slug_prefix": f"{run_id}-", "environment_type": "clone", **fault})
    run = smoke(tmp_path, target, "site-clone-preview", run_id)
    verdict = only_verdict(run)
    _, environments = smoke_site(target, run_id)
    [job] = target.jobs(job_type="env_create")
    assert job["status"] == "succeeded" and environments["clone"]["status"] == "active"
    clone = environments["clone"]  # an external target's preview is named without its host
    assert verdict == {"category": "preview_unreachable", "command": f"GET <preview of env {clone['id'][:8]}>/",
                       "job_id": job["id"], "reason": f"preview {last_answer} until its 1 s budget was spent"}
    assert clone["preview_url"] not in run.everything_written()
    diagnosis = check_reported(run, CLONE, verdict)
    assert "--- poll history ---" in diagnosis and f"last answer: {last_answer.split(' ', 1)[1]}" in diagnosis
    assert "--- reference target log (tail) ---" not in diagnosis  # an external target: no log of ours


def test_a_failing_restore_fails_the_backup_smoke_with_its_job_and_error(tmp_path, faulty_target):
    target = faulty_target()
    run_id = new_run_id()
    target.fault("jobs", {"match": {"job_type": "env_restore", "site_slug_prefix": f"{run_id}-"}, "outcome": "fail",
                          "error_code": "ANSIBLE_PLAY_ERROR", "error_message": "restore playbook aborted"})
    run = smoke(tmp_path, target, "backup-restore", run_id)
    verdict = only_verdict(run)
    _, environments = smoke_site(target, run_id)
    [job] = target.jobs(job_type="env_restore")
    assert (job["status"], job["attempt_count"]) == ("failed", 1)
    assert verdict == {"category": "job_failed",
                       "command": f"POST /api/environments/{environments['production']['id']}/restore",
                       "job_id": job["id"], "reason": "ANSIBLE_PLAY_ERROR: restore playbook aborted"}
    check_reported(run, BACKUP, verdict)


def test_a_backup_without_checksum_fails_the_backup_smoke_as_a_contract_violation(tmp_path, faulty_target):
    target = faulty_target()
    run_id = new_run_id()
    target.fault("backups", {"environment_id": None, "checksum": None, "count": 1})
    run = smoke(tmp_path, target, "backup-restore", run_id)
    verdict = only_verdict(run)
    _, environments = smoke_site(target, run_id)
    production = environments["production"]["id"]
    [job] = target.jobs(job_type="backup_create")
    assert job["status"] == "succeeded" and target.jobs(job_type="env_restore") == []
    assert (verdict["category"], verdict["command"], verdict["job_id"]) == (
        "contract_violation", f"GET /api/environments/{production}/backups", job["id"])
    assert "checksum" in verdict["reason"] and job["id"] in verdict["reason"]
    check_reported(run, BACKUP, verdict)


# -- 2. the success scenarios fail for the reason their name says ---------------------------------------
def run_scenario(tmp_path, target, name, **env):
    return run_behave(tmp_path, "--name", f"^{re.escape(name)}\\s*$", "features/wave5", env=target.env(**env))


def test_a_failing_environment_creation_fails_the_staging_scenario_as_job_failed(tmp_path, faulty_target):
    target = faulty_target()
    run_id = new_run_id()
    target.fault("jobs", {"match": {"job_type": "env_create", "site_slug_prefix": f"{run_id}-"}, "outcome": "fail",
                          "error_code": "ANSIBLE_HOST_FAILED", "error_message": "wp core install failed on target",
                          "retryable": False})
    run = run_scenario(tmp_path, target, STAGING, PRESSLUFT_RUN_ID=run_id)
    verdict = only_verdict(run)
    [job] = target.jobs(job_type="env_create")
    assert (job["status"], job["attempt_count"]) == ("failed", 1)
    assert verdict == {"category": "job_failed", "command": f"POST /api/sites/{job['site_id']}/environments",
                       "job_id": job["id"], "reason": "ANSIBLE_HOST_FAILED: wp core install failed on target"}
    diagnosis = check_reported(run, STAGING, verdict)
    assert '"error_code": "ANSIBLE_HOST_FAILED"' in diagnosis and '"status": "failed"' in diagnosis


def test_a_node_that_never_becomes_ready_fails_the_node_scenario_as_node_not_ready(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("node-readiness", {"reason_codes": ["runtime_missing"], "node_id": None})
    run = run_scenario(tmp_path, target, NODE, PRESSLUFT_NODE_TIMEOUT="3")
    verdict = only_verdict(run)
    [job] = target.jobs(job_type="node_provision")
    assert job["status"] == "succeeded"
    assert (verdict["category"], verdict["command"], verdict["job_id"]) == ("node_not_ready", "GET /api/nodes",
                                                                            job["id"])
    assert re.fullmatch(r"still not ready \(runtime_missing, status \w+\) when its 3 s budget was spent",
                        verdict["reason"]), verdict["reason"]
    diagnosis = check_reported(run, NODE, verdict)
    assert "reason_codes=['runtime_missing']" in diagnosis and "guidance:" in diagnosis


def _seed_with_a_long_first_delay(maximum: float, at_least: float) -> int:
    return next(seed for seed in range(1000) if random.Random(seed).uniform(0, maximum) >= at_least)


def test_a_node_turning_unready_before_the_clone_fails_the_clone_scenario_as_preflight_blocked(
        tmp_path, faulty_target):
    """The node is ready when the run's site is created; the clone request is held back (a seeded latency
    fault) while the create preflight of that site starts to find the node not ready (a preflight-only fault
    on the run's slug prefix: the node list still says ready), so the clone is refused by the preflight."""
    target = faulty_target()
    run_id = new_run_id()
    target.fault("http", {"error_rate": 0, "statuses": [503], "latency_max_seconds": 3.0, "methods": ["POST"],
                          "path_prefix": "/api/sites/", "seed": _seed_with_a_long_first_delay(3.0, 2.0)})
    stop = threading.Event()

    def turn_unready_once_the_site_exists():
        while not stop.is_set():
            if target.jobs(job_type="site_create", status="succeeded"):
                target.fault("node-readiness", {"reason_codes": ["runtime_missing"], "node_id": None,
                                                "preflight_site_slug_prefix": f"{run_id}-"})
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=turn_unready_once_the_site_exists, daemon=True)
    watcher.start()
    try:
        run = run_scenario(tmp_path, target, CLONE, PRESSLUFT_RUN_ID=run_id)
    finally:
        stop.set()
        watcher.join(5)
    verdict = only_verdict(run)
    [site_job] = target.jobs(job_type="site_create")
    assert target.jobs(job_type="env_create") == []
    assert [env["environment_type"] for env in target.environments(site_job["site_id"])] == ["production"]
    assert verdict["category"] == "preflight_blocked"
    assert verdict["command"] == f"POST /api/sites/{site_job['site_id']}/environments"
    assert verdict["job_id"] == "none"
    assert verdict["reason"].startswith("409 node_not_ready: target node is not ready: runtime_missing")
    check_reported(run, CLONE, verdict)


def test_a_smoke_command_that_fails_fails_the_smoke_entry_scenarios_with_its_own_verdict(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("preview", {"status": 500})  # every preview: production's too
    run = run_behave(tmp_path, "--name", SMOKES_PASS, "features/wave5", env=target.env(PRESSLUFT_PREVIEW_TIMEOUT="1"))
    assert run.exit_code == 1
    verdicts = run.verdicts
    assert len(verdicts) == 2 and len(run.fail_lines) == 2  # one per row; the smokes' own lines are quoted
    for verdict in verdicts:  # the smoke's own: its category, its command (production's preview), its reason
        assert verdict["category"] == "preview_unreachable" and verdict["job_id"] == "none"
        assert re.fullmatch(r"GET <preview of env [0-9a-f]{8}>/", verdict["command"]), verdict["command"]
        assert verdict["reason"] == "preview answered 500 until its 1 s budget was spent", verdict["reason"]
    assert "smoke output (tail):   | " in run.stderr  # the smoke's output, quoted
    assert re.search(r"smoke: scripts/smoke-(site-clone-preview|backup-restore)\.sh: the (clone preview|backup and "
                     r"restore) smoke exited with status 1 after 0 passed scenarios", run.stderr)
    for result in run.results():
        assert run.category_of(result) == "Product defect: preview_unreachable"


# -- 3. what the verdicts rest on ------------------------------------------------------------------------
def test_the_run_node_is_secured_once_even_when_it_fails(tmp_path, faulty_target):
    """Two scenarios needing the node, one acquisition that never gets ready: requested once, not per scenario,
    and both scenarios get the same verdict."""
    target = faulty_target()
    target.fault("node-readiness", {"reason_codes": ["sudo_unavailable"], "node_id": None})
    run = run_behave(tmp_path, "--name", f"^{re.escape(CLONE)}|^{re.escape(STAGING)}", "features/wave5",
                     env=target.env(PRESSLUFT_NODE_TIMEOUT="2"))
    assert run.exit_code == 1
    [job] = target.jobs(job_type="node_provision")
    assert len(run.verdicts) == 2 and len(run.fail_lines) == 2
    assert {(v["category"], v["command"], v["job_id"]) for v in run.verdicts} == {("node_not_ready", "GET /api/nodes",
                                                                                  job["id"])}
    first, second = (v["reason"] for v in run.verdicts)  # the same failure, remembered, not paid for again
    assert second == f"{first} (the wait was spent in scenario '{CLONE}')"
    assert target.jobs(job_type="site_create") == []


def test_transient_502_and_503_on_reads_are_retried_and_the_clone_scenario_still_passes(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("http", {"error_rate": 0.3, "statuses": [502, 503], "latency_max_seconds": 0.0, "methods": ["GET"],
                          "path_prefix": "/api/", "seed": 7})
    run = run_scenario(tmp_path, target, CLONE)
    assert run.exit_code == 0, run.stderr[-3000:]
    exchanges = "\n".join(run.attachments(run.result_named(CLONE), "HTTP exchanges (redacted)"))
    assert "[retry 1 of GET]" in exchanges and ("< 503" in exchanges or "< 502" in exchanges)
    assert target.get_faults()["http-counts"]["failed"] > 0


def test_a_failure_on_the_embedded_target_shows_the_tail_of_its_log(tmp_path):
    run = run_behave(tmp_path, "--name", f"^{re.escape(CLONE)}", "features/wave5",
                     env={"PRESSLUFT_JOB_TIMEOUT": "0.05"})
    verdict = only_verdict(run)
    assert verdict["category"] == "job_timeout" and verdict["command"] == "POST /api/sites"
    assert "--- reference target log (tail) ---" in run.stderr
    assert re.search(r"^event=\w+", run.stderr, re.M)
    diagnosis = run.attachments(run.result_named(CLONE), "diagnosis")[0]
    assert "--- reference target log (tail) ---" in diagnosis


SUITE_ERROR_FEATURE = """Feature: The suite's own code fails
  Scenario: A step of the suite meets a record it cannot read
    Given a ready provider-acquired node
    When the suite's own code reads a site record without an id
"""
SUITE_ERROR_STEPS = '''from behave import when

from support.pressluft.sites import LiveSite
from support.flows.sites import ensure_live


@when("the suite's own code reads a site record without an id")
def step_reads_a_broken_record(context):
    ensure_live(context.run.operator, LiveSite(site={}, production={}))  # KeyError 'id' in support/flows/sites.py
'''


def test_an_error_in_the_suites_own_code_is_a_suite_error_line_never_a_verdict(tmp_path):
    """The suite's hooks and steps (environment.py, steps/) with one extra step that calls the library wrongly:
    its KeyError is an error of the suite, reported with its traceback, never as a [wave5] FAIL on Pressluft."""
    features = tmp_path / "features"
    (features / "steps").mkdir(parents=True)
    (features / "suite_error.feature").write_text(SUITE_ERROR_FEATURE)
    (features / "environment.py").write_text("from environment import *  # noqa: F401,F403 (the suite's hooks)\n")
    (features / "steps" / "suite_steps.py").write_text("".join(
        f"from steps.{module.stem} import *  # noqa: F401,F403\n" for module in sorted((ROOT / "steps").glob("*.py"))))
    (features / "steps" / "broken_step.py").write_text(SUITE_ERROR_STEPS)
    run = run_behave(tmp_path, str(features))
    assert run.exit_code == 2, run.output[-3000:]  # the run could not judge Pressluft
    assert run.fail_lines == [] and run.verdicts == []
    assert run.suite_errors == ['[wave5] SUITE ERROR in step "the suite\'s own code reads a site record without an '
                                'id": KeyError: \'id\'']
    [result] = run.results()
    assert result["status"] == "broken" and run.category_of(result) == "Suite error"
    [trace] = run.attachments(result, "suite error")
    assert trace.startswith(run.suite_errors[0] + "\nTraceback") and "support/flows/sites.py" in trace
    assert run.summary()["failed"] == 1 and run.summary()["suite_errors"] == 1
