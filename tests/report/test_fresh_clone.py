"""A newcomer's first hour, in a fresh clone: the README's two commands, then scripts/report, then the report in
headless Chromium shows the run they made: every scenario of features/wave5 passed, none skipped, none retried.

The clone is `git clone` of this checkout's HEAD (committed work only) into a temporary folder, set up for real by
the README's first command (`scripts/setup`: its own .venv; pip's and npm's caches make it quick), with the
variables of a fresh shell (no PRESSLUFT_*, no virtualenv, no pytest's).

The README's second command is `scripts/test`, the project's whole test run, which holds this very test: run as it
is, it would start itself again in the clone, and again. So it runs with extra pytest arguments after `--` (which
scripts/test hands to pytest) that select a small, named subset of tests/ (SUBSET); everything else the command
does still runs as written: its set-up (the test tools, the report tooling), the behave dry run, actionlint and
ruff. What matters here is what the whole command leaves in the user's reports/: nothing (its dry run writes
elsewhere), so the report built afterwards is the first command's run alone.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from behave.parser import parse_file

from report_pages import CHROMIUM, IN_CI, dump_dom, have_chromium, serve, visible_lines

ROOT = Path(__file__).resolve().parents[2]
# small and quick, and none of them starts scripts/test again
SUBSET = ("-n", "0", "tests/suite/test_redaction.py", "tests/ci/test_setup.py")

pytestmark = [
    pytest.mark.timeout(900),
    pytest.mark.skipif(not have_chromium() and not IN_CI,
                       reason=f"{CHROMIUM} not installed (scripts/setup --tests installs it as root); "
                              "required when CI is set"),
    pytest.mark.skipif(shutil.which("git") is None or (shutil.which("npm") is None and not IN_CI),
                       reason="git and node/npm are needed (required when CI is set)"),
]


def quick_start() -> list[str]:
    """The README's commands for a fresh machine, as written (comments dropped)."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"On a fresh machine[^\n]*\n+```bash\n(.*?)```", readme, re.S)
    assert block, "README.md has no quick start block"
    commands = [line.split("  #", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2 and commands[1] == "scripts/test", commands
    return commands


def fresh_shell() -> dict:
    drop = ("PRESSLUFT_", "PYTEST_", "VIRTUAL_ENV", "PYTHONPATH", "HETZNER_API_TOKEN")
    keep = ("PRESSLUFT_CHROMIUM",)  # which browser the report tests use (a machine's, not the suite's)
    return {key: value for key, value in os.environ.items() if key in keep or not key.startswith(drop)}


def sh(command: str, cwd: Path, timeout: float) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=fresh_shell(), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    return done, time.monotonic() - started


def report_counts(lines: list[str]) -> dict:
    """The report's statistics panel ("Total 27 … Passed 27" between "Results" and "Metadata"), label -> number."""
    start, end = lines.index("Total"), lines.index("Metadata")
    panel = lines[start:end]
    return {label: int(value) for label, value in zip(panel[::2], panel[1::2], strict=False) if value.isdigit()}


def test_the_readme_commands_in_a_fresh_clone_give_a_report_of_the_run_the_newcomer_made(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    scenarios = sum(len(list(parse_file(str(path)).walk_scenarios()))
                    for path in sorted((clone / "features" / "wave5").glob("*.feature")))
    assert scenarios >= 27
    first, second = quick_start()
    seconds = {}

    run, seconds["setup and behave"] = sh(first, clone, 600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"{scenarios} scenarios passed, 0 failed, 0 skipped" in run.stdout
    # the quick start sets up what running the suite needs, nothing more
    setup_lines = [line for line in run.stdout.splitlines() if line.startswith("setup: ")]
    assert not any("npm" in line or "chromium" in line for line in setup_lines), setup_lines
    assert not (clone / "node_modules").exists()

    tests, seconds["scripts/test"] = sh(f"{second} -- {' '.join(SUBSET)}", clone, 900)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-3000:]
    for part in ("test: behave dry run: every step is defined", "test: actionlint", "test: ruff check",
                 "test: all passed"):
        assert part in tests.stdout, part
    assert len(list((clone / "reports" / "allure-results").glob("*-result.json"))) == scenarios

    report, seconds["scripts/report"] = sh("scripts/report", clone, 300)
    assert report.returncode == 0, report.stdout + report.stderr
    said = report.stdout.splitlines()
    # it ends with the command that opens the report, after what its counts count
    assert said[-1] == ("report: open it (a local server; opened from disk, index.html shows only a spinner): "
                        "scripts/report --open"), said
    assert (f"report: {scenarios} results in its total ({scenarios} passed): one per scenario as behave counts "
            "them, each example row of an outline one") in said
    tree = int(re.search(r"^report: its tree lists (\d+) under the spec items", report.stdout, re.M).group(1))
    with serve(clone / "reports" / "allure-report") as base:
        lines = visible_lines(dump_dom(f"{base}/index.html", tmp_path / "chromium"))
    counts = report_counts(lines)
    print(f"fresh clone: {', '.join(f'{name} {value:.0f} s' for name, value in seconds.items())}; report {counts}")
    assert counts.get("Total") == scenarios and counts.get("Passed") == scenarios, counts
    assert counts.get("Skipped", 0) == 0 and counts.get("Retried tests", 0) == 0, counts
    assert f"{scenarios} passed (100% of all tests)" in lines
    assert lines[lines.index("Wave 5 runtime e2e") + 1] == str(tree)  # the tree's number, as scripts/report said
    assert lines[lines.index("report.counts") + 1].startswith("the total is one result per scenario")  # the overview
