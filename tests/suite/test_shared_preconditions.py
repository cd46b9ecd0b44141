"""Fail once (support/harness/once.py): what the run shares (its node's readiness, its shared site, its clone) is waited
for once; a failure is kept and every later scenario that needs it fails at once with the same verdict, naming the
scenario where the wait was spent."""
from __future__ import annotations

import pytest

from support.harness.once import FailOnce, Once, SpentBefore
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

NOT_READY = SuiteFailure(Category.NODE_NOT_READY, "GET /api/nodes", "still not ready (runtime_missing) when its 900 s "
                         "budget was spent", job_id="job-9", node={"id": "n-1", "readiness": {"is_ready": False}})


class Scenarios:
    def __init__(self):
        self.now = None

    def where(self):
        return self.now


def failing(calls: list, failure=NOT_READY):
    def work():
        calls.append(1)
        raise failure
    return work


def test_the_first_failure_is_the_full_verdict_and_later_ones_fail_at_once_naming_where_it_was_spent():
    scenarios, calls = Scenarios(), []
    readiness = FailOnce(scenarios.where)
    scenarios.now = "Production restored"
    with pytest.raises(SuiteFailure) as first:
        readiness.run(failing(calls))
    assert first.value is NOT_READY
    for later in ("A clone gets a reachable preview", "The clone preview smoke passes"):
        scenarios.now = later
        with pytest.raises(SpentBefore) as again:
            readiness.run(failing(calls))
        failure = again.value
        assert (failure.category, failure.command, failure.job_id, failure.node) == (
            Category.NODE_NOT_READY, "GET /api/nodes", "job-9", NOT_READY.node)
        assert failure.reason == f"{NOT_READY.reason} (the wait was spent in scenario 'Production restored')"
        assert failure.line.startswith("[wave5] FAIL category=node_not_ready command=\"GET /api/nodes\" job_id=job-9 ")
    assert calls == [1]  # waited once


def test_what_needs_a_precondition_that_failed_elsewhere_keeps_the_scenario_where_it_was_spent():
    scenarios, calls = Scenarios(), []
    readiness = FailOnce(scenarios.where)
    site = Once(lambda: readiness.run(failing(calls)), where=scenarios.where)
    scenarios.now = "first"
    with pytest.raises(SuiteFailure):
        readiness.run(failing(calls))
    scenarios.now = "second"
    with pytest.raises(SpentBefore) as through_the_site:
        site.get()
    scenarios.now = "third"
    with pytest.raises(SpentBefore) as again:
        site.get()
    for failure in (through_the_site.value, again.value):
        assert failure.reason.endswith("(the wait was spent in scenario 'first')")
        assert failure.reason.count("the wait was spent") == 1
    assert calls == [1]


def test_a_shared_value_is_rechecked_each_time_and_a_recheck_that_fails_is_kept():
    scenarios, checks = Scenarios(), []
    unreachable = SuiteFailure(Category.PREVIEW_UNREACHABLE, "GET http://preview/", "preview answered 502 until its "
                               "120 s budget was spent")

    def recheck(site):
        checks.append(site)
        if len(checks) == 2:
            raise unreachable

    site = Once(lambda: "site-1", recheck=recheck, where=scenarios.where)
    scenarios.now = "one"
    assert site.get() == "site-1" and checks == []        # made, not rechecked
    scenarios.now = "two"
    assert site.get() == "site-1" and checks == ["site-1"]  # rechecked: live
    scenarios.now = "three"
    with pytest.raises(SuiteFailure) as first:
        site.get()
    assert first.value is unreachable
    scenarios.now = "four"
    with pytest.raises(SpentBefore) as kept:
        site.get()
    assert kept.value.category is Category.PREVIEW_UNREACHABLE
    assert kept.value.reason.endswith("(the wait was spent in scenario 'three')")
    assert len(checks) == 2


def test_a_value_offered_after_a_failure_does_not_hide_it():
    once = Once(failing([]))
    with pytest.raises(SuiteFailure):
        once.get()
    once.offer("made elsewhere")
    with pytest.raises(SpentBefore) as kept:
        once.get()
    assert kept.value.reason.endswith("(the wait was spent earlier in the run)")
