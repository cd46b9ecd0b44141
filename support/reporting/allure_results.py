"""What the suite adds to allure-behave's results: each scenario's labels (Epic → Feature → a story per spec item,
its failure class, a skip's reason), categories.json (one Allure category per failure kind), environment.properties
(the target, the run, the suite's version), and a run-level result when the run cannot start.

The labels are a no-op when no Allure formatter is listening.
"""
from __future__ import annotations

import json
import platform
import subprocess
import time
import uuid
from pathlib import Path
from typing import Optional

import allure
import allure_commons
from allure_commons.model2 import Label, Status, TestResult
from allure_commons.reporter import AllureReporter

from support.reporting.spec_catalogue import ACCEPTANCE_CRITERIA, FAILURE_CLASSES, SCENARIOS, SPEC_URL, SUPPORTING
from support.runtime import installation
from support.verdicts.categories import KINDS, SUITE_ERROR, TARGET_PROBLEMS, Category
from support.verdicts.redaction import secrets

EPIC = "Wave 5 runtime e2e"

ROOT = installation.PACKAGES


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


def shown_or_skipped(scenario, found: tuple):
    """`found`: what a step found, and why it shows nothing on this target (None: it does). What it found; or None,
    the scenario it runs in skipped with that reason (the console's and Allure's)."""
    value, why = found
    if not why:
        return value
    mark_skipped(why)
    scenario.skip(reason=why)
    return None


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


# how to read the report's numbers (scripts/report says which apply to a report: tools/report_counts.py)
COUNTS = ("the total is one result per scenario as behave counts them (each example row of an outline one); the tree "
          "lists a scenario under every spec item it proves, so its numbers add up to more")


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

    props = {"target.name": target_name, "report.counts": COUNTS}
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
