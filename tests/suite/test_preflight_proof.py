"""The evidence of the site creation a run tries while Pressluft acquires the target's first node
(support/harness/preflight_proof.py): when it proves something, and how the scenario's steps judge it or skip it."""
from types import SimpleNamespace

import pytest

from steps.sites import step_first_node
from support.checks.first_node import held_right_after, node_not_ready_when_answered, refused_naming_the_nodes_reasons
from support.harness.preflight_proof import PreflightProof, why_no_proof
from support.http.client import Answer
from support.pressluft.nodes import ADOPTED, REQUESTED, REUSED, Acquisition
from support.screenplay.actions import Request
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.verdicts.not_shown import NotShownHere

NOT_ACTIVE = "Node status must be active before create flows can run."
UNREACHABLE = "Verify SSH reachability and credentials from Pressluft to the node."


def answer(status: int, body: dict, target: str) -> Answer:
    import json

    return Answer("POST", target, status, {}, json.dumps(body), None)


def node(*codes, ready=False):
    return {"id": "n1", "name": "w5-0badf00d-run-node", "status": "provisioning", "is_local": False,
            "readiness": {"is_ready": ready, "reason_codes": list(codes), "guidance": []}}


def proof(*, status=409, body=None, before=("node_status_not_active",), after=("node_status_not_active",),
          job_status="running", listed_ready=False) -> PreflightProof:
    body = body if body is not None else {"code": "node_not_ready",
                                          "message": f"target node is not ready: {', '.join(after)}. {NOT_ACTIVE}"}
    node_request = Request(answer(202, {"job_id": "j1"}, "/api/nodes"), slug="w5-0badf00d-run-node")
    attempt = Request(answer(status, body, "/api/sites"), slug="w5-0badf00d-preflight-site-1")
    return PreflightProof(node_request, attempt, node(*before), node(*([] if listed_ready else after),
                                                                      ready=listed_ready),
                          {"id": "j1", "status": job_status} if job_status else None, seconds=0.02)


def test_refused_while_the_acquisition_is_in_flight_is_a_proof():
    evidence = proof()
    assert evidence.acquiring and not evidence.accepted and evidence.not_provable() is None
    node_not_ready_when_answered(evidence)
    refused_naming_the_nodes_reasons(evidence)


@pytest.mark.parametrize("job_status", ["succeeded", "failed", None])
def test_an_acquisition_no_longer_in_flight_proves_nothing_whatever_the_answer(job_status):
    refused = proof(job_status=job_status)
    assert refused.not_provable().startswith("not shown on this target: the node's acquisition (job j1) was "
                                             f"{job_status or 'not listed'} right after the site creation was answered")
    accepted = proof(status=202, body={"job_id": "site-job"}, job_status=job_status)
    assert accepted.accepted and "Pressluft accepted the creation (site w5-0badf00d-preflight-site-1, job site-job, " \
                                 "listed in the run's ledger)" in accepted.not_provable()


def test_accepted_while_the_acquisition_is_in_flight_is_a_verdict_not_a_skip():
    evidence = proof(status=202, body={"job_id": "site-job"})
    assert evidence.not_provable() is None
    with pytest.raises(SuiteFailure) as caught:
        refused_naming_the_nodes_reasons(evidence)
    assert caught.value.category is Category.CONTRACT_VIOLATION and caught.value.command == "POST /api/sites"


def test_a_node_listed_ready_while_acquired_fails_the_claim_that_it_was_not_ready():
    with pytest.raises(SuiteFailure) as caught:
        node_not_ready_when_answered(proof(listed_ready=True))
    assert caught.value.command == "GET /api/nodes" and "it is ready" in caught.value.reason


