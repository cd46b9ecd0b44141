"""The smoke commands as closeout gates (AC-4, issue 9 point 3, issue 19 point 4): a smoke exits 0 only when at
least one scenario ran and every selected one passed, and then says so in one success line; otherwise it exits with
exactly one `[wave5] FAIL` line saying why, and no success line and no traceback: 1 when Pressluft failed a check
(a mutant target, a flow that fails anywhere), 2 when the run could not judge it (a selection that runs nothing: a
tag expression that selects no scenario, or none the target can run; a run that cannot start). This proves the AC-4
part "a smoke whose flow fails exits 1 with one failure line" (docs/traceability.md). Also: the "fails within N
seconds" check of the smoke-entry feature fails a smoke that fails slowly (tools/claims.py); --help of each smoke
command says what it runs, its variables with their defaults and the exit statuses."""
from __future__ import annotations

import re
import socket

import pytest

from behave_runs import ROOT, new_run_id, run_process, run_smoke
from support.checks.smoke_verdicts import smoke_exited_with
from support.runtime.config import load_settings
from support.runtime.ports import unused_local_url
from support.runtime.smoke_commands import run_smoke as run_smoke_as_the_feature_does
from support.verdicts.failure import SuiteFailure

SHORT = {"PRESSLUFT_JOB_TIMEOUT": "2", "PRESSLUFT_PREVIEW_TIMEOUT": "1", "PRESSLUFT_NODE_TIMEOUT": "2"}
SCENARIOS = {"site-clone-preview": ["A clone environment made from production gets a reachable preview -- @1.1 A clone",
                                     "A staging environment made from production gets a reachable preview -- @2.1 A "
                                     "staging environment"],
             "backup-restore": ["Production restored from a full backup is live aga"
                                "in on the same node, and the restore kept a checkpoint of it"]}
SUCCESS = {"site-clone-preview": "clone and staging preview URLs reachable",
           "backup-restore": "restore completed and preview reachable"}
TAG = {"site-clone-preview": "@smoke-clone", "backup-restore": "@smoke-backup-restore"}


CLOSING = {1: "failed (exit 1: Pressluft failed a check)",
           2: "could not judge Pressluft (exit 2: fix the set-up first)"}
PRODUCT_DEFECTS = ("preflight_blocked", "job_failed", "job_cancelled", "job_timeout", "node_not_ready",
                   "preview_unreachable", "contract_violation")


def check_failed(run, smoke: str, category: str) -> dict:
    """Exit 1 for a product defect, 2 for a set-up problem; exactly one [wave5] FAIL line (of that category), the
    smoke's closing line, nothing else."""
    status = 1 if category in PRODUCT_DEFECTS else 2
    assert run.exit_code == status, run.output[-3000:]
    assert len(run.fail_lines) == 1 and len(run.verdicts) == 1, run.output[-3000:]
    verdict = run.verdicts[0]
    assert verdict["category"] == category, run.fail_lines[0]
    assert run.success_lines == [] and "[smoke] success" not in run.output
    assert "Traceback" not in run.output and run.suite_errors == []
    assert run.stderr.rstrip().splitlines()[-1] == (f"[smoke] FAIL: {smoke} smoke {CLOSING[status]}; the "
                                                    "[wave5] FAIL line above says why")
    return verdict


