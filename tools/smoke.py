"""The smoke commands: a Wave 5 smoke is a tagged part of features/wave5, run in this process by behave.

    python -m tools.smoke site-clone-preview|backup-restore [extra behave arguments]
    python -m tools.smoke [site-clone-preview|backup-restore] --help

The first scenario that fails ends the smoke. Exit 0 only when at least one scenario ran and every selected scenario
passed; 1 when Pressluft failed a check; 2 when the run could not judge Pressluft (support/verdicts/categories.py),
with one `[wave5] FAIL` line saying why (a tag expression that selects nothing is a config_error); 128+N when stopped
by signal N.
"""
from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

from behave.parser import parse_file

from pressluft_acceptance.configured_behave import run_behave
from support.pressluft.jobs import CREATE_MANAGED_KEY, MANAGED_KEY
from support.reporting.tally import RunTally
from support.runtime import installation
from support.runtime.config import VARIABLES, reports_dir_requested
from support.runtime.smoke_commands import SMOKES, smoke_command
from support.verdicts.categories import NOT_JUDGED_STATUS, PASSED_STATUS, PRODUCT_STATUS, exit_statuses

# how an operator runs each smoke: the checkout's script, or the installed `pressluft-smoke <word>`
SCRIPTS = {name: smoke_command(name)[1] for name in SMOKES}
COMMAND = "pressluft-smoke" if installation.installed() else "scripts/smoke"
STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
HELP = ("-h", "--help")
OUTCOME = {PRODUCT_STATUS: "failed (exit 1: Pressluft failed a check)",
           NOT_JUDGED_STATUS: "could not judge Pressluft (exit 2: fix the set-up first)"}


def _stop_gracefully(received: list):
    """SIGINT, SIGTERM and SIGHUP (a resume-run loop giving up) end the run the way Ctrl-C does: behave aborts,
    the run stops what it started (the server under test), and the smoke exits 128+N."""
    def handler(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt
    for sig in STOPPING:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, handler)


# -- --help ---------------------------------------------------------------------------------------------
def scenarios_tagged(tag: str) -> list[str]:
    """The scenarios (an outline's examples one by one) a smoke's tag selects, as behave names them."""
    names = []
    for path in sorted(installation.features().glob("*.feature")):
        feature = parse_file(str(path))
        names += [scenario.name for scenario in feature.walk_scenarios()
                  if tag.lstrip("@") in scenario.effective_tags]
    return names


def _variables() -> list[str]:
    width = max(len(variable.name) for variable in VARIABLES)
    lines = [f"  {'variable'.ljust(width)}  default: embedded reference | real Pressluft; meaning"]
    for variable in VARIABLES:
        default = variable.embedded if variable.embedded == variable.real else f"{variable.embedded} | {variable.real}"
        lines.append(f"  {variable.name.ljust(width)}  {default}; {variable.meaning}")
    return lines


def _statuses() -> list[str]:
    lines = [f"  {status}  {meaning}" for status, meaning in exit_statuses().items()]
    return lines + ["  128+N  stopped by signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP), after stopping the server "
                    "it started"]


def usage() -> str:
    smokes = "|".join(SMOKES)
    return (f"usage: {COMMAND} {smokes} [extra behave arguments]\n"
            f"       {COMMAND} [{smokes}] --help")


def help_text(name: str | None = None) -> str:
    """What a smoke runs, its variables with their defaults (support/runtime/config.py) and its exit statuses."""
    chosen = [name] if name else list(SMOKES)
    lines = [f"usage: {SCRIPTS[name]} [extra behave arguments]" if name else usage(), ""]
    for smoke in chosen:
        tag = SMOKES[smoke].tag
        lines.append(f"{SCRIPTS[smoke]} ({COMMAND} {smoke}) runs behave --tags={tag} features/wave5 in this "
                     "process, against the target the variables name; its scenarios:")
        lines += [f"  - {scenario}" for scenario in scenarios_tagged(tag)]
        lines.append(f"  on success its last line is: {SMOKES[smoke].success_line('N')}")
        lines.append(f"  reports: {reports_dir_requested() or f'reports/smoke-{smoke}'} (PRESSLUFT_REPORTS_DIR)")
        lines.append("")
    lines += ["Variables (read and checked in support/runtime/config.py; behave -D NAME=value overrides one):",
              *_variables(),
              "", "Exit status (a failure prints one '[wave5] FAIL category=… command=\"…\" job_id=… reason=\"…\"' "
                  "line on stderr):", *_statuses(),
              "", f"With PRESSLUFT_SERVER_CMD the server under test runs on this host, as this user, and acquires "
                  f"its nodes with Pressluft's managed provider key {MANAGED_KEY}.pub, which nothing in Pressluft "
                  f"creates: it is checked before the server starts (create it with `{CREATE_MANAGED_KEY}`).",
              "", "Extra arguments go to behave (e.g. --tags=@critical narrows the selection further).",
              "More: README.md, docs/real-target.md (running as Pressluft's closeout gate)."]
    return "\n".join(lines)


# -- a smoke ---------------------------------------------------------------------------------------------
def _read_summary(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _written_at(path: Path):
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def run(name: str, extra: list[str]) -> int:
    tag = SMOKES[name].tag
    reports = reports_dir_requested() or f"reports/smoke-{name}"  # relative: to the directory it was run from
    summary = Path(reports, RunTally.FILE)  # the run's own once it ends (the run before's is read at its start)
    earlier = _written_at(summary)
    received: list = []
    _stop_gracefully(received)
    try:
        # --stop: the first scenario that fails ends the smoke (as the bash smokes' first failed step did), so that its
        # one failure line is that scenario's, and nothing after it is made (the clone smoke's staging environment)
        status = run_behave([f"--tags={tag}", "--format=progress", "--stop", "-D", f"PRESSLUFT_REPORTS_DIR={reports}",
                             *extra])
    except SystemExit as ended:  # the run's own exit status (support/harness/runner.py)
        status = ended.code if isinstance(ended.code, int) else NOT_JUDGED_STATUS
    except KeyboardInterrupt:
        status = PRODUCT_STATUS
    if received:
        name_of = signal.Signals(received[0]).name
        print(f"[smoke] interrupted by {name_of}: {name} smoke stopped (behave exit {status})", file=sys.stderr,
              flush=True)
        return 128 + received[0]
    counts = _read_summary(summary) if _written_at(summary) != earlier else None  # none of its own: behave's error
    if status == PASSED_STATUS and counts and counts["passed"] >= 1 and counts["failed"] == 0:
        print(SMOKES[name].success_line(counts["passed"]), flush=True)
        return PASSED_STATUS
    if status not in OUTCOME or counts is None:  # behave's own error (a bad argument): no run was judged
        status = NOT_JUDGED_STATUS
    print(f"[smoke] FAIL: {name} smoke {OUTCOME[status]}; the [wave5] FAIL line above says why",
          file=sys.stderr, flush=True)
    return status


def main(argv: list[str]) -> int:
    if argv and argv[0] in HELP:
        print(help_text())
        return 0
    if not argv or argv[0] not in SMOKES:
        given = f"unknown smoke '{argv[0]}'; " if argv else "which smoke? "
        print(f"[smoke] {given}{usage().splitlines()[0]}", file=sys.stderr)
        return NOT_JUDGED_STATUS
    if any(arg in HELP for arg in argv[1:]):
        print(help_text(argv[0]))
        return 0
    return run(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
