"""Allure reporting through allure_commons: narrated steps, attachments, dynamic labels,
categories.json, environment.properties, and a run-level result when the run cannot start.

Everything here is a no-op when no Allure formatter is listening.
"""
from __future__ import annotations

import contextlib
import json
import platform
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator, Optional

import allure
import allure_commons
from allure_commons.model2 import Label, Status, TestResult
from allure_commons.reporter import AllureReporter
from allure_commons.types import AttachmentType

from support import proof, waitlog
from support.allure_formatter import writable_or_throwaway
from support.runtime import installation
from support.runtime.config import reports_dir_requested, reports_shared_requested
from support.runtime.resources import LEDGER_FILE
from support.spec_catalogue import ACCEPTANCE_CRITERIA, FAILURE_CLASSES, SCENARIOS, SPEC_URL, SUPPORTING
from support.verdicts.categories import KINDS, PASSED_STATUS, SUITE_ERROR, TARGET_PROBLEMS, Category, exit_status
from support.verdicts.failure import SuiteFailure
from support.verdicts.redaction import secrets

EPIC = "Wave 5 runtime e2e"

ROOT = installation.PACKAGES


# -- narration and attachments --------------------------------------------------------------------
@contextlib.contextmanager
def narrate(title: str) -> Iterator[None]:
    """An Allure step around an action or question. An error passing through it is recorded redacted (its message
    may name the target's address: `connection refused at …`, a preview address)."""
    step = allure.step(secrets.redact_text(title))
    step.__enter__()
    try:
        yield
    except BaseException as error:
        step.__exit__(type(error), _redacted(error), error.__traceback__)
        raise
    step.__exit__(None, None, None)


def _redacted(error: BaseException) -> BaseException:
    """The error as the report may show it: of the same type (Allure names it), its message redacted."""
    shown = secrets.redact_text(str(error))
    if shown == str(error):
        return error
    try:
        stand_in = type(error).__new__(type(error))
        stand_in.args = (shown,)
        if str(stand_in) == shown:
            return stand_in
    except (TypeError, ValueError, AttributeError):
        pass
    return (AssertionError if isinstance(error, AssertionError) else RuntimeError)(shown)


def attach_text(name: str, text: str) -> None:
    allure.attach(secrets.redact_text(text) or "", name=name, attachment_type=AttachmentType.TEXT)


# -- dynamic labels for behave ---------------------------------------------------------------------
class BehaveLabels:
    """allure-behave implements no `add_label` hook; this plugin lets `allure.dynamic.label` work."""

    @allure_commons.hookimpl
    def add_label(self, label_type, labels):
        test = _current_test()
        if test is None:
            return
        for value in labels:
            label = Label(name=str(getattr(label_type, "value", label_type)), value=str(value))
            if label not in test.labels:
                test.labels.append(label)


def _current_test() -> Optional[TestResult]:
    for plugin in allure_commons.plugin_manager.get_plugins():
        logger = getattr(plugin, "logger", None)
        if isinstance(logger, AllureReporter):
            test = logger.get_test(None)
            if test is not None:
                return test
    return None


def enable_dynamic_labels() -> None:
    if not any(isinstance(p, BehaveLabels) for p in allure_commons.plugin_manager.get_plugins()):
        allure_commons.plugin_manager.register(BehaveLabels())


def label_scenario(tags) -> None:
    """The report reads like the spec: Epic "Wave 5 runtime e2e" → the feature → a story per spec item the
    scenario proves (AC/SC, or a companion spec's item); failure-class tags as `failure_class`; a spec link."""
    allure.dynamic.epic(EPIC)
    for tag in tags:
        if tag in ACCEPTANCE_CRITERIA or tag in SCENARIOS:
            allure.dynamic.label("ac" if tag.startswith("AC-") else "spec_scenario", tag)
            allure.dynamic.story(f"{tag}: {({**ACCEPTANCE_CRITERIA, **SCENARIOS})[tag]}")
        elif tag in SUPPORTING:
            allure.dynamic.story(f"{tag}: {SUPPORTING[tag]}")
        elif tag in FAILURE_CLASSES:
            allure.dynamic.label("failure_class", tag)
    allure.dynamic.link(SPEC_URL, name="Wave 5 runtime e2e spec")


def mark_skipped(reason: str) -> None:
    """allure-behave keeps no reason for a skipped scenario: record it as a label and the description."""
    allure.dynamic.label("skip_reason", reason)
    allure.dynamic.description(f"Skipped: {reason}")


# -- files beside the results ---------------------------------------------------------------------
def categories() -> list[dict]:
    """categories.json: one Allure category per failure kind (support/verdicts/categories.py), by the first verdict of
    the message (a reason may quote another verdict, e.g. a smoke's); an error in the suite's own code, which
    has no verdict, is a suite error."""
    rules = [{"name": kind.allure_category, "matchedStatuses": ["failed", "broken"],
              "messageRegex": rf"(?s)(?:(?!\[wave5\]).)*\[wave5\] FAIL category={kind.category.value} .*"}
             for kind in KINDS]
    return rules + [{"name": SUITE_ERROR, "matchedStatuses": ["broken", "failed"]}]


