"""The checks of what the run kept while Pressluft acquired the node it waited for, judged on what the API answered
and listed then: the site creation the run tried while the target's first node was acquired (SC-2,
support/harness/preflight_proof.py), and the looks of its wait for that node (AC-5,
support/harness/acquisition_proof.py), which also show a node acquired when none was ready (AC-1)."""
from __future__ import annotations

import json
from typing import Optional

from support.checks.matchers import expect, shown_in
from support.checks.nodes import a_node_not_ready, a_provider_node_named, node_is_ready
from support.checks.refusals import refused_by_readiness
from support.http.journal import Exchange
from support.pressluft.listings import by_id, jobs_touching
from support.pressluft.nodes import REQUESTED, Acquisition
from support.screenplay.actions import RequestNode
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJob, TheJobs, TheNodes
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.waiting.nodes import AcquisitionLooks


def node_not_ready_when_answered(proof) -> dict:
    """The node the run requested was listed right after the site creation's answer, not ready and with reason codes,
    while its acquisition job was still in flight (read after that listing)."""
    job_id = proof.node_request.job_id
    if not proof.acquiring:  # such evidence proves nothing: the scenario is skipped before it gets here
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJob(job_id).command,
                           f"the acquisition was {(proof.job or {}).get('status')}, no longer in flight, right after "
                           "the site creation was answered", job_id=job_id, job=proof.job)
    if proof.node_after is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheNodes().command,
                           f"the node {proof.node_request.slug} that was requested is not listed", job_id=job_id)
    return expect(proof.node_after, a_node_not_ready(), command=TheNodes().command, job_id=job_id)


def refused_naming_the_nodes_reasons(proof) -> None:
    """Refused 409 node_not_ready, naming exactly the reason codes the node was listed with just before or just after
    the attempt, in the contract's order, each with its guidance (the two agree unless its readiness changed in
    between, e.g. from acquisition to provisioning)."""
    failure = None
    for codes in proof.reasons_listed() or [[]]:
        try:
            return refused_by_readiness(proof.attempt, codes)
        except SuiteFailure as mismatch:
            failure = failure or mismatch
    raise failure


def held_right_after(outcome: Optional[SuiteFailure]) -> None:
    """A check made right after the attempt's answer (support/harness/preflight_proof.py) held; else its verdict."""
    if outcome is not None:
        raise outcome


# -- AC-5: the node the run waited for while Pressluft acquired it (support/harness/acquisition_proof.py) -------------
def reported_not_ready_while_acquired(looks: Optional[AcquisitionLooks]) -> None:
    """At every look of the run's wait while the node's acquisition job was in flight (the node listed first, the
    job read after), the node was listed: the provider node of the name it was requested (or found) with, not
    ready, with reason codes."""
    in_flight = [sighting for sighting in looks.sightings if sighting.in_flight] if looks else []
    command = TheNodes().command
    if not in_flight:  # such a record proves nothing: the scenario is skipped before it gets here
        waited = f"the wait for the node {looks.name}" if looks else "the run, which waited for no node,"
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command, f"{waited} never saw its acquisition in flight",
                           job_id=looks.job_id if looks else None)
    for sighting in in_flight:
        if sighting.node is None:
            raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                               f"the node {looks.name} was not listed while its acquisition was "
                               f"{sighting.job_status} ({sighting.describe()})", job_id=looks.job_id)
        expect(sighting.node, a_node_not_ready(name=looks.name), command=command, job_id=looks.job_id,
               poll=looks.history)


def acquired_exactly_one(operator: Operator, acquisition: Acquisition, looks: AcquisitionLooks,
                         exchanges: list[Exchange]) -> dict:
    """The run asked for its node itself, and Pressluft acquired exactly that one: the node the run waited for is
    listed, a provider node of the name the run asked for, not listed before it asked; the operator asked once for a
    node of that name; one node of that name is listed, with one acquisition job, the one the run waited for (the job
    list first shows it). Its readiness is judged by the claim after it."""
    command = TheNodes().command
    node = by_id(operator.asks_for(TheNodes()), looks.node_id) if looks.node_id else None
    if node is None or node["id"] in looks.nodes_before:
        what = "is not listed" if node is None else "was listed before the run asked for it"
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command, f"the node {looks.name} ({looks.node_id}) that the "
                           f"run asked for {what}", job_id=looks.job_id)
    expect(node, a_provider_node_named(looks.name), command=command, job_id=looks.job_id)
    _acquired_once(operator, node, looks, exchanges, asked=1 if acquisition.how == REQUESTED else 0)
    return node


def ready_without_a_second_request(operator: Operator, acquisition: Acquisition, looks: AcquisitionLooks,
                                   exchanges: list[Exchange]) -> dict:
    """The node the run waited for became ready, and ready in fact (node_is_ready, within the node budget), and it was
    requested once: the operator's requests of its name are one (none when the run waited for a node another request
    made), one node of that name is listed, and one acquisition job for it, the one the run waited for. The job list
    first shows that job."""
    node = node_is_ready(operator, Acquisition(looks.node_id, acquisition.how, job_id=looks.job_id,
                                               job=acquisition.job, name=looks.name))
    _acquired_once(operator, node, looks, exchanges, asked=1 if acquisition.how == REQUESTED else 0)
    return node


def _acquired_once(operator: Operator, node: dict, looks: AcquisitionLooks, exchanges: list[Exchange], *,
                   asked: int) -> None:
    """The operator asked `asked` times for a node of the name the run waited for; one node of that name is listed,
    with one acquisition job, the one the run waited for, which the job list first shows."""
    jobs = operator.asks_for(TheJobs())
    shown_in(jobs, [{"id": looks.job_id, "job_type": "node_provision", "node_id": node["id"]}],
             command=TheJobs().command, what="jobs", claim=f"the node {looks.name} was acquired once",
             job_id=looks.job_id)
    acquisitions = jobs_touching(jobs, node_id=node["id"], job_type="node_provision")
    named = [listed for listed in operator.asks_for(TheNodes()) if listed.get("name") == looks.name]
    requests = [exchange for exchange in exchanges
                if exchange.command == RequestNode.command_for() and _body_sent(exchange).get("name") == looks.name]
    if len(acquisitions) != 1 or len(named) != 1 or len(requests) != asked:
        listed = ", ".join(f"{job['id']} ({job.get('status')})" for job in acquisitions)
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJobs().command,
                           f"the node {looks.name} was requested {len(requests)} times by the operator (expected "
                           f"{asked}); {len(named)} nodes of that name are listed, with {len(acquisitions)} "
                           f"acquisition jobs: {listed}", job_id=looks.job_id)


def _body_sent(exchange: Exchange) -> dict:
    """The JSON body a request sent ({} when there was none)."""
    try:
        body = json.loads(exchange.request_body or "{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
