"""Checks of claims whose property no reference mutant breaks alone (tools/claims.py names these tests)."""
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from support.checks import previews
from support.checks.backups import checkpoint_holds, checkpoint_listed
from support.checks.nodes import node_is_ready, retry_scheduled
from support.checks.previews import preview_shows
from support.checks.providers import provider_degraded_with_guidance
from support.checks.smoke_verdicts import (
    smoke_environment_failed,
    smoke_exited_with,
    smoke_failure_names_preview,
    smoke_failure_node_still_acquired,
    smoke_failure_reasons,
    smoke_lists_what_the_failed_run_left,
    smoke_passed,
    smoke_reused_a_node,
)
from support.http.preview import PreviewAnswer
from support.pressluft.jobs import DurationModel
from support.pressluft.nodes import REQUESTED, REUSED, Acquisition
from support.pressluft.readiness import (
    GUIDANCE,
    PLAIN_WORDS,
    REASON_CODES,
    codes_in_words,
    in_plain_words,
    refusal_message,
)
from support.reporting.progress import ProgressLines
from support.reporting.waitlog import WaitLog
from support.runtime.config import Budgets
from support.runtime.resources import LeftBehind, LeftResource
from support.runtime.smoke_commands import SmokeRun
from support.screenplay.actions import Request
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.verdicts.not_shown import NotShownHere

BLOCKED = "a creation blocked by node readiness"
LINE = '[wave5] FAIL category=preflight_blocked command="POST /api/sites" job_id=none reason="409 node_not_ready: x"'


def smoke(output: str, exit_code: int = 1, elapsed: float = 1.0) -> SmokeRun:
    return SmokeRun("clone preview", "scripts/smoke-site-clone-preview.sh", "w5-test-s1", exit_code, output, elapsed)


def test_a_smoke_that_fails_as_expected_but_too_slowly_fails_the_claim():
    smoke_exited_with(smoke(LINE, elapsed=1.0), 1, BLOCKED, within=5)
    with pytest.raises(SuiteFailure) as caught:
        smoke_exited_with(smoke(LINE, elapsed=6.2), 1, BLOCKED, within=5)
    assert caught.value.reason == "the smoke took 6.2 s to fail, more than 5 s"


@pytest.mark.parametrize("output, exit_code, words", [
    (LINE, 0, "exited with status 0"),
    (LINE, 2, "exited with status 2"),  # the status a loop acts on must be the line's category's
    (LINE + "\n" + LINE, 1, "2 failure lines"),
    ("no line at all", 1, "0 failure lines"),
    (LINE.replace("preflight_blocked", "job_failed"), 1, "reporting job_failed (409 node_not_ready: x); expected "
                                                         "status 1, reporting preflight_blocked"),
])
def test_a_smoke_failure_is_the_status_of_its_one_line_of_the_category_named(output, exit_code, words):
    with pytest.raises(SuiteFailure) as caught:
        smoke_exited_with(smoke(output, exit_code), 1, BLOCKED)
    assert words in caught.value.reason and caught.value.category is Category.CONTRACT_VIOLATION


def test_a_sentence_whose_status_is_not_its_categorys_is_a_mistake_in_the_feature_text():
    with pytest.raises(ValueError, match="says status 2 for 'a creation blocked by node readiness', whose status is 1"):
        smoke_exited_with(smoke(LINE), 2, BLOCKED)


def test_a_smoke_passes_only_with_exit_0_a_passed_scenario_and_no_failure_line():
    smoke_passed(smoke("[smoke] success: clone preview URL reachable (1 scenario passed)", 0))
    for output in ("[smoke] success: clone preview URL reachable (0 scenarios passed)",
                   "[smoke] success: clone preview URL reachable", LINE):
        with pytest.raises(SuiteFailure):
            smoke_passed(smoke(output, 0))


