"""From a failed step or scenario to its one summary line and diagnostic block (no behave imports)."""
from __future__ import annotations

import sys
from typing import Optional

from support.diagnostics import PREFIX, SuiteFailure, as_suite_failure, render_block
from support.journal import Journal
from support.redaction import secrets


class BrokenStep(Exception):
    """An unexpected error in a step, carrying its summary line (reported as broken, not failed)."""


def verdict_for(exception: BaseException, journal: Optional[Journal]) -> SuiteFailure:
    last = journal.last(1) if journal is not None else []
    command = last[0].command if last else "none"
    return as_suite_failure(exception, command=command)


def diagnosed_exception(failure: SuiteFailure, original: BaseException) -> BaseException:
    """The exception to report in place of the original: same kind (failed/broken), summary line first."""
    if original is failure:
        return original
    detail = str(original).strip()
    text = failure.line + (f"\n{detail}" if detail and detail not in failure.line else "")
    replacement = AssertionError(text) if isinstance(original, AssertionError) else BrokenStep(text)
    replacement.__cause__ = original
    return replacement


def block_for(failure: SuiteFailure, journal: Optional[Journal], since: int = 0, log_tail: str = "",
              max_exchanges: int = 6, log_title: str = "reference target log (tail)") -> str:
    exchanges = journal.since(since)[-max_exchanges:] if journal is not None else []
    return render_block(failure, exchanges, log_tail, log_title)


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


def print_verdict(block: str, stream=None) -> None:
    """The summary line (and the block under it) to the real stderr, past any capture."""
    stream = stream or sys.__stderr__
    stream.write((secrets.redact_text(block) or "").rstrip() + "\n")
    stream.flush()


def with_summary_first(message: Optional[str], failure: SuiteFailure) -> str:
    message = message or ""
    if PREFIX in message:
        return message
    return failure.line + ("\n" + message if message else "")
