"""The matchers' mismatch text reads like English, and each mismatch knows its failure category."""
import pytest
from hamcrest import assert_that

from support.client import Answer
from support.diagnostics import Category, SuiteFailure
from support.journal import Exchange
from support.matchers import (a_completed_backup_with_integrity_data, a_failed_job_with_error, a_job_that_succeeded,
                              a_node_not_ready, a_ready_node, an_environment_that_is, an_error_envelope_with_code,
                              expect)


def mismatch(actual, matcher):
    with pytest.raises(AssertionError) as caught:
        assert_that(actual, matcher)
    return str(caught.value)


def answer(status, body):
    import json
    return Answer("POST", "/api/sites", status, {"Content-Type": "application/json"}, json.dumps(body),
                  Exchange("POST", "/api/sites"))


FAILED_JOB = {"id": "job-1", "job_type": "env_create", "status": "failed", "error_code": "ANSIBLE_HOST_FAILED",
              "error_message": "wp core install failed on target", "attempt_count": 3, "max_attempts": 3,
              "finished_at": "2026-01-01T00:00:00Z"}


def test_a_job_that_succeeded_explains_a_failed_job():
    text = mismatch(FAILED_JOB, a_job_that_succeeded())
    assert "Expected: a job that succeeded" in text
    assert "the env_create job job-1 ended failed with ANSIBLE_HOST_FAILED: wp core install failed on target" in text


@pytest.mark.parametrize("status, category", [("failed", Category.JOB_FAILED), ("cancelled", Category.JOB_CANCELLED),
                                              ("running", Category.JOB_TIMEOUT)])
def test_a_job_mismatch_has_the_category_of_how_the_job_ended(status, category):
    job = {**FAILED_JOB, "status": status}
    with pytest.raises(SuiteFailure) as caught:
        expect(job, a_job_that_succeeded(), command="POST /api/sites/s/environments", job_id="job-1")
    assert caught.value.category is category
    assert caught.value.job_id == "job-1"


def test_a_still_running_job_is_said_to_be_still_running():
    assert "the env_create job job-1 is still running" in mismatch({**FAILED_JOB, "status": "running"},
                                                                   a_job_that_succeeded())


def test_a_failed_job_with_error_checks_code_message_and_attempts():
    assert_that(FAILED_JOB, a_failed_job_with_error("ANSIBLE_HOST_FAILED", "wp core install failed on target"))
    text = mismatch({**FAILED_JOB, "attempt_count": 4}, a_failed_job_with_error("ANSIBLE_HOST_FAILED"))
    assert "attempt 4 of 3" in text


def test_a_ready_node_names_the_outstanding_reason_codes():
    node = {"id": "n1", "name": "w5-node", "status": "active",
            "readiness": {"is_ready": False, "reason_codes": ["sudo_unavailable", "runtime_missing"]}}
    text = mismatch(node, a_ready_node())
    assert "Expected: a ready node with no outstanding reason codes" in text
    assert "the node w5-node (n1) is not ready with sudo_unavailable, runtime_missing, status active" in text
    with pytest.raises(SuiteFailure) as caught:
        expect(node, a_ready_node(), command="GET /api/nodes")
    assert caught.value.category is Category.NODE_NOT_READY


def test_a_node_not_ready_rejects_a_ready_node_even_with_null_reason_codes():
    node = {"id": "n1", "name": "w5-node", "status": "active", "readiness": {"is_ready": True, "reason_codes": None}}
    assert_that(node, a_ready_node())
    assert "is ready with no reason codes" in mismatch(node, a_node_not_ready())


@pytest.mark.parametrize("backup, words", [
    ({"id": "b1", "status": "completed", "checksum": None, "size_bytes": 10}, "checksum None"),
    ({"id": "b1", "status": "completed", "checksum": "sha256:ab", "size_bytes": 0}, "size 0"),
    ({"id": "b1", "status": "pending", "checksum": None, "size_bytes": None}, "is pending"),
])
def test_a_completed_backup_with_integrity_data_says_what_is_missing(backup, words):
    text = mismatch(backup, a_completed_backup_with_integrity_data())
    assert "a completed backup with a sha256 checksum and a positive size" in text
    assert words in text


def test_an_environment_that_is_active_on_a_node():
    env = {"id": "e1", "slug": "clone-1", "status": "cloning", "node_id": "n2"}
    text = mismatch(env, an_environment_that_is("active", on_node="n1"))
    assert "an environment that is active on node n1" in text
    assert "the environment clone-1 (e1) is cloning on node n2" in text


def test_an_error_envelope_names_each_reason_code_in_the_message():
    refused = answer(409, {"code": "node_not_ready", "message": "target node is not ready: sudo_unavailable"})
    matcher = an_error_envelope_with_code("node_not_ready", status=409, naming=["sudo_unavailable", "runtime_missing"])
    text = mismatch(refused, matcher)
    assert "an error answer 409 node_not_ready naming sudo_unavailable, runtime_missing" in text
    assert "which does not name runtime_missing" in text


def test_an_error_envelope_also_checks_details_reason_codes_when_present():
    refused = answer(409, {"code": "node_not_ready", "message": "target node is not ready: runtime_missing",
                           "details": {"reason_codes": []}})
    text = mismatch(refused, an_error_envelope_with_code("node_not_ready", naming=["runtime_missing"]))
    assert "runtime_missing (in details.reason_codes)" in text


def test_an_unexpected_answer_is_a_contract_violation():
    with pytest.raises(SuiteFailure) as caught:
        expect(answer(202, {"job_id": "j"}), an_error_envelope_with_code("node_not_ready", status=409),
               command="POST /api/sites")
    assert caught.value.category is Category.CONTRACT_VIOLATION
    assert caught.value.reason == "the answer was 202 (no error code)"