# -- exit 0: at least one scenario ran, every selected one passed ----------------------------------------
@pytest.mark.parametrize("smoke", list(SCENARIOS))
def test_a_smoke_whose_flow_works_exits_0_with_its_success_line(tmp_path, smoke):
    """The clone smoke makes a clone and a staging environment (two scenarios), the backup and restore smoke one."""
    run = run_smoke(tmp_path, smoke)  # the embedded reference target: what a checkout runs without settings
    assert run.exit_code == 0, run.output[-3000:]
    [success] = run.success_lines
    count = len(SCENARIOS[smoke])
    assert success.group(0) == f"[smoke] success: {SUCCESS[smoke]} ({count} scenario{'s' if count > 1 else ''} passed)"
    assert run.fail_lines == [] and "[smoke] FAIL" not in run.output and "Traceback" not in run.output
    summary = run.summary()
    assert {key: summary[key] for key in ("selected", "skipped", "passed", "failed", "start_failure", "exit_status")} \
        == {"selected": count, "skipped": 0, "passed": count, "failed": 0, "start_failure": None, "exit_status": 0}
    assert sorted((r["name"].strip(), r["status"]) for r in run.results()) == \
        sorted((name, "passed") for name in SCENARIOS[smoke])


# -- exit 2: nothing ran ---------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [("--tags=@no-such-tag",), ("-t", "@no-such-tag")])
def test_a_tag_expression_that_selects_nothing_exits_2_with_one_config_error_line(tmp_path, faulty_target, args):
    target = faulty_target()
    run = run_smoke(tmp_path, "site-clone-preview", *args, env=target.env(), script=False)
    verdict = check_failed(run, "site-clone-preview", "config_error")
    assert verdict == {"category": "config_error", "command": "select the scenarios", "job_id": "none",
                       "reason": "the tag expression '@smoke-clone and @no-such-tag' selected no scenario"}
    assert run.summary()["selected"] == 0
    assert target.jobs() == [] and target.sites() == []  # it made nothing, not even a node


@pytest.mark.parametrize("smoke", list(SCENARIOS))
def test_asking_a_target_without_faults_for_the_fault_injection_scenarios_exits_2_with_one_config_error_line(
        tmp_path, faulty_target, smoke):
    """A target without fault injection, and only the @fault_injection scenarios asked for: no smoke scenario
    is one (a smoke needs no fault), so the selection is empty; the line names the whole tag expression."""
    target = faulty_target(enable_faults=False)
    run = run_smoke(tmp_path, smoke, "--tags=@fault_injection", env=target.env(), script=False)
    verdict = check_failed(run, smoke, "config_error")
    assert verdict["command"] == "select the scenarios" and verdict["job_id"] == "none"
    assert verdict["reason"] == f"the tag expression '{TAG[smoke]} and @fault_injection' selected no scenario"
    assert run.summary()["passed"] == 0 and target.jobs() == []


# -- exit 1: the flow fails (Pressluft failed a check) -----------------------------------------------------
def _job(job_type: str, outcome: str = "fail", **extra):
    return lambda prefix: ("jobs", {"match": {"job_type": job_type, "site_slug_prefix": prefix}, "outcome": outcome,
                                    **({"retryable": False} if outcome == "fail" else {}), **extra})


def _preview(environment_type: str):
    return lambda prefix: ("preview", {"site_slug_prefix": prefix, "environment_type": environment_type,
                                       "status": 500})


FLOW_FAILURES = {  # where the flow fails: (smoke, fault for the smoke's slug prefix, target flags, category)
    "the node never becomes ready": (
        "site-clone-preview", lambda prefix: ("node-readiness", {"reason_codes": ["runtime_missing"], "node_id": None}),
        (), "node_not_ready"),
    "site creation is refused by the preflight": (
        "site-clone-preview", lambda prefix: ("node-readiness", {"reason_codes": ["runtime_missing"], "node_id": None,
                                                                 "preflight_site_slug_prefix": prefix}),
        (), "preflight_blocked"),
    "site creation fails": ("site-clone-preview", _job("site_create"), (), "job_failed"),
    "production's preview never answers": ("site-clone-preview", _preview("production"), (), "preview_unreachable"),
    "the clone fails": ("site-clone-preview", _job("env_create"), (), "job_failed"),
    "the clone ends cancelled": ("site-clone-preview", _job("env_create", "cancel"), (), "job_cancelled"),
    "the clone's preview never answers": ("site-clone-preview", _preview("clone"), (), "preview_unreachable"),
    "the backup fails": ("backup-restore", _job("backup_create"), (), "job_failed"),
    "the backup has no checksum": (
        "backup-restore", lambda prefix: ("backups", {"environment_id": None, "checksum": None}), (),
        "contract_violation"),
    "the restore fails": ("backup-restore", _job("env_restore"), (), "job_failed"),
    "the restored preview never answers": ("backup-restore", None, ("--defect", "restored_preview_down"),
                                           "preview_unreachable"),
}