class Target:
    """An operator whose questions are answered from these records, by the path each question asks for."""

    def __init__(self, jobs=(), nodes=(), sites=(), environments=None, providers=()):
        self.jobs, self.nodes, self.sites, self.providers = list(jobs), list(nodes), list(sites), list(providers)
        self.environments = environments or {}
        self.ledger = SimpleNamespace(run_id="w5-0000")
        self.settings = SimpleNamespace(retry_ceiling=1.0, poll_policy="adaptive", provider_id="hetzner",
                                        budgets=Budgets(node=0.3, site=0.3, clone=0.3, backup=0.3, restore=0.3,
                                                        preview=0.3))
        self.waits, self.progress, self.durations = WaitLog(), ProgressLines(), DurationModel()  # an operator's

    def asks_for(self, question):
        path = question.path
        if path.startswith("/api/jobs/"):
            return next(job for job in self.jobs if job["id"] == path.rsplit("/", 1)[1])
        found = re.fullmatch(r"/api/sites/(.+)/environments", path)
        if found:
            return self.environments.get(found.group(1), [])
        return {"/api/jobs": self.jobs, "/api/nodes": self.nodes, "/api/sites": self.sites,
                "/api/providers": self.providers}[path]


NODE = {"id": "n2", "name": "w5-node", "status": "provisioning", "is_local": False, "hostname": "pending.provider",
        "public_ip": "pending.provider", "readiness": {"is_ready": False, "reason_codes": ["node_status_not_active"]}}
READY_NODE = {**NODE, "status": "active", "hostname": "203.0.113.5", "public_ip": "203.0.113.5",
              "readiness": {"is_ready": True, "reason_codes": []}}


def request(**change):
    return Request(answer=None, slug="w5-node", nodes_before={"n1"}, **change)


def node_request(job_id="job-1"):
    """The 202 of a node request (its job id) and the nodes listed before it."""
    made = request()
    made.accepted = lambda: job_id
    made.answer = SimpleNamespace(command="POST /api/nodes")
    return made


def scheduled(**change):
    now = datetime.now(timezone.utc)
    job = {"id": "job-1", "job_type": "node_provision", "node_id": "n2", "site_id": None, "environment_id": None,
           "status": "queued", "attempt_count": 2, "max_attempts": 3, "error_code": "PROVIDER_API_ERROR",
           "updated_at": now.isoformat(), "run_after": (now + timedelta(minutes=5)).isoformat()}
    return {**job, **change}


def retry_check(job, nodes=(NODE,)):
    retry_scheduled(Target([job], nodes), node_request(), failed_attempts=job.get("failed", 2),
                           error_code="PROVIDER_API_ERROR")


def test_a_retry_is_scheduled_after_exactly_the_failed_attempts_with_attempts_left():
    retry_check(scheduled())
    with pytest.raises(SuiteFailure) as caught:  # an attempt counted too many (a miscounting Pressluft)
        retry_check(scheduled(attempt_count=3, max_attempts=4))
    assert "it counts 3 attempts, not 2" in caught.value.reason


def test_attempts_left_are_those_the_contract_gives_not_those_the_job_says():
    with pytest.raises(SuiteFailure) as caught:  # queued again after 3 failures: the contract gives node_provision 3
        retry_scheduled(Target([scheduled(attempt_count=3, max_attempts=4)], [NODE]), node_request(),
                               failed_attempts=3, error_code="PROVIDER_API_ERROR")
    assert "it has no attempt left of the 3 the contract gives node_provision" in caught.value.reason


def test_a_retry_whose_run_after_is_not_ahead_is_not_scheduled():
    job = scheduled()
    job["run_after"] = job["updated_at"]
    with pytest.raises(SuiteFailure) as caught:
        retry_check(job)
    assert "is not ahead of its last change" in caught.value.reason


class Answers:
    """An operator whose every question (a GET) is answered from a table of paths."""

    def __init__(self, answers: dict):
        self.answers = answers

    def asks_for(self, question):
        return self.answers[question.path]


