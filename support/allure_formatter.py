"""allure-behave's formatter, writing under PRESSLUFT_REPORTS_DIR when that is set.

Registered in pyproject's [tool.behave.formatters] as `allure`; without PRESSLUFT_REPORTS_DIR it
writes where the configuration's outfile says (reports/allure-results).
"""
from __future__ import annotations

import os

from allure_behave.formatter import AllureFormatter
from behave.formatter.base import StreamOpener


def reports_dir(config) -> str | None:
    return (getattr(config, "userdata", {}) or {}).get("PRESSLUFT_REPORTS_DIR") or \
        os.environ.get("PRESSLUFT_REPORTS_DIR") or None


class AllureResultsFormatter(AllureFormatter):
    name = "allure"
    description = "Allure results (allure-behave), honouring PRESSLUFT_REPORTS_DIR"

    def __init__(self, stream_opener, config):
        base = reports_dir(config)
        if base:
            stream_opener = StreamOpener(filename=os.path.join(base, "allure-results"))
        super().__init__(stream_opener, config)