@pytest.mark.parametrize("where", list(FLOW_FAILURES))
def test_a_smoke_whose_flow_fails_exits_1_with_one_failure_line(tmp_path, faulty_target, where):
    smoke, fault, flags, category = FLOW_FAILURES[where]
    target = faulty_target(extra_args=flags)
    run_id = new_run_id()
    if fault is not None:
        target.fault(*fault(f"{run_id}-"))
    run = run_smoke(tmp_path, smoke, env=target.env(PRESSLUFT_RUN_ID=run_id, **SHORT))
    check_failed(run, smoke, category)
    assert run.summary()["failed"] == 1 and run.summary()["passed"] == 0
    [result] = run.results()  # the smoke stops at its first failed scenario (the clone smoke's clone)
    assert (result["name"].strip(), result["status"]) == (SCENARIOS[smoke][0], "failed")


def test_a_smoke_against_a_mutant_target_exits_1_with_one_failure_line(tmp_path, faulty_target):
    target = faulty_target(extra_args=("--defect", "env_create_leaves_cloning"))
    run_id = new_run_id()
    run = run_smoke(tmp_path, "site-clone-preview", env=target.env(PRESSLUFT_RUN_ID=run_id, **SHORT))
    verdict = check_failed(run, "site-clone-preview", "contract_violation")
    [site] = target.sites(f"{run_id}-")
    [clone] = [env for env in target.environments(site["id"]) if env["environment_type"] == "clone"]
    [job] = target.jobs(job_type="env_create")
    assert clone["status"] == "cloning" and job["status"] == "succeeded"
    assert (verdict["command"], verdict["job_id"]) == (f"GET /api/environments/{clone['id']}", job["id"])
    assert "status is 'cloning' (expected status 'active')" in verdict["reason"]


# -- exit 2: the run cannot start --------------------------------------------------------------------------
@pytest.mark.parametrize("env, category, command", [
    ({"PRESSLUFT_BASE_URL": "closed port"}, "target_unavailable", "POST /api/login"),
    ({"PRESSLUFT_JOB_TIMEOUT": "soon"}, "config_error", "read PRESSLUFT_JOB_TIMEOUT"),
])
def test_a_smoke_whose_run_cannot_start_exits_2_with_only_that_line(tmp_path, env, category, command):
    """The start failure is the one line: not also a selection error for the scenarios that never ran."""
    env = {name: unused_local_url() if value == "closed port" else value for name, value in env.items()}
    run = run_smoke(tmp_path, "backup-restore", env=env)
    verdict = check_failed(run, "backup-restore", category)
    assert verdict["command"] == command and "select the scenarios" not in run.output
    assert run.results()[0]["name"] == "The run could not start"
    assert run.elapsed < 10


