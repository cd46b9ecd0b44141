"""The record of a run's wait for a node that Pressluft is still acquiring (support/waiting/nodes.py AcquisitionWatch,
support/harness/acquisition_proof.py): what each look saw, when it shows nothing, and how the AC-5 scenario's claims
judge it (support/checks/first_node.py). tools/claims.py names these tests for the properties no mutant breaks alone."""
from __future__ import annotations

import json

import pytest

from support.checks import first_node
from support.checks.first_node import ready_without_a_second_request, reported_not_ready_while_acquired
from support.harness.acquisition_proof import AcquisitionProof, describe_polls, why_not_shown
from support.http.journal import Exchange
from support.pressluft.nodes import ADOPTED, REQUESTED, REUSED, Acquisition
from support.reporting import waitlog
from support.verdicts.failure import SuiteFailure
from support.waiting import polling
from support.waiting.nodes import AcquisitionLooks, AcquisitionWatch

NAME = "w5-0badf00d-run-node"


def node(status="provisioning", host="pending.provider", ready=False, codes=("node_status_not_active",), **change):
    return {"id": "n1", "name": NAME, "status": status, "is_local": False, "hostname": host, "public_ip": host,
            "readiness": {"is_ready": ready, "reason_codes": [] if ready else list(codes)}, **change}


READY = node(status="active", host="203.0.113.5", ready=True)


class Looks:
    """An operator answering each look with the next (nodes, job) of a script, the job read after the nodes."""

    def __init__(self, *looks):
        self.looks = list(looks)
        self.current = None

    def asks_for(self, question):
        if question.path == "/api/nodes":
            self.current = self.looks.pop(0)
            return self.current[0]
        return self.current[1]


def watched(*looks, name=NAME) -> AcquisitionWatch:
    watch = AcquisitionWatch(Looks(*looks), AcquisitionLooks("j1", name=name, nodes_before=frozenset({"n0"})))
    for _ in looks:
        watch.look()
    return watch


def job(status, node_id="n1", attempt=1, error_code=None):
    return {"id": "j1", "job_type": "node_provision", "status": status, "node_id": node_id,
            "attempt_count": attempt, "error_code": error_code}


def test_each_look_keeps_the_node_as_listed_before_its_job_and_alike_looks_in_a_row_count_once():
    watch = watched(([node()], job("queued", node_id=None)), ([node()], job("running")), ([node()], job("running")),
                    ([node(host="203.0.113.5")], job("running")), ([READY], job("succeeded")))
    seen = [(s.job_status, s.node["hostname"] if s.node else None, s.looks) for s in watch.looks.sightings]
    assert seen == [("queued", "pending.provider", 1), ("running", "pending.provider", 2),
                    ("running", "203.0.113.5", 1), ("succeeded", "203.0.113.5", 1)]
    assert watch.looks.node_id == "n1"  # named by the job once it did; found by the requested name before
    record = json.loads(json.dumps(watch.record()))  # what the wait log keeps
    assert record["node_id"] == "n1" and len(record["sightings"]) == 4
    first = record["sightings"][0]["node"]["readiness"]
    assert first == {"is_ready": False, "reason_codes": ["node_status_not_active"]}
    assert watch.describe(job("succeeded")) == ("succeeded; the node ready (no reason codes, status active)", None)


def test_a_node_listed_before_the_request_is_not_taken_for_the_one_it_made():
    watch = watched(([node(id="n0")], job("queued", node_id=None)))
    assert watch.looks.sightings[0].node is None


def test_the_wait_log_line_of_a_wait_carries_what_its_watch_saw(tmp_path):
    log = waitlog.WaitLog(str(tmp_path))
    watch = AcquisitionWatch(Looks(([node()], job("running")), ([READY], job("succeeded"))),
                             AcquisitionLooks("j1", name=NAME))
    polling.poll(polling.Wait(what="job j1", fetch=watch.look, done=lambda j: j["status"] == "succeeded",
                              describe=watch.describe, timed_out=AssertionError, deadline=polling.Deadline(5),
                              strategy=polling.backoff(first=0.01), kind="job", subject="j1", record=watch.record),
                 log=log)
    [entry] = [json.loads(line) for line in next(tmp_path.glob("waits-*.jsonl")).read_text().splitlines()]
    assert entry["subject"] == "j1" and [s["job_status"] for s in entry["sightings"]] == ["running", "succeeded"]


def acquisition(*looks, how=REQUESTED) -> AcquisitionProof:
    return AcquisitionProof(Acquisition("n1", how, job_id="j1", job=job("succeeded"), name=NAME),
                            watched(*looks).looks if looks else None)


