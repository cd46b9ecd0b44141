"""The smoke commands, the one table of them, and a smoke run as an operator runs it.

Each smoke is a tagged part of features/wave5 (tools/smoke.py runs it in-process with behave). An operator runs it
from a checkout as scripts/smoke-*.sh, from the installed package as `pressluft-smoke <word>`
(support/runtime/installation.py), and the suite's own scenarios run it in a subprocess (`run_smoke`) and read what it
answered: its exit status, its `[wave5] FAIL` line, its success line.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from support.runtime import installation
from support.runtime.config import Settings
from support.verdicts.failure import SUMMARY_PATTERN, parse_summary_lines


@dataclass(frozen=True)
class Smoke:
    name: str      # tools/smoke.py's and scripts/smoke's name for it
    words: str     # how feature text names it: "the clone preview smoke runs from the repository root"
    script: str    # a checkout's script, run from the repository's root
    word: str      # the installed command's word: pressluft-smoke <word>
    tag: str       # the scenarios it runs
    success: str   # what its success line says it showed

    def success_line(self, passed: int | str) -> str:
        """The smoke's last line when it passed: `[smoke] success: <what> (N scenarios passed)`."""
        return f"[smoke] success: {self.success} ({passed} scenario{'' if passed == 1 else 's'} passed)"


SMOKES = {smoke.name: smoke for smoke in (
    Smoke("site-clone-preview", "clone preview", "scripts/smoke-site-clone-preview.sh", "clone-preview",
          "@smoke-clone", "clone and staging preview URLs reachable"),
    Smoke("backup-restore", "backup and restore", "scripts/smoke-backup-restore.sh", "backup-restore",
          "@smoke-backup-restore", "restore completed and preview reachable"),
)}
SMOKE_COMMAND = "pressluft-smoke"
# the success line, as Smoke.success_line writes it
SUCCESS_LINE = re.compile(r"^\[smoke\] success: (?P<what>.+) \((?P<count>\d+) scenarios? passed\)$", re.MULTILINE)


def smoke_named(words: str) -> Smoke:
    """The smoke feature text names so ("clone preview", "backup and restore")."""
    return next(smoke for smoke in SMOKES.values() if smoke.words == words)


def smoke_command(name: str) -> tuple[list[str], str]:
    """The command an operator runs for a smoke, and how it is shown: the checkout's script (run from the
    repository's root), or the installed `pressluft-smoke <word>`."""
    smoke = SMOKES[name]
    if not installation.installed():
        return ["bash", str(installation.PACKAGES / smoke.script)], smoke.script
    beside = Path(sysconfig.get_path("scripts")) / SMOKE_COMMAND  # a venv's (pipx's) bin/
    command = str(beside) if beside.exists() else shutil.which(SMOKE_COMMAND) or SMOKE_COMMAND  # a --user install
    return [command, smoke.word], f"{SMOKE_COMMAND} {smoke.word}"


@dataclass
class SmokeRun:
    name: str
    command_line: str
    run_id: str
    exit_code: int
    output: str
    elapsed: float
    budgets: dict = field(default_factory=dict)
    waits: list = field(default_factory=list)  # its wait log (reports/waits/*.jsonl): what each of its waits saw

    @property
    def verdicts(self) -> list[dict]:
        return parse_summary_lines(self.output)

    @property
    def failure_lines(self) -> list[str]:
        """Its `[wave5] FAIL` lines, whole."""
        return [found.group(0) for found in SUMMARY_PATTERN.finditer(self.output)]

    @property
    def scenarios_passed(self) -> int:
        found = SUCCESS_LINE.search(self.output)
        return int(found.group("count")) if found else 0

    @property
    def slug_prefix(self) -> str:
        """Every site, environment and node the smoke creates is named with its run id."""
        return f"{self.run_id}-"

    def tail(self, lines: int = 30) -> str:
        """The last lines, quoted with "| " so that the smoke's own [wave5] line is not taken for ours."""
        return "\n".join(f"  | {line}" for line in self.output.splitlines()[-lines:])


def run_smoke(words: str, settings: Settings, *, run_id: str, base_url: Optional[str] = None,
              budgets: Optional[dict] = None, reports: Optional[str] = None, timeout: float = 900,
              variables: Optional[dict] = None) -> SmokeRun:
    """Runs the smoke feature text names so against `base_url` (default: the run's target) with the run's settings,
    the given budget overrides (e.g. {"clone": 2}), `variables` set as given (raw text, e.g. a setting it cannot read)
    and its own run id, from the repository root (the installation's home) with no input (stdin /dev/null: nothing
    can answer a question); its reports go to `reports` (a folder the caller keeps: a loop running the smoke again
    from the same directory), else to a folder that is removed."""
    command, command_line = smoke_command(smoke_named(words).name)
    smoke_settings = settings.with_budgets(**(budgets or {}))
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("PRESSLUFT_") and key != "HETZNER_API_TOKEN"}
    env.update(smoke_settings.as_environment())
    env.update({"PRESSLUFT_BASE_URL": base_url or settings.base_url, "PRESSLUFT_RUN_ID": run_id, **(variables or {})})
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pressluft-smoke-reports-") as throwaway:  # not ours to keep
        env["PRESSLUFT_REPORTS_DIR"] = reports or throwaway
        result = subprocess.run(command, cwd=installation.home(), env=env, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=timeout)
        waits = read_wait_log(Path(env["PRESSLUFT_REPORTS_DIR"]))
    return SmokeRun(words, command_line, run_id, result.returncode, result.stdout + result.stderr,
                    time.monotonic() - started, dict(budgets or {}), waits)


def read_wait_log(reports: Path) -> list[dict]:
    """The wait log a run wrote to its reports folder (support/reporting/waitlog.py), its lines in order."""
    lines = []
    for path in sorted(reports.glob("waits/*.jsonl")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines
