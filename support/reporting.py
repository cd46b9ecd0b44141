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

from support import waitlog
from support.allure_formatter import writable_or_throwaway
from support.categories import KINDS, SUITE_ERROR, TARGET_PROBLEMS, Category
from support.config import reports_dir_requested, reports_shared_requested
from support.redaction import secrets
from support.resources import LEDGER_FILE
from support.spec_catalogue import ACCEPTANCE_CRITERIA, FAILURE_CLASSES, SCENARIOS, SPEC_URL, SUPPORTING

EPIC = "Wave 5 runtime e2e"

ROOT = Path(__file__).resolve().parents[1]


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
    """categories.json: one Allure category per failure kind (support/categories.py), by the first verdict of
    the message (a reason may quote another verdict, e.g. a smoke's); an error in the suite's own code, which
    has no verdict, is a suite error."""
    rules = [{"name": kind.allure_category, "matchedStatuses": ["failed", "broken"],
              "messageRegex": rf"(?s)(?:(?!\[wave5\]).)*\[wave5\] FAIL category={kind.category.value} .*"}
             for kind in KINDS]
    return rules + [{"name": SUITE_ERROR, "matchedStatuses": ["broken", "failed"]}]


def git_revision() -> str:
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
    return props


class RunTally:
    """How many scenarios the run selected, skipped, passed and failed, written to `run-summary.json` in the
    reports folder: a smoke command reads it to tell "passed" from "ran nothing" (tools/smoke.py)."""

    FILE = "run-summary.json"

    def __init__(self):
        self.counts = {"selected": 0, "skipped": 0, "passed": 0, "failed": 0}
        self.start_failure: Optional[str] = None

    def selected(self, *, skipped: bool) -> None:
        self.counts["selected"] += 1
        self.counts["skipped"] += int(skipped)

    def ended(self, status: str) -> None:
        if status == "passed":
            self.counts["passed"] += 1
        elif status in ("failed", "error", "hook_error"):
            self.counts["failed"] += 1

    def could_not_start(self, failure) -> None:
        self.start_failure = failure.line

    def write(self, reports_dir: Optional[str]) -> None:
        if not reports_dir:
            return
        try:
            Path(reports_dir, self.FILE).write_text(json.dumps({**self.counts, "start_failure":
                                                                secrets.redact_text(self.start_failure)}))
        except OSError:
            pass
