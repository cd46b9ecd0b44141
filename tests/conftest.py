"""For every test: the project's tests never write into the user's reports/ (each uses a temporary folder of its
own). The pytest run that starts the others (xdist's controller, or the only one) looks at reports/ before and
after, and fails the run when anything there was added, changed or removed."""
from __future__ import annotations

from pathlib import Path

import pytest

REPORTS = Path(__file__).resolve().parents[1] / "reports"


def _snapshot() -> dict:
    if not REPORTS.is_dir():
        return {}
    return {str(path.relative_to(REPORTS)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in REPORTS.rglob("*") if path.is_file()}


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):
        session.config.stash[_BEFORE] = _snapshot()


def pytest_sessionfinish(session, exitstatus):
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    after = _snapshot()
    changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (f"the tests changed {len(changed)} file(s) in {REPORTS} (tests must use a temporary folder; or did "
                   f"something else run in this checkout meanwhile?): {', '.join(changed[:10])}")
        if reporter is not None:
            reporter.write_line(f"ERROR: {message}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_BEFORE = pytest.StashKey[dict]()
