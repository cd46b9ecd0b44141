"""What a record of each kind must hold by itself and by the contract (support/pressluft/records.py), applied by the
matchers wherever they judge a record, on the success and the failure path; and the one order the suite relies on,
the order of creation (support/pressluft/times.py)."""
import pytest

from support.checks.backups import a_completed_backup
from support.checks.environments import an_environment
from support.checks.jobs import a_job_of, a_job_of_the_request, a_job_that_ended_failed
from support.checks.matchers import a_consistent_record, expect
from support.checks.nodes import a_node_not_ready, a_provider_node_named, a_ready_node
from support.pressluft import records
from support.pressluft.times import by_creation, parse_time
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

T0, T1, T2 = "2026-02-22T10:00:00Z", "2026-02-22T10:00:01.5+00:00", "2026-02-22T10:00:02.123456789Z"
JOB = {"id": "job-1", "job_type": "backup_create", "status": "succeeded", "attempt_count": 1, "max_attempts": 3,
       "created_at": T0, "started_at": T1, "finished_at": T2, "updated_at": T2}
READY = {"id": "n1", "name": "w5-node", "hostname": "203.0.113.5", "public_ip": "203.0.113.5", "status": "active",
         "is_local": False, "readiness": {"is_ready": True, "reason_codes": [], "guidance": []}}
BACKUP = {"id": "b1", "environment_id": "e1", "backup_scope": "full", "status": "completed",
          "checksum": "sha256:" + "0123456789abcdef" * 4, "size_bytes": 10, "created_at": T0, "completed_at": T1}


def test_a_record_that_holds_its_rules_has_no_problems():
    assert records.problems("job", JOB) == records.problems("node", READY) == records.problems("backup", BACKUP) == []


@pytest.mark.parametrize("change, words", [
    ({"started_at": "2026-02-22T09:59:59Z"}, "its started_at '2026-02-22T09:59:59Z' is before its created_at"),
    ({"finished_at": "2026-02-22T10:00:01.4Z"}, "its finished_at '2026-02-22T10:00:01.4Z' is before its started_at"),
    ({"status": "cancelled", "attempt_count": 0, "started_at": None, "finished_at": "2026-02-22T09:00:00Z"},
     "its finished_at '2026-02-22T09:00:00Z' is before its created_at"),
    ({"updated_at": "2026-02-22T09:00:00+00:00"}, "its updated_at '2026-02-22T09:00:00+00:00' is before its "
                                                  "created_at"),
])
def test_a_jobs_times_run_in_order(change, words):
    [problem] = records.problems("job", {**JOB, **change})
    assert problem.startswith(words) and problem.endswith("(expected its times in order: created_at, started_at, "
                                                          "finished_at (those set); updated_at not before created_at)")


def test_times_are_compared_as_times_whatever_their_form():
    """`…:01.5+00:00` is after `…:00Z`, though not as text; a queued job has no started_at or finished_at yet."""
    assert records.problems("job", {**JOB, "created_at": "2026-02-22T11:00:00+01:00", "started_at": T1}) == []
    assert records.problems("job", {**JOB, "status": "queued", "started_at": None, "finished_at": None}) == []


@pytest.mark.parametrize("status", ["succeeded", "failed", "running"])
def test_no_job_takes_more_attempts_than_the_contract_gives_its_type_on_any_path(status):
    job = {**JOB, "status": status, "attempt_count": 4, "max_attempts": 4,
           "finished_at": None if status == "running" else JOB["finished_at"]}
    assert records.problems("job", job) == [
        f"it {status} at attempt 4, more than the 3 the contract gives backup_create (max_attempts 4) (expected no "
        "more attempts than the contract gives its job type, whether it succeeded or failed)"]
    restore = {**job, "job_type": "env_restore", "attempt_count": 2, "max_attempts": 3}
    assert "more than the 1 the contract gives env_restore" in records.problems("job", restore)[0]
    assert records.problems("job", {**JOB, "job_type": "site_import", "attempt_count": 9}) == []  # not Wave 5's


@pytest.mark.parametrize("change, words", [
    ({"status": "provisioning"}, "it is reported ready with status 'provisioning' (expected a ready node active)"),
    ({"hostname": "pending.provider"}, "it is reported ready while its hostname is 'pending.provider'"),
    ({"public_ip": None}, "it is reported ready while its public_ip is None"),
    ({"hostname": " "}, "it is reported ready while its hostname is ' '"),
])
def test_a_ready_node_is_active_on_a_real_host(change, words):
    [problem] = records.problems("node", {**READY, **change})
    assert problem.startswith(words)


def test_a_node_not_ready_may_be_anything_while_it_is_acquired():
    acquiring = {**READY, "status": "provisioning", "hostname": "pending.provider", "public_ip": None,
                 "readiness": {"is_ready": False, "reason_codes": ["node_status_not_active"], "guidance": ["x"]}}
    assert records.problems("node", acquiring) == []


def test_a_backup_completes_after_it_was_created_and_an_environment_changes_after_it_was_made():
    assert records.problems("backup", {**BACKUP, "completed_at": "2026-02-22T09:00:00Z"}) == [
        "its completed_at '2026-02-22T09:00:00Z' is before its created_at '2026-02-22T10:00:00Z' (expected "
        "completed_at (when set) not before created_at)"]
    assert records.problems("backup", {**BACKUP, "status": "running", "completed_at": None}) == []
    environment = {"id": "e1", "created_at": T1, "updated_at": T0}
    assert records.problems("environment", environment)[0].startswith("its updated_at '2026-02-22T10:00:00Z' is "
                                                                      "before its created_at")


