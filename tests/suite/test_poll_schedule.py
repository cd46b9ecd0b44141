"""The adaptive poll schedule: few polls for long jobs, a quick look when a job should end, intermediate
states still seen; the fixed-2s policy of the bash smokes; the wait log the bench reads."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from tenacity import RetryCallState, Retrying

from support.pressluft.jobs import DurationModel, job_state
from support.reporting import waitlog
from support.waiting.jobs import job_wait, wait_until_expected_end, wait_until_run_after
from support.waiting.polling import Deadline, Wait, backoff, poll, steady_wait

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
TERMINAL = ("succeeded", "failed", "cancelled")


def iso(seconds):
    return (START + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def simulate(make_strategy, job_at, limit=600.0):
    """Polls a simulated job on a simulated clock: (number of polls, moment the end was noticed, states seen)."""
    now = [0.0]
    strategy = make_strategy(lambda: START + timedelta(seconds=now[0]))
    polls, seen = 0, []
    while now[0] < limit:
        job = job_at(now[0])
        polls += 1
        label = job_state(job)
        if label not in seen:
            seen.append(label)
        if job["status"] in TERMINAL:
            return polls, now[0], seen
        now[0] += strategy(retry_state(polls, now[0], job))
    raise AssertionError("never ended")


def retry_state(attempt, since_start, result=None):
    """What tenacity hands a wait strategy at poll `attempt`, `since_start` seconds into the wait."""
    state = RetryCallState(Retrying(), fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    state.set_result(result)
    state.outcome_timestamp = state.start_time + since_start
    return state


def plain_job(duration, job_type="site_create"):
    def job_at(t):
        if t < 0.02:
            return {"status": "queued", "job_type": job_type, "started_at": None}
        if t < 0.02 + duration:
            return {"status": "running", "job_type": job_type, "started_at": iso(0.02)}
        return {"status": "succeeded", "job_type": job_type, "started_at": iso(0.02),
                "finished_at": iso(0.02 + duration)}
    return job_at


def adaptive(model):
    return lambda clock: (wait_until_run_after(clock=clock) | wait_until_expected_end(model, clock=clock)
                          | backoff())


def test_a_60_second_job_is_polled_at_most_25_times_without_knowing_its_duration():
    polls, noticed, _ = simulate(adaptive(DurationModel()), plain_job(60.0))
    assert polls <= 25
    assert noticed - 60.02 <= 4.1  # never later than the backoff's cap


def test_the_backoff_starts_at_50_ms_grows_by_half_each_poll_and_is_capped_at_4_s():
    strategy = backoff(jitter=0.0)
    waits, waited = [], 0.0
    for attempt in range(1, 30):
        waits.append(strategy(retry_state(attempt, waited)))
        waited += waits[-1]
    assert waits[0] == pytest.approx(0.05) and max(waits) == pytest.approx(4.0)
    assert [later / earlier for earlier, later in zip(waits[:5], waits[1:6], strict=True)] == pytest.approx([1.5] * 5)


def test_after_a_run_of_short_looks_the_backoff_grows_from_the_time_waited_not_the_polls_made():
    """A held acquisition's job runs past its expected end after a dozen close looks (0.6 s in): the next poll
    comes about 0.35 s later, not at the 4 s cap a count of polls would give."""
    assert backoff(jitter=0.0)(retry_state(13, 0.6)) == pytest.approx(0.35)


def test_a_job_of_a_known_type_is_looked_at_when_it_should_end():
    model = DurationModel()
    model.observe({"status": "succeeded", "job_type": "site_create", "started_at": iso(0), "finished_at": iso(60)})
    polls, noticed, _ = simulate(adaptive(model), plain_job(60.0))
    assert polls <= 15
    assert noticed - 60.02 <= 0.05


def test_a_short_job_of_a_known_type_is_noticed_within_50_ms():
    model = DurationModel()
    model.observe({"status": "succeeded", "job_type": "env_create", "started_at": iso(0), "finished_at": iso(2)})
    polls, noticed, _ = simulate(adaptive(model), plain_job(2.0, "env_create"))
    assert noticed - 2.02 <= 0.05 and polls <= 10


def test_a_failed_attempt_queued_to_retry_is_still_seen_when_the_duration_is_known():
    """A 2 s acquisition whose first attempt fails half-way and waits 0.5 s to retry."""
    model = DurationModel()
    model.observe({"status": "succeeded", "job_type": "node_provision", "started_at": iso(0),
                   "finished_at": iso(2)})

    def job_at(t):
        if t < 0.02:
            return {"status": "queued", "job_type": "node_provision"}
        if t < 1.02:
            return {"status": "running", "job_type": "node_provision", "started_at": iso(0.02)}
        if t < 1.52:
            return {"status": "queued", "job_type": "node_provision", "error_code": "PROVIDER_API_ERROR",
                    "run_after": iso(1.52)}
        if t < 3.52:
            return {"status": "running", "job_type": "node_provision", "started_at": iso(1.52),
                    "error_code": "PROVIDER_API_ERROR"}
        return {"status": "succeeded", "job_type": "node_provision", "started_at": iso(1.52),
                "finished_at": iso(3.52)}

    polls, noticed, seen = simulate(adaptive(model), job_at)
    assert "queued, waiting to retry after PROVIDER_API_ERROR" in seen
    assert noticed - 3.52 <= 0.05


def test_a_job_that_outlives_its_expected_duration_falls_back_to_the_backoff():
    model = DurationModel()
    model.observe({"status": "succeeded", "job_type": "env_create", "started_at": iso(0), "finished_at": iso(1)})
    polls, _, _ = simulate(adaptive(model), plain_job(60.0, "env_create"))
    assert polls <= 40  # a few close looks around the expected end, then the capped backoff


def test_the_model_keeps_the_median_of_recent_durations_of_each_type():
    model = DurationModel()
    for seconds in (1.0, 3.0, 2.0):
        model.observe({"status": "succeeded", "job_type": "backup_create", "started_at": iso(0),
                       "finished_at": iso(seconds)})
    model.observe({"status": "failed", "job_type": "backup_create", "started_at": iso(0), "finished_at": iso(9)})
    assert model.expected("backup_create") == pytest.approx(2.0)
    assert model.expected("env_restore") is None


def test_a_target_clock_far_ahead_is_not_trusted():
    model = DurationModel()
    model.observe({"status": "succeeded", "job_type": "site_create", "started_at": iso(0), "finished_at": iso(1)})
    wait = wait_until_expected_end(model, clock=lambda: START)
    state = RetryCallState(Retrying(), fn=None, args=(), kwargs={})
    state.set_result({"status": "running", "job_type": "site_create", "started_at": iso(30)})
    assert wait(state) == 0.0


def test_the_fixed_2s_policy_is_the_smokes_schedule():
    state = RetryCallState(Retrying(), fn=None, args=(), kwargs={})
    state.set_result({"status": "running"})
    model = DurationModel()
    assert job_wait("fixed-2s", model)(state) == 2.0 and steady_wait("fixed-2s")(state) == 2.0
    assert steady_wait("fixed-2s", every=3.0)(state) == 3.0
    polls, noticed, _ = simulate(lambda clock: job_wait("fixed-2s", model), plain_job(60.0))
    assert polls == 32 and noticed == pytest.approx(62.0)


def test_every_wait_is_written_to_the_wait_log_with_the_moment_it_noticed(tmp_path):
    log = waitlog.WaitLog(str(tmp_path))
    answers = [{"status": "running"}, {"status": "succeeded"}]
    poll(Wait(what="job j1", fetch=lambda: answers.pop(0), done=lambda job: job["status"] in TERMINAL,
              describe=lambda job: (job_state(job), None), timed_out=lambda outcome: AssertionError(outcome),
              deadline=Deadline(5), strategy=backoff(first=0.01), kind="job", subject="j1"), log=log)
    [entry] = [json.loads(line) for line in next(tmp_path.glob("waits-*.jsonl")).read_text().splitlines()]
    assert entry["kind"] == "job" and entry["subject"] == "j1" and entry["polls"] == 2
    assert entry["outcome"] == "done" and entry["state"] == "succeeded"
    assert entry["started"] <= entry["noticed"]
