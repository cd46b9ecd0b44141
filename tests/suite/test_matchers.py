"""The matchers' mismatch text reads like English, and each mismatch knows its failure category."""
import pytest
from hamcrest import assert_that

from support.categories import Category
from support.client import Answer
from support.diagnostics import SuiteFailure
from support.journal import Exchange
from support.matchers import (
    a_completed_backup,
    a_job_of_the_request,
    a_job_that_ended_failed,
    a_job_that_succeeded,
    a_node_not_ready,
    a_preview_answer,
    a_ready_node,
    a_site_that_is,
    an_environment,
    an_environment_that_is,
    an_error_envelope_with_code,
    expect,
)


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


def test_a_job_that_ended_failed_checks_code_message_finish_and_attempts():
    assert_that(FAILED_JOB, a_job_that_ended_failed("ANSIBLE_HOST_FAILED", "wp core install failed on target"))
    text = mismatch({**FAILED_JOB, "attempt_count": 4}, a_job_that_ended_failed("ANSIBLE_HOST_FAILED"))
    assert "attempt 4 of 3 (expected attempt_count within max_attempts)" in text
    text = mismatch({**FAILED_JOB, "error_code": None, "finished_at": None},
                    a_job_that_ended_failed("ANSIBLE_HOST_FAILED"))
    assert "error_code is None (expected error_code 'ANSIBLE_HOST_FAILED')" in text
    assert "finished_at is null" in text


def test_the_attempts_a_sentence_names_are_checked_against_the_job():
    retried = {**FAILED_JOB, "run_after": "2026-01-01T00:00:00Z"}
    assert_that(retried, a_job_that_ended_failed("ANSIBLE_HOST_FAILED", attempts="after all its allowed attempts"))
    text = mismatch({**retried, "attempt_count": 1}, a_job_that_ended_failed(
        "ANSIBLE_HOST_FAILED", attempts="after all its allowed attempts"))
    assert "attempt 1 of 3" in text
    assert "run_after" in mismatch({**FAILED_JOB, "run_after": None}, a_job_that_ended_failed(
        "ANSIBLE_HOST_FAILED", attempts="after all its allowed attempts"))
    assert "attempt 3 of 3" in mismatch(retried, a_job_that_ended_failed("ANSIBLE_HOST_FAILED",
                                                                         attempts="without a retry"))
    single = {**FAILED_JOB, "attempt_count": 1, "max_attempts": 1}
    assert_that(single, a_job_that_ended_failed("ANSIBLE_HOST_FAILED", attempts="after its single allowed attempt"))


def test_a_ready_node_names_the_outstanding_reason_codes():
    node = {"id": "n1", "name": "w5-node", "status": "active",
            "readiness": {"is_ready": False, "reason_codes": ["sudo_unavailable", "runtime_missing"]}}
    text = mismatch(node, a_ready_node())
    assert "Expected: a node with readiness is_ready true, no outstanding reason codes" in text
    assert "the node w5-node (n1): it is not ready (sudo_unavailable, runtime_missing, status active)" in text
    with pytest.raises(SuiteFailure) as caught:
        expect(node, a_ready_node(), command="GET /api/nodes")
    assert caught.value.category is Category.NODE_NOT_READY


def test_a_node_not_ready_rejects_a_ready_node_even_with_null_reason_codes():
    node = {"id": "n1", "name": "w5-node", "status": "active", "readiness": {"is_ready": True, "reason_codes": None}}
    assert_that(node, a_ready_node())
    text = mismatch(node, a_node_not_ready())
    assert "it is ready (no reason codes, status active)" in text and "it names no reason code" in text


def test_a_ready_node_that_lists_reason_codes_is_not_a_ready_node():
    node = {"id": "n1", "name": "w5-node", "status": "active",
            "readiness": {"is_ready": True, "reason_codes": ["runtime_missing"]}}
    assert "it lists runtime_missing (expected no outstanding reason codes)" in mismatch(node, a_ready_node())
    with pytest.raises(SuiteFailure) as caught:
        expect(node, a_ready_node(), command="GET /api/nodes")
    assert caught.value.category is Category.CONTRACT_VIOLATION


