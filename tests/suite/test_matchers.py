"""The matchers' mismatch text reads like English, and each mismatch knows its failure category."""
import pytest
from hamcrest import assert_that, is_not

from support.checks.backups import a_completed_backup
from support.checks.environments import an_environment
from support.checks.jobs import a_job_of_the_request, a_job_that_ended_failed
from support.checks.matchers import expect
from support.checks.nodes import a_node_not_ready, a_ready_node
from support.checks.previews import a_preview_answer
from support.checks.refusals import a_node_not_ready_refusal, an_error_envelope_with_code
from support.checks.sites import a_site_that_is
from support.http.client import Answer
from support.http.journal import Exchange
from support.http.preview import PreviewAnswer
from support.pressluft.readiness import REASON_CODES, refusal_message
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


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
              "started_at": "2026-01-01T00:00:00Z", "finished_at": "2026-01-01T00:00:00Z"}


def test_a_job_that_ended_failed_checks_code_message_finish_and_attempts():
    assert_that(FAILED_JOB, a_job_that_ended_failed("ANSIBLE_HOST_FAILED", "wp core install failed on target",
                                                    job_type="env_create"))
    text = mismatch({**FAILED_JOB, "attempt_count": 4, "max_attempts": 5},
                    a_job_that_ended_failed("ANSIBLE_HOST_FAILED", job_type="env_create"))
    assert ("it failed at attempt 4, more than the 3 the contract gives env_create (max_attempts 5) (expected no more "
            "attempts than the contract gives its job type, whether it succeeded or failed)") in text
    text = mismatch({**FAILED_JOB, "error_code": None, "finished_at": None},
                    a_job_that_ended_failed("ANSIBLE_HOST_FAILED", job_type="env_create"))
    assert "error_code is None (expected error_code 'ANSIBLE_HOST_FAILED')" in text
    assert "finished_at is null" in text


def test_a_failed_job_is_the_job_of_that_type_where_the_scenario_put_it():
    matcher = a_job_that_ended_failed("ANSIBLE_HOST_FAILED", job_type="env_create", site_id="s1",
                                      environment_id="e1")
    assert_that({**FAILED_JOB, "site_id": "s1", "environment_id": "e1"}, matcher)
    text = mismatch({**FAILED_JOB, "job_type": "site_create", "site_id": "s1", "environment_id": "e0"}, matcher)
    assert "job_type is 'site_create' (expected job_type 'env_create')" in text
    assert "environment_id is 'e0' (expected environment_id 'e1')" in text


def test_the_attempts_a_sentence_names_are_checked_against_the_contract_not_the_job():
    retried = {**FAILED_JOB, "run_after": "2026-01-01T00:00:00Z"}
    all_allowed = a_job_that_ended_failed("ANSIBLE_HOST_FAILED", job_type="env_create",
                                          attempts="after its 3 attempts")
    assert_that(retried, all_allowed)
    assert "attempt 1 of 3" in mismatch({**retried, "attempt_count": 1}, all_allowed)
    assert "run_after" in mismatch({**FAILED_JOB, "run_after": None}, all_allowed)
    # queued with max_attempts 1, its retryable error never retried: 1 of 1 is not the 3 the contract gives
    text = mismatch({**FAILED_JOB, "attempt_count": 1, "max_attempts": 1}, all_allowed)
    assert "attempt 1 of 1, run_after None (expected the 3 attempts the contract allows (max_attempts 3)" in text
    assert "attempt 3 of 3" in mismatch(retried, a_job_that_ended_failed("ANSIBLE_HOST_FAILED", job_type="env_create",
                                                                         attempts="without a retry"))
    single = {**FAILED_JOB, "job_type": "env_restore", "attempt_count": 1, "max_attempts": 1}
    one_allowed = a_job_that_ended_failed("ANSIBLE_HOST_FAILED", job_type="env_restore",
                                          attempts="after its single attempt")
    assert_that(single, one_allowed)
    assert "attempt 1 of 3" in mismatch({**single, "max_attempts": 3}, one_allowed)
    assert "attempt 1 of 1" in mismatch({**single, "job_type": "env_create"}, a_job_that_ended_failed(
        "ANSIBLE_HOST_FAILED", job_type="env_create", attempts="after its single attempt"))


READY = {"id": "n1", "name": "w5-node", "status": "active", "is_local": False, "hostname": "203.0.113.5",
         "public_ip": "203.0.113.5", "readiness": {"is_ready": True, "reason_codes": []}}


def test_a_ready_node_names_the_outstanding_reason_codes():
    node = {**READY, "readiness": {"is_ready": False, "reason_codes": ["sudo_unavailable", "runtime_missing"]}}
    text = mismatch(node, a_ready_node())
    assert "Expected: a node with a provider-acquired node (is_local false), readiness is_ready true, no " \
           "outstanding reason codes" in text
    assert "the node w5-node (n1): it is not ready (sudo_unavailable, runtime_missing, status active)" in text
    with pytest.raises(SuiteFailure) as caught:
        expect(node, a_ready_node(), command="GET /api/nodes")
    assert caught.value.category is Category.NODE_NOT_READY


def test_a_node_not_ready_rejects_a_ready_node_even_with_null_reason_codes():
    node = {**READY, "readiness": {"is_ready": True, "reason_codes": None}}
    assert_that(node, a_ready_node())
    text = mismatch(node, a_node_not_ready())
    assert "it is ready (no reason codes, status active)" in text and "it names no reason code" in text


