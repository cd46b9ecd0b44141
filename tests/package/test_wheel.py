"""Issue 22: the suite installed like any Python tool. A wheel built from the repository (no second copy of any file
in it) and installed into a fresh virtual environment outside the checkout carries the suite, and its commands run
from any directory: both closeout gates pass against the embedded reference and fail against a faulty one, with
their reports in ./reports of the directory they were called from; the whole suite runs with its own behave
configuration; the reference runs on its own; every command names the version and the Pressluft contract."""
from __future__ import annotations

import re
import signal
import subprocess
import tomllib
from pathlib import Path

import pytest
import requests

from behave_runs import FaultyTarget, only_verdict, wave5_scenarios
from support.reporting.spec_catalogue import SPEC_COMMIT
from support.runtime.target import READY_LINE

ROOT = Path(__file__).resolve().parents[2]
SUITE = "pressluft_acceptance/suite/"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
DESCRIBED = f"pressluft-acceptance {VERSION}, checking the Pressluft Wave 5 contract at {SPEC_COMMIT[:8]}"
SUCCESS = {"clone-preview": "[smoke] success: clone and staging preview URLs reachable (2 scenarios passed)",
           "backup-restore": "[smoke] success: restore completed and preview reachable (1 scenario passed)"}
REPORTS = {"clone-preview": "smoke-site-clone-preview", "backup-restore": "smoke-backup-restore"}
SMOKE_ENTRY_SCENARIOS = 4  # the @smoke-entry scenarios of features/wave5/smoke_entry_points.feature


def files(folder: str, pattern: str) -> set[str]:
    return {str(path.relative_to(ROOT)) for path in (ROOT / folder).glob(pattern)}


def test_the_wheel_carries_the_suite_from_the_repository_and_not_its_tests_or_docs(installed):
    names = set(installed.names())
    suite = {name[len(SUITE):] for name in names if name.startswith(SUITE)}
    assert suite == ({"environment.py", "pyproject.toml", "tools/smoke.py"} | files("features", "wave5/*.feature")
                     | files("steps", "*.py"))
    for name in suite:  # the repository's own files, mapped into the wheel, not copies kept in the repository
        assert installed.read(SUITE + name) == (ROOT / name).read_bytes(), name
    assert not (ROOT / "pressluft_acceptance" / "suite").exists()
    for package in ("support", "pressluft_reference", "pressluft_acceptance"):
        assert files(package, "**/*.py") <= names, package
    assert files("contract", "schemas/*.json") | {"contract/openapi.yaml", "contract/__init__.py"} <= names
    assert not [name for name in names if name.split("/")[0] in ("tests", "docs", "scripts", "tools", "features",
                                                                  "steps", "node_modules", "reports")]
    assert not [name for name in names if name.startswith(SUITE) and re.search(r"(^|/)(tests|docs|scripts)/", name)]


def test_the_version_names_the_pressluft_contract_in_every_command(installed, caller):
    assert re.fullmatch(rf"\d+\.\d+\.\d+\+pressluft\.{SPEC_COMMIT[:8]}", VERSION)
    assert Path(installed.wheel).name.startswith(f"pressluft_acceptance-{VERSION}-")
    for command in ("pressluft-acceptance", "pressluft-smoke", "pressluft-reference"):
        answer = installed.run(caller, command, "--version", reports=caller)
        assert answer.exit_code == 0 and answer.stdout.startswith(f"{command}: {DESCRIBED}"), answer.output
    assert f"## {VERSION}" in (ROOT / "CHANGELOG.md").read_text()


@pytest.mark.parametrize("smoke", ["clone-preview", "backup-restore"])
def test_a_smoke_command_passes_against_the_reference_with_its_reports_in_the_callers_folder(installed, caller,
                                                                                           smoke):
    reports = caller / "reports" / REPORTS[smoke]
    gate = installed.run(caller, "pressluft-smoke", smoke, reports=reports)
    assert gate.exit_code == 0, gate.output[-3000:]
    assert gate.stdout.rstrip().splitlines()[-1] == SUCCESS[smoke] and gate.fail_lines == []
    scenarios = 2 if smoke == "clone-preview" else 1  # the clone smoke's clone and staging environment
    assert gate.summary()["passed"] == scenarios and len(gate.results()) == scenarios and gate.junit_text()
    properties = (reports / "allure-results" / "environment.properties").read_text()
    assert f"suite.version={VERSION}\n" in properties
    assert "suite.git_revision=none (installed package)\n" in properties
    assert sorted(path.name for path in caller.iterdir()) == ["behave.ini", "reports"]