def test_the_refusal_may_name_the_reasons_listed_just_before_or_just_after_it():
    """Acquisition gave way to provisioning between the two listings: either set is the node's reasons then."""
    changed = proof(before=("node_unreachable",), after=("node_status_not_active",),
                    body={"code": "node_not_ready",
                          "message": f"target node is not ready: node_unreachable. {UNREACHABLE}"})
    assert changed.reasons_listed() == [["node_unreachable"], ["node_status_not_active"]]
    refused_naming_the_nodes_reasons(changed)
    neither = proof(before=("node_unreachable",), after=("node_status_not_active",),
                    body={"code": "node_not_ready", "message": "target node is not ready: sudo_unavailable"})
    with pytest.raises(SuiteFailure) as caught:
        refused_naming_the_nodes_reasons(neither)
    assert "node_unreachable" in caught.value.reason


def test_checks_made_right_after_the_answer_are_reported_when_the_scenario_judges_them():
    failure = SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs", "1 jobs were queued")
    held_right_after(None)
    with pytest.raises(SuiteFailure) as caught:
        held_right_after(failure)
    assert caught.value is failure


@pytest.mark.parametrize("acquisition, start", [
    (Acquisition("n9", REUSED, name="older-node"), "the run reused a node, the ready node older-node; "),
    (Acquisition("n9", ADOPTED, job_id="j9", name="w5-aaaa0000-run-node"),
     "the run waited for the node w5-aaaa0000-run-node that another run was acquiring; "),
    (Acquisition("n9", REQUESTED, name="w5-0badf00d-run-node"), "other nodes were listed when the run requested "),
    (None, "the run's node could not be secured; ")])
def test_a_run_that_did_not_acquire_the_first_node_says_what_this_target_does_not_show(acquisition, start):
    why = why_no_proof(acquisition)
    assert why.startswith(f"not shown on this target: {start}")
    assert why.endswith("the readiness preflight while a node is being acquired is proven only by a run that acquires "
                        "the target's first provider node")


@pytest.mark.parametrize("evidence, why", [
    (proof(job_status="succeeded"), "not shown on this target: acquisition ended"),
    (None, "not shown on this target: the run reused a node, older-node")])
def test_the_scenario_is_not_shown_here_with_the_reason_when_nothing_can_be_proven(evidence, why):
    context = SimpleNamespace(run=SimpleNamespace(preflight_while_acquiring=lambda: (evidence, why)),
                              state=SimpleNamespace(preflight_proof=None))
    with pytest.raises(NotShownHere) as caught:
        step_first_node(context)
    assert caught.value.reason == why and context.state.preflight_proof is None
    provable = proof()
    context = SimpleNamespace(run=SimpleNamespace(preflight_while_acquiring=lambda: (provable, None)),
                              state=SimpleNamespace(preflight_proof=None))
    step_first_node(context)
    assert context.state.preflight_proof is provable


def test_the_evidence_handed_to_the_workers_is_judged_as_it_was_kept_and_only_for_its_node(tmp_path):
    """scripts/parallel tries the site creation while it acquires the first node; a worker that reuses that node
    takes the evidence over (support/harness/handover.py) and judges it as the process that kept it would."""
    from support.harness.handover import attempt_taken_over, forget_handed_evidence, hand_over_attempt

    kept = proof()
    kept.no_job = SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs", "a job was queued", job_id="j9")
    kept.sites_after = [{"id": "s1", "slug": "other"}]
    hand_over_attempt(kept, str(tmp_path))
    taken = attempt_taken_over(str(tmp_path), "n1")
    assert taken.describe() == kept.describe() and taken.not_provable() is None
    assert (taken.attempt.slug, taken.attempt.answer.status, taken.attempt.answer.json) == (
        kept.attempt.slug, 409, kept.attempt.answer.json)
    assert taken.node_request.job_id == "j1" and taken.sites_after == kept.sites_after
    node_not_ready_when_answered(taken)
    refused_naming_the_nodes_reasons(taken)
    with pytest.raises(SuiteFailure) as caught:
        held_right_after(taken.no_job)
    assert caught.value.line == kept.no_job.line
    assert attempt_taken_over(str(tmp_path), "another-node") is None  # evidence about another node proves nothing here
    forget_handed_evidence(str(tmp_path))
    assert attempt_taken_over(str(tmp_path), "n1") is None
