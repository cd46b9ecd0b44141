"""Evidence or nothing: a "no X" claim counts only what the refused request could have made (other operators' jobs
and records do not count), first shows that its listing shows the records this run made (a record missing, or listed
with other fields, is a contract violation naming it), and is not shown on this target when the run has none there;
a node confirmed when one is ready (and no new node of the run's), and exactly one acquired when none is; a smoke
that failed is reported with its own verdict."""
import re
from types import SimpleNamespace

import pytest

from support.checks.first_node import acquired_exactly_one
from support.checks.jobs import no_job_queued
from support.checks.nodes import confirmed_a_ready_node, run_node_job_record
from support.checks.nothing_left import (
    no_backup_recorded,
    no_environment_added,
    no_job_for_creation,
    no_new_node,
    no_node_acquisition_queued,
    no_node_recorded,
    no_restore_queued,
    no_site_recorded,
)
from support.checks.sites import site_job_record
from support.checks.smoke_verdicts import smoke_passed
from support.flows.nodes import MadeSure
from support.http.journal import Exchange
from support.pressluft.nodes import REQUESTED, REUSED, Acquisition
from support.pressluft.sites import LiveSite
from support.runtime.resources import NODE_REQUEST, Created
from support.runtime.skips import short_reason
from support.runtime.smoke_commands import SmokeRun
from support.screenplay.actions import Request
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.verdicts.not_shown import NotShownHere
from support.waiting.nodes import AcquisitionLooks


class Target:
    """An operator whose questions are answered from these records, by the path each question asks for."""

    def __init__(self, jobs=(), nodes=(), sites=(), environments=None, backups=None, ledger=()):
        self.jobs, self.nodes, self.sites = list(jobs), list(nodes), list(sites)
        self.environments, self.backups = environments or {}, backups or {}
        self.ledger = SimpleNamespace(run_id="w5-0000", items=list(ledger))

    def asks_for(self, question):
        path = question.path
        for pattern, records in ((r"/api/sites/(.+)/environments", self.environments),
                                 (r"/api/environments/(.+)/backups", self.backups)):
            found = re.fullmatch(pattern, path)
            if found:
                return records.get(found.group(1), [])
        return {"/api/jobs": self.jobs, "/api/nodes": self.nodes, "/api/sites": self.sites}[path]


def job(job_id, job_type, site=None, environment=None, node="n1"):
    return {"id": job_id, "job_type": job_type, "site_id": site, "environment_id": environment, "node_id": node,
            "status": "queued"}


LIVE = LiveSite({"id": "s1", "slug": "w5-site-1"}, {"id": "e1", "environment_type": "production", "site_id": "s1"},
                {"id": "job-s", "job_type": "site_create"})
SITE_JOB = {**job("job-s", "site_create", "s1", "e1"), "status": "succeeded"}
RUN_NODE = {"id": "n1", "name": "w5-0000-run-node", "is_local": False}
NODE_JOB = {**job("job-n", "node_provision"), "status": "succeeded"}
OTHER_SITE = {"id": "s9", "slug": "someone-elses"}
OTHERS = [job("j-other-backup", "backup_create", "s9", "e9"), job("j-other-site", "site_create", "s9", "e9"),
          job("j-other-node", "node_provision", node="n9")]  # another operator's, on the same node too


def test_without_a_record_of_its_own_in_the_listing_a_no_x_claim_is_not_shown_never_a_violation():
    with pytest.raises(NotShownHere) as caught:
        no_job_queued(Target([SITE_JOB]), [SITE_JOB], because="refused", made=[])
    assert caught.value.reason.startswith("not shown on this target: this run has no jobs of its own to look for")
    assert short_reason(caught.value.reason) == ("not shown on this target: this run has no jobs of its own to look "
                                                 "for in the jobs list")
    assert not isinstance(caught.value, AssertionError)  # behave would take it for a failed check


@pytest.mark.parametrize("listed, words", [
    ([], "job-s is not listed"),
    ([{**SITE_JOB, "environment_id": None}], "job-s is listed with environment_id None, not environment_id 'e1'")])
def test_a_record_the_run_made_missing_or_listed_otherwise_is_evidence(listed, words):
    with pytest.raises(SuiteFailure) as caught:
        no_job_queued(Target(listed), listed, because="refused", made=site_job_record(LIVE))
    assert caught.value.reason == (f"the jobs list does not show the jobs this run made ({words}), so it cannot "
                                   "show that no job was queued")
    assert caught.value.category is Category.CONTRACT_VIOLATION


# -- refusals count only what the refused request could have made ----------------------------------------------
def site_attempt(**change):
    return Request(answer=None, job_type="site_create", slug="w5-site-2", jobs_before=[SITE_JOB],
                   sites_before=[LIVE.site], **change)


