"""Polling: composable strategies, run_after sleeping, budgets, and what a wait that times out says."""
from datetime import datetime, timedelta, timezone

import pytest
from tenacity import RetryCallState, Retrying
from tenacity.wait import wait_fixed

from support.diagnostics import Category
from support.polling import (StillWaiting, backoff, job_state, job_wait, parse_time, poll_until,
                             wait_either, wait_until_run_after, wait_within_budget)
from support.waits import require_success


def state_with(result, attempt=1, since_start=0.0):
    state = RetryCallState(Retrying(), fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    state.set_result(result)
    state.outcome_timestamp = (state.start_time or 0) + since_start
    return state


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_backoff_starts_fast_and_grows_to_its_cap():
    strategy = backoff(first=0.05, cap=1.5, jitter=0.0)
    waits = [strategy(state_with(None, attempt=n)) for n in range(1, 16)]
    assert waits[0] == pytest.approx(0.05)
    assert waits == sorted(waits)
    assert max(waits) == pytest.approx(1.5)


def test_backoff_jitter_is_the_same_on_every_run():
    first = [backoff()(state_with(None, attempt=n)) for n in range(1, 6)]
    second = [backoff()(state_with(None, attempt=n)) for n in range(1, 6)]
    assert first == second


def test_run_after_in_the_future_means_sleeping_until_then():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    job = {"status": "queued", "run_after": iso(now + timedelta(seconds=7)), "error_code": "PROVIDER_API_ERROR"}
    wait = wait_until_run_after(margin=0.0, clock=lambda: now)
    assert wait(state_with(job)) == pytest.approx(7.0)


def test_run_after_in_the_past_or_absent_leaves_the_backoff_to_decide():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    wait = wait_until_run_after(clock=lambda: now) | wait_fixed(0.25)
    assert isinstance(wait, wait_either)
    past = {"status": "queued", "run_after": iso(now - timedelta(seconds=3))}
    assert wait(state_with(past)) == 0.25
    assert wait(state_with({"status": "running", "run_after": None})) == 0.25
    future = {"status": "queued", "run_after": iso(now + timedelta(seconds=2))}
    assert wait(state_with(future)) == pytest.approx(2.05)


def test_strategies_add_up_with_plus():
    combined = wait_fixed(0.5) + wait_fixed(0.25)
    assert combined(state_with(None)) == 0.75


def test_a_wait_is_clipped_to_what_is_left_of_its_budget():
    state = state_with(None)
    state.start_time -= 9.5  # 9.5 s spent of a 10 s budget
    clipped = wait_within_budget(wait_fixed(5), budget=10)
    assert clipped(state) == pytest.approx(0.5, abs=0.05)


def test_a_queued_job_with_run_after_is_slept_on_not_polled():
    now = datetime.now(timezone.utc)
    answers = [{"id": "job-1", "status": "queued", "error_code": "PROVIDER_API_ERROR",
                "run_after": iso(now + timedelta(seconds=30))},
               {"id": "job-1", "status": "succeeded"}]
    sleeps = []
    job, history = poll_until(lambda: answers.pop(0), lambda j: j["status"] in ("succeeded", "failed", "cancelled"),
                              budget=60, what="job job-1", describe=job_state, wait=job_wait(),
                              sleep=sleeps.append, on_timeout=lambda **kw: AssertionError(kw))
    assert job["status"] == "succeeded"
    assert len(sleeps) == 1 and 29 < sleeps[0] < 31
    assert history.attempts == 2
    assert history.states == ["queued, waiting to retry after PROVIDER_API_ERROR", "succeeded"]
    assert history.errors == ["PROVIDER_API_ERROR"]
    assert history.slept_for_run_after == pytest.approx(sleeps[0], abs=0.05)


def test_a_wait_that_ends_still_waiting_says_job_state_polls_and_time():
    def timed_out(*, last, last_state, attempts, elapsed, history):
        return StillWaiting(Category.JOB_TIMEOUT, "POST /api/sites", what="job job-7", last_state=last_state,
                            attempts=attempts, elapsed=elapsed, budget=0.3, history=history, job_id="job-7",
                            last=last)

    with pytest.raises(StillWaiting) as caught:
        poll_until(lambda: {"id": "job-7", "status": "running", "attempt_count": 1}, lambda j: False, budget=0.3,
                   what="job job-7", describe=job_state, on_timeout=timed_out, wait=wait_fixed(0.05))
    error = caught.value
    assert error.job_id == "job-7"
    assert error.last_state == "running"
    assert error.attempts >= 3
    assert 0.3 <= error.elapsed < 1.0
    assert error.category is Category.JOB_TIMEOUT
    assert error.reason == f"still running after 0 s, {error.attempts} polls"
    assert error.job == {"id": "job-7", "status": "running", "attempt_count": 1}
    assert 'job_id=job-7 reason="still running after 0 s' in error.line


def test_cancelled_is_terminal_and_reported_as_cancelled_not_as_a_timeout():
    with pytest.raises(AssertionError) as caught:
        require_success({"id": "job-9", "status": "cancelled"}, command="POST /api/sites/s/environments")
    assert caught.value.category is Category.JOB_CANCELLED
    assert caught.value.job_id == "job-9"


def test_failed_job_reason_is_its_error_code_and_message():
    with pytest.raises(AssertionError) as caught:
        require_success({"id": "job-3", "status": "failed", "error_code": "ANSIBLE_HOST_FAILED",
                         "error_message": "wp core install failed on target"}, command="POST /api/sites")
    assert caught.value.category is Category.JOB_FAILED
    assert caught.value.reason == "ANSIBLE_HOST_FAILED: wp core install failed on target"


@pytest.mark.parametrize("text, expected", [
    ("2026-02-22T10:00:00.123456789Z", datetime(2026, 2, 22, 10, 0, 0, 123456, tzinfo=timezone.utc)),
    ("2026-02-22T10:00:00Z", datetime(2026, 2, 22, 10, 0, 0, tzinfo=timezone.utc)),
    ("2026-02-22T12:00:00.5+02:00", datetime(2026, 2, 22, 10, 0, 0, 500000, tzinfo=timezone.utc)),
    (None, None), ("not a time", None),
])
def test_times_are_read_like_go_writes_them(text, expected):
    assert parse_time(text) == expected
