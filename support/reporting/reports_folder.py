"""The reports folder (PRESSLUFT_REPORTS_DIR, default `reports`): one run, one report. What a run's start removes of
an earlier run (JUnit files, wait logs, the run summary, the list of created resources, read first: what the run
before this one left; the Allure results are the formatter's to empty: support/reporting/allure_formatter.py),
where JUnit goes, and a throwaway folder when the one asked for cannot be written to (the run reports that as its
config_error)."""
from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

from support.reporting.tally import RunTally
from support.reporting.waitlog import FOLDER as WAITS_FOLDER
from support.runtime.config import DEFAULT_REPORTS_DIR, reports_dir_requested, reports_shared_requested
from support.runtime.resources import LEDGER_FILE, EarlierRun, read_earlier_run


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return os.access(folder, os.W_OK)
    except OSError:
        return False


def writable_or_throwaway(folder: Path) -> Path:
    """The folder, or a throwaway one (removed at exit) when it cannot be created or written to."""
    if _writable(folder):
        return folder
    throwaway = tempfile.mkdtemp(prefix="pressluft-reports-")
    atexit.register(shutil.rmtree, throwaway, True)
    return Path(throwaway)


def follow_reports_dir(config) -> None:
    """JUnit XML goes under PRESSLUFT_REPORTS_DIR too, when that is set (a folder that cannot be written to is
    the run's config_error to report: behave's JUnit reporter then writes to a throwaway folder instead of
    crashing the run)."""
    requested = reports_dir_requested(userdata=getattr(config, "userdata", None) or {})
    if requested:
        config.junit_directory = str(writable_or_throwaway(Path(requested) / "junit"))


_EARLIER = "wave5_earlier_run"  # on behave's config: what the first start_afresh of the run found


def start_afresh(config) -> Optional[EarlierRun]:
    """One run, one report: what earlier runs left in the reports folder goes (the Allure results are the
    formatter's to empty): JUnit files, wait logs, the run summary, the list of created resources. Not when the
    folder is shared by the processes of one run (PRESSLUFT_REPORTS_SHARED: the command that started them did).
    Returns the run before this one, as its list of created resources and its summary recorded it (None: none)."""
    if hasattr(config, _EARLIER):  # started afresh already (the Allure formatter does it when it opens)
        return getattr(config, _EARLIER)
    userdata = getattr(config, "userdata", None) or {}
    if reports_shared_requested(userdata=userdata):
        return None
    junit = Path(config.junit_directory) if getattr(config, "junit", False) and config.junit_directory else None
    reports = Path(reports_dir_requested(userdata=userdata) or DEFAULT_REPORTS_DIR)
    earlier = read_earlier_run(reports / LEDGER_FILE, _summary(reports / RunTally.FILE))
    clear_run_files(reports, junit)
    setattr(config, _EARLIER, earlier)
    return earlier


def _summary(path: Path) -> Optional[dict]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def clear_run_files(reports: Path, junit: Optional[Path]) -> None:
    """The files of an earlier run in a reports folder (by their names: nothing else a user keeps there)."""
    places = [(reports / WAITS_FOLDER, "waits-*.jsonl"), (reports, RunTally.FILE), (reports, LEDGER_FILE)]
    if junit is not None:
        places.append((junit, "TESTS-*.xml"))
    for folder, pattern in places:
        for path in folder.glob(pattern):
            try:
                path.unlink()
            except OSError:
                pass