# -- the time check of "the smoke exits with status 2 within N seconds" ------------------------------------------
def test_a_smoke_that_fails_slowly_fails_the_within_check_and_one_that_fails_fast_passes_it(tmp_path):
    """The smoke-entry scenario runs the smoke against an address where nothing answers (connection refused, at
    once). A control plane that accepts the connection and never answers makes the same smoke fail the same way
    only after its sign-in read timeout (5 s): the check with 'within 5 seconds' fails it; without, it passes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    silent = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings = load_settings(env={"PRESSLUFT_BASE_URL": silent, "PRESSLUFT_REPORTS_DIR": str(tmp_path)})
    try:
        slow = run_smoke_as_the_feature_does("clone preview", settings, run_id=new_run_id(), base_url=silent)
    finally:
        listener.close()
    fast = run_smoke_as_the_feature_does("clone preview", settings, run_id=new_run_id(), base_url=unused_local_url())
    words = "that it cannot reach the control plane"
    for smoke in (slow, fast):
        assert smoke.exit_code == 2 and [v["category"] for v in smoke.verdicts] == ["target_unavailable"]
        smoke_exited_with(smoke, 2, words)  # the status and category alone: both pass
    assert slow.elapsed > 5 > fast.elapsed, (slow.elapsed, fast.elapsed)
    smoke_exited_with(fast, 2, words, 5)
    with pytest.raises(SuiteFailure) as failure:
        smoke_exited_with(slow, 2, words, 5)
    assert failure.value.category.value == "contract_violation"
    assert failure.value.command == "scripts/smoke-site-clone-preview.sh"
    assert re.fullmatch(r"the smoke took \d+\.\d s to fail, more than 5 s", failure.value.reason)


# -- --help: what it runs, its variables with their defaults, the exit statuses ----------------------------
def _says_variables_and_statuses(text: str) -> None:
    from support.runtime.config import VARIABLES
    from support.verdicts.categories import PRODUCT_DEFECTS, TARGET_PROBLEMS

    for variable in VARIABLES:  # every variable, with its defaults as support/runtime/config.py has them
        [line] = [line for line in text.splitlines() if line.strip().startswith(variable.name + " ")]
        assert variable.embedded in line and variable.real in line and variable.meaning in line, line
    assert "PRESSLUFT_NODE_TIMEOUT          60 | 900;" in text
    statuses = {line.split()[0]: line for line in text.splitlines() if re.match(r"^  [012] ", line)}
    assert set(statuses) == {"0", "1", "2"}
    assert all(category.value in statuses["1"] for category in PRODUCT_DEFECTS)
    assert all(category.value in statuses["2"] for category in TARGET_PROBLEMS)
    assert "nothing selected" in statuses["2"] and "128+N" in text


@pytest.mark.parametrize("smoke", list(SCENARIOS))
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_of_a_smoke_script_says_what_it_runs_its_variables_and_exit_statuses_not_behaves_help(
        tmp_path, smoke, flag):
    run = run_smoke(tmp_path, smoke, flag)
    assert run.exit_code == 0 and run.stderr == "", run.output[-2000:]
    text = run.stdout
    assert text.startswith(f"usage: scripts/smoke-{smoke}.sh [extra behave arguments]")
    assert f"behave --tags={TAG[smoke]} features/wave5" in text
    assert all(f"  - {name}" in text for name in SCENARIOS[smoke])
    assert f"[smoke] success: {SUCCESS[smoke]}" in text
    _says_variables_and_statuses(text)
    assert "--no-capture" not in text and "usage: behave" not in text  # not behave's own help
    assert not (tmp_path / "reports").exists()  # nothing ran


def test_help_of_scripts_smoke_lists_both_smokes_and_exits_0(tmp_path):
    run = run_process(tmp_path, [str(ROOT / "scripts" / "smoke"), "--help"], None, 60)
    assert run.exit_code == 0 and run.stderr == "", run.output[-2000:]
    for smoke in SCENARIOS:
        assert f"scripts/smoke-{smoke}.sh (scripts/smoke {smoke}) runs behave --tags={TAG[smoke]}" in run.stdout
    _says_variables_and_statuses(run.stdout)
    unknown = run_process(tmp_path, [str(ROOT / "scripts" / "smoke"), "nope"], None, 60)
    assert unknown.exit_code == 2 and unknown.stdout == ""
    assert unknown.stderr.startswith("[smoke] unknown smoke 'nope'; usage: scripts/smoke ") and \
        unknown.stderr.count("\n") == 1
