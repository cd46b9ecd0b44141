"""Actions are one request each and do not judge; the flows wait out an enqueue-guard conflict and submit again
(recorded); a refusal becomes a verdict."""
import pytest

from support.flows.submit import submit
from support.http.client import PressluftClient
from support.runtime.config import load_settings
from support.runtime.resources import ResourceLedger
from support.screenplay.actions import CreateEnvironment, CreateSite, Request
from support.screenplay.actor import Operator
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

CONFLICT = (409, {"code": "conflict", "message": "conflicting environment mutation"})


def job(job_id: str, status: str, **scope) -> dict:
    return {"id": job_id, "job_type": "env_create", "status": status, "attempt_count": 1, "max_attempts": 3,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", **scope}


def operator_for(url, journal):
    settings = load_settings({"PRESSLUFT_BASE_URL": url, "PRESSLUFT_JOB_TIMEOUT": "5"})
    return Operator(PressluftClient(url, journal), settings, ResourceLedger(), journal)


def test_an_enqueue_conflict_is_waited_out_and_submitted_again(fake_server, journal):
    path = "/api/sites/s1/environments"
    fake_server.on("POST", path, CONFLICT, (202, {"job_id": "job-2"}))
    fake_server.on("GET", "/api/jobs", (200, []), (200, [job("job-1", "running", site_id="s1")]), (200, []))
    fake_server.on("GET", "/api/sites/s1/environments", (200, []))  # the refusal left nothing
    action = CreateEnvironment("s1", "e1", "clone", "Clone", "clone-1")
    submission = submit(operator_for(fake_server.url, journal), action, busy_scope={"site_id": "s1"})
    assert submission.accepted() == "job-2"
    assert fake_server.count("POST", path) == 2
    assert len(submission.resubmissions) == 1 and "409 conflict" in submission.resubmissions[0]
    assert journal.last(1)[0].note == "re-submit after 409 conflict"


def test_an_action_is_one_request_whatever_it_answers(fake_server, journal):
    path = "/api/sites/s1/environments"
    fake_server.on("POST", path, CONFLICT, (202, {"job_id": "job-2"}))
    request = operator_for(fake_server.url, journal).attempts_to(
        CreateEnvironment("s1", "e1", "clone", "Clone", "clone-1"))
    assert fake_server.count("POST", path) == 1 and request.resubmissions == []
    assert (request.job_type, request.site_id, request.type, request.slug) == ("env_create", "s1", "clone", "clone-1")
    with pytest.raises(SuiteFailure) as caught:  # a conflict nobody waited out is the answer's own verdict
        request.accepted()
    assert caught.value.category is Category.CONTRACT_VIOLATION


def test_a_conflict_that_is_not_the_enqueue_guard_is_not_resubmitted(fake_server, journal):
    fake_server.on("POST", "/api/sites", (409, {"code": "node_not_ready", "message": "target node is not ready: "
                                                                                     "runtime_missing"}))
    fake_server.on("GET", "/api/jobs", (200, []))
    submission = submit(operator_for(fake_server.url, journal), CreateSite("Site", "site-1"), busy_scope={})
    assert fake_server.count("POST", "/api/sites") == 1
    with pytest.raises(SuiteFailure) as caught:
        submission.accepted()
    assert caught.value.category is Category.PREFLIGHT_BLOCKED
    assert caught.value.line == ('[wave5] FAIL category=preflight_blocked command="POST /api/sites" job_id=none '
                                 'reason="409 node_not_ready: target node is not ready: runtime_missing"')


@pytest.mark.parametrize("answer, category", [
    ((401, {"code": "unauthorized", "message": "authentication required"}), Category.AUTH_FAILED),
    ((400, {"code": "bad_request", "message": "invalid JSON body"}), Category.CONTRACT_VIOLATION),
    ((202, {"job_id": ""}), Category.CONTRACT_VIOLATION),
    ((503, {"code": "unavailable", "message": "busy"}), Category.TARGET_UNAVAILABLE),
])
def test_a_refused_submission_is_a_verdict_of_its_kind(fake_server, journal, answer, category):
    fake_server.on("POST", "/api/sites", answer)
    submission = operator_for(fake_server.url, journal).attempts_to(CreateSite("Site", "site-1"))
    assert isinstance(submission, Request)
    with pytest.raises(SuiteFailure) as caught:
        submission.accepted()
    assert caught.value.category is category
