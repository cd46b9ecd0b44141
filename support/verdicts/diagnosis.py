"""From an exception to a verdict, and the diagnostic block under a verdict's line (no behave imports).

A verdict (a SuiteFailure: Pressluft, the target or the configuration did not do what the spec says) is
reported as its `[wave5] FAIL` line and the block under it (the last requests, the job, the poll history, the
node's readiness, the target's log), without a Python traceback. Any other exception is an error in the suite's
own code: it keeps its traceback and is reported as a suite error, never as a verdict.
"""
from __future__ import annotations

import json
import sys
import traceback
from typing import Any, Iterable, Optional

from support.verdicts.categories import Category
from support.verdicts.failure import PREFIX, TAG, SuiteFailure
from support.verdicts.redaction import secrets

SUITE_ERROR_PREFIX = f"{TAG} SUITE ERROR"
REFERENCE_LOG = "reference target log (tail)"


def as_suite_failure(exc: BaseException, *, command: str = "none") -> Optional[SuiteFailure]:
    """An exception raised in a step as a verdict: a SuiteFailure is one; a plain assertion is a contract
    violation; no answer from the target is target_unavailable. Anything else is an error in the suite's own
    code, not a verdict on Pressluft: None."""
    import requests

    if isinstance(exc, SuiteFailure):
        return exc
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
        category = Category.TARGET_UNAVAILABLE
    elif isinstance(exc, AssertionError):
        category = Category.CONTRACT_VIOLATION
    else:
        return None
    message = str(exc).strip() or type(exc).__name__
    first = next((line.strip() for line in message.splitlines() if line.strip()), message)
    return SuiteFailure(category, command, first if isinstance(exc, AssertionError) else
                        f"{type(exc).__name__}: {first}")


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, default=str)


def _collapse(exchanges: list) -> list[str]:
    """Rendered exchanges, with a run of identical ones (same command and outcome) shown once."""
    rendered, index = [], 0
    while index < len(exchanges):
        exchange, repeats = exchanges[index], 1
        while index + repeats < len(exchanges) and (exchanges[index + repeats].command, exchanges[
                index + repeats].outcome) == (exchange.command, exchange.outcome):
            repeats += 1
        last = exchanges[index + repeats - 1]  # of a run of repeats, the last answer says the most
        text = last.render(body_limit=300)
        rendered.append((f"  ({repeats - 1} more like this before)\n" if repeats > 1 else "") + text)
        index += repeats
    return rendered


def render_block(failure: SuiteFailure, exchanges: Iterable = (), log_tail: str = "",
                 log_title: str = REFERENCE_LOG) -> str:
    """The short block printed and attached under the summary line."""
    parts = [failure.line]
    exchanges = list(exchanges)
    if exchanges:
        parts.append("--- last requests (redacted) ---")
        parts.extend(_collapse(exchanges))
    if failure.job:
        parts.append("--- job ---")
        parts.append(_json(failure.job))
    if failure.poll:
        parts.append("--- poll history ---")
        parts.append(failure.poll.describe())
    if failure.node:
        readiness = failure.node.get("readiness") or {}
        parts.append("--- node readiness ---")
        parts.append(f"node {failure.node.get('id')} ({failure.node.get('name')}): status={failure.node.get('status')} "
                     f"is_ready={readiness.get('is_ready')} reason_codes={readiness.get('reason_codes')}")
        for line in readiness.get("guidance") or []:
            parts.append(f"  guidance: {line}")
    if failure.last_answer:
        parts.append(f"last answer: {failure.last_answer}")
    for key, value in failure.details.items():
        parts.append(f"{key}: {value if isinstance(value, str) else _json(value)}")
    if log_tail:
        parts.append(f"--- {log_title} ---")
        parts.append(log_tail.rstrip())
    return "\n".join(parts)


def verdict_for(exception: BaseException, journal) -> Optional[SuiteFailure]:
    """The verdict an exception stands for, or None when it is an error in the suite's own code. `journal`: the
    run's journal of exchanges (its last command is the failure's), or None."""
    last = journal.last(1) if journal is not None else []
    command = last[0].command if last else "none"
    return as_suite_failure(exception, command=command)


def block_for(failure: SuiteFailure, journal, since: int = 0, log_tail: str = "",
              max_exchanges: int = 6, log_title: str = REFERENCE_LOG) -> str:
    """The block under a verdict, redacted: it is printed, attached, and becomes the step's error message."""
    exchanges = journal.since(since)[-max_exchanges:] if journal is not None else []
    return secrets.redact_text(render_block(failure, exchanges, log_tail, log_title))


# A run that could not start: the log tail that came with its failure, and the heading it is shown under
STARTUP_LOGS = {"reference log (tail)": REFERENCE_LOG,  # support/runtime/target.py
                "server log (tail)": "server log (tail)",  # support/runtime/server_process.py
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