SHA = "sha256:" + "a" * 64


def checkpoint_case(content_before):
    started = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    job = {"id": "r1", "started_at": started.isoformat(), "finished_at": (started + timedelta(seconds=2)).isoformat()}
    checkpoint = {"id": "cp", "environment_id": "e1", "backup_scope": "full", "status": "completed", "checksum": SHA,
                  "size_bytes": 10, "created_at": (started + timedelta(seconds=1)).isoformat(),
                  "completed_at": (started + timedelta(seconds=1)).isoformat()}
    restore = SimpleNamespace(environment_id="e1", backups_before=[{"id": "b1"}], backup_id="b1",
                              content_before=content_before)
    return Answers({"/api/environments/e1/backups": [{"id": "b1"}, checkpoint]}), restore, job


def test_a_checkpoint_must_hold_what_production_showed_where_the_target_can_show_it():
    operator, restore, job = checkpoint_case("Broken autumn banner")
    held = checkpoint_listed(operator, restore, job, read_content=lambda _: "Broken autumn banner")
    assert held["id"] == "cp"
    with pytest.raises(SuiteFailure) as caught:
        checkpoint_listed(operator, restore, job, read_content=lambda _: "Spring catalogue")
    assert "the backup cp holds 'Spring catalogue', not 'Broken autumn banner'" in caught.value.reason
    # a target that cannot show what a backup holds (a real Pressluft): judged by its time alone
    assert checkpoint_listed(operator, restore, job, read_content=None)["id"] == "cp"
    operator, restore, job = checkpoint_case(None)  # the scenario never saw what production showed
    assert checkpoint_listed(operator, restore, job, read_content=lambda _: "anything")["id"] == "cp"


def test_the_checkpoint_said_to_hold_a_content_holds_it_and_a_target_that_shows_no_content_shows_nothing():
    operator, restore, job = checkpoint_case("Broken autumn banner")
    assert checkpoint_holds(operator, restore, job, "Broken autumn banner",
                            read_content=lambda _: "Broken autumn banner")["id"] == "cp"
    with pytest.raises(SuiteFailure) as caught:
        checkpoint_holds(operator, restore, job, "Broken autumn banner", read_content=lambda _: "Summer sale")
    assert "holds 'Summer sale', not 'Broken autumn banner'" in caught.value.reason
    with pytest.raises(NotShownHere) as not_shown:  # a real Pressluft shows no backup's content: never a pass
        checkpoint_holds(operator, restore, job, "Broken autumn banner", read_content=None)
    assert not_shown.value.reason.startswith("not shown on this target: what a backup holds")
    with pytest.raises(ValueError):  # a sentence naming a content the scenario never made production show
        checkpoint_holds(operator, restore, job, "Spring catalogue", read_content=lambda _: "Spring catalogue")


def test_reason_codes_are_said_in_plain_words_before_the_codes():
    assert in_plain_words(["sudo_unavailable", "runtime_missing"]) == \
        "sudo is not available and the runtime tools are missing"
    assert in_plain_words(["node_unreachable"]) == "the node cannot be reached"
    assert set(PLAIN_WORDS) == set(REASON_CODES)
    assert codes_in_words("the node is not active", "node_status_not_active") == ["node_status_not_active"]
    with pytest.raises(ValueError, match="read 'the node cannot be reached', not 'the node is not active'"):
        codes_in_words("the node is not active", "node_unreachable")


