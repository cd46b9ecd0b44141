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

from support.diagnostics import PRODUCT_DEFECTS, TARGET_PROBLEMS, Category
from support.redaction import secrets

ROOT = Path(__file__).resolve().parents[1]


# -- narration and attachments --------------------------------------------------------------------
@contextlib.contextmanager
def narrate(title: str) -> Iterator[None]:
    """An Allure step around an action or question."""
    with allure.step(secrets.redact_text(title)):
        yield


def attach_text(name: str, text: str) -> None:
    allure.attach(secrets.redact_text(text) or "", name=name, attachment_type=AttachmentType.TEXT)


def attach_json(name: str, data) -> None:
    allure.attach(secrets.redact_text(json.dumps(secrets.redact_json(data), indent=2, sort_keys=True,
                                                 default=str)),
                  name=name, attachment_type=AttachmentType.JSON)


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


def label_scenario(tags, spec_url: str, spec_items: dict, failure_classes: dict) -> None:
    """AC/SC tags as `ac`/`story` labels, failure-class tags as `failure_class`, a link to the spec."""
    for tag in tags:
        if tag in spec_items:
            allure.dynamic.label("ac" if tag.startswith("AC-") else "spec_scenario", tag)
            allure.dynamic.story(f"{tag}: {spec_items[tag]}")
        elif tag in failure_classes:
            allure.dynamic.label("failure_class", tag)
    allure.dynamic.link(spec_url, name="Wave 5 runtime e2e spec")


def mark_skipped(reason: str) -> None:
    """allure-behave keeps no reason for a skipped scenario: record it as a label and the description."""
    allure.dynamic.label("skip_reason", reason)
    allure.dynamic.description(f"Skipped: {reason}")


# -- files beside the results ---------------------------------------------------------------------
def categories() -> list[dict]:
    def rule(name: str, members, statuses) -> dict:
        pattern = "|".join(c.value for c in members)
        return {"name": name, "matchedStatuses": statuses,
                # the first verdict of the message decides (a reason may quote another verdict, e.g. a smoke's)
                "messageRegex": rf"(?s)(?:(?!\[wave5\]).)*\[wave5\] FAIL category=({pattern}) .*"}

    product = [rule(f"Product defect: {c.value}", [c], ["failed", "broken"]) for c in PRODUCT_DEFECTS]
    target = [rule(f"Target or configuration problem: {c.value}", [c], ["failed", "broken"])
              for c in TARGET_PROBLEMS]
    return product + target + [{"name": "Suite defect (no [wave5] verdict)", "matchedStatuses": ["broken"]}]


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


def environment_properties(*, target_url: str, embedded: bool, run_id: str,
                           target_version: Optional[str] = None, fault_injection: Optional[bool] = None,
                           defects: tuple = ()) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "unknown"

    props = {
        "target.url": _without_userinfo(target_url),
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
    }
    return {key: secrets.redact_text(value) for key, value in props.items()}


def write_result_files(results_dir: Path, properties: dict) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "categories.json").write_text(json.dumps(categories(), indent=2))
    lines = [f"{key}={str(value).replace(chr(10), ' ')}" for key, value in properties.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n")


def write_run_result(results_dir: Path, *, name: str, message: str, trace: str = "",
                     category: Category = Category.CONFIG_ERROR) -> Path:
    """A run-level result, so that a run that could not start is not an empty report."""
    results_dir.mkdir(parents=True, exist_ok=True)
    now = int(time.time() * 1000)
    test_uuid = str(uuid.uuid4())
    status = Status.BROKEN if category in TARGET_PROBLEMS else Status.FAILED
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


def results_dir_from_config(config, default: str) -> Path:
    """Where the Allure formatter of this behave run writes."""
    outputs = list(getattr(config, "outputs", []) or [])
    for index, name in enumerate(getattr(config, "format", None) or []):
        if "allure" in name.lower() and index < len(outputs) and getattr(outputs[index], "name", None):
            return Path(outputs[index].name)
    return Path(default)


__all__ = ["narrate", "attach_text", "attach_json", "enable_dynamic_labels", "label_scenario", "categories", "results_dir", "run_properties",
           "environment_properties", "write_result_files", "write_run_result", "results_dir_from_config"]


def results_dir(config, base: Optional[str]) -> Optional[Path]:
    """Where Allure results go: under PRESSLUFT_REPORTS_DIR when set, else the Allure formatter's outfile.
    None when no Allure formatter runs."""
    formats = [name.lower() for name in (getattr(config, "format", None) or [])]
    if not any("allure" in name for name in formats):
        return None
    if base:
        return Path(base) / "allure-results"
    return results_dir_from_config(config, "reports/allure-results")


def run_properties(run, failure) -> dict:
    """environment.properties of a run (or of a run that could not start)."""
    if run is None:
        import os

        server = "PRESSLUFT_SERVER_CMD" in os.environ  # the server under test, started by the run
        url = os.environ.get("PRESSLUFT_BASE_URL") or ("(the server under test)" if server
                                                       else "(embedded reference target)")
        props = environment_properties(target_url=url, embedded="PRESSLUFT_BASE_URL" not in os.environ and not server,
                                       run_id="none")
        props["run.setup_failure"] = failure.line if failure is not None else "none"
        return props
    props = environment_properties(target_url=run.base_url, embedded=run.embedded, run_id=run.ledger.run_id,
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
