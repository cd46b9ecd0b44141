"""Cleanups after a scenario.

Two kinds: a cleanup that only tidies (undo the scenario's faults, cancel a hung job) never breaks a run and
is reported as one warning line when it fails; a restoration of state the operator shares with others (the
provider connection) is a promise, and one that cannot be kept is reported as its own `[wave5] FAIL` line
and fails the scenario (environment.after_scenario).
"""
from __future__ import annotations

import sys
from typing import Callable, Optional

from support.pressluft.jobs import in_flight
from support.pressluft.listings import jobs_touching
from support.screenplay.actions import CancelJob
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJob, TheJobs, TheNodes, TheSites
from support.verdicts.categories import Category
from support.verdicts.failure import PREFIX, TAG, SuiteFailure
from support.verdicts.redaction import secrets


def warn_cleanup_failed(what: str, error: BaseException) -> None:
    reason = (error.line.replace(f"{PREFIX} ", "", 1) if isinstance(error, SuiteFailure)
              else f"{type(error).__name__}: {error}")
    print(secrets.redact_text(f"{TAG} WARN cleanup failed ({what}): {reason}"), file=sys.stderr, flush=True)


def quietly(what: str, cleanup: Callable, *args, **kwargs) -> Callable[[], None]:
    """A cleanup for context.add_cleanup that reports its failure instead of raising it."""
    def run() -> None:
        try:
            cleanup(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - a tidying cleanup must not turn into a crash of the run
            warn_cleanup_failed(what, error)
    return run


def cancel_jobs_in_flight(operator: Operator, *, site_id: str = None, slug_prefix: str = None) -> None:
    """A hung job would hold the enqueue guard of its site and node: cancel every queued or running job of
    the site (or of every site whose slug starts with the prefix)."""
    jobs = operator.asks_for(TheJobs(quiet=True))
    if slug_prefix is not None:
        sites = [site["id"] for site in operator.asks_for(TheSites(quiet=True))
                 if (site.get("slug") or "").startswith(slug_prefix)]
    else:
        sites = [site_id]
    for site in sites:
        for job in jobs_touching(jobs, site_id=site):
            if in_flight(job):
                operator.attempts_to(CancelJob(job["id"]))


def cancel_node_acquisition(operator: Operator, name: str) -> None:
    """A hung acquisition would leave its node being acquired for the rest of the run, where a later scenario could
    take it for a node still being acquired: cancel the in-flight acquisitions of the node of that name."""
    nodes = {node["id"] for node in operator.asks_for(TheNodes(quiet=True)) if node.get("name") == name}
    for job in jobs_touching(operator.asks_for(TheJobs(quiet=True)), job_type="node_provision"):
        if in_flight(job) and job.get("node_id") in nodes:
            operator.attempts_to(CancelJob(job["id"]))


def run_held_retry(operator: Operator, faults, job_id: Optional[str]) -> None:
    """A retry the reference holds as far ahead as Pressluft schedules it (minutes) would leave its node being
    acquired for the rest of the run, where a later scenario could take it for a node still being acquired: it is
    made due now, unless it already ran (`faults`: the fault API, support/http/faults.py)."""
    if job_id is not None and operator.asks_for(TheJob(job_id, quiet=True)).get("status") == "queued":
        faults.make_due(job_id)


class Restorations:
    """Promises to put shared state back after the scenario; `run_all()` keeps each one it can and returns a
    verdict for each one it cannot."""

    def __init__(self):
        self._promises: list = []

    def add(self, what: str, restore: Callable[[], None]) -> None:
        self._promises.append((what, restore))

    def run_all(self) -> list[SuiteFailure]:
        broken = []
        while self._promises:
            what, restore = self._promises.pop()
            try:
                restore()
            except SuiteFailure as failure:
                broken.append(SuiteFailure(failure.category, failure.command,
                                           f"could not {what} after the scenario: {failure.reason}",
                                           job_id=failure.job_id))
            except Exception as error:  # noqa: BLE001 - any failure to restore is reported, never swallowed
                broken.append(SuiteFailure(Category.CONTRACT_VIOLATION, what,
                                           f"could not {what} after the scenario: {type(error).__name__}: {error}"))
        return broken