def test_a_preview_must_show_the_content_and_nothing_it_replaced():
    """One look: the answer the wait for the preview ended with is the one judged, its body kept (no second GET)."""
    page = "<div class='content'>Spring catalogue\nBroken autumn banner</div>"
    looks = []
    answered = PreviewAnswer("http://p/", 200, "200", page)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(previews, "wait_for_preview",
                      lambda operator, url, job_id=None: looks.append(url) or (answered, []))
        preview_shows(None, "http://p/", "Spring catalogue", replaced=["Summer sale"])
        with pytest.raises(SuiteFailure) as caught:
            preview_shows(None, "http://p/", "Spring catalogue", replaced=["Summer sale", "Broken autumn banner"])
        assert caught.value.reason == ("the preview shows 'Spring catalogue' but also 'Broken autumn banner', which "
                                       "it should have replaced")
        assert caught.value.category is Category.CONTRACT_VIOLATION and caught.value.command == "GET http://p/"
        patch.setattr(previews, "wait_for_preview",
                      lambda operator, url, job_id=None: (PreviewAnswer(url, 302, "302"), []))
        with pytest.raises(SuiteFailure) as caught:
            preview_shows(None, "http://p/", "Spring catalogue", replaced=["Summer sale"])
        assert caught.value.reason == "the preview answered 302 without the content 'Spring catalogue'"
    assert looks == ["http://p/", "http://p/"]


def smoke_site(restore_names: str, site_status: str = "failed") -> Answers:
    site = {"id": "s1", "slug": "w5-test-s1-site-1", "status": site_status}
    production = {"id": "p1", "site_id": "s1", "environment_type": "production", "status": "failed"}
    clone = {"id": "c1", "site_id": "s1", "environment_type": "clone", "status": "failed",
             "source_environment_id": "p1"}
    jobs = [{"id": "j1", "job_type": "env_restore", "site_id": "s1", "environment_id": restore_names}]
    return Answers({"/api/sites": [site], "/api/sites/s1": site, "/api/sites/s1/environments": [production, clone],
                    "/api/jobs": jobs, "/api/environments/p1": production, "/api/environments/c1": clone})


def test_the_failed_clone_is_the_one_the_creation_job_names():
    run = smoke("")
    answers = smoke_site("p1")
    answers.answers["/api/jobs"] = [{"id": "j2", "job_type": "env_create", "site_id": "s1", "environment_id": "c1"}]
    assert smoke_environment_failed(answers, run, "clone")["id"] == "c1"
    answers.answers["/api/jobs"] = [{"id": "j2", "job_type": "env_create", "site_id": "s1", "environment_id": "p1"}]
    with pytest.raises(SuiteFailure) as caught:  # the creation job names production, the clone's source
        smoke_environment_failed(answers, run, "clone")
    assert "environment_type is 'production' (expected environment_type 'clone')" in caught.value.reason


def test_an_unreachable_preview_must_be_named_by_the_new_clones_preview_address_and_its_creation_job():
    answers = smoke_site("p1")
    answers.answers["/api/jobs"] = [{"id": "j2", "job_type": "env_create", "site_id": "s1", "environment_id": "c1"}]
    answers.answers["/api/sites/s1/environments"][1]["preview_url"] = "http://127.0.0.1:4002/"
    line = ('[wave5] FAIL category=preview_unreachable command="GET <preview of env {}>/" job_id={} '
            'reason="preview answered 500 until its 1 s budget was spent"')
    smoke_failure_names_preview(answers, smoke(line.format("c1", "j2")), "clone")
    with pytest.raises(SuiteFailure) as caught:  # production's preview, the clone's source
        smoke_failure_names_preview(answers, smoke(line.format("p1", "j2")), "clone")
    assert caught.value.reason == "the failure names GET <preview of env p1>/, expected GET <preview of env c1>/"
    with pytest.raises(SuiteFailure) as caught:  # another job than the clone's creation
        smoke_failure_names_preview(answers, smoke(line.format("c1", "j9")), "clone")
    assert caught.value.reason == "the failure names the job j9, expected the clone's creation job j2"


