"""What scripts/report says of its counts (tools/report_counts.py): why the tree's numbers differ from the total."""
from tools.report_counts import explain


def result(history: str, *stories: str, status: str = "passed", suite: str = "") -> dict:
    labels = [{"name": "story", "value": story} for story in stories]
    labels += [{"name": "suite", "value": suite}] if suite else []
    return {"historyId": history, "status": status, "labels": labels}


def test_a_run_of_single_item_scenarios_says_only_its_total():
    assert explain([result("a", "AC-1"), result("b", "AC-2", status="failed")]) == [
        "report: 2 results in its total (1 failed, 1 passed): one per scenario as behave counts them, each example "
        "row of an outline one"]


def test_each_reason_the_tree_differs_from_the_total_is_said():
    results = [result("a", "AC-3", "AC-4"), result("b", "AC-1"), result("b", "AC-1"),  # b run again: a retry
               result("run", status="broken", suite="Wave 5 run")]
    assert explain(results) == [
        "report: 3 results in its total (1 broken, 2 passed): one per scenario as behave counts them, each example "
        "row of an outline one, and 1 of the run's own ('The run could not start')",
        "report: its tree lists 3 under the spec items: the one scenario that proves more than one item is listed "
        "under each of them",
        "report: and 1 retry: earlier runs of a scenario in the same results folder (the total counts the latest of "
        "each)"]