@pytest.mark.parametrize("matcher, record", [
    (a_job_of_the_request("backup_create"), {**JOB, "attempt_count": 4}),                     # a success path
    (a_job_that_ended_failed("X", job_type="backup_create"),                                    # a failure path
     {**JOB, "status": "failed", "error_code": "X", "attempt_count": 4}),
    (a_job_of("backup_create"), {**JOB, "finished_at": T0}),
    (a_consistent_record("job"), {**JOB, "updated_at": "2026-02-22T09:00:00Z"}),
    (a_ready_node(), {**READY, "status": "provisioning"}),
    (a_completed_backup(), {**BACKUP, "completed_at": "2026-02-22T09:00:00Z"}),
    (an_environment("failed"), {"id": "e1", "status": "failed", "created_at": T1, "updated_at": T0}),
])
def test_the_matchers_apply_the_rules_of_the_record_they_judge(matcher, record):
    with pytest.raises(SuiteFailure) as caught:
        expect(record, matcher, command="GET /api/x")
    assert caught.value.category is Category.CONTRACT_VIOLATION and "(expected " in caught.value.reason


def test_a_claim_that_only_names_which_job_it_is_leaves_the_record_to_a_later_claim():
    assert a_job_of("backup_create", identity_only=True).matches({**JOB, "attempt_count": 4})
    assert not a_job_of("backup_create").matches({**JOB, "attempt_count": 4})
    assert a_provider_node_named("w5-node").matches({**READY, "hostname": "pending.provider"})
    assert not a_node_not_ready().matches({**READY, "hostname": "pending.provider"})
    assert a_node_not_ready().matches({**READY, "status": "provisioning", "hostname": "pending.provider",
                                       "readiness": {"is_ready": False, "reason_codes": ["node_host_missing"]}})


# -- the order of creation ---------------------------------------------------------------------------------------
def test_records_are_ordered_by_their_creation_as_times_then_by_id():
    records_ = [{"id": "c", "created_at": "2026-02-22T10:00:00.5Z"}, {"id": "b", "created_at": "2026-02-22T10:00:00Z"},
                {"id": "a", "created_at": "2026-02-22T11:00:00+01:00"}, {"id": "d", "created_at": None}]
    assert [record["id"] for record in sorted(records_, key=by_creation)] == ["d", "a", "b", "c"]
    assert [record["id"] for record in sorted(reversed(records_), key=by_creation)] == ["d", "a", "b", "c"]


def test_a_time_that_is_not_rfc3339_is_not_read_as_one():
    assert parse_time("2026-02-22 10:00:00") is None and parse_time("2026-02-22T10:00:00") is None
    assert parse_time("2026-02-22t10:00:00.123456789z") == parse_time("2026-02-22T10:00:00.123456+00:00")


@pytest.mark.parametrize("change, words", [
    ({"finished_at": None}, "it is succeeded without a finished_at"),
    ({"status": "failed", "finished_at": None}, "it is failed without a finished_at"),
    ({"status": "cancelled", "finished_at": None}, "it is cancelled without a finished_at"),
    ({"status": "queued", "started_at": None}, "it is queued with a finished_at"),
    ({"status": "running"}, "it is running with a finished_at"),
])
def test_a_job_records_its_end_exactly_when_it_ended(change, words):
    [problem] = records.problems("job", {**JOB, **change})
    assert problem.startswith(words) and problem.endswith("(expected a finished_at exactly when it ended (succeeded, "
                                                          "failed or cancelled), none while queued or running)")


@pytest.mark.parametrize("change", [{"attempt_count": 0}, {"started_at": None}, {"attempt_count": None}])
@pytest.mark.parametrize("status", ["succeeded", "failed", "running"])
def test_a_job_running_or_ended_so_was_claimed(change, status):
    job = {**JOB, "status": status, "finished_at": None if status == "running" else JOB["finished_at"], **change}
    [problem] = records.problems("job", job)
    assert problem.startswith(f"it is {status} at attempt") and problem.endswith(
        "(expected one running, succeeded or failed was claimed: at least one attempt, a started_at)")
    cancelled = {**JOB, "status": "cancelled", "attempt_count": 0, "started_at": None}  # cancelled while queued
    assert records.problems("job", cancelled) == []


def test_a_completed_backup_says_when_it_completed():
    assert records.problems("backup", {**BACKUP, "completed_at": None}) == [
        "it is completed without a completed_at (expected a completed backup says when it completed (completed_at))"]
    assert records.problems("backup", {**BACKUP, "status": "pending", "completed_at": None}) == []


@pytest.mark.parametrize("env, words", [
    ({"environment_type": "clone", "source_environment_id": None}, "it is a clone without a source environment"),
    ({"environment_type": "staging", "source_environment_id": ""}, "it is a staging without a source environment"),
    ({"environment_type": "production", "source_environment_id": "e1"},
     "it is a production with the source environment 'e1'"),
])
def test_an_environment_has_a_source_exactly_when_it_is_a_copy(env, words):
    [problem] = records.problems("environment", {"id": "e2", "created_at": T0, "updated_at": T1, **env})
    assert problem.startswith(words)
    fine = {"id": "e2", "created_at": T0, "updated_at": T1}
    assert records.problems("environment", {**fine, "environment_type": "clone", "source_environment_id": "e1"}) == []
    assert records.problems("environment", {**fine, "environment_type": "production",
                                             "source_environment_id": None}) == []
