"""From a failed step or scenario to its one summary line and diagnostic block (no behave imports).

A verdict (a SuiteFailure: Pressluft, the target or the configuration did not do what the spec says) is
reported as its `[wave5] FAIL` line and block, without a Python traceback. Any other exception is an error
in the suite's own code: it keeps its traceback and is reported as a suite error, never as a verdict.
"""
from __future__ import annotations

import sys
import traceback
from typing import Optional

from support.diagnostics import PREFIX, SuiteFailure, as_suite_failure, render_block
from support.journal import Journal
from support.redaction import secrets

SUITE_ERROR_PREFIX = "[wave5] SUITE ERROR"


def verdict_for(exception: BaseException, journal: Optional[Journal]) -> Optional[SuiteFailure]:
    """The verdict an exception stands for, or None when it is an error in the suite's own code."""
    last = journal.last(1) if journal is not None else []
    command = last[0].command if last else "none"
    return as_suite_failure(exception, command=command)


def block_for(failure: SuiteFailure, journal: Optional[Journal], since: int = 0, log_tail: str = "",
              max_exchanges: int = 6, log_title: str = "reference target log (tail)") -> str:
    """The block under a verdict, redacted: it is printed, attached, and becomes the step's error message."""
    exchanges = journal.since(since)[-max_exchanges:] if journal is not None else []
    return secrets.redact_text(render_block(failure, exchanges, log_tail, log_title))


# A run that could not start: the log tail that came with its failure, and the heading it is shown under
STARTUP_LOGS = {"reference log (tail)": "reference target log (tail)",  # support/target.py
                "server log (tail)": "server log (tail)",  # support/server_process.py
                "build output (tail)": "build output (tail)"}


def startup_block(failure: SuiteFailure) -> str:
    """The block of a run that could not start, its log tail (if any) shown as the log section."""
    for key, title in STARTUP_LOGS.items():
        if key in failure.details:
            return block_for(failure, None, log_tail=failure.details.pop(key), log_title=title)
    return block_for(failure, None)


def suite_error_line(step_text: str, exception: BaseException) -> str:
    first = (str(exception).strip().splitlines() or [""])[0]
    return f'{SUITE_ERROR_PREFIX} in step "{step_text}": {type(exception).__name__}: {first}'


def suite_error_text(step_text: str, exception: BaseException) -> str:
    trace = "".join(traceback.format_exception(type(exception), exception, exception.__traceback__))
    return suite_error_line(step_text, exception) + "\n" + trace


def print_verdict(block: str, stream=None) -> None:
    """The summary line (and the block under it) to the real stderr, past any capture."""
    stream = stream or sys.__stderr__
    stream.write((secrets.redact_text(block) or "").rstrip() + "\n")
    stream.flush()


def with_summary_first(message: Optional[str], failure: SuiteFailure) -> str:
    message = message or ""
    if PREFIX in message:
        return message
    return secrets.redact_text(failure.line + ("\n" + message if message else ""))
