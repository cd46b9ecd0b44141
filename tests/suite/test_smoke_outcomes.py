"""The checks of what a smoke made (support/checks/smoke_records.py), fed records no reference mutant gives alone
(tools/claims.py names these tests): a local node under the smoke's copies, a wait log whose look saw the node ready
while it was acquired; and how a record the smoke did not make is judged: by the smoke's own verdict when it failed,
as a contract violation when it passed."""
from __future__ import annotations

import re

import pytest

from support.checks import smoke_records
from support.checks.smoke_records import smoke_copies_answer, smoke_made_copies, smoke_waited_for_node
from support.runtime.smoke_commands import SmokeRun
from support.screenplay.actions import Request
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

RUN = "w5-test-smoke-1"
PASSED = "[smoke] success: clone and staging preview URLs reachable (2 scenarios passed)"
FAILED = ('[wave5] FAIL category=job_failed command="POST /api/sites/s1/environments" job_id=j9 '
          'reason="ANSIBLE_HOST_FAILED: wp core install failed on target"')
NODE = {"id": "n1", "name": "w5-node", "status": "active", "is_local": False, "hostname": "203.0.113.5",
        "public_ip": "203.0.113.5", "readiness": {"is_ready": True, "reason_codes": []}}


def smoke(output: str = PASSED, exit_code: int = 0, waits=()) -> SmokeRun:
    return SmokeRun("clone preview", "scripts/smoke-site-clone-preview.sh", RUN, exit_code, output, 1.0,
                    waits=list(waits))


def environment(id, type, **change):
    return {"id": id, "site_id": "s1", "slug": f"{RUN}-{type}-{id}", "environment_type": type, "status": "active",
            "source_environment_id": None if type == "production" else "p1", "node_id": "n1",
            "preview_url": f"http://127.0.0.1:9000/{id}/", **change}


class Target:
    """What the smoke left, answered by the path each question asks for."""

    def __init__(self, environments, jobs, nodes=(NODE,)):
        self.environments = {env["id"]: env for env in environments}
        self.jobs, self.nodes = list(jobs), list(nodes)

    def asks_for(self, question):
        path = question.path
        if path == "/api/sites":
            return [{"id": "s1", "slug": f"{RUN}-site-1", "status": "active"}]
        if path == "/api/sites/s1/environments":
            return list(self.environments.values())
        found = re.fullmatch(r"/api/(environments|jobs)/(.+)", path)
        if found:
            records = self.environments if found.group(1) == "environments" else {j["id"]: j for j in self.jobs}
            return records[found.group(2)]
        return {"/api/jobs": self.jobs, "/api/nodes": self.nodes}[path]


def copies(*, node=NODE, made=("c1", "st")):
    environments = [environment("p1", "production"), environment("c1", "clone"), environment("st", "staging")]
    jobs = [{"id": f"j-{id}", "job_type": "env_create", "site_id": "s1", "environment_id": id, "status": "succeeded"}
            for id in made]
    return Target(environments, jobs, [node])


def test_the_smokes_copies_are_on_a_ready_provider_node_and_a_local_one_fails_the_claim():
    smoke_made_copies(copies(), smoke())
    with pytest.raises(SuiteFailure) as caught:
        smoke_made_copies(copies(node={**NODE, "is_local": True}), smoke())
    assert "is_local is True" in caught.value.reason and caught.value.command == "GET /api/nodes"


def test_a_copy_listed_as_another_sites_fails_the_claim():
    """The mutant env_shown_under_other_site fails the scenario one step earlier, where the smoke's site is read."""
    target = copies()
    target.environments["c1"] = environment("c1", "clone", site_id="s2")
    with pytest.raises(SuiteFailure) as caught:
        smoke_made_copies(target, smoke())
    assert caught.value.category is Category.CONTRACT_VIOLATION and "s2" in caught.value.reason


