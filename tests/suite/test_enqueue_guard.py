"""The enqueue guard, never provoked and read right when it trips (support/flows/submit.py): on a target other than the
embedded one a creation is sent only once one listing shows no job of its site or node in flight (waiting, within
the budget, while one is); a refusal that left a record (Pressluft at 6164b449 stores the site or environment before
it asks the guard) is contract_violation at once, naming the refused request and the record, never sent again."""
import time
import uuid

import pytest

from support.flows.submit import submit
from support.http.client import PressluftClient
from support.runtime.config import load_settings
from support.runtime.resources import ResourceLedger
from support.screenplay.actions import CreateEnvironment, CreateSite
from support.screenplay.actor import Operator
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

CONFLICT = (409, {"code": "conflict", "message": "conflicting site mutation"})
N1, N2, S1, S2, E1 = (str(uuid.UUID(int=n)) for n in range(1, 6))
ENV_PATH = f"/api/sites/{S1}/environments"
J_STUCK, J_OTHER, LEFT = (str(uuid.UUID(int=n)) for n in range(11, 14))
NOW = "2026-01-01T00:00:00Z"


def job(job_id: str, status: str, **scope) -> dict:
    return {"id": job_id, "job_type": "site_create", "status": status, "attempt_count": 1, "max_attempts": 3,
            "created_at": NOW, "updated_at": NOW, **scope}


def site(slug: str, site_id: str = LEFT) -> dict:
    return {"id": site_id, "name": slug, "slug": slug, "status": "active", "created_at": NOW, "updated_at": NOW,
            "state_version": 1}


def environment(slug: str) -> dict:
    return {"id": LEFT, "site_id": S1, "name": slug, "slug": slug, "environment_type": "clone", "status": "cloning",
            "node_id": N1, "promotion_preset": "content-protect", "preview_url": "http://127.0.0.1:1/",
            "drift_status": "unknown", "fastcgi_cache_enabled": False, "redis_cache_enabled": False,
            "created_at": NOW, "updated_at": NOW, "state_version": 1}


def operator_for(url, journal, *, embedded=False, guard_holds_nodes=True, job_timeout="5"):
    """An operator whose job waits (and the guard's) take `job_timeout` seconds (the embedded default: 60)."""
    settings = load_settings({} if embedded else {"PRESSLUFT_BASE_URL": url, "PRESSLUFT_JOB_TIMEOUT": job_timeout})
    return Operator(PressluftClient(url, journal), settings, ResourceLedger(), journal,
                    guard_holds_nodes=guard_holds_nodes)


def test_a_creation_is_sent_after_one_listing_that_shows_its_node_free(fake_server, journal):
    fake_server.on("GET", "/api/jobs", (200, [job(J_OTHER, "succeeded", node_id=N1),
                                              job(J_STUCK, "running", node_id=N2)]))
    fake_server.on("POST", "/api/sites", (202, {"job_id": "job-1"}))
    request = submit(operator_for(fake_server.url, journal), CreateSite("Site", "site-1"),
                     busy_scope={"node_id": N1})
    assert request.accepted() == "job-1" and request.resubmissions == []
    assert fake_server.count("GET", "/api/jobs") == 1 and fake_server.count("POST", "/api/sites") == 1


def test_a_creation_waits_while_anyones_job_of_its_site_or_node_is_in_flight_then_is_sent_once(fake_server, journal):
    other = job(J_OTHER, "running", node_id=N1, site_id=S2)  # another operator's, same node
    fake_server.on("GET", "/api/jobs", (200, [other]), (200, [other]), (200, [{**other, "status": "succeeded"}]))
    fake_server.on("POST", ENV_PATH, (202, {"job_id": "job-2"}))
    request = submit(operator_for(fake_server.url, journal), CreateEnvironment(S1, E1, "clone", "Clone", "c-1"),
                     busy_scope={"site_id": S1, "node_id": N1})
    assert request.accepted() == "job-2" and request.resubmissions == []
    assert fake_server.count("GET", "/api/jobs") == 3 and fake_server.count("POST", ENV_PATH) == 1
    posted = [index for index, exchange in enumerate(journal.last(10)) if exchange.method == "POST"]
    assert posted == [len(journal.last(10)) - 1]  # sent after the listings, never before


