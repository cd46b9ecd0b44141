"""The provider connection and provider-acquired nodes: connect the provider; for a run, reuse a ready node,
wait for one still being acquired, or request exactly one (and, for a scenario, make sure of one again the same way,
keeping what was listed before and the node requests it sent); for a scenario, request a new node.

Never pay for the same node twice: when no provider node is ready but one is still being acquired (its
node_provision job queued, running or waiting for a retry Pressluft scheduled), the run waits for that one
instead of requesting another. A node whose acquisition failed for good is never reused.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from support.pressluft import schemas
from support.pressluft.jobs import in_flight, require_success
from support.pressluft.listings import jobs_touching, provider_nodes
from support.pressluft.nodes import ADOPTED, REQUESTED, REUSED, Acquisition
from support.pressluft.readiness import is_ready
from support.pressluft.times import by_creation
from support.reporting.narration import narrate
from support.runtime.resources import NODE_REQUEST, run_node_name
from support.screenplay.actions import ConnectProvider, Request, RequestNode
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJobs, TheNodes
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.waiting.jobs import wait_for_job
from support.waiting.nodes import AcquisitionLooks, AcquisitionWatch


def connect_provider(operator: Operator, token: Optional[str] = None, *, require_connected: bool = True) -> dict:
    """POST /api/providers: must answer 200 (and, unless told otherwise, status connected)."""
    settings = operator.settings
    answer = operator.attempts_to(ConnectProvider(settings.provider_id, token or settings.provider_token or "")).answer
    if answer.status != 200:
        raise answer.verdict("200")
    connection = schemas.check("provider_connection", answer.json, command=answer.command)
    if require_connected and connection.get("status") != "connected":
        guidance = " ".join(connection.get("guidance") or [])
        raise SuiteFailure(Category.CONFIG_ERROR, answer.command,
                           f"provider {settings.provider_id} is {connection.get('status')}: "
                           f"{connection.get('last_status_message')}" + (f". {guidance}" if guidance else ""))
    return connection


def request_new_node(operator: Operator, name: str) -> Request:
    """POST /api/nodes once, whatever it answers; nothing is waited for."""
    nodes_before = {node["id"] for node in operator.asks_for(TheNodes(quiet=True))}
    jobs_before = operator.asks_for(TheJobs(quiet=True))
    request = operator.attempts_to(RequestNode(operator.settings.provider_id, name))
    if request.job_id:
        operator.ledger.record(NODE_REQUEST, request.job_id, note=name)
    return request.with_evidence(nodes_before=nodes_before, jobs_before=jobs_before)


def _acquisitions_in_flight(operator: Operator, nodes: list) -> list:
    """(node, job) of provider nodes that are not ready and whose node_provision job is still in flight (its newest
    one), the oldest node first: by their creation, whatever order the listings give them in."""
    jobs = operator.asks_for(TheJobs(quiet=True))
    found = []
    for node in provider_nodes(nodes):
        if is_ready(node):
            continue
        acquiring = [job for job in jobs_touching(jobs, node_id=node["id"], job_type="node_provision")
                     if in_flight(job)]
        if acquiring:
            found.append((node, max(acquiring, key=by_creation)))
    return sorted(found, key=lambda pair: by_creation(pair[0]))


def plan_run_node(operator: Operator) -> Acquisition:
    """Which node the run will use, without changing anything: the oldest ready provider node (any would do: where
    Pressluft puts a site is judged by the placement rule, support/checks/placement.py), one in flight, or a new
    one."""
    nodes = operator.asks_for(TheNodes(quiet=True))
    ready = sorted((node for node in provider_nodes(nodes) if is_ready(node)), key=by_creation)
    if ready:
        return Acquisition(ready[0]["id"], REUSED, name=ready[0].get("name"))
    in_flight_now = _acquisitions_in_flight(operator, nodes)
    if in_flight_now:
        node, job = in_flight_now[0]
        return Acquisition(node["id"], ADOPTED, job_id=job["id"], job=job, name=node.get("name"))
    return Acquisition(None, REQUESTED, name=run_node_name(operator.ledger.run_id))


def secure_run_node(operator: Operator, while_first_acquired: Optional[Callable[[Request], None]] = None
                    ) -> tuple[Acquisition, Optional[AcquisitionLooks]]:
    """Connect the provider, then reuse, adopt or request the run's node and wait until its job succeeded: that node
    is the run's node, whichever node Pressluft then puts a site on (another run may have acquired one at the same
    moment; the placement rule of support/checks/placement.py judges where sites land). Readiness is judged by
    whoever needs the node (support/checks/nodes.py). `while_first_acquired(request)` is called
    right after the request was accepted when no node was listed before it: the target's first node. Returns the
    node, and what the wait for its acquisition saw of it (None: a reused node, no wait)."""
    with narrate("Secure the run's provider-acquired node"):
        connect_provider(operator)
        acquisition = plan_run_node(operator)
        if acquisition.how == REUSED:
            return acquisition, None
        nodes_before = frozenset()
        if acquisition.how == REQUESTED:
            request = request_new_node(operator, acquisition.name)
            acquisition.job_id, nodes_before = request.accepted(), request.nodes_before
            if while_first_acquired is not None and not request.nodes_before:
                while_first_acquired(request)
        looks = AcquisitionLooks(acquisition.job_id, acquisition.node_id, acquisition.name, frozenset(nodes_before))
        job, looks.history = wait_for_job(operator, acquisition.job_id, command=RequestNode.command_for(),
                                          job_type=RequestNode.JOB_TYPE, watch=AcquisitionWatch(operator, looks))
        acquisition.job = require_success(job, command=RequestNode.command_for(), history=looks.history)
        acquisition.node_id = job.get("node_id") or acquisition.node_id
        if acquisition.node_id is None:
            raise SuiteFailure(Category.CONTRACT_VIOLATION, RequestNode.command_for(),
                               "the node acquisition job succeeded without naming its node", job_id=job.get("id"),
                               job=job)
        operator.ledger.record("node", acquisition.node_id, acquisition.name)
        return acquisition, looks


@dataclass
class MadeSure:
    """Making sure of a node once more, as a smoke does before it makes anything: the node it settled on (reused,
    adopted or requested), the nodes listed just before, and the node requests it sent meanwhile."""

    acquisition: Acquisition
    nodes_before: list
    node_requests: list


def make_sure_of_a_node(operator: Operator) -> MadeSure:
    """secure_run_node once more (connect the provider; reuse a ready node, wait for one being acquired, or ask for
    one), with the nodes listed before it and the node requests it sent (from the operator's journal)."""
    nodes_before = operator.asks_for(TheNodes(quiet=True))
    mark = operator.journal.mark()
    acquisition, _ = secure_run_node(operator)
    sent = [exchange for exchange in operator.journal.since(mark) if exchange.command == RequestNode.command_for()]
    return MadeSure(acquisition, nodes_before, sent)
