"""Why the HTML report's counts differ from behave's scenario count: what scripts/report says after it made the report.

    python -m tools.report_counts RESULTS_DIR

The report's total counts test results, one per scenario as behave counts them (each example row of an outline is
one; behave's "N scenarios passed"). Its tree groups them by epic, feature and spec item (story): a scenario that
proves two items is listed under each, so the tree's numbers add up to more than the total. Besides, a run that
could not start writes one result of its own (not a scenario), and results that share a history id (one scenario run
again into the same folder) count once, the others as retries.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

RUN_SUITE = "Wave 5 run"  # the suite label of the run's own result (support/reporting/allure_results.py)


def _results(folder: Path) -> list[dict]:
    found = []
    for path in sorted(folder.glob("*-result.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            found.append(data)
    return found


def _labels(result: dict, name: str) -> list[str]:
    return [label.get("value") for label in result.get("labels") or [] if label.get("name") == name]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun if count == 1 else noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"


def explain(results: list[dict]) -> list[str]:
    """The lines scripts/report prints: the total and its statuses, and each reason the tree's numbers differ."""
    latest: dict = {}  # the result the report shows of each scenario: its latest
    for result in sorted(results, key=lambda found: found.get("stop") or 0):
        latest[result.get("historyId") or result.get("uuid")] = result
    retries = len(results) - len(latest)
    statuses = Counter(result.get("status", "unknown") for result in latest.values())
    run_level = sum(1 for result in latest.values() if RUN_SUITE in _labels(result, "suite"))
    lines = [f"report: {_plural(len(latest), 'result')} in its total ("
             + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
             + "): one per scenario as behave counts them, each example row of an outline one"
             + (f", and {run_level} of the run's own ('The run could not start')" if run_level else "")]
    stories = [len(_labels(result, "story")) for result in latest.values() if RUN_SUITE not in _labels(result, "suite")]
    several = sum(1 for count in stories if count > 1)
    if several:
        which = "the one scenario that proves" if several == 1 else f"each of the {several} scenarios that prove"
        lines.append(f"report: its tree lists {sum(stories)} under the spec items: {which} more than one item is "
                     "listed under each of them")
    if retries:
        lines.append(f"report: and {_plural(retries, 'retry')}: earlier runs of a scenario in the same results folder "
                     "(the total counts the latest of each)")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tools.report_counts RESULTS_DIR", file=sys.stderr)
        return 2
    for line in explain(_results(Path(argv[0]))):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
