"""allure-behave's formatter, writing under PRESSLUFT_REPORTS_DIR when that is set, and the one answer to
"where do this run's Allure results go" (`results_folder`).

Registered in pyproject's [tool.behave.formatters] as `allure`; without PRESSLUFT_REPORTS_DIR it writes where
the configuration's outfile says (reports/allure-results). The formatter opens before the run's settings are
read: a reports folder it cannot create is not its to report (the run does, as a config_error line), so it
then writes to a throwaway folder instead of crashing behave with a traceback.

One run, one report: the formatter owns the results folder, and empties it of Allure's files when it opens, so
that a report shows this run only (history across runs is scripts/report's history.jsonl). Only files of Allure's
own naming go: anything else a user keeps in that folder stays. Processes that share one run's folder
(scripts/parallel's workers, PRESSLUFT_REPORTS_SHARED=1) leave it alone: the command that started them emptied it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from allure_behave.formatter import AllureFormatter
from behave.formatter.base import StreamOpener

from support.reporting.reports_folder import follow_reports_dir, start_afresh, writable_or_throwaway
from support.runtime.config import DEFAULT_REPORTS_DIR, reports_dir_requested, reports_shared_requested

DEFAULT_RESULTS = f"{DEFAULT_REPORTS_DIR}/allure-results"
# What allure-python writes (<uuid>-result.json, -container.json, -attachment.<ext>, and their .tmp while being
# written) and the files the suite writes beside them (support/reporting/allure_results.py)
ALLURE_FILE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                         r"-(?:result\.json|container\.json|attachment(?:\.[\w.-]+)?)(?:\.tmp)?$")
BESIDE_RESULTS = ("categories.json", "environment.properties", "executor.json")


def results_folder(config) -> Optional[Path]:
    """Where this run's Allure results go: <PRESSLUFT_REPORTS_DIR>/allure-results when set, else the Allure
    formatter's outfile; a throwaway folder when that one cannot be written to (the run reports that as its
    config_error). None when no Allure formatter runs."""
    formats = [name.lower() for name in (getattr(config, "format", None) or [])]
    if not any("allure" in name for name in formats):
        return None
    return writable_or_throwaway(_requested_folder(config))


def _requested_folder(config) -> Path:
    base = reports_dir_requested(userdata=getattr(config, "userdata", None) or {})
    if base:
        return Path(base) / "allure-results"
    outputs = list(getattr(config, "outputs", []) or [])
    for index, name in enumerate(getattr(config, "format", None) or []):
        if "allure" in name.lower() and index < len(outputs) and getattr(outputs[index], "name", None):
            return Path(outputs[index].name)
    return Path(DEFAULT_RESULTS)


def clear_results(folder: Path) -> int:
    """Removes the Allure results (and the files beside them) of earlier runs from `folder`; nothing else.
    Returns how many files went."""
    removed = 0
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return 0
    for path in entries:
        if (ALLURE_FILE.match(path.name) or path.name in BESIDE_RESULTS) and path.is_file():
            try:
                path.unlink()
                removed += 1
            except OSError:
                pass
    return removed


class AllureResultsFormatter(AllureFormatter):
    name = "allure"
    description = "Allure results (allure-behave), honouring PRESSLUFT_REPORTS_DIR; one run's results only"

    def __init__(self, stream_opener, config):
        folder = results_folder(config) or writable_or_throwaway(Path(stream_opener.name or DEFAULT_RESULTS))
        # JUnit beside the results, and both emptied, before the runner starts: a dry run runs no hooks
        follow_reports_dir(config)
        if not reports_shared_requested(userdata=getattr(config, "userdata", None) or {}):
            clear_results(folder)
            start_afresh(config)
        super().__init__(StreamOpener(filename=str(folder)), config)
