"""Every environment on a provider-acquired node, and exactly what was asked for (issue 25 §2, §3): the checks fed
answers no single reference mutant gives (tools/claims.py names these tests), and the evidence each step says it
used."""
import re
from types import SimpleNamespace

import pytest
from test_checks import Target as Listings

from support.checks import nodes, placement
from support.checks.backups import backup_complete, backup_listed_once
from support.checks.environments import others_as_they_were
from support.checks.nodes import node_is_ready
from support.checks.placement import on_provider_acquired_node
from support.checks.sites import one_site_with_one_production
from support.pressluft.nodes import REUSED, Acquisition
from support.pressluft.sites import LiveSite, SiteCreation
from support.screenplay.actions import Request
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


class Target(Listings):
    """test_checks' Target, with the backups of environments too."""

    def __init__(self, jobs=(), nodes=(), environments=None, backups=None):
        super().__init__(jobs, nodes, environments=environments)
        self.backups = backups or {}

    def asks_for(self, question):
        if found := re.fullmatch(r"/api/environments/(.+)/backups", question.path):
            return self.backups.get(found.group(1), [])
        return super().asks_for(question)


@pytest.fixture
def attached(monkeypatch):
    """What the steps attached to the report, by name."""
    found = {}
    for module in (nodes, placement):
        monkeypatch.setattr(module, "attach_text", lambda name, text: found.setdefault(name, text))
    return found


def node(node_id, **change):
    return {"id": node_id, "name": f"node-{node_id}", "status": "active", "is_local": False, "hostname": "203.0.113.5",
            "public_ip": "203.0.113.5", "created_at": "2026-01-01T00:00:00Z",
            "readiness": {"is_ready": True, "reason_codes": []}, **change}


def acquisition(job_id, node_id, created_at, status="succeeded"):
    return {"id": job_id, "job_type": "node_provision", "node_id": node_id, "site_id": None, "environment_id": None,
            "status": status, "attempt_count": 1, "max_attempts": 3, "created_at": created_at, "started_at": created_at,
            "finished_at": created_at,
            "error_code": None if status == "succeeded" else "ANSIBLE_HOST_FAILED", "error_message": "boom"}


RUN_NODE, OTHER = node("n1"), node("n2")


def test_the_newest_acquisition_job_is_the_newest_by_its_time_not_by_its_place_in_the_listing(attached):
    older = acquisition("job-old", "n1", "2026-01-01T10:00:00Z", status="failed")
    newer = acquisition("job-new", "n1", "2026-01-01T10:00:00.5+00:00")
    for listing in ([older, newer], [newer, older]):
        assert node_is_ready(Target(listing, [RUN_NODE]), Acquisition("n1", REUSED, name="node-n1"))["id"] == "n1"
        assert "made by the acquisition job job-new, which succeeded" in \
            attached.pop("what shows the node was acquired")
    with pytest.raises(SuiteFailure) as caught:  # the newest one failed: a failed acquisition still fails
        later = "2026-01-02T00:00:00Z"
        node_is_ready(Target([newer, {**older, "created_at": later, "started_at": later, "finished_at": later}],
                             [RUN_NODE]),
                      Acquisition("n1", REUSED, name="node-n1"))
    assert "the acquisition job that made it is failed" in caught.value.reason


def test_a_reused_node_whose_acquisition_is_not_listed_is_judged_by_its_own_record_and_says_so(attached):
    node_is_ready(Target([], [RUN_NODE]), Acquisition("n1", REUSED, name="node-n1"))
    assert attached["what shows the node was acquired"].startswith(
        "the job list shows no acquisition job of the node node-n1 (n1): it is judged by its own record, a provider "
        "node, ready (no reason codes, status active), on the host 203.0.113.5")


def test_production_on_the_run_s_node_or_on_another_ready_provider_node_that_was_acquired(attached):
    jobs = [acquisition("job-1", "n1", "2026-01-01T00:00:00Z"), acquisition("job-2", "n2", "2026-01-01T00:00:01Z")]
    on_provider_acquired_node(Target(jobs, [RUN_NODE]), "n1", RUN_NODE, what="production of the site s")
    assert attached.pop("the provider-acquired node").startswith("production of the site s is on the run's node")
    on_provider_acquired_node(Target(jobs, [RUN_NODE, OTHER]), "n2", RUN_NODE, what="production of the site s")
    assert "one of the target's 2 ready provider nodes, the one Pressluft picked: the node node-n2 (n2) was made by " \
           "the acquisition job job-2" in attached.pop("the provider-acquired node")
    on_provider_acquired_node(Target(jobs[:1], [RUN_NODE, OTHER]), "n2", RUN_NODE, what="production")
    assert "it is judged by its own record" in attached.pop("the provider-acquired node")
    with pytest.raises(SuiteFailure) as caught:  # the job that placed it names another node
        on_provider_acquired_node(Target(jobs, [RUN_NODE]), "n1", RUN_NODE, what="production",
                                  placed_by={"id": "job-s", "job_type": "site_create", "node_id": "n2"})
    assert caught.value.reason == "production is on the node n1, but the site_create job that placed it names the " \
                                  "node n2"