def test_a_scope_still_busy_when_the_budget_is_spent_is_job_timeout_and_nothing_is_sent(fake_server, journal):
    fake_server.on("GET", "/api/jobs", (200, [job(J_STUCK, "running", node_id=N1)]))
    with pytest.raises(SuiteFailure) as caught:
        submit(operator_for(fake_server.url, journal, job_timeout="0.5"), CreateSite("Site", "site-1"),
               busy_scope={"node_id": N1})
    assert caught.value.category is Category.JOB_TIMEOUT and caught.value.command == "POST /api/sites"
    assert caught.value.reason.startswith(f"not submitted: the job site_create {J_STUCK} (running) still in flight "
                                          "when its 0.5 s budget was spent")
    assert fake_server.count("POST", "/api/sites") == 0


def test_on_the_embedded_target_nothing_is_listed_before(fake_server, journal):
    fake_server.on("POST", "/api/sites", (202, {"job_id": "job-1"}))
    request = submit(operator_for(fake_server.url, journal, embedded=True), CreateSite("Site", "site-1"),
                     busy_scope={"node_id": N1})
    assert request.accepted() == "job-1" and fake_server.count("GET", "/api/jobs") == 0


def test_a_refusal_that_left_the_site_recorded_is_a_contract_violation_at_once_and_not_sent_again(fake_server,
                                                                                                 journal):
    fake_server.on("GET", "/api/jobs", (200, []))
    fake_server.on("POST", "/api/sites", CONFLICT)
    fake_server.on("GET", "/api/sites", (200, [site("other", S2), site("site-1")]))
    started = time.monotonic()
    with pytest.raises(SuiteFailure) as caught:
        submit(operator_for(fake_server.url, journal), CreateSite("Site", "site-1"), busy_scope={"node_id": N1})
    assert time.monotonic() - started < 1.0
    assert fake_server.count("POST", "/api/sites") == 1
    assert caught.value.category is Category.CONTRACT_VIOLATION and caught.value.command == "POST /api/sites"
    assert caught.value.reason == ("the enqueue guard refused it (409 conflict: conflicting site mutation), yet it "
                                   f"left the site {LEFT} (site-1, status active) recorded, as GET /api/sites shows: "
                                   "a refused creation must record nothing; not submitted again")


def test_a_refusal_that_left_the_environment_recorded_names_it(fake_server, journal):
    fake_server.on("POST", ENV_PATH, (409, {"code": "conflict", "message": "conflicting environment mutation"}))
    fake_server.on("GET", ENV_PATH, (200, [environment("c-1")]))
    with pytest.raises(SuiteFailure) as caught:
        submit(operator_for(fake_server.url, journal, embedded=True),
               CreateEnvironment(S1, E1, "clone", "Clone", "c-1"), busy_scope={"site_id": S1})
    assert f"left the environment {LEFT} (c-1, status cloning) recorded, as GET {ENV_PATH} shows" \
        in caught.value.reason
    assert fake_server.count("POST", ENV_PATH) == 1


def test_a_target_whose_guard_holds_only_the_site_is_waited_for_only_there(fake_server, journal):
    fake_server.on("GET", "/api/jobs", (200, [job(J_OTHER, "running", node_id=N1, site_id=S2)]))
    fake_server.on("POST", ENV_PATH, (202, {"job_id": "job-2"}))
    request = submit(operator_for(fake_server.url, journal, guard_holds_nodes=False),
                     CreateEnvironment(S1, E1, "clone", "Clone", "c-1"),
                     busy_scope={"site_id": S1, "node_id": N1})
    assert request.accepted() == "job-2" and fake_server.count("GET", "/api/jobs") == 1


def test_a_new_site_on_a_target_whose_guard_holds_only_the_site_is_sent_without_a_look(fake_server, journal):
    fake_server.on("POST", "/api/sites", (202, {"job_id": "job-1"}))
    request = submit(operator_for(fake_server.url, journal, guard_holds_nodes=False), CreateSite("Site", "site-1"),
                     busy_scope={"node_id": N1})
    assert request.accepted() == "job-1" and fake_server.count("GET", "/api/jobs") == 0
