"""A run of the suite (behave, or a smoke command) in a subprocess, as tests and scripts/chaos read it: its exit
code, its [wave5] lines, its Allure results, JUnit XML and run summary."""
from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from support.runtime import installation
from support.runtime.smoke_commands import SUCCESS_LINE
from support.verdicts.diagnosis import SUITE_ERROR_PREFIX
from support.verdicts.failure import PREFIX, parse_summary_lines

ROOT = installation.home()  # the checkout these tools run in
SUMMARY = re.compile(r"(\d+) scenarios? passed, (\d+) failed, (\d+) skipped")


@dataclass
class SuiteRun:
    """A behave process (or a smoke command) that ran to its end: exit code, output, its reports folder."""

    exit_code: int
    stdout: str
    stderr: str
    reports: Path
    elapsed: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def verdicts(self) -> list[dict]:
        return parse_summary_lines(self.stderr)

    @property
    def fail_lines(self) -> list[str]:
        """Every `[wave5] FAIL` line, as printed (also one the summary pattern would not parse)."""
        return [line for line in self.output.splitlines() if line.startswith(PREFIX)]

    @property
    def suite_errors(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith(SUITE_ERROR_PREFIX)]

    @property
    def success_lines(self) -> list[re.Match]:
        return list(SUCCESS_LINE.finditer(self.stdout + "\n" + self.stderr))

    def summary(self) -> dict:
        """run-summary.json, the tally a smoke command decides its exit status by."""
        return json.loads((self.reports / "run-summary.json").read_text())

    def results(self) -> list[dict]:
        folder = self.reports / "allure-results"
        return [json.loads(p.read_text()) for p in folder.glob("*-result.json")] if folder.exists() else []

    def result_named(self, name: str) -> dict:
        matches = [r for r in self.results() if r["name"].startswith(name)]
        assert matches, f"no Allure result named {name!r} in {[r['name'] for r in self.results()]}"
        return matches[0]

    def attachments(self, result: dict, name: str) -> list[str]:
        """The texts of a result's attachments with this name, step by step."""
        return [(self.reports / "allure-results" / attachment["source"]).read_text()
                for step in result.get("steps", []) for attachment in step.get("attachments", [])
                if attachment["name"] == name]

    def categories(self) -> list[dict]:
        return json.loads((self.reports / "allure-results" / "categories.json").read_text())

    def category_of(self, result: dict) -> Optional[str]:
        """The Allure category a result falls into, by the categories.json rules (first match wins)."""
        message = (result.get("statusDetails") or {}).get("message") or ""
        for rule in self.categories():
            if result["status"] in rule.get("matchedStatuses", []) and re.fullmatch(
                    rule.get("messageRegex", ".*"), message, flags=re.DOTALL):
                return rule["name"]
        return None

    def scenario_counts(self) -> tuple[int, int, int]:
        """Passed, failed, skipped, from behave's summary (zeros when there is none)."""
        found = SUMMARY.search(self.stdout)
        return tuple(int(n) for n in found.groups()) if found else (0, 0, 0)

    def recorded_retries(self) -> int:
        """Retried reads as the suite recorded them (the `[retry N of GET]` notes in the attached exchanges)."""
        folder = self.reports / "allure-results"
        if not folder.exists():
            return 0
        return sum(p.read_text(errors="replace").count("of GET]") for p in folder.glob("*-attachment*"))

    def junit_text(self) -> str:
        return "".join(p.read_text() for p in (self.reports / "junit").glob("*.xml"))

    def everything_written(self) -> str:
        texts = [self.output]
        for folder in (self.reports / "allure-results", self.reports / "junit"):
            if folder.exists():
                texts += [p.read_text(errors="replace") for p in folder.iterdir() if p.is_file()]
        return "\n".join(texts)


def run_process(tmp_path: Path, command: list, env: Optional[dict], timeout: float) -> SuiteRun:
    """`command` from the repository root with only the given PRESSLUFT_* variables; reports under tmp_path."""
    reports = tmp_path / "reports"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSLUFT_") and k != "HETZNER_API_TOKEN"}
    full_env.update({"PRESSLUFT_REPORTS_DIR": str(reports)})
    full_env.update(env or {})
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL)
    return SuiteRun(result.returncode, result.stdout, result.stderr, reports, time.monotonic() - started)