@pytest.mark.parametrize("nodes_listed, jobs, words", [
    ([RUN_NODE, node("n2", is_local=True)], [], "is on the node n2 (a local node, ready (no reason codes, status "
                                                "active)), not on the run's node node-n1 (n1), the target's only ready "
                                                "provider node"),
    ([RUN_NODE, node("n2", status="provisioning", readiness={"is_ready": False, "reason_codes": ["node_unreachable"]})],
     [], "(a provider node, not ready (node_unreachable, status provisioning))"),
    ([RUN_NODE], [], "is on the node n2 (which is not listed)"),
    ([RUN_NODE, OTHER], [acquisition("job-2", "n2", "2026-01-01T00:00:01Z", status="failed")],
     "the node node-n2 (n2) is reported ready, but the acquisition job that made it is failed"),
    ([RUN_NODE, {**OTHER, "hostname": "pending.provider"}], [], "hostname is 'pending.provider'"),
])
def test_production_on_a_node_that_is_not_a_provider_acquired_one_is_a_violation(nodes_listed, jobs, words, attached):
    with pytest.raises(SuiteFailure) as caught:
        on_provider_acquired_node(Target(jobs, nodes_listed), "n2", RUN_NODE, what="production of the site s")
    assert words in caught.value.reason and caught.value.category is Category.CONTRACT_VIOLATION
    assert attached == {}


PRODUCTION = {"id": "e1", "site_id": "s1", "slug": "production", "environment_type": "production", "status": "active",
              "node_id": "n1", "preview_url": "http://p1/", "source_environment_id": None}
SITE = {"id": "s1", "slug": "w5-site-1", "name": "Wave 5 w5-site-1"}


def live(sites_after=(SITE,), environments_after=(PRODUCTION,)) -> LiveSite:
    return LiveSite(SITE, PRODUCTION, {"id": "job-s"}, SiteCreation(
        "w5-site-1", "Wave 5 w5-site-1", [{"id": "s0"}], [{"id": "s0"}, *sites_after], list(environments_after)))


def test_a_site_creation_records_one_site_of_its_slug_or_name_with_one_production():
    one_site_with_one_production(live(sites_after=(SITE, {"id": "s9", "slug": "other-operator-1"})), [PRODUCTION])
    for made, listed, words in (
            (live(sites_after=(SITE, {**SITE, "id": "s2", "slug": "w5-site-1-2"})), [PRODUCTION],
             "recorded 2 sites of its slug or name"),
            (live(environments_after=(PRODUCTION, {**PRODUCTION, "id": "e2"})), [PRODUCTION],
             "right after its creation it listed production (e1), production (e2)"),
            (live(), [PRODUCTION, {**PRODUCTION, "id": "e2", "slug": "production-2"}],
             "it lists the productions production (e1), production-2 (e2)")):
        with pytest.raises(SuiteFailure) as caught:
            one_site_with_one_production(made, listed)
        assert words in caught.value.reason


def test_a_copy_leaves_the_site_s_other_environments_as_they_were_and_first_the_list_shows_production():
    accepted = SimpleNamespace(status=202, json={"job_id": "job-c"})
    copy = Request(answer=accepted, slug="w5-clone-2", environments_before=[PRODUCTION])
    others_as_they_were(Target(environments={"s1": [PRODUCTION, {"id": "e3"}]}), copy, live())
    with pytest.raises(SuiteFailure) as caught:
        others_as_they_were(Target(environments={"s1": [{**PRODUCTION, "preview_url": "http://p3/"}]}), copy, live())
    assert "production (e1): preview_url 'http://p1/' is now 'http://p3/'" in caught.value.reason
    with pytest.raises(SuiteFailure) as caught:  # the list before the creation does not show production
        others_as_they_were(Target(environments={"s1": [PRODUCTION]}),
                            Request(answer=accepted, slug="w5-clone-2", environments_before=[]), live())
    assert "do not show production e1, so they cannot show that it was left as it was" in caught.value.reason
    failed = {**PRODUCTION, "status": "failed"}  # unchanged, but not active
    with pytest.raises(SuiteFailure) as caught:
        others_as_they_were(Target(environments={"s1": [failed]}),
                            Request(answer=accepted, slug="w5-clone-2", environments_before=[failed]), live())
    assert "production (e1): it is failed, not active" in caught.value.reason


def test_a_backup_request_adds_one_backup_the_one_whose_id_is_its_job_s():
    backup = {"id": "job-b", "environment_id": "e1", "backup_scope": "full", "status": "completed",
              "checksum": "sha256:" + "a" * 64, "size_bytes": 10, "completed_at": "2026-01-01T00:00:00Z"}
    made = Request(answer=None, backups_before=[{"id": "b0"}])
    made.accepted = lambda: "job-b"
    assert backup_listed_once(Target(backups={"e1": [{"id": "b0"}, backup]}), made, "e1")["id"] == "job-b"
    with pytest.raises(SuiteFailure) as caught:
        backup_listed_once(Target(backups={"e1": [{"id": "b0"}, backup, {"id": "b2", "status": "pending"}]}), made,
                           "e1")
    assert "the backup request added 2 backups (job-b (completed), b2 (pending)), not the backup job-b alone" \
        in caught.value.reason
    assert backup_complete(backup, "e1") == backup
    with pytest.raises(SuiteFailure):  # listed once, but not complete: no checksum
        backup_complete({**backup, "checksum": None}, "e1")
