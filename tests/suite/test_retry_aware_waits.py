"""A job wait knows Pressluft's retries: a retry scheduled beyond the budget is waited for (until its run_after
plus one attempt's budget, never past the ceiling); a job that makes no progress is job_timeout at its budget;
every scheduled retry is written to the wait log."""
import json
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from support.pressluft.jobs import DurationModel, retried
from support.reporting.progress import ProgressLines
from support.reporting.waitlog import WaitLog
from support.verdicts.categories import Category
from support.waiting.jobs import wait_for_job
from support.waiting.polling import StillWaiting


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ScriptedJob:
    """An operator whose one job follows a script of (from second, record) on the real clock; a record's
    `run_after_in` becomes a run_after that many seconds after the script began (wall clock)."""

    waits = WaitLog()  # records nothing, unless a test gives it a folder (wait_log)

    def __init__(self, script, *, ceiling=60.0, budget=0.5):
        self.script = script
        self.started, self.started_wall = time.monotonic(), datetime.now(timezone.utc)
        budgets = SimpleNamespace(for_job=lambda job_type: budget)  # every job type's budget, one attempt's
        self.settings = SimpleNamespace(retry_ceiling=ceiling, poll_policy="adaptive", budgets=budgets)
        self.progress, self.durations = ProgressLines(), DurationModel()

    def asks_for(self, question):
        elapsed = time.monotonic() - self.started
        record = dict(next(record for since, record in reversed(self.script) if since <= elapsed))
        base = {"id": "job-1", "job_type": "node_provision", "max_attempts": 3, "attempt_count": 0,
                "updated_at": iso(datetime.now(timezone.utc))}
        if "run_after_in" in record:
            record["run_after"] = iso(self.started_wall + timedelta(seconds=record.pop("run_after_in")))
        return {**base, **record}


@pytest.fixture
def wait_log(tmp_path, monkeypatch):
    """Every ScriptedJob's waits are written to a log in tmp_path."""
    monkeypatch.setattr(ScriptedJob, "waits", WaitLog(str(tmp_path)))
    return tmp_path


def entries(folder):
    return [json.loads(line) for path in folder.glob("waits-*.jsonl") for line in path.read_text().splitlines()]


def test_a_retry_scheduled_beyond_the_budget_is_waited_for(wait_log):
    operator = ScriptedJob([
        (0.0, {"status": "running", "attempt_count": 1}),
        (0.1, {"status": "queued", "attempt_count": 1, "error_code": "PROVIDER_API_ERROR", "run_after_in": 1.0}),
        (1.0, {"status": "running", "attempt_count": 2, "error_code": "PROVIDER_API_ERROR", "run_after_in": 1.0}),
        (1.2, {"status": "succeeded", "attempt_count": 2}),
    ])
    started = time.monotonic()
    job, history = wait_for_job(operator, "job-1", command="POST /api/nodes", job_type="node_provision")
    assert job["status"] == "succeeded" and time.monotonic() - started > 1.0  # well past the 0.5 s budget
    assert "queued, waiting to retry after PROVIDER_API_ERROR" in history.states
    [retry] = [entry for entry in entries(wait_log) if entry["kind"] == "retry"]
    assert retry["subject"] == "job-1" and retry["attempt"] == 2 and retry["error_code"] == "PROVIDER_API_ERROR"
    [done] = [entry for entry in entries(wait_log) if entry["kind"] == "job"]
    assert done["outcome"] == "done" and done["extended"] is True


def test_a_job_that_makes_no_progress_times_out_at_its_budget(wait_log):
    operator = ScriptedJob([(0.0, {"status": "queued"})], budget=0.4)
    started = time.monotonic()
    with pytest.raises(StillWaiting) as caught:
        wait_for_job(operator, "job-1", command="POST /api/nodes", job_type="node_provision")
    assert time.monotonic() - started < 1.5
    assert caught.value.category is Category.JOB_TIMEOUT and caught.value.job_id == "job-1"
    assert caught.value.reason == "still queued when its 0.4 s budget was spent, without progress"


@pytest.mark.parametrize("record", [
    {"status": "queued", "attempt_count": 3, "error_code": "PROVIDER_API_ERROR", "run_after_in": 30},  # no attempt left
    {"status": "queued", "attempt_count": 1, "error_code": "PROVIDER_API_ERROR"},  # no run_after
], ids=["no attempts left", "no run_after"])
def test_a_queued_job_that_pressluft_did_not_schedule_to_run_again_still_times_out_at_its_budget(wait_log, record):
    operator = ScriptedJob([(0.0, record)], budget=0.4)
    started = time.monotonic()
    with pytest.raises(StillWaiting) as caught:
        wait_for_job(operator, "job-1", command="POST /api/nodes", job_type="node_provision")
    assert time.monotonic() - started < 1.5
    assert caught.value.reason.endswith("when its 0.4 s budget was spent, without progress")


def test_a_wait_for_retries_ends_at_the_ceiling_and_says_which_retries_it_saw(wait_log):
    operator = ScriptedJob([(0.0, {"status": "queued", "attempt_count": 1, "error_code": "PROVIDER_API_ERROR",
                                   "run_after_in": 30})], ceiling=0.8, budget=0.3)
    started = time.monotonic()
    with pytest.raises(StillWaiting) as caught:
        wait_for_job(operator, "job-1", command="POST /api/nodes", job_type="node_provision")
    assert 0.7 < time.monotonic() - started < 2.0
    reason = caught.value.reason
    assert reason.startswith("still queued, waiting to retry after PROVIDER_API_ERROR when the 0.8 s retry ceiling "
                             "was reached (retries Pressluft scheduled: attempt 2 of 3 at ")
    assert reason.endswith("after PROVIDER_API_ERROR)")


def test_an_attempt_that_overruns_its_budget_after_a_retry_says_so(wait_log):
    operator = ScriptedJob([
        (0.0, {"status": "running", "attempt_count": 1}),
        (0.1, {"status": "queued", "attempt_count": 1, "error_code": "ANSIBLE_HOST_FAILED", "run_after_in": 0.3}),
        (0.3, {"status": "running", "attempt_count": 2, "error_code": "ANSIBLE_HOST_FAILED"}),
    ], budget=0.4)
    with pytest.raises(StillWaiting) as caught:
        wait_for_job(operator, "job-1", command="POST /api/sites", job_type="site_create")
    assert caught.value.reason.startswith("still running when its 0.4 s budget after the last retry was spent "
                                          "(retries Pressluft scheduled: attempt 2 of 3")


@pytest.mark.parametrize("job_type, code, expected", [
    ("env_create", "ANSIBLE_HOST_FAILED", True), ("env_create", "ANSIBLE_SYNTAX_ERROR", False),
    ("backup_create", "ANSIBLE_PLAY_ERROR", False), ("env_restore", "ANSIBLE_PLAY_ERROR", False),
    ("node_provision", "PROVIDER_API_ERROR", True), ("node_provision", "PROVIDER_ACQUISITION_FAILED", False)])
def test_which_failures_pressluft_retries_is_the_contracts_table(job_type, code, expected):
    """What feature text says of an error ("which Pressluft retries" or "does not retry") is checked against this."""
    assert retried(job_type, code) is expected