def test_the_clone_gate_fails_against_a_faulty_embedded_reference(installed, caller):
    gate = installed.run(caller, "pressluft-smoke", "clone-preview", reports=caller / "gate-reports",
               PRESSLUFT_REFERENCE_ARGS="--defect clone_preview_not_served", PRESSLUFT_PREVIEW_TIMEOUT="2",
               PRESSLUFT_REPORTS_DIR="gate-reports")  # relative: to the caller's folder
    assert gate.exit_code == 1, gate.output[-3000:]
    assert only_verdict(gate)["category"] == "preview_unreachable"
    assert gate.summary()["failed"] == 1 and (caller / "gate-reports" / "junit").is_dir()


def test_the_backup_gate_fails_against_a_faulty_external_reference_and_names_its_version(installed, caller):
    target = FaultyTarget(extra_args=("--defect", "restore_fails"))
    try:
        gate = installed.run(caller, "pressluft-smoke", "backup-restore", reports=caller / "reports" / REPORTS[
            "backup-restore"], PRESSLUFT_BASE_URL=target.url)
    finally:
        target.stop()
    assert gate.exit_code == 1, gate.output[-3000:]
    verdict = only_verdict(gate)
    assert verdict["category"] == "job_failed" and verdict["command"].startswith("POST /api/environments/")
    assert gate.stderr.startswith("[wave5] run w5-") and f"\n  suite: {DESCRIBED}\n" in gate.stderr


def test_the_whole_suite_runs_with_its_own_configuration_from_the_callers_folder(installed, caller):
    reports = caller / "reports"
    suite = installed.run(caller, "pressluft-acceptance", "--tags=@smoke-entry", reports=reports)
    assert suite.exit_code == 0, suite.output[-3000:]
    assert suite.scenario_counts()[:2] == (SMOKE_ENTRY_SCENARIOS, 0)
    assert "Feature: Smoke commands as closeout gates for resume-run loops" in suite.stdout  # default_format pretty
    results = suite.results()  # the configuration's allure formatter; hide_excluded from its userdata
    assert len(results) == SMOKE_ENTRY_SCENARIOS and {r["status"] for r in results} == {"passed"}
    junit = suite.junit_text()  # the configuration's junit, into the caller's reports/junit
    assert junit.count("<testcase ") == len(wave5_scenarios()) and "<failure" not in junit
    assert sorted(path.name for path in reports.iterdir()) == ["allure-results", "created-resources.jsonl", "junit",
                                                                "run-summary.json", "waits"]


def test_the_reference_runs_on_its_own_and_says_where_it_listens(installed, tmp_path):
    process = installed.start(tmp_path, "pressluft-reference", "--port", "0")
    try:
        ready = READY_LINE.fullmatch(process.stdout.readline().strip())
        assert ready, "no ready line"
        assert requests.get(ready.group(1) + "/_reference/capabilities", timeout=5).json()["implementation"] == \
            "pressluft_reference"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


@pytest.mark.parametrize("installed_args, script", [
    (["--help"], ["scripts/smoke", "--help"]),
    (["clone-preview", "--help"], ["scripts/smoke-site-clone-preview.sh", "--help"]),
    (["backup-restore", "--help"], ["scripts/smoke-backup-restore.sh", "--help"]),
    (["no-such-smoke"], ["scripts/smoke", "no-such-smoke"]),
], ids=["help", "clone-preview help", "backup-restore help", "unknown smoke"])
def test_pressluft_smoke_answers_help_and_refusals_as_the_checkouts_scripts_do(installed, caller, installed_args,
                                                                                script):
    mine = installed.run(caller, "pressluft-smoke", *installed_args, reports=caller)
    theirs = subprocess.run([str(ROOT / script[0]), *script[1:]], cwd=caller, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=60)
    assert mine.exit_code == theirs.returncode, (mine.output, theirs.stdout + theirs.stderr)
    assert mine.output.strip() and "Traceback" not in mine.output