def test_a_restored_preview_that_does_not_answer_must_be_named_by_productions_address_and_the_restore_job():
    answers = smoke_site("p1")  # its restore job j1 names production
    answers.answers["/api/sites/s1/environments"][0]["preview_url"] = "http://127.0.0.1:4001/"
    answers.answers["/api/sites/s1/environments"][1]["preview_url"] = "http://127.0.0.1:4002/"
    line = ('[wave5] FAIL category=preview_unreachable command="GET <preview of env {}>/" job_id={} '
            'reason="preview answered timed out until its 0.5 s budget was spent"')
    smoke_failure_names_preview(answers, smoke(line.format("p1", "j1")), "production")
    with pytest.raises(SuiteFailure) as caught:  # the clone's preview
        smoke_failure_names_preview(answers, smoke(line.format("c1", "j1")), "production")
    assert caught.value.reason == "the failure names GET <preview of env c1>/, expected GET <preview of env p1>/"
    with pytest.raises(SuiteFailure) as caught:  # another job than production's restore
        smoke_failure_names_preview(answers, smoke(line.format("p1", "j9")), "production")
    assert caught.value.reason == "the failure names the job j9, expected production's restore job j1"


def test_a_smoke_run_again_must_find_the_run_node_listed_ask_for_none_and_land_on_one_there_before():
    node = {"id": "n1", "name": "w5-run-node"}
    answers = smoke_site("p1")
    answers.answers["/api/sites/s1/environments"][0]["node_id"] = "n1"
    answers.answers["/api/jobs"] = []
    again = SmokeRun("clone preview", "scripts/smoke-site-clone-preview.sh", "w5-test-s1", 0, "", 1.0)
    acquisition = Acquisition("n1", REUSED)
    answers.answers["/api/nodes"] = [node]
    assert smoke_reused_a_node(answers, smoke(""), again, acquisition, {"n0", "n1"})["id"] == "p1"
    with pytest.raises(SuiteFailure) as caught:  # production on a node the list did not show before
        smoke_reused_a_node(answers, smoke(""), again, acquisition, {"n0"})
    assert caught.value.reason == "the smoke's production is on the node n1, not on one listed before the failed run"
    answers.answers["/api/nodes"] = [{**node, "id": "n2"}]  # a list that does not show the run's node
    with pytest.raises(SuiteFailure) as caught:
        smoke_reused_a_node(answers, smoke(""), again, acquisition, {"n1"})
    assert "the nodes list does not show the nodes this run made (n1 is not listed)" in caught.value.reason
    answers.answers["/api/nodes"] = [node, {"id": "n3", "name": "w5-test-s1-run-node"}]
    with pytest.raises(SuiteFailure) as caught:
        smoke_reused_a_node(answers, smoke(""), again, acquisition, {"n1"})
    assert caught.value.reason == "the smoke asked for another node: w5-test-s1-run-node (n3)"


def test_what_the_failed_run_left_is_its_run_its_site_as_it_is_now_and_its_failed_clone():
    answers = smoke_site("p1")
    answers.answers["/api/jobs"] = [{"id": "j2", "job_type": "env_create", "site_id": "s1", "environment_id": "c1"}]
    said = LeftBehind("w5-test-s1", "failed, exit 1: job_failed", (
        LeftResource("site", "s1", "w5-test-s1-site-1", "failed"),
        LeftResource("production environment", "p1", "production", "failed"),
        LeftResource("clone environment", "c1", None, "failed")))
    failed = smoke("")
    assert smoke_lists_what_the_failed_run_left(answers, failed, smoke(said.text(), 0)) == said
    for wrong, words in ((replace(said, run_id="w5-other"), "does not say what the run before it, w5-test-s1, left "
                                                            "(it names the run w5-other)"),
                         (replace(said, resources=said.resources[1:]), "site s1 (failed): not named"),
                         (replace(said, resources=(replace(said.resources[0], slug="w5-x-site-1"),
                                                   *said.resources[1:])), "site s1 (failed): said '- site s1"),
                         (replace(said, resources=(replace(said.resources[0], state="active"),
                                                   *said.resources[1:])), "site s1 (failed): said"),
                         (replace(said, resources=said.resources[:2]), "clone environment c1 (failed): not named")):
        with pytest.raises(SuiteFailure) as caught:
            smoke_lists_what_the_failed_run_left(answers, failed, smoke(wrong.text(), 0))
        assert words in caught.value.reason
    assert smoke_lists_what_the_failed_run_left(answers, failed, smoke("noise\n" + said.text() + "\nmore", 0)) == said


