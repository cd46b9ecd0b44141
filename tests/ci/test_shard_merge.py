"""scripts/shard merge on shards' folders made by hand: one set of results, one verdict; failed when any shard
failed, is missing, did not finish or lost a scenario."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from shard_fixtures import FAIL_LINE, make_shard

from tools import shard

ROOT = Path(__file__).resolve().parents[2]



ONE = [("Alpha", "a1"), ("Alpha", "rows -- @1.1 "), ("Beta", "b1")]
TWO = [("Alpha", "rows -- @1.2 "), ("Beta", "b2")]


def merge_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tools.shard", "merge", "--no-report", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True)


def test_two_passing_shards_merge_into_one_set_of_results(tmp_path):
    s1 = make_shard(tmp_path / "s1", 1, 2, ONE)
    s2 = make_shard(tmp_path / "s2", 2, 2, TWO)
    merged = shard.merge([s1, s2], tmp_path / "merged")
    assert not merged.failed and merged.problems == []
    assert merged.results == 5 and merged.counts == {"passed": 5}
    out = tmp_path / "merged"
    assert len(list((out / "allure-results").glob("*-result.json"))) == 5
    assert (out / "allure-results" / "categories.json").is_file()
    props = (out / "allure-results" / "environment.properties").read_text()
    assert "run.id=w5-run1 | w5-run2" in props and "shards=2" in props
    junit = "".join(p.read_text() for p in (out / "junit").glob("*.xml"))
    assert junit.count("<testcase") == 5 and "not mine" not in junit  # other shards' scenarios left out
    assert json.loads((out / "verdict.json").read_text())["verdict"] == "passed"


def test_a_failed_result_in_one_shard_fails_the_merged_verdict(tmp_path):
    s1 = make_shard(tmp_path / "s1", 1, 2, ONE)
    s2 = make_shard(tmp_path / "s2", 2, 2, TWO, statuses={"b2": "failed"}, exit_code=1, stderr=FAIL_LINE + "\n")
    done = merge_cli(s1, s2, "--output", tmp_path / "merged")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "shard 2/2: behave exit 1" in done.stdout
    assert "[shard] verdict: failed (5 results: 1 failed, 4 passed; 2 of 2 shards)" in done.stdout
    verdict = json.loads((tmp_path / "merged" / "verdict.json").read_text())
    assert verdict["verdict"] == "failed" and verdict["counts"] == {"failed": 1, "passed": 4}
    assert FAIL_LINE in (tmp_path / "merged" / "behave-stderr.log").read_text()


def test_a_failed_result_fails_the_verdict_even_when_behave_exited_0(tmp_path):
    s1 = make_shard(tmp_path / "s1", 1, 2, ONE, statuses={"a1": "broken"})
    s2 = make_shard(tmp_path / "s2", 2, 2, TWO)
    assert shard.merge([s1, s2], tmp_path / "merged").failed


def test_a_missing_shard_fails_the_verdict(tmp_path):
    s1 = make_shard(tmp_path / "s1", 1, 3, ONE)
    s3 = make_shard(tmp_path / "s3", 3, 3, TWO)
    done = merge_cli(s1, s3, tmp_path / "not-there", "--output", tmp_path / "merged")
    assert done.returncode == 1
    assert "problem: shard 2/3: results missing" in done.stdout
    assert "not-there: no shard.json" in done.stdout


def test_expect_catches_a_missing_last_shard(tmp_path):
    s1 = make_shard(tmp_path / "s1", 1, 2, ONE)
    assert not shard.merge([s1], tmp_path / "m1").problems == []  # the manifest says 2 shards
    merged = shard.merge([s1], tmp_path / "m2", expect=3)
    assert "expected 3 shards, the manifests say 2" in merged.problems
    assert "shard 3/3: results missing" in merged.problems


def test_a_shard_that_did_not_finish_or_lost_results_fails_the_verdict(tmp_path):
    s1 = make_shard(tmp_path / "s1", 1, 2, ONE, exit_code=None)
    s2 = make_shard(tmp_path / "s2", 2, 2, TWO, skip_results=("b2",))
    problems = shard.merge([s1, s2], tmp_path / "merged").problems
    assert "shard 1/2: behave did not finish (no exit code in its shard.json)" in problems
    assert "shard 2/2: no result for 1 of its 2 scenarios (Beta: b2)" in problems


def test_shards_of_different_plans_are_not_merged_silently(tmp_path):
    s1 = make_shard(tmp_path / "s1", 1, 2, ONE, plan="p1")
    s2 = make_shard(tmp_path / "s2", 2, 2, TWO, plan="p2")
    assert any("different plans" in p for p in shard.merge([s1, s2], tmp_path / "merged").problems)


def test_nothing_to_merge_is_one_line_and_exit_1(tmp_path):
    (tmp_path / "empty").mkdir()
    done = merge_cli(tmp_path / "empty", "--output", tmp_path / "merged")
    assert done.returncode == 1
    assert done.stdout == "" and done.stderr.startswith("[shard] error: no shard results to merge")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_an_empty_shard_runs_nothing_and_passes(tmp_path):
    units = [shard.Unit("features/x.feature", 3, "X", "only one")]
    the_plan = shard.plan(units, 2)
    assert [len(s) for s in the_plan.shards] == [1, 0]


def test_relative_paths_are_the_callers_and_the_report_is_built(tmp_path):
    make_shard(tmp_path / "s1", 1, 2, ONE)
    make_shard(tmp_path / "s2", 2, 2, TWO)
    done = subprocess.run([str(ROOT / "scripts" / "shard"), "merge", "s1", "s2", "--output", "merged",
                           "--history", "history.jsonl"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "merged" / "allure-report" / "index.html").is_file()
    assert (tmp_path / "history.jsonl").read_text().count("\n") == 1


def shard_cli(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / "shard"), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_a_shard_with_nothing_to_run_writes_its_manifest_and_passes(tmp_path):
    features = tmp_path / "features"
    features.mkdir()
    (features / "one.feature").write_text("Feature: One\n  Scenario: only\n    Given a step\n")
    done = shard_cli("run", "2/2", "--features", features, "--reports", tmp_path / "s2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[shard] 2/2: 0 of 1 scenarios" in done.stdout
    manifest = json.loads((tmp_path / "s2" / "shard.json").read_text())
    assert manifest["scenarios"] == [] and manifest["exit_code"] == 0 and manifest["of"] == 2


def test_run_refuses_behave_selection_arguments_and_bad_shards(tmp_path):
    for args in (["run", "1/2", "--", "-t", "@smoke"], ["run", "1/2", "--", "--name", "x"], ["run", "3/2"]):
        done = shard_cli(*args, "--reports", tmp_path / "r") if "--" not in args else \
            shard_cli(*args[:2], "--reports", tmp_path / "r", *args[2:])
        assert done.returncode == 1 and done.stderr.startswith("[shard] error: ") and "Traceback" not in done.stderr
    assert not (tmp_path / "r").exists()


def _run_summary(folder: Path, outcomes: list) -> None:
    """The run-summary.json a shard's run writes (support/reporting/tally.py RunTally), from (scenario, tags,
    status)."""
    from support.reporting.proof import coverage
    from support.reporting.tally import RunTally

    tally = RunTally(coverage())
    for name, unit, rows, tags, status in outcomes:
        tally.selected(skipped=status == "skipped", name=name, unit=unit, rows=rows, tags=tags,
                       skip_reason="the target offers no fault injection" if status == "skipped" else None)
        tally.ended(status)
    tally.nothing_ran("the run")
    tally.write(str(folder))


TYPE = "A <type> environment made from production gets a reachable preview"


def test_what_the_shards_proved_together_is_merged_per_spec_item(tmp_path):
    """Each shard ran one example of the AC-1 outline (each alone proves AC-1 in part); together they prove its
    parts. A third shard whose only scenario was skipped (a selection error of its own) does not fail the merge."""
    s1 = make_shard(tmp_path / "s1", 1, 3, ONE)
    s2 = make_shard(tmp_path / "s2", 2, 3, TWO)
    s3 = make_shard(tmp_path / "s3", 3, 3, [])
    _run_summary(s1, [(f"{TYPE} -- @1.1", TYPE, 2, ("AC-1",), "passed")])
    _run_summary(s2, [(f"{TYPE} -- @2.1", TYPE, 2, ("AC-1",), "passed")])
    _run_summary(s3, [("A restore brings back the content that was backed up",
                       "A restore brings back the content that was backed up", 1, ("AC-2", "fault_injection"),
                       "skipped")])
    assert json.loads((s1 / "run-summary.json").read_text())["closing_line"] == "[wave5] passed — in part: AC-1 " \
        "(rest: not selected; not all its examples ran, not selected)"
    done = merge_cli(s1, s2, s3, "--output", tmp_path / "merged")
    merged = json.loads((tmp_path / "merged" / "run-summary.json").read_text())
    [ac1] = [item for item in merged["proof"] if item["item"] == "AC-1"]
    assert ac1["verdict"] == "proved in part" and "a staging environment is created and active on that node" in \
        ac1["proven"]
    assert merged["closing_line"] == ("[wave5] passed — in part: AC-1 (rest: not selected); not on this target: "
                                      "AC-2 (needs fault injection)")
    assert merged["exit_status"] == 0 and merged["passed"] == 2 and merged["skipped"] == 1
    assert merged["closing_line"] in done.stdout
    props = (tmp_path / "merged" / "allure-results" / "environment.properties").read_text()
    assert f"proof={merged['closing_line'].removeprefix('[wave5] ')}\n" in props and " | " not in props.split(
        "proof=")[1].splitlines()[0]
    assert json.loads((tmp_path / "merged" / "verdict.json").read_text())["proof"] == merged["closing_line"]
