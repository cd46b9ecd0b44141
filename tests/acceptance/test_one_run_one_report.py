"""One run, one report: a run starts from a results folder emptied of earlier runs' files (Allure results, JUnit,
wait logs, run summary, the list of created resources), and leaves alone whatever else a user keeps there; the
processes of one run that share a folder (scripts/parallel's workers, PRESSLUFT_REPORTS_SHARED=1) add to it."""
import json
import uuid

from behave_runs import run_behave

ONE_SCENARIO = ("-n", "A ready provider-acquired node is confirmed, and no other is acquired", "features/wave5")


def earlier_run(reports):
    """What an earlier run and a user left in the reports folder."""
    stale = uuid.uuid4()
    results, junit, waits = reports / "allure-results", reports / "junit", reports / "waits"
    for folder in (results, junit, waits):
        folder.mkdir(parents=True, exist_ok=True)
    (results / f"{stale}-result.json").write_text(json.dumps({"name": "stale", "status": "skipped"}))
    (results / f"{stale}-attachment.txt").write_text("stale")
    (results / f"{stale}-container.json").write_text("{}")
    (results / "environment.properties").write_text("run.id=w5-stale\n")
    (junit / "TESTS-stale_feature.xml").write_text("<testsuite/>")
    (waits / "waits-1.jsonl").write_text("{}\n")
    (reports / "run-summary.json").write_text("{}")
    (reports / "created-resources.jsonl").write_text('{"run_id": "w5-stale"}\n')
    kept = [results / "notes.txt", junit / "mine.xml", reports / "history.jsonl", waits / "README"]
    for path in kept:
        path.write_text("the user's")
    return kept


def test_a_run_empties_its_results_folder_of_earlier_runs_and_keeps_everything_else(tmp_path):
    kept = earlier_run(tmp_path / "reports")
    run = run_behave(tmp_path, *ONE_SCENARIO)
    assert run.exit_code == 0, run.output[-3000:]
    assert [r["name"] for r in run.results()] == [ONE_SCENARIO[1]]
    assert not any("stale" in p.read_text(errors="replace") for p in (run.reports / "allure-results").iterdir())
    assert "run.id=w5-stale" not in (run.reports / "allure-results" / "environment.properties").read_text()
    junit = {p.name for p in (run.reports / "junit").iterdir()}
    assert "TESTS-stale_feature.xml" not in junit and {"mine.xml", "TESTS-provider_node_acquisition.xml"} <= junit
    assert len(list((run.reports / "waits").glob("waits-*.jsonl"))) == 1
    ledger = [json.loads(line) for line in (run.reports / "created-resources.jsonl").read_text().splitlines()]
    assert ledger and {entry["run_id"] for entry in ledger} != {"w5-stale"} and len({e["run_id"] for e in ledger}) == 1
    assert run.summary()["passed"] == 1
    assert all(path.read_text() == "the user's" for path in kept)


def test_processes_that_share_one_runs_folder_add_to_it(tmp_path):
    first = run_behave(tmp_path, *ONE_SCENARIO)
    second = run_behave(tmp_path, *ONE_SCENARIO, env={"PRESSLUFT_REPORTS_SHARED": "1"})
    assert first.exit_code == second.exit_code == 0, second.output[-3000:]
    assert len(second.results()) == 2
    assert len(list((second.reports / "waits").glob("waits-*.jsonl"))) == 2


def test_a_dry_run_writes_its_results_and_junit_where_it_was_told(tmp_path):
    """behave runs no hooks in a dry run: the formatter points JUnit at the reports folder before the run starts
    (scripts/test's dry run must not write into the user's reports/; tests/conftest.py watches that folder)."""
    run = run_behave(tmp_path, "--dry-run", "--no-summary", "-f", "plain", "features/wave5")
    assert run.exit_code == 0, run.output[-2000:]
    assert sorted((run.reports / "junit").glob("TESTS-*.xml")) and run.results()