GOOD_BACKUP = {"id": "b1", "environment_id": "e1", "backup_scope": "full", "status": "completed",
               "checksum": "sha256:" + "0123456789abcdef" * 4, "size_bytes": 10}


@pytest.mark.parametrize("change, words", [
    ({"checksum": None}, "checksum is None"),
    ({"checksum": "sha256:" + "ab" * 16}, "checksum is 'sha256:"),
    ({"checksum": "md5:" + "ab" * 32}, "checksum is 'md5:"),
    ({"size_bytes": 0}, "size_bytes is 0"),
    ({"status": "running"}, "status is 'running'"),
    ({"backup_scope": "db"}, "backup_scope is 'db'"),
    ({"environment_id": "e2"}, "environment_id is 'e2'"),
])
def test_a_completed_backup_says_which_property_differs(change, words):
    assert_that(GOOD_BACKUP, a_completed_backup(scope="full", of="e1"))
    text = mismatch({**GOOD_BACKUP, **change}, a_completed_backup(scope="full", of="e1"))
    assert "a checksum of sha256: and 64 hex digits" in text
    assert words in text


def test_an_environment_that_is_active_on_a_node():
    env = {"id": "e1", "slug": "clone-1", "status": "cloning", "node_id": "n2"}
    text = mismatch(env, an_environment_that_is("active", on_node="n1"))
    assert "an environment with status 'active', node 'n1'" in text
    assert "the environment clone-1 (e1): status is 'cloning' (expected status 'active'); node is 'n2'" in text


def test_an_environment_copy_checks_type_source_node_and_its_own_preview():
    env = {"id": "e2", "slug": "stg", "status": "active", "environment_type": "clone", "source_environment_id": None,
           "node_id": "n1", "preview_url": "http://p/", "site_id": "s1"}
    text = mismatch(env, an_environment("active", type="staging", source="prod", node="n1",
                                        preview_other_than=["http://q/", "http://p/"], site="s1", slug="stg"))
    assert "environment_type is 'clone' (expected environment_type 'staging')" in text
    assert "source environment is None (expected source environment 'prod')" in text
    assert "its preview address is 'http://p/', another environment's" in text
    assert "node is" not in text and "site is" not in text and "slug is" not in text


def test_an_environment_names_the_site_and_the_slug_it_was_asked_for():
    env = {"id": "e2", "slug": "other", "status": "active", "site_id": "s9"}
    text = mismatch(env, an_environment("active", site="s1", slug="stg"))
    assert "slug is 'other' (expected slug 'stg'); site is 's9' (expected site 's1')" in text


def test_a_site_that_is_active():
    assert_that({"id": "s1", "slug": "shop", "status": "active"}, a_site_that_is("active"))
    text = mismatch({"id": "s1", "slug": "shop", "status": "cloning"}, a_site_that_is("active"))
    assert "the site shop (s1): status is 'cloning' (expected status 'active')" in text


def test_a_job_of_the_request_names_its_type_site_environment_and_node():
    job = {"id": "j1", "job_type": "env_create", "site_id": "s1", "environment_id": "prod", "node_id": "n1"}
    assert_that(job, a_job_of_the_request("env_create", site="s1", node="n1", new_environment_not_in=["other"]))
    text = mismatch(job, a_job_of_the_request("env_create", site="s1", node="n1", new_environment_not_in=["prod"]))
    assert "it names the environment 'prod', one that existed before (expected a new environment)" in text
    text = mismatch({**job, "job_type": "backup_create", "node_id": None},
                    a_job_of_the_request("backup_create", site="s1", environment="e1", node="n1"))
    assert "environment is 'prod' (expected environment 'e1'); node is None (expected node 'n1')" in text
    assert "job_type is" not in text


def test_a_preview_answer_must_be_the_expected_reachable_status():
    assert_that((301, "301"), a_preview_answer(301))
    with pytest.raises(SuiteFailure) as caught:
        expect((307, "307"), a_preview_answer(301), command="GET http://p/")
    assert caught.value.category is Category.PREVIEW_UNREACHABLE and caught.value.reason == "the preview answered 307"


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
