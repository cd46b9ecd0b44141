"""The smoke commands: a Wave 5 smoke is a tagged part of features/wave5, run in this process by behave.

    python -m tools.smoke site-clone-preview|backup-restore [extra behave arguments]

Exit 0 only when at least one scenario ran and every selected scenario passed; 1 otherwise, with one
`[wave5] FAIL` line saying why (a tag expression that selects nothing is a config_error).
"""
from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

from pressluft_acceptance.runner import run_behave
from support.categories import Category
from support.config import reports_dir_requested
from support.diagnostics import SuiteFailure
from support.reporting import RunTally
from support.verdicts import print_verdict

SMOKES = {
    "site-clone-preview": ("@smoke-clone", "clone preview URL reachable"),
    "backup-restore": ("@smoke-backup-restore", "restore completed and preview reachable"),
}
STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _stop_gracefully(received: list):
    """SIGINT, SIGTERM and SIGHUP (a resume-run loop giving up) end the run the way Ctrl-C does: behave aborts,
    the run stops what it started (the server under test), and the smoke exits 128+N."""
    def handler(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt
    for sig in STOPPING:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, handler)


def _tag_expression(tag: str, extra: list[str]) -> str:
    given = [arg.split("=", 1)[1] for arg in extra if arg.startswith("--tags=")]
    given += [extra[i + 1] for i, arg in enumerate(extra[:-1]) if arg in ("--tags", "-t")]
    return " and ".join([tag, *given])


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in SMOKES:
        print(f"[smoke] usage: scripts/smoke {'|'.join(SMOKES)} [extra behave arguments]", file=sys.stderr)
        return 1
    name, extra = argv[0], argv[1:]
    tag, success = SMOKES[name]
    reports = reports_dir_requested() or f"reports/smoke-{name}"  # relative: to the directory it was run from
    summary = Path(reports, RunTally.FILE)
    try:
        summary.unlink()
    except OSError:
        pass
    received: list = []
    _stop_gracefully(received)
    try:
        status = run_behave([f"--tags={tag}", "--format=progress", "-D", f"PRESSLUFT_REPORTS_DIR={reports}", *extra])
    except KeyboardInterrupt:
        status = 1
    if received:
        name_of = signal.Signals(received[0]).name
        print(f"[smoke] interrupted by {name_of}: {name} smoke stopped (behave exit {status})", file=sys.stderr,
              flush=True)
        return 128 + received[0]
    try:
        counts = json.loads(summary.read_text())
    except (OSError, ValueError):
        counts = None
    if counts is not None and counts["selected"] - counts["skipped"] == 0 and not counts.get("start_failure"):
        what = "selected no scenario" if counts["selected"] == 0 else \
            f"selected {counts['selected']} scenarios, all skipped on this target"
        print_verdict(SuiteFailure(Category.CONFIG_ERROR, "select the smoke's scenarios",
                                   f"the tag expression '{_tag_expression(tag, extra)}' {what}").line)
        status = 1
    if status == 0 and counts and counts["passed"] >= 1 and counts["failed"] == 0:
        plural = "s" if counts["passed"] != 1 else ""
        print(f"[smoke] success: {success} ({counts['passed']} scenario{plural} passed)", flush=True)
        return 0
    print(f"[smoke] FAIL: {name} smoke failed (behave exit {status}); the [wave5] FAIL line above says why",
          file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
