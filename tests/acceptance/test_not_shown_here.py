"""Evidence or nothing, end to end: against a correct target where the run cannot show a claim (the twin
node_before_run_acquisition_unlisted: a ready provider node from before the run whose acquisition job is no longer
listed), the scenario is skipped "not shown on this target: …" and the run's last line counts what it proves as not
proven; nothing is reported as a violation. Where the run has evidence (its own records), the same claims are judged."""
from __future__ import annotations

import re

import pytest

from behave_runs import FaultyTarget, run_behave

TWIN = "node_before_run_acquisition_unlisted"
NODE = "A ready provider-acquired node is confirmed, and no other is acquired"
FIRST_NODE = "Site creation is refused while the target's first node is being acquired, before anything is queued"
REJECTED = "No node can be acquired while the provider connection is degraded, and nothing is queued or recorded"


def by_name(*names: str) -> list:
    return ["--name", "|".join(f"^{re.escape(name)}$" for name in names)]


@pytest.fixture
def twin():
    target = FaultyTarget(extra_args=("--twin", TWIN))
    yield target
    target.stop()


def test_a_claim_the_target_cannot_show_is_a_skip_that_says_so_never_a_violation(tmp_path, twin):
    run = run_behave(tmp_path, *by_name(REJECTED), "features/wave5", env=twin.env(PRESSLUFT_ALLOW_DISRUPTIVE="1"))
    assert run.exit_code == 2, run.output[-3000:]  # a selection that ran nothing judged nothing
    assert [verdict["category"] for verdict in run.verdicts] == ["config_error"]  # no contract_violation
    result = run.result_named(REJECTED)
    reason = next(label["value"] for label in result["labels"] if label["name"] == "skip_reason")
    assert result["status"] == "skipped" and reason.startswith(
        "not shown on this target: the run has no node acquisition job of its own to look for (it reused a node "
        "whose acquisition job is not listed, and requested none)")
    steps = [(step["name"], step["status"]) for step in result["steps"] if step["name"].startswith(("Then", "And"))]
    assert steps[-3:] == [("Then Pressluft refuses to acquire a node, because the provider connection is degraded",
                           "passed"),
                          ("And no node acquisition was queued", "skipped"),
                          ("And the node list shows that ready node, and no new one", "skipped")]
    [scenario] = run.summary()["scenarios"]
    assert (scenario["status"], scenario["skip_reason"]) == ("skipped", reason)


def test_the_proof_line_counts_a_part_not_shown_as_not_proven(tmp_path, twin):
    run = run_behave(tmp_path, *by_name(NODE, FIRST_NODE), "features/wave5", env=twin.env())
    assert run.exit_code == 0, run.output[-3000:]
    statuses = {result["name"].strip(): result["status"] for result in run.results()}
    assert statuses == {NODE: "passed", FIRST_NODE: "skipped"}  # confirmed: it reused a ready node, asked for none
    assert run.verdicts == []
    summary = run.summary()
    assert summary["closing_line"].endswith("not on this target: SC-2 (not shown on this target: the run reused a "
                                            "node, the ready node node-from-before)"), summary["closing_line"]
    [sc2] = [item for item in summary["proof"] if item["item"] == "SC-2"]
    assert sc2["verdict"] == "not proven"
