"""Cleanups that never break a run: a cleanup that fails (the target went away, a fault could not be
undone) is reported as one warning line on stderr, never as a traceback or a behave cleanup_error."""
from __future__ import annotations

import sys
from typing import Callable

from support.actor import Operator
from support.diagnostics import SuiteFailure
from support.questions import TheJobs, jobs_touching
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


def cancel_jobs_in_flight(operator: Operator, *, site_id: str) -> None:
    """A hung job would hold the enqueue guard of the site and node: cancel every queued or running job of
    the site."""
    for job in jobs_touching(operator.asks_for(TheJobs(quiet=True)), site_id=site_id):
        if job.get("status") in ("queued", "running"):
            operator.client.post(f"/api/jobs/{job['id']}/cancel", note="cleanup: cancel the hung job")
