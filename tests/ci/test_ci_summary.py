"""scripts/ci-summary: the job summary of a run from its Allure results and behave's stderr."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from shard_fixtures import FAIL_LINE, result

ROOT = Path(__file__).resolve().parents[2]


SECRET = "s3cr3t-provider-token-value"
OTHER_FAIL = '[wave5] FAIL category=preview_unreachable command="GET http://127.0.0.1:1/" reason="preview answered 500"'


def write_results(folder: Path, items: list) -> Path:
    results = folder / "allure-results"
    results.mkdir(parents=True)
    for data in items:
        (results / f"{data['uuid']}-result.json").write_text(json.dumps(data))
    return results


def summary_cli(*args, env=None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    full_env.update(env or {})
    return subprocess.run([str(ROOT / "scripts" / "ci-summary"), *map(str, args)], cwd=ROOT, env=full_env,
                          capture_output=True, text=True)


def sample(tmp_path: Path) -> Path:
    return write_results(tmp_path, [
        result("Alpha", "passes"),
        result("Alpha", "passes too"),
        result("Beta", "fails", "failed", FAIL_LINE + "\nthe diagnosis block"),
        result("Beta", "breaks", "broken", OTHER_FAIL),
        result("Gamma", f"skipped because {SECRET} is wrong", "skipped", "the target offers no fault injection"),
    ])


def test_counts_fail_lines_verbatim_failed_scenarios_and_the_link(tmp_path):
    results = sample(tmp_path)
    (tmp_path / "behave-stderr.log").write_text(
        f"some noise\n\x1b[31m{FAIL_LINE}\x1b[0m\nmore noise with {SECRET}\n{OTHER_FAIL}\n")
    summary_file = tmp_path / "summary.md"
    summary_file.write_text("earlier step's summary\n")
    done = summary_cli("--results", results, "--report-url", "https://owner.github.io/repo/embedded/",
                       "--title", "Wave 5 on the embedded reference",
                       env={"GITHUB_STEP_SUMMARY": str(summary_file), "PRESSLUFT_PROVIDER_TOKEN": SECRET})
    assert done.returncode == 0, done.stderr
    text = summary_file.read_text()
    assert text.startswith("earlier step's summary\n## Wave 5 on the embedded reference: failed\n")  # appended
    assert "| passed | failed | broken | skipped | total |" in text
    assert "| 2 | 1 | 1 | 1 | 5 |" in text
    lines = text.splitlines()
    assert FAIL_LINE in lines and OTHER_FAIL in lines  # verbatim, whole lines, colour codes gone
    assert "### `[wave5] FAIL` lines (2)" in text
    assert "Report: https://owner.github.io/repo/embedded/" in text
    assert "- **failed** Beta: fails" in text and "- **broken** Beta: breaks" in text
    assert SECRET not in text and "noise" not in text


def test_without_stderr_the_fail_lines_come_from_the_results(tmp_path):
    results = sample(tmp_path)
    done = summary_cli("--results", results)
    assert done.returncode == 0
    assert FAIL_LINE in done.stdout.splitlines() and OTHER_FAIL in done.stdout.splitlines()


def test_shard_problems_of_the_merge_are_listed(tmp_path):
    results = write_results(tmp_path, [result("Alpha", "passes")])
    (tmp_path / "verdict.json").write_text(json.dumps({"problems": ["shard 2/3: results missing"]}))
    done = summary_cli("--results", results)
    assert "## Wave 5 acceptance: failed" in done.stdout
    assert "- shard 2/3: results missing" in done.stdout


def test_a_passing_run(tmp_path):
    results = write_results(tmp_path, [result("Alpha", "passes")])
    done = summary_cli("--results", results, "--artifact-url", "https://ci/artifacts/1", "--report-url", "")
    assert done.returncode == 0
    assert "## Wave 5 acceptance: passed" in done.stdout and "FAIL" not in done.stdout
    assert "Report and results as an artifact: https://ci/artifacts/1" in done.stdout and "Report: " not in done.stdout


def test_no_results_is_one_line_and_exit_1(tmp_path):
    summary_file = tmp_path / "summary.md"
    for folder in (tmp_path / "missing", tmp_path):
        done = summary_cli("--results", folder, env={"GITHUB_STEP_SUMMARY": str(summary_file)})
        assert done.returncode == 1
        assert done.stdout == "" and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert done.stderr.startswith("ci-summary: error: no ")
    assert summary_file.read_text().count("## Wave 5 acceptance: no results") == 2


def test_an_unreadable_result_is_counted_not_a_traceback(tmp_path):
    results = write_results(tmp_path, [result("Alpha", "passes")])
    (results / "garbage-result.json").write_text("{not json")
    done = summary_cli("--results", results)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert ": failed" in done.stdout and "Unreadable results (counted as broken): garbage-result.json" in done.stdout


def test_what_the_run_proved_per_spec_item_is_in_the_summary(tmp_path):
    """The run's run-summary.json beside the results (as scripts/shard merge writes it): its last line, and one row
    per spec item it selected, with what is missing and why."""
    results = write_results(tmp_path, [result("Alpha", "passes")])
    line = ("[wave5] passed — proved AC-4, SC-1; in part: AC-1 (rest: needs fault injection); not on this target: "
            "AC-3 (needs fault injection)")
    (tmp_path / "run-summary.json").write_text(json.dumps({"closing_line": line, "exit_status": 0, "proof": [
        {"item": "AC-1", "verdict": "proved in part", "why": "needs fault injection",
         "missing": [{"part": "a preview answering 301 or 302 counts as reachable (not followed)",
                      "why": "needs fault injection"}]},
        {"item": "AC-2", "verdict": "not selected", "why": "", "missing": []},
        {"item": "AC-3", "verdict": "not proven", "why": "needs fault injection", "missing": [
            {"part": "a job that never ends is reported as timed out with its budget",
             "why": "needs fault injection"}]},
        {"item": "AC-4", "verdict": "proved", "why": "", "missing": []}]}))
    done = summary_cli("--results", results)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert f"### What this run proved\n\n`{line}`\n" in text
    assert ("| AC-1 | proved in part | a preview answering 301 or 302 counts as reachable (not followed) (needs fault "
            "injection) |") in text
    assert "| AC-4 | proved |  |" in text and "| AC-2 " not in text
    assert "| AC-3 | not proven | a job that never ends is reported as timed out with its budget (needs fault " \
           "injection) |" in text
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"closing_line": "[wave5] passed — proved AC-4", "proof": []}))
    assert "`[wave5] passed — proved AC-4`" in summary_cli("--results", results, "--run-summary", elsewhere).stdout
    (tmp_path / "run-summary.json").write_text("{broken")
    assert "What this run proved" not in summary_cli("--results", results).stdout  # unreadable: left out


def test_the_target_is_named_by_its_label_and_what_the_run_created_is_listed(tmp_path):
    """A real target's address never reaches a job summary, even where a result quotes it; --ledger lists the
    resources the run left on the target (written as they were made: also after a run that was cut off)."""
    address = "https://pressluft.secret-host.example:8443"
    results = write_results(tmp_path, [
        result("Alpha", "passes"),
        result("Beta", f"fails at {address}", "failed", f"connection refused at {address}/api/jobs"),
    ])
    ledger = tmp_path / "created-resources.jsonl"
    ledger.write_text('{"run_id": "w5-1", "kind": "site", "id": "s-1", "slug": "w5-1-site-1", "note": ""}\n'
                      '{"run_id": "w5-1", "kind": "node", "id": "n-1", "slug": null, "note": "bought"}\n')
    summary_file = tmp_path / "summary.md"
    done = summary_cli("--results", results, "--ledger", ledger, env={
        "GITHUB_STEP_SUMMARY": str(summary_file), "PRESSLUFT_BASE_URL": address, "PRESSLUFT_TARGET_NAME": "prod"})
    assert done.returncode == 0, done.stderr
    text = summary_file.read_text()
    assert "secret-host" not in text and "&lt;prod&gt;" in text
    assert "### Created on the target, not deleted: 2" in text
    assert "- site s-1 (w5-1-site-1)" in text and "- node n-1 - bought" in text