def test_a_ready_node_that_lists_reason_codes_is_not_a_ready_node():
    node = {**READY, "readiness": {"is_ready": True, "reason_codes": ["runtime_missing"]}}
    assert "it lists runtime_missing (expected no outstanding reason codes)" in mismatch(node, a_ready_node())
    with pytest.raises(SuiteFailure) as caught:
        expect(node, a_ready_node(), command="GET /api/nodes")
    assert caught.value.category is Category.CONTRACT_VIOLATION


@pytest.mark.parametrize("change, words", [
    ({"status": "provisioning"}, "it is reported ready with status 'provisioning' (expected a ready node active)"),
    ({"hostname": "pending.provider", "public_ip": "pending.provider"},
     "hostname is 'pending.provider'; public_ip is 'pending.provider'"),
    ({"hostname": " "}, "hostname is ' '"),
    ({"public_ip": None}, "public_ip is None"),
    ({"is_local": True}, "is_local is True (expected a provider-acquired node (is_local false))"),
    ({"name": "someone-else"}, "name is 'someone-else' (expected name 'w5-node')"),
])
def test_a_node_said_to_be_ready_is_not_trusted_on_is_ready_alone(change, words):
    assert_that(READY, a_ready_node(name="w5-node"))
    text = mismatch({**READY, **change}, a_ready_node(name="w5-node"))
    assert words in text
    with pytest.raises(SuiteFailure) as caught:
        expect({**READY, **change}, a_ready_node(name="w5-node"), command="GET /api/nodes")
    assert caught.value.category is Category.CONTRACT_VIOLATION


GOOD_BACKUP = {"id": "b1", "environment_id": "e1", "backup_scope": "full", "status": "completed",
               "checksum": "sha256:" + "0123456789abcdef" * 4, "size_bytes": 10, "completed_at": "2026-01-01T00:00:00Z"}


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
    text = mismatch(env, an_environment("active", node="n1"))
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
    assert_that(PreviewAnswer("http://p/", 301, "301"), a_preview_answer(301))
    with pytest.raises(SuiteFailure) as caught:
        expect(PreviewAnswer("http://p/", 307, "307"), a_preview_answer(301), command="GET http://p/")
    assert caught.value.category is Category.PREVIEW_UNREACHABLE and caught.value.reason == "the preview answered 307"
    with pytest.raises(SuiteFailure) as caught:  # reachable, but not the status the scenario expects
        expect(PreviewAnswer("http://p/", 200, "200"), a_preview_answer(301), command="GET http://p/")
    assert caught.value.category is Category.CONTRACT_VIOLATION and caught.value.reason == "the preview answered 200"
    assert caught.value.details["expected"] == "a preview answer 301, which counts as reachable"


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


def refusal(message, **extra):
    return answer(409, {"code": "node_not_ready", "message": message, **extra})


SUDO_RUNTIME = ["sudo_unavailable", "runtime_missing"]
GUIDED = ("target node is not ready: sudo_unavailable, runtime_missing. Configure passwordless sudo for the node SSH "
          "user (sudo -n true must succeed). Install required runtime tools on the node (wp CLI must be available).")


def test_a_readiness_refusal_names_exactly_the_nodes_codes_in_the_contracts_order_with_their_guidance():
    assert refusal_message(SUDO_RUNTIME) == GUIDED
    assert_that(refusal(GUIDED), a_node_not_ready_refusal(SUDO_RUNTIME))
    assert_that(refusal(GUIDED, details={"reason_codes": SUDO_RUNTIME}), a_node_not_ready_refusal(SUDO_RUNTIME))
    unguided = "target node is not ready: sudo_unavailable, runtime_missing"  # the codes alone, no guidance
    assert_that(refusal(unguided), a_node_not_ready_refusal(SUDO_RUNTIME, guided=False))
    assert_that(refusal(unguided), is_not(a_node_not_ready_refusal(SUDO_RUNTIME)))
    assert_that(refusal("target node is not ready: sudo_unavailable"), is_not(a_node_not_ready_refusal(SUDO_RUNTIME,
                                                                                                guided=False)))


@pytest.mark.parametrize("message, details, words", [
    (refusal_message(REASON_CODES), None, "it names node_status_not_active, node_host_missing, ssh_port_invalid, "
                                          "ssh_user_missing, node_unreachable, which the node does not report"),
    (refusal_message(["sudo_unavailable"]), None, "it does not name runtime_missing"),
    (GUIDED.replace("sudo_unavailable, runtime_missing", "runtime_missing, sudo_unavailable"), None,
     "it names runtime_missing, sudo_unavailable, not in the contract's order sudo_unavailable, runtime_missing"),
    ("target node is not ready: sudo_unavailable, runtime_missing", None,
     "it gives no guidance for sudo_unavailable, runtime_missing"),
    (GUIDED + " Call support.", None, "it says more than the reason codes and their guidance"),
    ("target node is not ready", None, "it does not name reason codes after 'target node is not ready:'"),
    (GUIDED, {"reason_codes": REASON_CODES}, "its details.reason_codes are"),
])
def test_a_readiness_refusal_that_is_not_the_nodes_own_fails(message, details, words):
    extra = {"details": {"reason_codes": list(details["reason_codes"])}} if details else {}
    with pytest.raises(SuiteFailure) as caught:
        expect(refusal(message, **extra), a_node_not_ready_refusal(SUDO_RUNTIME), command="POST /api/sites")
    assert words in caught.value.reason
    assert caught.value.category is Category.CONTRACT_VIOLATION


def test_a_readiness_refusal_that_was_accepted_instead_is_a_contract_violation():
    with pytest.raises(SuiteFailure) as caught:
        expect(answer(202, {"job_id": "j"}), a_node_not_ready_refusal(["runtime_missing"]), command="POST /api/sites")
    assert caught.value.category is Category.CONTRACT_VIOLATION
    assert "it is not a 409 node_not_ready refusal" in caught.value.reason
