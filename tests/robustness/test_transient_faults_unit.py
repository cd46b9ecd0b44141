"""Units behind "no false verdicts": a poll that gets no answer is tried again within the wait's budget
(and shows in the poll history); a cleanup that fails is a warning, never a crash of the run."""
import pytest

from support.harness.cleanups import quietly
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.waiting.polling import Deadline, StillWaiting, Wait, poll

UNAVAILABLE = SuiteFailure(Category.TARGET_UNAVAILABLE, "GET /api/jobs/1", "expected 200, got 503 unavailable")


class Clock:
    """Time that only passes when the poll engine sleeps."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def fetcher(*outcomes):
    outcomes = list(outcomes)

    def fetch():
        outcome = outcomes.pop(0) if len(outcomes) > 1 else outcomes[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome
    return fetch


def timed_out(outcome):
    return StillWaiting(Category.JOB_TIMEOUT, "POST /api/sites", outcome, job_id="1",
                        reason=f"still {outcome.state} when its {outcome.deadline.budget:g} s budget was spent")


def wait(fetch, budget=2.0, done=lambda job: job["status"] == "succeeded",
         describe=lambda job: (job["status"], None)):
    clock = Clock()
    return poll(Wait(what="job 1", fetch=fetch, done=done, describe=describe, timed_out=timed_out,
                     deadline=Deadline(budget, clock=clock)), sleep=clock.sleep)


def test_a_poll_answered_503_is_polled_again_and_recorded():
    job, history = wait(fetcher(UNAVAILABLE, {"status": "running"}, UNAVAILABLE, {"status": "succeeded"}))
    assert job == {"status": "succeeded"} and history.attempts == 4
    assert history.errors == ["target unavailable (expected 200, got 503 unavailable)"]
    assert history.states == ["target unavailable (expected 200, got 503 unavailable)", "running", "succeeded"]


def test_a_wait_that_never_got_an_answer_is_target_unavailable_with_its_poll_history():
    with pytest.raises(SuiteFailure) as caught:
        wait(fetcher(UNAVAILABLE), budget=0.5)
    assert caught.value.category is Category.TARGET_UNAVAILABLE and caught.value.poll.attempts >= 2
    assert caught.value.poll.elapsed == pytest.approx(0.5)  # polled until its budget, not beyond


def test_a_wait_that_ends_on_a_transient_error_is_judged_on_the_last_real_answer():
    with pytest.raises(StillWaiting) as caught:
        wait(fetcher({"status": "running"}, UNAVAILABLE), budget=0.5)
    assert caught.value.category is Category.JOB_TIMEOUT and caught.value.last_state == "running"
    assert "still running when its 0.5 s budget was spent" in caught.value.line


def test_other_failures_are_not_retried():
    contract = SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs/1", "not JSON")
    with pytest.raises(SuiteFailure) as caught:
        wait(fetcher(contract, {"status": "succeeded"}))
    assert caught.value is contract


def test_a_failing_cleanup_is_one_warning_line(capsys):
    quietly("reconnect the provider", fetcher(UNAVAILABLE))()
    err = capsys.readouterr().err
    assert err.startswith("[wave5] WARN cleanup failed (reconnect the provider): category=target_")
    assert len(err.strip().splitlines()) == 1


def test_an_answer_of_none_is_an_answer_not_a_missing_one():
    with pytest.raises(StillWaiting) as caught:
        wait(fetcher(None, UNAVAILABLE), budget=0.5, done=lambda node: node is not None,
             describe=lambda node: ("not listed" if node is None else "listed", None))
    assert caught.value.category is Category.JOB_TIMEOUT and caught.value.last_state == "not listed"