def test_a_copy_the_smoke_did_not_make_is_the_smokes_own_verdict_when_it_failed_and_a_violation_when_it_passed(
        monkeypatch):
    monkeypatch.setattr(smoke_records, "preview_reachable", lambda operator, url, job_id=None: 200)
    target = copies(made=("c1",))
    with pytest.raises(SuiteFailure) as caught:
        smoke_copies_answer(target, smoke())
    assert caught.value.category is Category.CONTRACT_VIOLATION
    assert caught.value.reason == f"the clone preview smoke passed, but its site {RUN}-site-1 has no staging " \
                                  "environment named by a creation job"
    with pytest.raises(SuiteFailure) as caught:
        smoke_copies_answer(target, smoke(FAILED, exit_code=1))
    # the smoke's own verdict (smoke_passed): its category, command, job and reason
    assert (caught.value.category, caught.value.job_id) == (Category.JOB_FAILED, "j9")
    assert caught.value.reason == "ANSIBLE_HOST_FAILED: wp core install failed on target"


def test_a_copy_whose_creation_job_failed_fails_the_claim_as_that_job_did():
    target = copies()
    target.jobs[1]["status"], target.jobs[1]["error_code"] = "failed", "ANSIBLE_HOST_FAILED"
    with pytest.raises(SuiteFailure) as caught:
        smoke_made_copies(target, smoke(FAILED, exit_code=1))
    assert caught.value.category is Category.JOB_FAILED and caught.value.job_id == "j-st"


def node_request() -> Request:
    made = Request(answer=None, slug="w5-node", nodes_before={"n0"})
    made.accepted = lambda: "j1"
    return made


def waited(*looks):
    return [{"kind": "job", "subject": "j1", "sightings": [
        {"job_status": status, "attempt": 1, "error_code": None, "node": seen} for status, seen in looks]}]


NOT_READY = {**NODE, "status": "provisioning", "hostname": "pending.provider",
             "readiness": {"is_ready": False, "reason_codes": ["node_status_not_active"]}}


@pytest.mark.parametrize("looks, words", [
    ((("running", {**NODE, "readiness": {"is_ready": True, "reason_codes": []}}), ("succeeded", NODE)), "it is ready"),
    ((("running", NOT_READY), ("running", None), ("succeeded", NODE)), "name is None"),
    ((("succeeded", NODE),), "the smoke never saw the acquisition of the node w5-node in flight"),
])
def test_a_wait_log_whose_looks_in_flight_did_not_show_the_node_not_ready_fails_the_claim(looks, words):
    with pytest.raises(SuiteFailure) as caught:
        smoke_waited_for_node(Target([], []), smoke(waits=waited(*looks)), node_request())
    assert words in caught.value.reason


def test_a_smoke_without_a_wait_for_the_node_fails_with_its_own_verdict_or_as_a_violation():
    with pytest.raises(SuiteFailure) as caught:
        smoke_waited_for_node(Target([], []), smoke(), node_request())
    assert caught.value.reason.startswith("the clone preview smoke passed, but its wait log holds no wait for the "
                                          "acquisition job j1 of the node w5-node")
    with pytest.raises(SuiteFailure) as caught:
        smoke_waited_for_node(Target([], []), smoke(FAILED, exit_code=1), node_request())
    assert (caught.value.category, caught.value.job_id) == (Category.JOB_FAILED, "j9")  # the smoke's own verdict


def preview_waits(**states):
    """The smoke's preview waits, as its wait log keeps them: each copy's preview address shown hidden."""
    return [{"kind": "preview", "subject": f"<preview of env {id}>/{id}/", "outcome": outcome, "state": state}
            for id, (outcome, state) in states.items()]


def test_the_smoke_counted_each_copys_preview_on_the_answer_it_was_set_to_give_and_no_other():
    answers = {"clone": 301, "staging": 302}
    smoke_records.smoke_counted_previews_on(copies(), smoke(waits=preview_waits(c1=("done", "301"),
                                                                                st=("done", "302"))), answers)
    for waits, said in ((preview_waits(c1=("done", "200"), st=("done", "302")), "ended done on the answer 200"),
                        (preview_waits(c1=("timeout", "307"), st=("done", "302")), "ended timeout on the answer 307"),
                        (preview_waits(st=("done", "302")), "holds no wait for the clone's preview")):
        with pytest.raises(SuiteFailure) as caught:
            smoke_records.smoke_counted_previews_on(copies(), smoke(waits=waits), answers)
        assert caught.value.category is Category.CONTRACT_VIOLATION and said in caught.value.reason
