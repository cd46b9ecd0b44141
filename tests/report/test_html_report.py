"""The HTML report (scripts/report, Allure 3) shows a failing scenario's wave5 summary line.

Builds real allure-behave results from a tiny throwaway feature run in a subprocess, turns them
into a report with scripts/report, serves the static site on 127.0.0.1 and loads the failing
test's page in headless Debian Chromium; the rendered DOM must contain the summary line.
Runs twice against one history file to check that history is kept between runs.

Skipped only when /usr/bin/chromium is absent and CI is not set (in CI it must run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from report_pages import CHROMIUM, IN_CI, dump_dom, have_chromium, serve, visible_lines

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "scripts" / "report"

FEATURE = """\
@wave5
Feature: Report rendering
  @AC-1
  Scenario: A scenario that passes
    When a step passes

  @AC-3
  Scenario: A scenario whose claim fails
    When a step finds the job failed

  @AC-3
  Scenario: A scenario that hits an error in the suite's own code
    When a step of the suite has a bug
"""

# The real hooks (environment.py) and formatter of the suite, with three steps of our own.
ENVIRONMENT = f"""\
import sys
sys.path.insert(0, {str(ROOT)!r})
from environment import *  # noqa: F401,F403 - the suite's own hooks
"""

STEPS = """\
from behave import when

from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


@when("a step passes")
def step_passes(context):
    pass


@when("a step finds the job failed")
def step_claim_fails(context):
    raise SuiteFailure(Category.JOB_FAILED, "POST /api/sites", "ANSIBLE_HOST_FAILED: boom", job_id="job-abc")


@when("a step of the suite has a bug")
def step_suite_bug(context):
    return {}["job_id"]
"""
SUMMARY = '[wave5] FAIL category=job_failed command="POST /api/sites" job_id=job-abc reason="ANSIBLE_HOST_FAILED: boom"'

pytestmark = [
    pytest.mark.timeout(240),
    pytest.mark.skipif(
        not have_chromium() and not IN_CI,
        reason=f"{CHROMIUM} not installed (scripts/setup --tests installs it as root); required when CI is set",
    ),
]


def _run_behave(workdir: Path, results: Path) -> subprocess.CompletedProcess:
    (workdir / "features").mkdir(parents=True)
    (workdir / "steps").mkdir()
    (workdir / "features" / "report.feature").write_text(FEATURE)
    (workdir / "environment.py").write_text(ENVIRONMENT)
    (workdir / "steps" / "report_steps.py").write_text(STEPS)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRESSLUFT_")}
    env["PRESSLUFT_REPORTS_DIR"] = str(workdir / "reports")
    proc = subprocess.run(
        [sys.executable, "-m", "behave", "--no-capture",
         "-f", "support.reporting.allure_formatter:AllureResultsFormatter", "-o", str(results),
         "-f", "plain", "features"],
        cwd=workdir, capture_output=True, text=True, timeout=120, env=env,
    )
    # One claim fails and one step breaks on purpose: behave exits 1.
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert len(list(results.glob("*-result.json"))) == 3, proc.stdout + proc.stderr
    return proc


def _report(results: Path, output: Path, history: Path, *extra: str) -> str:
    proc = subprocess.run(
        [str(REPORT), "--results", str(results), "--output", str(output), "--history", str(history), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (output / "index.html").is_file()
    return proc.stdout


def _failed_result(output: Path) -> dict:
    failed = []
    for path in (output / "data" / "test-results").glob("*.json"):
        data = json.loads(path.read_text())
        if data.get("status") == "failed":
            failed.append(data)
    assert len(failed) == 1, f"expected one failed test in the report, found {len(failed)}"
    return failed[0]


def _results_named(results: Path) -> dict:
    return {data["name"]: data for data in (json.loads(path.read_text()) for path in results.glob("*-result.json"))}


def test_a_verdict_reads_as_a_verdict_and_a_suite_error_as_a_suite_error(tmp_path):
    """Results level: a failed claim's message starts with its [wave5] FAIL line and diagnosis, without a Python
    traceback; an error in the suite's own code keeps its traceback and falls in the "Suite error" category."""
    proc = _run_behave(tmp_path / "run", tmp_path / "run" / "reports" / "allure-results")
    results = _results_named(tmp_path / "run" / "reports" / "allure-results")
    verdict = results["A scenario whose claim fails"]
    assert verdict["status"] == "failed"
    assert verdict["statusDetails"]["message"].startswith(f"AssertionError: {SUMMARY}\n")
    assert not verdict["statusDetails"].get("trace")
    bug = results["A scenario that hits an error in the suite's own code"]
    assert bug["status"] == "broken" and "KeyError" in bug["statusDetails"]["trace"] + bug["statusDetails"]["message"]
    assert "[wave5] FAIL" not in bug["statusDetails"]["message"]
    assert '[wave5] SUITE ERROR in step "a step of the suite has a bug": KeyError' in proc.stderr
    assert proc.stderr.count("[wave5] FAIL") == 1
    labels = {(label["name"], label["value"]) for label in verdict["labels"]}
    assert ("epic", "Wave 5 runtime e2e") in labels and ("feature", "Report rendering") in labels
    assert any(name == "story" and value.startswith("AC-3: ") for name, value in labels)
    categories = json.loads((tmp_path / "run" / "reports" / "allure-results" / "categories.json").read_text())
    assert categories[-1]["name"] == "Suite error"


