"""Polling: composable strategies, run_after sleeping, budgets, and what a wait that times out says."""
from datetime import datetime, timedelta, timezone

import pytest
from tenacity import RetryCallState, Retrying
from tenacity.wait import wait_fixed

from support.pressluft.jobs import DurationModel, job_state, require_success, scheduled_retry
from support.pressluft.times import parse_time
from support.verdicts.categories import Category
from support.waiting.jobs import job_wait, out_of_budget, wait_until_run_after, waiting_for_run_after
from support.waiting.polling import Deadline, Outcome, StillWaiting, Wait, backoff, poll, wait_either, wait_within


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
    waits, waited = [], 0.0
    for attempt in range(1, 16):
        waits.append(strategy(state_with(None, attempt=attempt, since_start=waited)))
        waited += waits[-1]
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


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_a_wait_is_clipped_to_what_is_left_before_its_deadline():
    clock = Clock()
    deadline = Deadline(10, clock=clock)
    clock.now += 9.5  # 9.5 s spent of a 10 s budget
    assert wait_within(wait_fixed(5), deadline)(state_with(None)) == pytest.approx(0.5)


def test_a_deadline_moves_later_on_request_but_never_past_its_ceiling():
    clock = Clock()
    deadline = Deadline(10, ceiling=30, clock=clock)
    assert not deadline.extend_to(clock.now + 5)  # earlier than the deadline: unchanged
    assert deadline.extend_to(clock.now + 20) and deadline.left() == pytest.approx(20)
    assert not deadline.at_ceiling
    assert deadline.extend_to(clock.now + 60) and deadline.left() == pytest.approx(30) and deadline.at_ceiling


def _job_wait(fetch, budget, timed_out, observe=None, strategy=None, ceiling=None):
    return Wait(what="job job-1", fetch=fetch, done=lambda j: j["status"] in ("succeeded", "failed", "cancelled"),
                describe=lambda job: (job_state(job), job.get("error_code")), timed_out=timed_out,
                deadline=Deadline(budget, ceiling=ceiling), strategy=strategy or job_wait("adaptive", DurationModel()),
                observe=observe, scheduled=waiting_for_run_after)


def test_a_queued_job_with_run_after_is_slept_on_not_polled():
    now = datetime.now(timezone.utc)
    answers = [{"id": "job-1", "status": "queued", "error_code": "PROVIDER_API_ERROR",
                "run_after": iso(now + timedelta(seconds=30))},
               {"id": "job-1", "status": "succeeded"}]
    sleeps = []
    job, history = poll(_job_wait(lambda: answers.pop(0), 60, lambda outcome: AssertionError(outcome)),
                        sleep=sleeps.append)
    assert job["status"] == "succeeded"
    assert 29 < sum(sleeps) < 31  # one sleep, cut where a progress line may be due (support/reporting/progress.py)
    assert history.attempts == 2
    assert history.states == ["queued, waiting to retry after PROVIDER_API_ERROR", "succeeded"]
    assert history.errors == ["PROVIDER_API_ERROR"]
    assert history.slept_for_run_after == pytest.approx(sum(sleeps), abs=0.05)


def test_a_wait_that_ends_still_waiting_hands_the_last_state_polls_and_time_to_its_verdict():
    def timed_out(outcome: Outcome):
        return StillWaiting(Category.JOB_TIMEOUT, "POST /api/sites", outcome, job_id="job-7", job=outcome.last,
                            reason=out_of_budget(outcome.state, outcome.deadline.budget))

    with pytest.raises(StillWaiting) as caught:
        poll(_job_wait(lambda: {"id": "job-7", "status": "running", "attempt_count": 1}, 0.3, timed_out,
                       strategy=wait_fixed(0.05)))
    error = caught.value
    assert error.job_id == "job-7" and error.last_state == "running" and error.budget == 0.3
    assert error.outcome.history.attempts >= 3 and 0.3 <= error.outcome.history.elapsed < 1.0
    assert error.category is Category.JOB_TIMEOUT
    assert error.reason == "still running when its 0.3 s budget was spent"
    assert error.job == {"id": "job-7", "status": "running", "attempt_count": 1}
    assert 'job_id=job-7 reason="still running when its 0.3 s budget was spent"' in error.line


def test_a_scheduled_retry_is_a_queued_job_with_its_error_a_run_after_and_attempts_left():
    job = {"id": "j", "status": "queued", "attempt_count": 1, "max_attempts": 3, "error_code": "PROVIDER_API_ERROR",
           "run_after": "2026-01-01T00:01:00Z"}
    retry = scheduled_retry(job)
    assert retry.attempt == 1 and retry.error_code == "PROVIDER_API_ERROR"
    assert "attempt 2 of 3" in retry.describe()
    assert scheduled_retry({**job, "attempt_count": 3}) is None  # no attempt left
    assert scheduled_retry({**job, "run_after": None}) is None
    assert scheduled_retry({**job, "status": "running"}) is None
    assert scheduled_retry({**job, "attempt_count": 0}) is None  # never ran: not a retry


def test_cancelled_is_terminal_and_reported_as_cancelled_not_as_a_timeout():
    with pytest.raises(AssertionError) as caught:
        require_success({"id": "job-9", "status": "cancelled"}, command="POST /api/sites/s/environments")
    assert caught.value.category is Category.JOB_CANCELLED
    assert caught.value.job_id == "job-9"


@pytest.mark.parametrize("status, category", [("failed", Category.JOB_FAILED), ("cancelled", Category.JOB_CANCELLED),
                                              ("running", Category.JOB_TIMEOUT), ("queued", Category.JOB_TIMEOUT)])
def test_the_one_judge_of_a_job_gives_the_category_of_how_it_ended(status, category):
    """support/pressluft/jobs.py require_success is the one place that judges that a job succeeded (the Given steps'
    flows and the Then steps' claims alike, through support/waiting/jobs.py wait_for_success)."""
    assert require_success({"id": "job-1", "status": "succeeded"}, command="POST /api/sites")["id"] == "job-1"
    with pytest.raises(AssertionError) as caught:
        require_success({"id": "job-1", "status": status}, command="POST /api/sites")
    assert caught.value.category is category and caught.value.job_id == "job-1"


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
