"""Each failure class forced on a faulty target: the verdict (exit code, category, command, the real job id
read back from the target, reason), the attachments, and the Allure category. Each success scenario is
also shown to fail for the reason its name says."""
import random
import re
import threading
import time

import pytest

from behave_runs import assert_no_secrets, only_verdict, run_behave
from support.config import EMBEDDED_PROVIDER_TOKEN

CLONE = "A clone of production gets a reachable preview"
STAGING = "A staging copy of production gets a reachable preview"
BACKUP = "A full backup is created, listed with its integrity data and restored"
NODE = "The run's node is acquired or confirmed, and becomes ready"
SMOKE_PASSES = "A smoke command passes against a working control plane"


def run_scenario(tmp_path, target, name, **env):
    return run_behave(tmp_path, "--name", re.escape(name), "features/wave5", env=target.env(**env))


def check_reported(run, name, verdict):
    """The failing scenario's Allure result, attachments, category and JUnit carry the same verdict."""
    line = next(l for l in run.stderr.splitlines() if l.startswith("[wave5] FAIL"))
    assert run.exit_code == 1
    result = run.result_named(name)
    assert result["status"] == "failed"
    assert line in result["statusDetails"]["message"].splitlines()[0]
    assert run.category_of(result) == f"Product defect: {verdict['category']}"
    diagnosis = run.attachments(result, "diagnosis")
    assert len(diagnosis) == 1 and diagnosis[0].splitlines()[0] == line
    assert run.attachments(result, "HTTP exchanges (redacted)")
    assert line in run.junit_text().replace("&quot;", '"').replace("&gt;", ">").replace("&lt;", "<")
    assert "Traceback" not in run.stderr
    assert_no_secrets(run, EMBEDDED_PROVIDER_TOKEN)
    return diagnosis[0]


def site_of(target, job):
    return target.get(f"/api/sites/{job['site_id']}")