def test_the_report_groups_by_the_spec_shows_the_verdict_first_and_keeps_history(tmp_path):
    if IN_CI and shutil.which("node") is None:
        pytest.fail("node is required in CI for scripts/report")
    results = tmp_path / "run" / "reports" / "allure-results"
    output = tmp_path / "allure-report"
    history = tmp_path / "history.jsonl"
    _run_behave(tmp_path / "run", results)

    first = _report(results, output, history)
    assert "history: 1 run" in first
    # what its counts count, then the command that opens it (a folder's index.html does not open from disk)
    lines = first.splitlines()
    assert "report: 3 results in its total (1 broken, 1 failed, 1 passed): one per scenario as behave counts them, " \
           "each example row of an outline one" in lines
    assert lines[-1] == ("report: open it (a local server; opened from disk, index.html shows only a spinner): "
                         f"scripts/report --open --output {output}")
    failed = _failed_result(output)
    assert failed["name"] == "A scenario whose claim fails"
    assert SUMMARY in failed["error"]["message"]

    with serve(output) as base:
        tree = visible_lines(dump_dom(f"{base}/index.html", tmp_path / "chromium-tree"))
        # The report's client-side router opens a test result page at #<test result id>.
        page = visible_lines(dump_dom(f"{base}/index.html#{failed['id']}", tmp_path / "chromium-profile"))
    assert "Wave 5 runtime e2e" in tree and "Report rendering" in tree, "\n".join(tree)[:3000]
    assert tree.index("Wave 5 runtime e2e") < tree.index("Report rendering")  # Epic, then its feature
    text = "\n".join(page)
    assert "A scenario whose claim fails" in text, text[:2000]
    # Whitespace collapsed like a browser does; the summary line itself has single spaces.
    assert any(SUMMARY in line for line in page), (
        "the failing scenario's [wave5] summary line is not rendered on its report page:\n"
        + "\n".join(line for line in page if "wave5" in line or "Error" in line)[:2000])
    assert "Traceback" not in text and 'File "' not in text, "a verdict's page shows a Python traceback"

    # A second run keeps the first in the history file and shows it in the report.
    second = _report(results, output, history)
    assert "history: 2 run" in second
    entries = [json.loads(line) for line in history.read_text().splitlines() if line.strip()]
    assert len(entries) == 2
    assert len({e["uuid"] for e in entries}) == 2
    failed_again = _failed_result(output)
    assert failed_again.get("history"), "the second report carries no history for the failing test"
    assert failed_again["history"][0]["status"] == "failed"


def test_a_single_file_report_opens_from_disk_and_a_folder_report_is_served_by_its_open_command(tmp_path):
    """--single-file: one index.html that a browser opens from disk (file://), with the tree, the counts and the
    failing verdict's page; the folder form opened from disk shows nothing, and `scripts/report --open` serves it."""
    if IN_CI and shutil.which("node") is None:
        pytest.fail("node is required in CI for scripts/report")
    results = tmp_path / "run" / "reports" / "allure-results"
    _run_behave(tmp_path / "run", results)
    single, folder = tmp_path / "single", tmp_path / "folder"
    said = _report(results, single, tmp_path / "history.jsonl", "--single-file").splitlines()
    assert sorted(path.name for path in single.iterdir() if path.is_dir()) == []  # no data/ beside it
    assert said[-1] == f"report: open it (one file, from disk): xdg-open {single}/index.html"
    failed = next(result for result in json.loads((single / "test-results.json").read_text())["byId"].values()
                  if result["status"] == "failed")
    tree = visible_lines(dump_dom(f"file://{single}/index.html", tmp_path / "chromium-tree"))
    page = visible_lines(dump_dom(f"file://{single}/index.html#{failed['id']}", tmp_path / "chromium-page"))
    assert "Report rendering" in tree and "Total" in tree, "\n".join(tree)[:2000]
    assert any(SUMMARY in line for line in page), "\n".join(page)[:2000]
    _report(results, folder, tmp_path / "history.jsonl")
    assert "Report rendering" not in visible_lines(dump_dom(f"file://{folder}/index.html", tmp_path / "chromium-disk"))
    server = subprocess.Popen([str(REPORT), "--open", "--output", str(folder), "--port", str(_free_port())],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = _served_at(server)
        assert "Report rendering" in visible_lines(dump_dom(f"{url}/index.html", tmp_path / "chromium-served"))
    finally:
        server.terminate()
        server.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _served_at(server: subprocess.Popen) -> str:
    """The address `scripts/report --open` says it serves the report on."""
    for line in server.stdout:
        found = re.search(r"open (http://127\.0\.0\.1:\d+)/ in a browser", line)
        if found:
            return found.group(1).rstrip("/")
    raise AssertionError(f"scripts/report --open ended (exit {server.wait()}) without serving the report")