def test_the_restored_production_is_the_one_the_restore_job_names_and_its_site_failed_too():
    run = smoke("")
    assert smoke_environment_failed(smoke_site("p1"), run, "production")["id"] == "p1"
    with pytest.raises(SuiteFailure) as caught:  # the restore job names the site's clone
        smoke_environment_failed(smoke_site("c1"), run, "production")
    assert "environment_type is 'clone' (expected environment_type 'production')" in caught.value.reason
    with pytest.raises(SuiteFailure) as caught:  # production failed, its site not
        smoke_environment_failed(smoke_site("p1", site_status="active"), run, "production")
    assert "status is 'active' (expected status 'failed')" in caught.value.reason
@pytest.mark.parametrize("job, nodes, words", [
    (scheduled(node_id=None), [NODE], "the acquisition job of the node w5-node names no node"),
    (scheduled(node_id="n1"), [NODE, {**READY_NODE, "id": "n1"}], "names the node n1, which is older than the request"),
    (scheduled(node_id="n3"), [NODE], "names the node n3, which is not listed"),
    (scheduled(), [{**NODE, "name": "hetzner-node"}], "name is 'hetzner-node' (expected name 'w5-node')"),
    (scheduled(), [{**NODE, "is_local": True}], "is_local is True"),
    (scheduled(job_type="site_create"), [NODE], "job_type is 'site_create' (expected job_type 'node_provision')"),
    (scheduled(site_id="s1"), [NODE], "site_id is 's1' (expected site_id None)"),
])
def test_the_retried_job_is_the_acquisition_of_the_node_the_request_made(job, nodes, words):
    with pytest.raises(SuiteFailure) as caught:
        retry_check(job, nodes)
    assert words in caught.value.reason and caught.value.category is Category.CONTRACT_VIOLATION


def reused(node=READY_NODE):
    return Acquisition(node["id"], REUSED, name=node["name"])


def acquisition_job(**change):
    return {"id": "job-0", "job_type": "node_provision", "node_id": "n2", "site_id": None, "environment_id": None,
            "status": "succeeded", "attempt_count": 1, "max_attempts": 3, "started_at": "2026-01-01T00:00:00Z",
            "finished_at": "2026-01-01T00:00:01Z", **change}


def test_a_reused_ready_node_is_judged_with_the_acquisition_job_that_made_it():
    assert node_is_ready(Target([acquisition_job()], [READY_NODE]), reused())["id"] == "n2"
    assert node_is_ready(Target([], [READY_NODE]), reused())["id"] == "n2"  # no job listed for it
    with pytest.raises(SuiteFailure) as caught:
        node_is_ready(Target([acquisition_job(status="failed", error_code="ANSIBLE_HOST_FAILED",
                                                     error_message="boom")], [READY_NODE]), reused())
    assert caught.value.reason == ("the node w5-node (n2) is reported ready, but the acquisition job that made it is "
                                   "failed (ANSIBLE_HOST_FAILED: boom)")
    assert caught.value.category is Category.CONTRACT_VIOLATION


def test_the_acquisition_job_of_the_run_is_read_by_its_id_and_must_be_a_node_provision_of_that_node():
    made = Acquisition("n2", REQUESTED, job_id="job-0", job=acquisition_job(), name="w5-node")
    assert node_is_ready(Target([acquisition_job()], [READY_NODE]), made)["id"] == "n2"
    with pytest.raises(SuiteFailure) as caught:
        node_is_ready(Target([acquisition_job(job_type="site_create")], [READY_NODE]), made)
    assert "job_type is 'site_create'" in caught.value.reason


