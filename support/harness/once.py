"""Fail once: what the run shares (its node, its live site, its clone) is made once, and a failure to make it is kept,
so that every later scenario that needs it fails at once with the same verdict, naming the scenario where the wait
was spent, instead of paying for the wait again."""
from __future__ import annotations

import threading
from typing import Callable, Optional

from support.verdicts.failure import SuiteFailure


class SpentBefore(SuiteFailure):
    """A precondition of the run that failed in an earlier scenario, raised again at once: the same category,
    command, job id and reason (and the job and node as they were then), naming the scenario where the wait
    was spent."""

    def __init__(self, failure: SuiteFailure, scenario: Optional[str]):
        self.original, self.spent_in = failure, scenario
        where = f"in scenario '{scenario}'" if scenario else "earlier in the run"
        super().__init__(failure.category, failure.command, f"{failure.reason} (the wait was spent {where})",
                         job_id=failure.job_id, job=failure.job, node=failure.node, last_answer=failure.last_answer,
                         details=dict(failure.details))


class FailOnce:
    """Fail once: the first failure of some work is kept, and every later call fails at once with it
    (a SpentBefore naming the scenario where it failed) instead of paying for the wait again."""

    def __init__(self, where: Callable[[], Optional[str]] = lambda: None):
        self._where = where
        self._failure: Optional[SuiteFailure] = None
        self._spent_in: Optional[str] = None

    @property
    def failed(self) -> bool:
        return self._failure is not None

    def run(self, work: Callable[[], object]):
        if self._failure is not None:
            raise SpentBefore(self._failure, self._spent_in)
        try:
            return work()
        except SpentBefore as failure:  # what it needs failed before, elsewhere: the same verdict, the same place
            self._failure, self._spent_in = failure.original, failure.spent_in
            raise
        except SuiteFailure as failure:
            self._failure, self._spent_in = failure, self._where()
            raise


class Once:
    """A value made on first use and shared, checked again (`recheck`) each later time it is handed out; a
    failure to make or recheck it is kept (FailOnce), so every scenario that needs it gets the same verdict
    at once instead of paying again."""

    def __init__(self, make: Callable[[], object], *, recheck: Optional[Callable[[object], None]] = None,
                 where: Callable[[], Optional[str]] = lambda: None):
        self._make, self._recheck = make, recheck
        self._value = None
        self._fail_once = FailOnce(where)
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            return self._fail_once.run(self._get)

    def _get(self):
        if self._value is None:
            self._value = self._make()
        elif self._recheck is not None:
            self._recheck(self._value)
        return self._value

    def peek(self):
        return self._value

    def offer(self, value) -> None:
        """A value made elsewhere (e.g. by a scenario) that can stand in, unless one is there already."""
        with self._lock:
            if self._value is None and not self._fail_once.failed:
                self._value = value
