"""What a run proved per spec item (support/reporting/proof.py) and its exit status (support/verdicts/categories.py),
from what passed, failed and was skipped, with the coverage of tools/traceability.py."""
from __future__ import annotations

import json

import pytest

from support.reporting import proof
from support.reporting.proof import coverage
from support.reporting.tally import RunTally
from support.runtime.skips import DISRUPTIVE, NO_FAULT_INJECTION
from support.verdicts.categories import Category, exit_status
from tools.traceability import collect_scenarios

SCENARIOS = collect_scenarios()  # an outline once: here it stands for all its examples (rows=1)
REDIRECT = "The clone preview smoke counts previews that redirect (301 and 302) as reachable, without following them"


def outcomes(status_of=lambda scenario: ("passed", None, None)) -> list:
    found = []
    for scenario in SCENARIOS:
        status, category, reason = status_of(scenario)
        found.append(proof.ScenarioOutcome(scenario.name, scenario.name, scenario.tags, status, 1, category, reason))
    return found


def on_a_real_target(scenario):
    if "fault_injection" in scenario.tags:
        return "skipped", None, NO_FAULT_INJECTION
    if "disruptive" in scenario.tags:
        return "skipped", None, DISRUPTIVE
    return "passed", None, None


def test_a_run_where_everything_passed_proved_every_item():
    proofs = proof.prove(outcomes(), coverage())
    assert [(p.item, p.verdict) for p in proofs] == [(item, "proved") for item in
                                                     ("AC-1", "AC-2", "AC-3", "AC-4", "AC-5", "SC-1", "SC-2", "SC-3")]
    assert proof.closing_line(0, proofs) == "[wave5] passed — proved AC-1, AC-2, AC-3, AC-4, AC-5, SC-1, SC-2, SC-3"
    assert proof.details(proofs) == []


def test_a_green_run_without_fault_injection_says_in_its_last_line_what_it_did_not_prove():
    proofs = {p.item: p for p in proof.prove(outcomes(on_a_real_target), coverage())}
    assert {item: p.verdict for item, p in proofs.items()} == {
        "AC-1": "proved in part", "AC-2": "proved in part", "AC-3": "not proven", "AC-4": "proved in part",
        "AC-5": "proved in part", "SC-1": "proved", "SC-2": "proved in part", "SC-3": "not proven"}
    assert proofs["AC-1"].missing == [("the smoke, finding no node ready and none being acquired, asks for one, "
                                       "which Pressluft acquires, and makes its site there", "needs fault injection"),
                                      ("the smoke counts a preview answering 301 or 302 as reachable (not "
                                       "followed)", "needs fault injection"),
                                      ("the smoke fails on a preview answering anything else (another redirect, "
                                       "404, no answer) as unreachable", "needs fault injection"),
                                      ("a staging environment creation that fails fails the clone preview smoke "
                                       "with status 1, naming it and its job id", "needs fault injection")]
    assert proofs["AC-3"].describe() == "not proven (needs fault injection)"
    assert proof.closing_line(0, list(proofs.values())) == (
        "[wave5] passed — proved SC-1; in part: AC-1, AC-2, AC-4, AC-5, SC-2 (rest: needs fault injection); "
        "not on this target: AC-3, SC-3 (needs fault injection)")
    details = proof.details(list(proofs.values()))
    assert details[0] == "[wave5] what this run proved, per spec item it selected:" and len(details) == 9
    assert ("  AC-2: proved in part; missing: the pre-restore checkpoint holds production as it was just before the "
            "restore (needs fault injection); the content of the backup restored comes back, in place of what came "
            "after it (needs fault injection); a backup creation that fails fails the backup and restore smoke with "
            "status 1, naming the backup creation and its job id (needs fault injection); the backup and restore "
            "smoke stops with status 1 when its restore never ends or restored production's preview never answers, "
            "naming the restore and its job id (needs fault injection)") in details


def test_an_outline_proves_its_parts_only_when_all_its_examples_passed():
    clone_row = proof.ScenarioOutcome("A clone environment made from production gets a reachable preview -- @1.1",
                                      "A <type> environment made from production gets a reachable preview",
                                      ("AC-1", "smoke-clone"), "passed", rows=2)
    [ac1] = [p for p in proof.prove([clone_row], coverage()) if p.item == "AC-1"]
    assert ac1.verdict == "proved in part" and ac1.proven == []
    # (the clone preview smoke's scenario, not selected here, proves it too)
    assert ("a staging environment is created and active on that node",
            "not all its examples ran, not selected") in ac1.missing
    both = [clone_row, proof.ScenarioOutcome("… -- @2.1", clone_row.unit, clone_row.tags, "passed", rows=2)]
    [ac1] = [p for p in proof.prove(both, coverage()) if p.item == "AC-1"]
    assert "a staging environment is created and active on that node" in ac1.proven