def git_revision() -> str:
    """The checkout's commit; an installed package names its version instead (suite.version)."""
    if not installation.git_checkout():
        return "none (installed package)"
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=5)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _without_userinfo(url: str) -> str:
    """A URL may carry user:password@; the report never does."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


EMBEDDED_TARGET_NAME = "embedded reference"


def environment_properties(*, target_name: str, embedded: bool, run_id: str, target_url: Optional[str] = None,
                           target_version: Optional[str] = None, fault_injection: Optional[bool] = None,
                           defects: tuple = ()) -> dict:
    """The report's environment. A target is named by its label (PRESSLUFT_TARGET_NAME); only the embedded
    reference's loopback address is written as `target.url` (docs/suite.md: what a report shows of a target)."""
    from importlib.metadata import PackageNotFoundError, version

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "unknown"

    props = {"target.name": target_name}
    if embedded and target_url:
        props["target.url"] = _without_userinfo(target_url)
    props.update({
        "target.embedded_reference": str(embedded).lower(),
        "target.version": target_version or "unknown",
        "target.fault_injection": "unknown" if fault_injection is None else str(fault_injection).lower(),
        "target.defects": ", ".join(defects) or "none",  # a mutant reference target (--defect)
        "run.id": run_id,
        "suite.version": installation.version(),  # names the Pressluft contract it checks
        "suite.git_revision": git_revision(),
        "python": platform.python_version(),
        "behave": v("behave"),
        "allure-behave": v("allure-behave"),
        "requests": v("requests"),
    })
    return {key: secrets.redact_text(value) for key, value in props.items()}


def write_result_files(results_dir: Path, properties: dict) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "categories.json").write_text(json.dumps(categories(), indent=2))
    lines = [f"{key}={secrets.redact_text(str(value)).replace(chr(10), ' ')}" for key, value in properties.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n")


def write_run_result(results_dir: Path, *, name: str, message: str, trace: str = "",
                     category: Category = Category.CONFIG_ERROR) -> Path:
    """A run-level result, so that a run that could not start is not an empty report."""
    results_dir.mkdir(parents=True, exist_ok=True)
    now = int(time.time() * 1000)
    test_uuid = str(uuid.uuid4())
    status = Status.BROKEN if Category(category) in TARGET_PROBLEMS else Status.FAILED
    result = {
        "uuid": test_uuid, "historyId": "wave5-run-setup", "testCaseId": "wave5-run-setup",
        "name": name, "fullName": f"Wave 5 run: {name}", "status": status,
        "statusDetails": {"message": secrets.redact_text(message), "trace": secrets.redact_text(trace)},
        "stage": "finished", "start": now, "stop": now,
        "labels": [{"name": "suite", "value": "Wave 5 run"}, {"name": "framework", "value": "behave"},
                   {"name": "failure_category", "value": category.value}],
        "steps": [], "attachments": [], "parameters": [], "links": [],
    }
    path = results_dir / f"{test_uuid}-result.json"
    path.write_text(json.dumps(result, indent=2))
    return path


def follow_reports_dir(config) -> None:
    """JUnit XML goes under PRESSLUFT_REPORTS_DIR too, when that is set (a folder that cannot be written to is
    the run's config_error to report: behave's JUnit reporter then writes to a throwaway folder instead of
    crashing the run)."""
    requested = reports_dir_requested(userdata=getattr(config, "userdata", None) or {})
    if requested:
        config.junit_directory = str(writable_or_throwaway(Path(requested) / "junit"))


DEFAULT_REPORTS = "reports"


def start_afresh(config) -> None:
    """One run, one report: what earlier runs left in the reports folder goes (the Allure results are the
    formatter's to empty): JUnit files, wait logs, the run summary, the list of created resources. Not when the
    folder is shared by the processes of one run (PRESSLUFT_REPORTS_SHARED: the command that started them did)."""
    userdata = getattr(config, "userdata", None) or {}
    if reports_shared_requested(userdata=userdata):
        return
    junit = Path(config.junit_directory) if getattr(config, "junit", False) and config.junit_directory else None
    clear_run_files(Path(reports_dir_requested(userdata=userdata) or DEFAULT_REPORTS), junit)


def clear_run_files(reports: Path, junit: Optional[Path]) -> None:
    """The files of an earlier run in a reports folder (by their names: nothing else a user keeps there)."""
    places = [(reports / waitlog.FOLDER, "waits-*.jsonl"), (reports, RunTally.FILE), (reports, LEDGER_FILE)]
    if junit is not None:
        places.append((junit, "TESTS-*.xml"))
    for folder, pattern in places:
        for path in folder.glob(pattern):
            try:
                path.unlink()
            except OSError:
                pass


def run_properties(run, failure) -> dict:
    """environment.properties of a run (or of a run that could not start)."""
    if run is None:
        props = environment_properties(target_name="(unknown: the run could not start)", embedded=False,
                                       run_id="none")
        props["run.setup_failure"] = failure.line if failure is not None else "none"
        return props
    props = environment_properties(target_name=EMBEDDED_TARGET_NAME if run.embedded else run.settings.target_name,
                                   target_url=run.base_url, embedded=run.embedded, run_id=run.ledger.run_id,
                                   target_version=run.capabilities.version,
                                   fault_injection=run.capabilities.fault_injection,
                                   defects=run.capabilities.defects)
    if getattr(run, "server", None) is not None:  # PRESSLUFT_SERVER_CMD
        props["target.server_command"] = run.server.command_line
        props["target.server_log"] = str(run.server.log_path)
    items = run.ledger.items
    # every one of them (type, id, slug): against an external target they stay there, nothing is deleted
    props["run.created_resources"] = (f"{len(items)}: " + "; ".join(i.describe() for i in items)) if items else "0"
    servers = run.ledger.servers
    props["run.provider_servers"] = (run.ledger.servers_summary + ": " + "; ".join(s.describe() for s in servers)
                                     if servers else "0")
    return props


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
    proved per spec item (support/proof.py), written to `run-summary.json` in the reports folder: a smoke command
    reads it to tell "passed" from "ran nothing" (tools/smoke.py), CI and the shards' merge read what was proven."""

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
