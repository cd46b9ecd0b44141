"""The run's tally: what it selected, skipped, passed and failed, scenario by scenario, and so its exit status and
what it proved per spec item (support/reporting/proof.py), written to `run-summary.json` in the reports folder."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from support.reporting import proof
from support.verdicts.categories import PASSED_STATUS, Category, exit_status
from support.verdicts.failure import SuiteFailure
from support.verdicts.redaction import secrets


def describe_selection(tags=(), names=()) -> str:
    """What behave was asked to run, as the line of a run that ran nothing names it."""
    tags = [tag.strip() for tag in tags or () if tag and tag.strip()]
    if tags:
        return "the tag expression '" + " and ".join(f"({tag})" if " " in tag else tag for tag in tags) + "'"
    if names:
        return "the names " + ", ".join(f"'{name}'" for name in names)
    return "the run"


class RunTally:
    """What the run selected, skipped, passed and failed, scenario by scenario, and so its exit status and what it
    proved per spec item (proof.py), written to `run-summary.json` in the reports folder: a smoke command reads it
    to tell "passed" from "ran nothing" (tools/smoke.py), CI and the shards' merge read what was proven."""

    FILE = "run-summary.json"

    def __init__(self, coverage: Optional[proof.Coverage] = None):
        self.counts = {"selected": 0, "skipped": 0, "passed": 0, "failed": 0}
        self.start_failure: Optional[str] = None
        self.categories: list = []      # the category of every verdict of the run
        self.suite_errors = 0           # errors in the suite's own code (and hook errors behave counted)
        self.outcomes: list = []        # proof.ScenarioOutcome, in the order they ended
        self.coverage = coverage
        self.closing_notes: list = []   # lines for the end of the run, printed after behave's summary
        self.reports_dir: Optional[str] = None
        self.selection_failure: Optional[str] = None
        self._current: Optional[dict] = None

    def selected(self, *, skipped: bool = False, name: str = "", unit: Optional[str] = None, tags=(), rows: int = 1,
                 skip_reason: Optional[str] = None) -> None:
        self.counts["selected"] += 1
        self.counts["skipped"] += int(skipped)
        self._current = {"name": name, "unit": unit or name, "tags": tuple(tags), "rows": rows,
                         "skip_reason": skip_reason if skipped else None}

    def ended(self, status: str, *, category=None, suite_error: bool = False,
              skip_reason: Optional[str] = None) -> None:
        if status == "passed":
            self.counts["passed"] += 1
        elif status in ("failed", "error", "hook_error"):
            self.counts["failed"] += 1
            status = "failed"
            if suite_error:
                self.suite_errors += 1
            elif category is not None:
                self.categories.append(Category(category))
        elif status == "skipped" and self._current is not None and self._current["skip_reason"] is None:
            self.counts["skipped"] += 1  # skipped by one of its steps, with the reason it gave
            self._current["skip_reason"] = skip_reason or "skipped by one of its steps"
        if self._current is not None:
            if status == "failed":
                category = proof.SUITE_ERROR if suite_error or category is None else Category(category).value
            self.outcomes.append(proof.ScenarioOutcome(status=status, category=category if status == "failed"
                                                       else None, **self._current))
            self._current = None

    @property
    def all_passed(self) -> bool:
        """The run started and no scenario failed."""
        return self.start_failure is None and self.counts["failed"] == 0

    def could_not_start(self, failure) -> None:
        self.start_failure = failure.line
        self.categories.append(failure.category)

    @property
    def ran(self) -> int:
        return self.counts["passed"] + self.counts["failed"]

    def nothing_ran(self, selection: str) -> Optional[SuiteFailure]:
        """The run started, but no scenario ran: a config_error (exit 2) naming the selection, or None."""
        if self.start_failure or self.ran:
            return None
        if self.counts["selected"] == 0:
            reason = f"{selection} selected no scenario"
        else:
            reasons = sorted({o.skip_reason for o in self.outcomes if o.skip_reason})
            count = self.counts["selected"]
            reason = (f"{selection} selected {count} scenario{'s' if count != 1 else ''}, all skipped on this target"
                      + (f" ({'; '.join(reasons)})" if reasons else ""))
        failure = SuiteFailure(Category.CONFIG_ERROR, "select the scenarios", reason)
        self.categories.append(failure.category)
        self.selection_failure = failure.line
        return failure

    def settle(self, behave_failed: bool) -> int:
        """The final exit status; behave failing for a reason no verdict names (a hook error, an undefined step,
        a cleanup that failed) is an error of the suite's own."""
        if behave_failed and self.exit_status == PASSED_STATUS:
            self.suite_errors += 1
        return self.exit_status

    @property
    def exit_status(self) -> int:
        return exit_status(self.categories, suite_errors=self.suite_errors, ran=self.ran)

    def proofs(self) -> list:
        if self.coverage is None or self.start_failure:
            return []
        return proof.prove(self.outcomes, self.coverage)

    def closing_lines(self) -> list:
        """The end of the run: notes, what was proven per item (when not everything selected was), the last line."""
        proofs = self.proofs()
        return [*self.closing_notes, *proof.details(proofs),
                proof.closing_line(self.exit_status, proofs, self.start_failure)]

    def properties(self) -> dict:
        """What was proven, for environment.properties (the Allure overview)."""
        proofs = self.proofs()
        return proof.properties(proofs, proof.closing_line(self.exit_status, proofs, self.start_failure))

    def write(self, reports_dir: Optional[str]) -> None:
        self.reports_dir = reports_dir = reports_dir or self.reports_dir
        if not reports_dir:
            return
        proofs = self.proofs()
        summary = {**self.counts, "start_failure": self.start_failure, "selection_failure": self.selection_failure,
                   "exit_status": self.exit_status,
                   "categories": [category.value for category in self.categories], "suite_errors": self.suite_errors,
                   "closing_line": proof.closing_line(self.exit_status, proofs, self.start_failure),
                   "proof": proof.as_json(proofs),
                   "scenarios": [dict(vars(outcome), tags=list(outcome.tags)) for outcome in self.outcomes]}
        try:
            text = json.dumps(summary, indent=1, ensure_ascii=False)
            Path(reports_dir, self.FILE).write_text(secrets.redact_text(text), encoding="utf-8")
        except OSError:
            pass

    @classmethod
    def merged(cls, summaries: list, coverage: Optional[proof.Coverage] = None) -> "RunTally":
        """One tally from the run-summary.json of several runs (the shards of one run, tools/shard.py): what they
        proved together. A shard whose selection ran nothing counts only when none of them ran anything."""
        tally = cls(coverage)
        known = {category.value for category in Category}
        for summary in summaries:
            for key in tally.counts:
                tally.counts[key] += int(summary.get(key) or 0)
            tally.start_failure = tally.start_failure or summary.get("start_failure")
            categories = [Category(c) for c in summary.get("categories") or () if c in known]
            if summary.get("selection_failure") and Category.CONFIG_ERROR in categories:
                categories.remove(Category.CONFIG_ERROR)
            tally.categories += categories
            tally.suite_errors += int(summary.get("suite_errors") or 0)
            tally.outcomes += [proof.ScenarioOutcome.from_dict(o) for o in summary.get("scenarios") or ()]
        if not tally.ran and not tally.start_failure:
            tally.nothing_ran("the shards")
        return tally
