"""allure-behave's formatter, writing under PRESSLUFT_REPORTS_DIR when that is set, and the one answer to
"where do this run's Allure results go" (`results_folder`).

Registered in pyproject's [tool.behave.formatters] as `allure`; without PRESSLUFT_REPORTS_DIR it writes where
the configuration's outfile says (reports/allure-results). The formatter opens before the run's settings are
read: a reports folder it cannot create is not its to report (the run does, as a config_error line), so it
then writes to a throwaway folder instead of crashing behave with a traceback.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

from allure_behave.formatter import AllureFormatter
from behave.formatter.base import StreamOpener

from support.config import reports_dir_requested

DEFAULT_RESULTS = "reports/allure-results"


def results_folder(config) -> Optional[Path]:
    """Where this run's Allure results go: <PRESSLUFT_REPORTS_DIR>/allure-results when set, else the Allure
    formatter's outfile; a throwaway folder when that one cannot be written to (the run reports that as its
    config_error). None when no Allure formatter runs."""
    formats = [name.lower() for name in (getattr(config, "format", None) or [])]
    if not any("allure" in name for name in formats):
        return None
    return writable_or_throwaway(_requested(config))


def _requested(config) -> Path:
    base = reports_dir_requested(userdata=getattr(config, "userdata", None) or {})
    if base:
        return Path(base) / "allure-results"
    outputs = list(getattr(config, "outputs", []) or [])
    for index, name in enumerate(getattr(config, "format", None) or []):
        if "allure" in name.lower() and index < len(outputs) and getattr(outputs[index], "name", None):
            return Path(outputs[index].name)
    return Path(DEFAULT_RESULTS)


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


class AllureResultsFormatter(AllureFormatter):
    name = "allure"
    description = "Allure results (allure-behave), honouring PRESSLUFT_REPORTS_DIR"

    def __init__(self, stream_opener, config):
        folder = results_folder(config) or writable_or_throwaway(Path(stream_opener.name or DEFAULT_RESULTS))
        super().__init__(StreamOpener(filename=str(folder)), config)
