"""behave, run in this process from any directory with the suite's own configuration.

`behave features/wave5` in a checkout's root reads pyproject.toml's [tool.behave] from that directory. An installed
command (or a smoke run from elsewhere) reads the same file, from the suite's home
(support/runtime/installation.py), with behave's own reader: one home for the formatters, userdata, JUnit folder and
outfiles, whichever way the suite runs.
A configuration in the caller's directory (their behave.ini or pyproject.toml) does not apply.

Paths behave reads relative to the configuration file stay so for the features (features/wave5 of the suite's
home); the outfiles (reports/allure-results) are the caller's, like the JUnit folder and PRESSLUFT_REPORTS_DIR: a
run's reports go to ./reports of the directory it was started from.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from behave.__main__ import run_behave as behave_run
from behave.configuration import Configuration, read_configuration
from behave.exception import ConfigError, TagExpressionError

from support.runtime import installation
from support.verdicts.categories import NOT_JUDGED_STATUS


def configuration_defaults() -> dict:
    """[tool.behave] of the suite's pyproject.toml, as behave reads it, outfiles relative to the caller."""
    source = installation.behave_configuration_file()
    defaults = read_configuration(str(source))
    folder = source.parent
    defaults["outfiles"] = [os.path.relpath(path, folder) if Path(path).is_relative_to(folder) else path
                            for path in defaults.get("outfiles", [])]
    return defaults


def run_behave(args: Sequence[str]) -> int:
    """behave's main with the suite's configuration: `args` are behave's command line (no path: the suite's
    features/wave5). Its exit status, or 2 for a command line behave refuses (the run could not judge Pressluft)."""
    try:
        return behave_run(Configuration(list(args), load_config=False, **configuration_defaults()))
    except ConfigError as error:
        print(f"ConfigError: {error}")
    except TagExpressionError as error:
        print(f"TagExpressionError: {error}")
    return NOT_JUDGED_STATUS  # a command line behave refuses: no run was judged
