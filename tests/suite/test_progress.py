"""Progress lines of long waits (support/reporting/progress.py), on a fake clock: silent when short, one line per change
of what is seen once a wait has lasted SHOW_AFTER seconds, a quiet line at most every QUIET_EVERY seconds while nothing
changes (also during a long sleep until a scheduled retry), one line when it ends; plain lines, no carriage return."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from tenacity.wait import wait_fixed

from support.pressluft.jobs import job_progress, job_state
from support.reporting.progress import QUIET_EVERY, SHOW_AFTER, ProgressLines
from support.verdicts.categories import Category
from support.waiting.jobs import wait_until_run_after
from support.waiting.polling import Deadline, StillWaiting, Wait, poll

START = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def now(self) -> float:
        return self.t

    def wall(self) -> datetime:
        return START + timedelta(seconds=self.t - 1000.0)

    def sleep(self, seconds: float) -> None:
        self.t += seconds

    @property
    def elapsed(self) -> float:
        return self.t - 1000.0


def job_at(timeline):
    """A job whose record is the last entry of `timeline` [(from second, fields)] reached on the fake clock."""
    def fetch(clock):
        fields = [entry for at, entry in timeline if clock.elapsed >= at][-1]
        return {"id": "job-1", "job_type": "env_create", "max_attempts": 3, **fields}
    return fetch


def job_wait(clock, fetch, budget=600.0, ceiling=3600.0, strategy=None):
    def timed_out(outcome):
        return StillWaiting(Category.JOB_TIMEOUT, "POST /api/x", outcome, job_id="job-1", reason="still waiting")
    return Wait(what="job job-1", fetch=lambda: fetch(clock), done=lambda job: job["status"] == "succeeded",
                describe=lambda job: (job_state(job), job.get("error_code")), timed_out=timed_out,
                deadline=Deadline(budget, ceiling=ceiling, clock=clock.now), strategy=strategy or wait_fixed(2.0),
                progress=job_progress)


def run(wait, clock):
    lines = []
    poll(wait, sleep=clock.sleep, progress=ProgressLines(write=lines.append))
    return lines


def test_a_wait_shorter_than_the_threshold_prints_nothing():
    clock = FakeClock()
    fetch = job_at([(0, {"status": "running", "attempt_count": 1}), (SHOW_AFTER - 1, {"status": "succeeded"})])
    assert run(job_wait(clock, fetch), clock) == []


def test_a_long_wait_prints_one_line_per_change_and_one_when_it_ends():
    clock = FakeClock()
    fetch = job_at([(0, {"status": "queued", "attempt_count": 0}), (3, {"status": "running", "attempt_count": 1}),
                    (20, {"status": "succeeded", "attempt_count": 1})])
    lines = run(job_wait(clock, fetch), clock)
    assert lines == [
        "[wave5] waiting for job job-1: env_create running, attempt 1 of 3; 5 s spent of 600 s "
        "(budget 600 s, ceiling 3600 s)",
        "[wave5] done waiting for job job-1: env_create succeeded, attempt 1 of 3 after 20 s",
    ]


def test_nothing_changing_gives_a_quiet_line_at_most_every_minute():
    clock = FakeClock()
    fetch = job_at([(0, {"status": "running", "attempt_count": 1}), (200, {"status": "succeeded", "attempt_count": 1})])
    lines = run(job_wait(clock, fetch, budget=300, ceiling=300), clock)
    seconds = [int(re.search(r"; (\d+) s spent", line).group(1)) for line in lines[:-1]]
    assert [line.split(" for ")[0] for line in lines] == ["[wave5] waiting", "[wave5] still waiting",
                                                          "[wave5] still waiting", "[wave5] still waiting",
                                                          "[wave5] done waiting"]
    assert seconds == [5, 65, 125, 185]
    assert all(later - earlier >= QUIET_EVERY for earlier, later in zip(seconds, seconds[1:], strict=False))
    assert lines[0].endswith("; 5 s spent of 300 s budget")  # no ceiling beyond the budget: not named


def test_a_retry_scheduled_minutes_ahead_is_shown_during_the_sleep_with_its_attempt_and_due_time():
    """The wait sleeps until run_after (5 minutes): the sleep is cut so the first line comes after SHOW_AFTER
    and a quiet line every minute, each naming the attempt and when it is due."""
    clock = FakeClock()
    due = START + timedelta(seconds=300)
    fetch = job_at([(0, {"status": "queued", "attempt_count": 1, "error_code": "PROVIDER_API_ERROR",
                         "run_after": due.isoformat()}),
                    (300, {"status": "running", "attempt_count": 2}),
                    (310, {"status": "succeeded", "attempt_count": 2})])
    wait = job_wait(clock, fetch, strategy=wait_until_run_after(margin=0.05, clock=clock.wall) | wait_fixed(2.0))
    wait.observe = lambda job, deadline: deadline.extend_to(clock.now() + 300 + deadline.budget) \
        if job["status"] == "queued" else None
    lines = run(wait, clock)
    retry = ("env_create queued, waiting to retry after PROVIDER_API_ERROR, attempt 2 of 3 due at 12:05:00 UTC; "
             "{} s spent of 900 s (budget 600 s, ceiling 3600 s)")
    assert lines[:6] == ["[wave5] waiting for job job-1: " + retry.format(5)] + [
        "[wave5] still waiting for job job-1: " + retry.format(seconds) for seconds in (65, 125, 185, 245)] + [
        "[wave5] waiting for job job-1: env_create running, attempt 2 of 3; 300 s spent of 900 s "
        "(budget 600 s, ceiling 3600 s)"]
    assert lines[6:] == ["[wave5] done waiting for job job-1: env_create succeeded, attempt 2 of 3 after 310 s"]


def test_a_wait_that_gives_up_says_so_after_its_progress_and_no_line_carries_a_carriage_return():
    clock = FakeClock()
    fetch = job_at([(0, {"status": "running", "attempt_count": 1})])
    lines = []
    with pytest.raises(StillWaiting):
        poll(job_wait(clock, fetch, budget=12, ceiling=12), sleep=clock.sleep,
             progress=ProgressLines(write=lines.append))
    assert lines == ["[wave5] waiting for job job-1: env_create running, attempt 1 of 3; 5 s spent of 12 s budget",
                     "[wave5] gave up waiting for job job-1: env_create running, attempt 1 of 3 after 12 s"]
    assert not any("\r" in line or "\x1b" in line for line in lines)


def test_progress_lines_go_to_the_real_stderr_past_any_capture(capsys, monkeypatch):
    import io
    import sys

    real = io.StringIO()
    monkeypatch.setattr(sys, "__stderr__", real)
    ProgressLines().write("[wave5] waiting for job j: running; 6 s spent of 60 s budget")
    assert real.getvalue() == "[wave5] waiting for job j: running; 6 s spent of 60 s budget\n"
    assert capsys.readouterr() == ("", "")
