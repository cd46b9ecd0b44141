"""Cleanups that never break a run: a cleanup that fails (the target went away, a fault could not be
undone) is reported as one warning line on stderr, never as a traceback or a behave cleanup_error."""
from __future__ import annotations

import sys
from typing import Callable

from support.diagnostics import SuiteFailure
from support.redaction import secrets


def warn(what: str, error: BaseException) -> None:
    reason = (error.line.replace("[wave5] FAIL ", "", 1) if isinstance(error, SuiteFailure)
              else f"{type(error).__name__}: {error}")
    print(secrets.redact_text(f"[wave5] WARN cleanup failed ({what}): {reason}"), file=sys.stderr, flush=True)


def quietly(what: str, cleanup: Callable, *args, **kwargs) -> Callable[[], None]:
    """A cleanup for context.add_cleanup that reports its failure instead of raising it."""
    def run() -> None:
        try:
            cleanup(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - a cleanup must not turn into a crash of the run
            warn(what, error)
    return run
