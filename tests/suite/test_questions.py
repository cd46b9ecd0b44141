"""A question asked with an id holds its scope on every answer: each record holds that id in the question's owner
field (a listing of one object's records: every row, not only the one a scenario looks for; one record asked by its
id: that record), else a contract_violation naming the record, the field, what was expected and what was found."""
import pytest

from support.http.client import PressluftClient
from support.runtime.config import load_settings
from support.runtime.resources import ResourceLedger
from support.screenplay.actor import Operator
from support.screenplay.questions import (
    Question,
    TheBackups,
    TheEnvironment,
    TheEnvironments,
    TheJob,
    TheJobs,
    TheSite,
)
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

NOW = "2026-02-22T10:00:00.123456789Z"
SITE, OTHER_SITE, PRODUCTION, CLONE, STRAY, NODE = (f"00000000-0000-4000-8000-0000000000{n}"
                                                    for n in ("a1", "a2", "b1", "b2", "b9", "c1"))


def environment(env_id, site_id, env_type="clone"):
    return {"id": env_id, "site_id": site_id, "name": env_type, "slug": env_type, "environment_type": env_type,
            "status": "active", "node_id": NODE, "source_environment_id": None, "promotion_preset": "content-protect",
            "preview_url": "http://127.0.0.1:1/", "drift_status": "unknown", "fastcgi_cache_enabled": True,
            "redis_cache_enabled": True, "created_at": NOW, "updated_at": NOW, "state_version": 1}


def operator_for(url, journal):
    settings = load_settings({"PRESSLUFT_BASE_URL": url})
    return Operator(PressluftClient(url, journal), settings, ResourceLedger(), journal)


def test_a_listing_of_a_sites_environments_holds_only_that_sites_environments(fake_server, journal):
    own = [environment(PRODUCTION, SITE, "production"), environment(CLONE, SITE)]
    fake_server.on("GET", f"/api/sites/{SITE}/environments", (200, own), (200, own + [environment(STRAY, OTHER_SITE)]))
    operator = operator_for(fake_server.url, journal)
    assert operator.asks_for(TheEnvironments(SITE, quiet=True)) == own
    with pytest.raises(SuiteFailure) as caught:
        operator.asks_for(TheEnvironments(SITE, quiet=True))
    assert caught.value.category is Category.CONTRACT_VIOLATION
    assert caught.value.command == f"GET /api/sites/{SITE}/environments"
    assert caught.value.reason == (f"the environments of the site {SITE} list a record that is not theirs: {STRAY} "
                                   f"has site_id '{OTHER_SITE}', expected '{SITE}'")


def test_every_record_out_of_scope_is_named():
    backups = [{"id": f"b{n}", "environment_id": env} for n, env in enumerate((CLONE, PRODUCTION, "e9"))]
    with pytest.raises(SuiteFailure) as caught:
        TheBackups(PRODUCTION).in_scope(backups)
    assert caught.value.reason == (f"the backups of the environment {PRODUCTION} list 2 records that are not theirs: "
                                   f"b0 has environment_id '{CLONE}', expected '{PRODUCTION}' (and 1 more)")
    assert caught.value.details["records out of scope"].splitlines()[1] == \
        f"b2 has environment_id 'e9', expected '{PRODUCTION}'"


@pytest.mark.parametrize("question, record", [
    (TheJob("j1"), {"id": "j2"}), (TheSite(SITE), {"id": OTHER_SITE}), (TheEnvironment(CLONE), {"id": PRODUCTION}),
])
def test_a_record_asked_by_its_id_is_that_record(question, record):
    with pytest.raises(SuiteFailure) as caught:
        question.in_scope(record)
    assert caught.value.reason == f"{question} is answered with another record: {record['id']} has id " \
                                  f"{record['id']!r}, expected {question.ids[question.IDS[0]]!r}"


def test_a_listing_of_everything_has_no_scope():
    assert TheJobs().in_scope([{"id": "j1", "site_id": SITE}, {"id": "j2", "site_id": None}])


def test_a_question_asked_with_an_id_must_name_the_field_that_holds_it():
    with pytest.raises(TypeError):
        class TheThings(Question, path="/api/sites/{site_id}/things", says="the things", schema="site", many=True):
            pass