def test_a_failed_check_fails_the_item_and_a_set_up_failure_leaves_it_not_judged():
    def failing(category):
        return lambda s: ("failed", category, None) if s.name == REDIRECT else ("passed", None, None)
    [ac1] = [p for p in proof.prove(outcomes(failing("preview_unreachable")), coverage()) if p.item == "AC-1"]
    assert (ac1.verdict, ac1.why) == ("failed", "preview_unreachable")
    for category in ("target_unavailable", proof.SUITE_ERROR):
        proofs = proof.prove(outcomes(failing(category)), coverage())
        [ac1] = [p for p in proofs if p.item == "AC-1"]
        assert (ac1.verdict, ac1.why) == ("not judged", category)
        assert proof.closing_line(2, proofs).startswith(
            f"[wave5] could not judge Pressluft (exit 2) — not judged: AC-1 ({category}); proved AC-2, ")


def test_items_without_a_selected_scenario_are_not_in_the_last_line():
    only_node = [o for o in outcomes() if o.name == "A ready provider-acquired node is confirmed, and no other is "
                                                    "acquired"]
    proofs = proof.prove(only_node, coverage())
    assert proof.closing_line(0, proofs) == "[wave5] passed — in part: AC-1 (rest: not selected)"
    assert proof.closing_line(2, proof.prove([], coverage())) == \
        "[wave5] could not judge Pressluft (exit 2) — no spec item was selected"


@pytest.mark.parametrize("categories, suite_errors, ran, status", [
    ((), 0, 3, 0),
    (("job_failed",), 0, 3, 1),
    (("node_not_ready", "contract_violation"), 0, 3, 1),
    (("config_error",), 0, 0, 2),
    (("job_failed", "target_unavailable"), 0, 3, 2),  # the set-up first: other verdicts may follow from it
    (("auth_failed",), 0, 0, 2),
    ((), 1, 3, 2),                                    # an error in the suite's own code
    ((), 0, 0, 2),                                    # nothing ran
])
def test_the_exit_status_comes_from_the_categories_group(categories, suite_errors, ran, status):
    assert exit_status(categories, suite_errors=suite_errors, ran=ran) == status


def test_the_tally_writes_what_was_proven_and_its_exit_status(tmp_path):
    tally = RunTally(coverage())
    for outcome in outcomes(on_a_real_target):
        tally.selected(skipped=outcome.status == "skipped", name=outcome.name, unit=outcome.unit, tags=outcome.tags,
                       skip_reason=outcome.skip_reason)
        tally.ended(outcome.status)
    tally.closing_notes.append("run w5-abc created 0 resources")
    assert tally.exit_status == 0 and tally.settle(behave_failed=False) == 0
    lines = tally.closing_lines()
    assert lines[0] == "run w5-abc created 0 resources" and lines[-1].startswith("[wave5] passed — proved SC-1")
    tally.write(str(tmp_path))
    summary = json.loads((tmp_path / RunTally.FILE).read_text())
    assert summary["exit_status"] == 0 and summary["closing_line"] == lines[-1]
    assert {p["item"]: p["verdict"] for p in summary["proof"]}["AC-3"] == "not proven"
    assert len(summary["scenarios"]) == len(SCENARIOS)
    assert tally.properties()["proof.SC-1"] == "proved"
    assert tally.properties()["proof"] == lines[-1].removeprefix("[wave5] ")
    assert tally.settle(behave_failed=True) == 2  # behave failed for a reason no verdict named: a suite error


def test_a_run_that_ran_nothing_is_a_config_error_naming_its_selection():
    tally = RunTally(coverage())
    failure = tally.nothing_ran("the tag expression '@smoke-clone and @nope'")
    assert failure.line == ('[wave5] FAIL category=config_error command="select the scenarios" job_id=none '
                            'reason="the tag expression \'@smoke-clone and @nope\' selected no scenario"')
    assert tally.exit_status == 2
    started = RunTally(coverage())
    started.selected(skipped=False, name="x")
    started.ended("failed", category=Category.JOB_FAILED)
    assert started.nothing_ran("the run") is None and started.exit_status == 1