def test_a_preview_answering_500_fails_the_clone_scenario_as_preview_unreachable(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("preview", {"environment_id": None, "site_id": None, "status": 500})
    run = run_scenario(tmp_path, target, CLONE, PRESSLUFT_PREVIEW_TIMEOUT="2")
    verdict = only_verdict(run)
    [job] = target.jobs(job_type="env_create")
    clone = target.get(f"/api/environments/{job['environment_id']}")
    assert verdict["category"] == "preview_unreachable"
    assert verdict["command"] == f"GET {clone['preview_url']}"
    assert verdict["job_id"] == "none"
    assert re.fullmatch(r"preview answered 500 on \d+ tries over 2 s", verdict["reason"])
    diagnosis = check_reported(run, CLONE, verdict)
    assert "--- poll history ---" in diagnosis and "states seen: 500" in diagnosis
    assert "--- reference target log (tail) ---" not in diagnosis  # an external target: no log of ours


def test_the_same_failure_gives_the_same_line_on_every_run(tmp_path, faulty_target):
    lines = []
    for attempt in range(2):
        target = faulty_target()
        target.fault("preview", {"environment_id": None, "site_id": None, "refuse": True, "status": 200})
        run = run_scenario(tmp_path / str(attempt), target, CLONE, PRESSLUFT_PREVIEW_TIMEOUT="2")
        verdict = only_verdict(run)
        lines.append(re.sub(r"127\.0\.0\.1:\d+", "HOST", f"{verdict}"))
    assert lines[0] == lines[1]
    assert "connection refused on" in lines[0]


def test_a_failing_environment_creation_fails_the_staging_scenario_as_job_failed(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("jobs", {"match": {"job_type": "env_create"}, "outcome": "fail", "error_code": "ANSIBLE_HOST_FAILED",
                          "error_message": "wp core install failed on target", "retryable": False})
    run = run_scenario(tmp_path, target, STAGING)
    verdict = only_verdict(run)
    [job] = target.jobs(job_type="env_create")
    assert job["status"] == "failed"
    assert verdict == {"category": "job_failed", "command": f"POST /api/sites/{job['site_id']}/environments",
                       "job_id": job["id"], "reason": "ANSIBLE_HOST_FAILED: wp core install failed on target"}
    diagnosis = check_reported(run, STAGING, verdict)
    assert '"error_code": "ANSIBLE_HOST_FAILED"' in diagnosis  # the job JSON


def test_a_cancelled_environment_creation_is_job_cancelled_not_a_timeout(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("jobs", {"match": {"job_type": "env_create"}, "outcome": "cancel"})
    run = run_scenario(tmp_path, target, CLONE)
    verdict = only_verdict(run)
    [job] = target.jobs(job_type="env_create")
    assert job["status"] == "cancelled"
    assert (verdict["category"], verdict["job_id"]) == ("job_cancelled", job["id"])
    assert verdict["command"] == f"POST /api/sites/{job['site_id']}/environments"
    check_reported(run, CLONE, verdict)


def test_a_hanging_environment_creation_is_job_timeout_after_the_job_budget(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("jobs", {"match": {"job_type": "env_create"}, "outcome": "hang"})
    started = time.monotonic()
    run = run_scenario(tmp_path, target, CLONE, PRESSLUFT_JOB_TIMEOUT="2")
    verdict = only_verdict(run)
    [job] = target.jobs(job_type="env_create")
    assert job["status"] == "running"
    assert (verdict["category"], verdict["job_id"]) == ("job_timeout", job["id"])
    assert re.fullmatch(r"still running after 2 s, \d+ polls", verdict["reason"])
    assert time.monotonic() - started < 15
    check_reported(run, CLONE, verdict)


def test_a_node_that_never_becomes_ready_fails_the_node_scenario_as_node_not_ready(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("node-readiness", {"reason_codes": ["runtime_missing"], "node_id": None})
    run = run_scenario(tmp_path, target, NODE, PRESSLUFT_NODE_TIMEOUT="3")
    verdict = only_verdict(run)
    [job] = target.jobs(job_type="node_provision")
    assert job["status"] == "succeeded"
    assert (verdict["category"], verdict["command"], verdict["job_id"]) == ("node_not_ready", "GET /api/nodes",
                                                                            job["id"])
    assert re.fullmatch(r"still not ready \(runtime_missing, status \w+\) after [23] s, \d+ polls", verdict["reason"])
    diagnosis = check_reported(run, NODE, verdict)
    assert "reason_codes=['runtime_missing']" in diagnosis and "guidance:" in diagnosis


def test_a_backup_without_checksum_fails_the_backup_scenario_as_contract_violation(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("backups", {"environment_id": None, "checksum": None, "count": 5})
    run = run_scenario(tmp_path, target, BACKUP)
    verdict = only_verdict(run)
    [job] = target.jobs(job_type="backup_create")
    assert job["status"] == "succeeded"
    assert verdict["category"] == "contract_violation"
    assert verdict["command"] == f"GET /api/environments/{job['environment_id']}/backups"
    assert verdict["job_id"] == job["id"]
    assert re.fullmatch(r"the backup \S+ is completed with checksum None and size \d+", verdict["reason"])
    check_reported(run, BACKUP, verdict)


def test_a_failing_restore_fails_the_backup_scenario_as_job_failed(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("jobs", {"match": {"job_type": "env_restore"}, "outcome": "fail", "error_code": "ANSIBLE_PLAY_ERROR",
                          "error_message": "restore playbook aborted"})
    run = run_scenario(tmp_path, target, BACKUP)
    verdict = only_verdict(run)
    [job] = target.jobs(job_type="env_restore")
    assert verdict == {"category": "job_failed", "command": f"POST /api/environments/{job['environment_id']}/restore",
                       "job_id": job["id"], "reason": "ANSIBLE_PLAY_ERROR: restore playbook aborted"}
    check_reported(run, BACKUP, verdict)


def _seed_with_a_long_first_delay(maximum: float, at_least: float) -> int:
    return next(seed for seed in range(1000) if random.Random(seed).uniform(0, maximum) >= at_least)


def test_a_node_turning_unready_before_the_clone_is_preflight_blocked(tmp_path, faulty_target):
    """The node is ready when the site is created; it stops being ready while the clone request is in flight
    (held back by a seeded latency fault), so the clone is refused by the readiness preflight."""
    target = faulty_target()
    target.fault("http", {"error_rate": 0, "statuses": [503], "latency_max_seconds": 3.0, "methods": ["POST"],
                          "path_prefix": "/api/sites/", "seed": _seed_with_a_long_first_delay(3.0, 2.0)})
    stop = threading.Event()

    def turn_unready_once_the_site_exists():
        while not stop.is_set():
            if target.jobs(job_type="site_create", status="succeeded"):
                target.fault("node-readiness", {"reason_codes": ["runtime_missing"], "node_id": None})
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=turn_unready_once_the_site_exists, daemon=True)
    watcher.start()
    try:
        run = run_scenario(tmp_path, target, CLONE)
    finally:
        stop.set()
        watcher.join(5)
    verdict = only_verdict(run)
    [site_job] = target.jobs(job_type="site_create")
    assert target.jobs(job_type="env_create") == []
    assert verdict["category"] == "preflight_blocked"
    assert verdict["command"] == f"POST /api/sites/{site_job['site_id']}/environments"
    assert verdict["job_id"] == "none"
    assert verdict["reason"].startswith("409 node_not_ready: target node is not ready: runtime_missing")
    check_reported(run, CLONE, verdict)


def test_a_smoke_command_that_fails_fails_the_smoke_entry_scenario(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("preview", {"environment_id": None, "site_id": None, "status": 500})
    run = run_behave(tmp_path, "--name", SMOKE_PASSES, "--tags=@smoke-entry", "features/wave5",
                     env=target.env(PRESSLUFT_PREVIEW_TIMEOUT="2"))
    assert run.exit_code == 1
    verdicts = run.verdicts
    assert len(verdicts) == 2  # one per example row (clone and backup/restore smokes)
    for verdict in verdicts:
        assert verdict["category"] == "contract_violation"
        assert verdict["command"].startswith("scripts/smoke-")
        assert re.search(r"exited with status 1, expected 0; its verdict: preview_unreachable: preview answered 500",
                         verdict["reason"])


@pytest.mark.parametrize("fault, category", [
    ({"reason_codes": ["sudo_unavailable"], "node_id": None}, "node_not_ready"),
])
def test_the_run_node_is_secured_once_even_when_it_fails(tmp_path, faulty_target, fault, category):
    """Two scenarios needing the node, one failed acquisition: the node is requested once, not per scenario."""
    target = faulty_target()
    target.fault("node-readiness", fault)
    run = run_behave(tmp_path, "--name", f"{re.escape(CLONE)}|{re.escape(STAGING)}", "features/wave5",
                     env=target.env(PRESSLUFT_NODE_TIMEOUT="2"))
    assert run.exit_code == 1
    assert len(target.jobs(job_type="node_provision")) == 1
    assert {v["category"] for v in run.verdicts} == {category}
    assert len(run.verdicts) == 2


def test_transient_502_and_503_on_reads_are_retried_and_the_clone_scenario_still_passes(tmp_path, faulty_target):
    target = faulty_target()
    target.fault("http", {"error_rate": 0.3, "statuses": [502, 503], "latency_max_seconds": 0.0, "methods": ["GET"],
                          "path_prefix": "/api/", "seed": 7})
    run = run_scenario(tmp_path, target, CLONE)
    assert run.exit_code == 0, run.stderr[-3000:]
    exchanges = "\n".join(run.attachments(run.result_named(CLONE), "HTTP exchanges (redacted)"))
    assert "[retry 1 of GET]" in exchanges and ("< 503" in exchanges or "< 502" in exchanges)


def test_a_failure_on_the_embedded_target_shows_the_tail_of_its_log(tmp_path):
    run = run_behave(tmp_path, "--name", re.escape(CLONE), "features/wave5", env={"PRESSLUFT_JOB_TIMEOUT": "0.05"})
    verdict = only_verdict(run)
    assert verdict["category"] == "job_timeout" and verdict["command"] == "POST /api/sites"
    assert "--- reference target log (tail) ---" in run.stderr
    assert re.search(r"^event=\w+", run.stderr, re.M)
    diagnosis = run.attachments(run.result_named(CLONE), "diagnosis")[0]
    assert "--- reference target log (tail) ---" in diagnosis