def test_a_refused_site_creation_counts_jobs_of_its_slug_or_of_no_listed_site_not_other_operators():
    sites = [LIVE.site, OTHER_SITE]
    no_job_for_creation(Target([SITE_JOB, *OTHERS], sites=sites), site_attempt(), LIVE)
    for own in (job("j-own", "site_create", "s-unlisted", "e-unlisted"), job("j-own", "site_create", "s2", "e2")):
        listed = sites + [{"id": "s2", "slug": "w5-site-2"}]
        with pytest.raises(SuiteFailure) as caught:
            no_job_for_creation(Target([SITE_JOB, *OTHERS, own], sites=listed), site_attempt(), LIVE)
        assert caught.value.job_id == "j-own" and caught.value.reason.startswith("1 jobs were queued although the "
                                                                                  "creation was refused: site_create")


def test_a_refused_environment_creation_counts_the_jobs_of_its_site():
    attempt = Request(answer=None, job_type="env_create", slug="clone-2", site_id="s1", jobs_before=[SITE_JOB])
    no_job_for_creation(Target([SITE_JOB, *OTHERS]), attempt, LIVE)
    with pytest.raises(SuiteFailure):
        no_job_for_creation(Target([SITE_JOB, *OTHERS, job("j-own", "env_create", "s1", "e2")]), attempt, LIVE)


def test_no_site_recorded_counts_sites_of_the_attempted_slug_and_first_shows_the_runs_site():
    no_site_recorded(Target(sites=[LIVE.site, OTHER_SITE]), site_attempt(), LIVE)  # another operator's new site
    with pytest.raises(SuiteFailure) as caught:
        no_site_recorded(Target(sites=[LIVE.site, {"id": "s2", "slug": "w5-site-2", "status": "active"}]),
                         site_attempt(), LIVE)
    assert caught.value.reason == ("a site w5-site-2 was recorded although its creation was refused: w5-site-2 (s2, "
                                   "active)")
    with pytest.raises(SuiteFailure):  # listed right after the attempt, gone now: still recorded
        no_site_recorded(Target(sites=[LIVE.site]), site_attempt(), LIVE,
                         listed_after=[{"id": "s2", "slug": "w5-site-2"}])
    with pytest.raises(SuiteFailure) as caught:
        no_site_recorded(Target(sites=[]), site_attempt(), LIVE)
    assert "the sites list does not show the sites this run made (s1 is not listed)" in caught.value.reason


def test_no_environment_added_first_shows_that_the_list_shows_production():
    attempt = Request(answer=None, slug="clone-2", environments_before=[LIVE.production])
    no_environment_added(Target(environments={"s1": [LIVE.production]}), attempt, LIVE)
    with pytest.raises(SuiteFailure) as caught:
        no_environment_added(Target(environments={"s1": []}), attempt, LIVE)
    assert "the environments list does not show the environments this run made (e1 is not listed)" \
        in caught.value.reason
    with pytest.raises(SuiteFailure) as caught:  # the refused slug, listed under an id seen before
        listed = [LIVE.production, {"id": "e1x", "slug": "clone-2"}]
        no_environment_added(Target(environments={"s1": listed}), Request(
            answer=None, slug="clone-2", environments_before=[LIVE.production, {"id": "e1x"}]), LIVE)
    assert "an environment was recorded although its creation was refused" in caught.value.reason


def node_attempt():
    return Request(answer=None, slug="w5-node-3", nodes_before={"n1", "n9"}, jobs_before=[NODE_JOB])


def test_a_refused_node_request_counts_acquisitions_of_its_name_or_of_no_listed_node_not_other_operators():
    nodes = [RUN_NODE, {"id": "n9", "name": "someone-elses"}]
    made = [{"id": "job-n", "job_type": "node_provision", "node_id": "n1"}]
    no_node_acquisition_queued(Target([NODE_JOB, *OTHERS], nodes), node_attempt(), made)
    for own in (job("j-own", "node_provision", node="n-unlisted"), job("j-own", "node_provision", node="n3")):
        listed = nodes + [{"id": "n3", "name": "w5-node-3"}]
        with pytest.raises(SuiteFailure) as caught:
            no_node_acquisition_queued(Target([NODE_JOB, *OTHERS, own], listed), node_attempt(), made)
        assert caught.value.job_id == "j-own"
    with pytest.raises(NotShownHere) as caught:  # a reused node whose acquisition job is not listed, nothing else
        no_node_acquisition_queued(Target(OTHERS, nodes), node_attempt(), [])
    assert "it reused a node whose acquisition job is not listed" in caught.value.reason