PROVIDER = {"provider_id": "hetzner", "status": "degraded", "last_status_message": "Credential rejected by Hetzner API",
            "guidance": ["Generate a valid bearer token in Hetzner Cloud and reconnect provider."]}


def test_a_degraded_connection_says_the_credential_was_rejected():
    provider_degraded_with_guidance(Target(providers=[PROVIDER]))
    for listed, words in (([PROVIDER, PROVIDER], "listed 2 times"),
                          ([{**PROVIDER, "last_status_message": "Hetzner API unavailable during credential validation "
                                                                "(status 503)",
                             "guidance": ["Retry provider connect after provider/API health recovers."]}],
                           "not that the credential was rejected")):
        with pytest.raises(SuiteFailure) as caught:
            provider_degraded_with_guidance(Target(providers=listed))
        assert words in caught.value.reason


REFUSED = ('[wave5] FAIL category=preflight_blocked command="POST /api/sites" job_id=none reason="409 node_not_ready: '
           '{}"')


def test_the_smokes_readiness_reasons_are_exactly_the_refusal_for_the_nodes_codes():
    codes = ["sudo_unavailable", "runtime_missing"]
    smoke_failure_reasons(smoke(REFUSED.format(refusal_message(codes))), codes)
    for message, words in ((refusal_message(REASON_CODES), "which the node does not report"),
                           ("target node is not ready: runtime_missing, sudo_unavailable. " + " ".join(
                               GUIDANCE[code] for code in codes[::-1]), "not in the contract's order"),
                           ("target node is not ready: sudo_unavailable, runtime_missing", "no guidance")):
        with pytest.raises(SuiteFailure) as caught:
            smoke_failure_reasons(smoke(REFUSED.format(message)), codes)
        assert words in caught.value.reason


# -- the smoke's node wait ended while its node was still being acquired -------------------------------------
SMOKE_NODE = {**NODE, "id": "n9", "name": "w5-test-s1-run-node"}
SMOKE_ACQUISITION = {"id": "job-9", "job_type": "node_provision", "status": "running", "node_id": "n9",
                     "site_id": None, "environment_id": None, "attempt_count": 1, "max_attempts": 3}
STILL_ACQUIRED = ('[wave5] FAIL category=job_timeout command="POST /api/nodes" job_id=job-9 reason="still running; the '
                  'node not ready (node_status_not_active, status provisioning) when its {budget} s budget was spent, '
                  'without progress"')


def test_a_node_wait_that_ended_is_judged_by_the_time_the_scenario_allowed_and_the_node_as_listed():
    target = Target(jobs=[SMOKE_ACQUISITION], nodes=[SMOKE_NODE])
    smoke_failure_node_still_acquired(target, smoke(STILL_ACQUIRED.format(budget=1)), 1.0)
    with pytest.raises(SuiteFailure, match="when its 1 s budget was spent'\"$"):  # another budget than the one set
        smoke_failure_node_still_acquired(target, smoke(STILL_ACQUIRED.format(budget=900)), 1.0)
    listed_ready = Target(jobs=[SMOKE_ACQUISITION], nodes=[{**SMOKE_NODE, **{"readiness": READY_NODE["readiness"]}}])
    with pytest.raises(SuiteFailure, match="the node list shows node n9 ready"):
        smoke_failure_node_still_acquired(listed_ready, smoke(STILL_ACQUIRED.format(budget=1)), 1.0)
    other_name = Target(jobs=[SMOKE_ACQUISITION], nodes=[{**SMOKE_NODE, "name": "someone-elses-node"}])
    with pytest.raises(SuiteFailure, match="0 nodes named w5-test-s1-run-node"):
        smoke_failure_node_still_acquired(other_name, smoke(STILL_ACQUIRED.format(budget=1)), 1.0)