def test_a_run_that_reused_a_node_or_never_saw_the_acquisition_in_flight_shows_nothing_here():
    assert why_not_shown(AcquisitionProof(Acquisition("n1", REUSED, name="older-node"))) == (
        "not shown on this target: the run reused the ready node older-node; a node polled while Pressluft acquires "
        "it is shown only by a run that acquires a node itself (the target's first, say) or waits for one being "
        "acquired")
    ended = acquisition(([READY], job("succeeded")))
    assert why_not_shown(ended).startswith(f"not shown on this target: the acquisition of the node {NAME} (job j1) "
                                           "had ended before the run first looked at it; ")
    with pytest.raises(SuiteFailure) as caught:  # skipped before the claim; the claim itself fails on it
        reported_not_ready_while_acquired(ended.looks)
    assert "never saw its acquisition in flight" in caught.value.reason
    shown = acquisition(([node()], job("running")), ([READY], job("succeeded")), how=ADOPTED)
    assert why_not_shown(shown) is None
    reported_not_ready_while_acquired(shown.looks)
    assert describe_polls(shown).splitlines()[2].endswith(
        "acquisition running (attempt 1); the node not ready (node_status_not_active, status provisioning) on "
        "pending.provider")


@pytest.mark.parametrize("look, words", [
    (([node(ready=True)], job("running")), "it is ready"),
    (([], job("running")), f"the node {NAME} was not listed while its acquisition was running"),
    (([node(name="hetzner-node")], job("running")), "name is 'hetzner-node'"),
    (([node(is_local=True)], job("running")), "is_local is True"),
])
def test_any_look_in_flight_that_did_not_list_the_node_not_ready_fails_the_claim(look, words):
    with pytest.raises(SuiteFailure) as caught:
        reported_not_ready_while_acquired(acquisition(([node()], job("running")), look,
                                                      ([READY], job("succeeded"))).looks)
    assert words in caught.value.reason


class Listings:
    def __init__(self, jobs, nodes):
        self.jobs, self.nodes = jobs, nodes

    def asks_for(self, question):
        return {"/api/jobs": self.jobs, "/api/nodes": self.nodes}[question.path]


def post(name):
    return Exchange("POST", "/api/nodes", request_body=json.dumps({"provider_id": "hetzner", "name": name}),
                    status=202)


@pytest.mark.parametrize("how, posts, jobs, nodes, words", [
    (REQUESTED, [post(NAME)], [job("succeeded")], [READY], None),
    (ADOPTED, [], [job("succeeded")], [READY], None),
    (REQUESTED, [post(NAME), post(NAME)], [job("succeeded")], [READY],
     "requested 2 times by the operator (expected 1)"),
    (ADOPTED, [post(NAME)], [job("succeeded")], [READY], "requested 1 times by the operator (expected 0)"),
    (REQUESTED, [post(NAME), post("other")], [job("succeeded"), {**job("succeeded"), "id": "j2"}], [READY],
     "with 2 acquisition jobs"),
    (REQUESTED, [post(NAME)], [job("succeeded")], [READY, {**READY, "id": "n2"}], "2 nodes of that name are listed"),
    (REQUESTED, [post(NAME)], [], [READY], "the jobs list does not show"),
])
def test_the_node_was_requested_once_and_acquired_once(monkeypatch, how, posts, jobs, nodes, words):
    monkeypatch.setattr(first_node, "node_is_ready", lambda operator, acquisition: READY)
    made = acquisition(([node()], job("running")), ([READY], job("succeeded")), how=how)
    operator = Listings(jobs, nodes)
    if words is None:
        assert ready_without_a_second_request(operator, made.acquisition, made.looks, posts) == READY
        return
    with pytest.raises(SuiteFailure) as caught:
        ready_without_a_second_request(operator, made.acquisition, made.looks, posts)
    assert words in caught.value.reason


def test_the_wait_handed_to_the_workers_is_judged_as_it_was_kept_and_only_for_its_node(tmp_path):
    """scripts/parallel waits for the node Pressluft acquires; a worker that reuses that node takes the wait over
    (support/harness/handover.py), its looks, its history and the node requests sent then, and judges it as the process
    that kept it would."""
    from support.harness.handover import forget_handed_evidence, hand_over_wait, wait_taken_over
    from support.verdicts.failure import PollHistory

    kept = AcquisitionProof(Acquisition("n1", ADOPTED, job_id="j1", job=job("succeeded"), name=NAME),
                            watched(([node()], job("running")), ([READY], job("succeeded"))).looks)
    kept.looks.history = PollHistory("the job j1", attempts=2, elapsed=1.5, states=["running", "succeeded"])
    sent = [Exchange("POST", "/api/nodes", request_body='{"provider_id": "hetzner", "name": "%s"}' % NAME,
                     status=202), Exchange("GET", "/api/nodes", status=200)]
    hand_over_wait(kept, sent, str(tmp_path))
    taken, requests = wait_taken_over(str(tmp_path), "n1")
    assert taken.acquisition == kept.acquisition and taken.looks == kept.looks
    assert taken.looks.history == kept.looks.history and describe_polls(taken) == describe_polls(kept)
    assert [(r.command, r.request_body) for r in requests] == [("POST /api/nodes", sent[0].request_body)]
    assert why_not_shown(taken) is None
    reported_not_ready_while_acquired(taken.looks)
    assert wait_taken_over(str(tmp_path), "another-node") is None  # a wait for another node proves nothing here
    forget_handed_evidence(str(tmp_path))
    assert wait_taken_over(str(tmp_path), "n1") is None