def test_the_node_acquisition_jobs_the_run_knows_include_its_node_requests_so_far():
    reused = Acquisition("n1", REUSED, name="node-from-before")
    request = Created(NODE_REQUEST, "job-r", note="w5-node-2")
    assert run_node_job_record(Target(OTHERS, [RUN_NODE]), reused) == []
    assert run_node_job_record(Target(OTHERS, [RUN_NODE], ledger=[request]), reused) == \
        [{"id": "job-r", "job_type": "node_provision"}]
    assert run_node_job_record(Target([NODE_JOB], [RUN_NODE], ledger=[request]), reused) == \
        [{"id": "job-n", "job_type": "node_provision", "node_id": "n1"}, {"id": "job-r", "job_type": "node_provision"}]


def test_no_node_recorded_counts_new_nodes_of_the_requested_name():
    no_node_recorded(Target(nodes=[RUN_NODE, {"id": "n8", "name": "someone-elses-new"}]), node_attempt(), "n1")
    with pytest.raises(SuiteFailure) as caught:
        no_node_recorded(Target(nodes=[RUN_NODE, {"id": "n3", "name": "w5-node-3", "status": "provisioning"}]),
                         node_attempt(), "n1")
    assert caught.value.reason == ("the node w5-node-3 was recorded although its request was refused: w5-node-3 (n3, "
                                   "provisioning)")


def test_no_new_node_after_a_ready_node_was_confirmed_counts_the_new_provider_nodes_the_run_owns():
    local = {"id": "n0", "name": "local", "is_local": True}
    no_new_node(Target(nodes=[RUN_NODE, local]), [RUN_NODE], "n1")  # the local node is no acquisition
    theirs = {"id": "n8", "name": "w5-00001-run-node", "is_local": False, "status": "provisioning"}
    no_new_node(Target([job("j-theirs", "node_provision", node="n8")], [RUN_NODE, theirs]), [RUN_NODE], "n1")
    named = {"id": "n3", "name": "w5-0000-node-3", "is_local": False, "status": "provisioning"}
    with pytest.raises(SuiteFailure) as caught:
        no_new_node(Target(nodes=[RUN_NODE, theirs, named]), [RUN_NODE], "n1")
    assert caught.value.category is Category.CONTRACT_VIOLATION and caught.value.command == "GET /api/nodes"
    assert caught.value.reason == ("a new provider node of this run was recorded although a ready node was confirmed "
                                   "and none asked for: w5-0000-node-3 (n3, provisioning)")
    requested = Created(NODE_REQUEST, "j-mine", note="w5-0000-node-4")  # named by Pressluft, made by the run's job
    unnamed = {"id": "n4", "name": "hetzner-node", "is_local": False, "status": "provisioning"}
    jobs = [job("j-mine", "node_provision", node="n4"), job("j-theirs", "node_provision", node="n8")]
    with pytest.raises(SuiteFailure) as caught:
        no_new_node(Target(jobs, [RUN_NODE, theirs, unnamed], ledger=[requested]), [RUN_NODE], "n1")
    assert caught.value.reason.endswith("none asked for: hetzner-node (n4, provisioning)")
    with pytest.raises(SuiteFailure):  # the list does not show the node confirmed
        no_new_node(Target(nodes=[]), [RUN_NODE], "n1")


BACKUP = {"id": "b1", "environment_id": "e1", "backup_scope": "full", "status": "completed"}
CLONE_BACKUP = {"id": "b2", "environment_id": "e2", "backup_scope": "full", "status": "completed"}


def restore_attempt(jobs_before=(SITE_JOB,)):
    return Request(answer=None, environment_id="e1", jobs_before=list(jobs_before), backups_before=[BACKUP])


def test_a_refused_restore_counts_the_jobs_and_backups_of_production():
    jobs = [SITE_JOB, {**job("b1", "backup_create", "s1", "e1"), "status": "succeeded"},
            {**job("b2", "backup_create", "s1", "e2"), "status": "succeeded"}, *OTHERS]
    no_restore_queued(Target(jobs), restore_attempt(jobs[:3]), LIVE, [BACKUP, CLONE_BACKUP])
    with pytest.raises(SuiteFailure) as caught:
        no_restore_queued(Target(jobs + [job("j-own", "env_restore", "s1", "e1")]), restore_attempt(jobs[:3]), LIVE,
                          [BACKUP])
    assert caught.value.reason == ("1 jobs were queued although the restore was refused: env_restore j-own (site s1, "
                                   "environment e1, node n1)")
    no_backup_recorded(Target(backups={"e1": [BACKUP]}), restore_attempt(), [BACKUP, CLONE_BACKUP])
    checkpoint = {"id": "pre-e1", "environment_id": "e1", "backup_scope": "full", "status": "completed"}
    with pytest.raises(SuiteFailure) as caught:
        no_backup_recorded(Target(backups={"e1": [BACKUP, checkpoint]}), restore_attempt(), [BACKUP])
    assert caught.value.reason == ("a backup of production e1 was recorded although its restore was refused: full "
                                   "(pre-e1, completed)")
    with pytest.raises(NotShownHere):  # the run has no backup of production of its own there
        no_backup_recorded(Target(backups={"e1": [BACKUP]}), restore_attempt(), [CLONE_BACKUP])


# -- a ready node confirmed, none asked for; exactly one acquired when none was ready ----------------------------
READY_NODE = {**RUN_NODE, "is_ready": True, "status": "active", "reason_codes": []}


def test_making_sure_again_must_confirm_a_node_listed_ready_and_ask_for_none():
    reused = Acquisition("n1", REUSED, name=RUN_NODE["name"])
    with pytest.raises(SuiteFailure) as caught:  # it asked for a node although one was listed ready
        confirmed_a_ready_node(Target([], [READY_NODE]), MadeSure(reused, [READY_NODE], ["POST /api/nodes"]))
    assert caught.value.reason.startswith("making sure of a node again reuses the ready node w5-0000-run-node (n1), "
                                          "with 1 node requests, instead of confirming a ready one")
    with pytest.raises(SuiteFailure) as caught:  # it settled on a node not listed just before
        confirmed_a_ready_node(Target([], [READY_NODE]), MadeSure(reused, [], []))
    assert "the provider nodes listed just before: none" in caught.value.reason
    requested = Acquisition("n2", REQUESTED, job_id="job-n", name="w5-0000-run-node-2")
    with pytest.raises(SuiteFailure) as caught:  # nothing was ready: it acquired one
        confirmed_a_ready_node(Target([], [READY_NODE]), MadeSure(requested, [READY_NODE], []))
    assert "acquires a new node" in caught.value.reason


def test_exactly_one_acquired_needs_the_node_listed_new_of_the_name_asked_for_with_its_one_job():
    made = Acquisition("n1", REQUESTED, job_id="job-n", job=NODE_JOB, name=RUN_NODE["name"])
    looks = AcquisitionLooks("job-n", "n1", RUN_NODE["name"], frozenset())
    sent = [Exchange.__new__(Exchange)]
    with pytest.raises(SuiteFailure) as caught:  # not listed at all
        acquired_exactly_one(Target([NODE_JOB], []), made, looks, sent)
    assert "the node w5-0000-run-node (n1) that the run asked for is not listed" in caught.value.reason
    with pytest.raises(SuiteFailure) as caught:  # listed before the run asked for it
        acquired_exactly_one(Target([NODE_JOB], [RUN_NODE]), made,
                             AcquisitionLooks("job-n", "n1", RUN_NODE["name"], frozenset({"n1"})), sent)
    assert "was listed before the run asked for it" in caught.value.reason
    with pytest.raises(SuiteFailure) as caught:  # listed under another name
        acquired_exactly_one(Target([NODE_JOB], [{**RUN_NODE, "name": "hetzner-node"}]), made, looks, sent)
    assert "name is 'hetzner-node' (expected name 'w5-0000-run-node')" in caught.value.reason
    with pytest.raises(SuiteFailure) as caught:  # its acquisition job not listed: first the list must show it
        acquired_exactly_one(Target([], [RUN_NODE]), made, looks, sent)
    assert "the jobs list does not show" in caught.value.reason


# -- the smoke's own verdict --------------------------------------------------------------------------------------
def test_a_smoke_that_failed_is_reported_with_its_own_verdict():
    line = ('[wave5] FAIL category=job_failed command="POST /api/environments/e1/restore" job_id=j7 '
            'reason="ANSIBLE_PLAY_ERROR: restore failed"')
    smoke = SmokeRun("backup and restore", "scripts/smoke-backup-restore.sh", "w5-s1", 1, line, 3.0)
    with pytest.raises(SuiteFailure) as caught:
        smoke_passed(smoke)
    failure = caught.value
    assert (failure.category, failure.command, failure.job_id, failure.reason) == \
        (Category.JOB_FAILED, "POST /api/environments/e1/restore", "j7", "ANSIBLE_PLAY_ERROR: restore failed")
    assert failure.details["smoke"] == ("scripts/smoke-backup-restore.sh: the backup and restore smoke exited with "
                                        "status 1 after 0 passed scenarios")
    with pytest.raises(SuiteFailure) as caught:  # no failure line: the smoke command itself did not keep its word
        smoke_passed(SmokeRun("clone preview", "scripts/smoke-site-clone-preview.sh", "w5-s2", 1, "boom", 1.0))
    assert caught.value.category is Category.CONTRACT_VIOLATION and caught.value.job_id is None
