"""The checks of provider-acquired nodes: the run's node is ready, and ready in fact; making sure of a node again
confirms a ready one and asks for no other; a node request's acquisition is retried on Pressluft's schedule, or ends
failed; a new node is reported not ready while it is acquired. With the matchers of a node. (The run's node as it was
secured: support/pressluft/nodes.py `Acquisition`.)"""
from __future__ import annotations

from typing import Optional

from support.checks.jobs import a_job_of, job_ended_failed
from support.checks.matchers import RecordMatcher, expect, fields_that_are
from support.http.journal import Exchange
from support.pressluft.jobs import CONTRACT_MAX_ATTEMPTS, in_flight, job_reason
from support.pressluft.listings import by_id, jobs_touching
from support.pressluft.nodes import REUSED, Acquisition
from support.pressluft.readiness import readiness_words, reason_codes
from support.pressluft.times import by_creation, parse_time
from support.reporting.narration import attach_text
from support.runtime.resources import NODE_REQUEST
from support.screenplay.actions import Request, RequestNode
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJob, TheJobs, TheNodes
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.waiting.jobs import wait_for_job, wait_for_success
from support.waiting.nodes import wait_for_node_ready

PROVIDER_NODE = ("a provider-acquired node (is_local false)",
                 lambda node: None if node.get("is_local") is False else f"is_local is {node.get('is_local')!r}")


def _readiness_is(ready: bool) -> list:
    """The properties of a node reported ready (no outstanding reason code) or not ready (with reason codes)."""
    def readiness(node):
        return None if (node.get("readiness") or {}).get("is_ready") is ready else f"it is {readiness_words(node)}"

    def codes(node):
        listed = reason_codes(node)
        if ready:
            return f"it lists {', '.join(listed)}" if listed else None
        return None if listed else "it names no reason code"
    if ready:
        return [("readiness is_ready true", readiness), ("no outstanding reason codes", codes)]
    return [("readiness is_ready false", readiness), ("reason codes saying why", codes)]


def _node(name: Optional[str], ready: Optional[bool] = None) -> RecordMatcher:
    """A provider node (of that name), ready or not as the scenario expects, its record holding the rules of every
    node (support/pressluft/records.py: a ready one active, on the host acquisition gave it); `ready` None: only which
    node it is (a later claim of the scenario judges its state). A node expected ready that is not: node_not_ready."""
    found = fields_that_are(("name", name)) + [PROVIDER_NODE] + ([] if ready is None else _readiness_is(ready))
    return RecordMatcher("a node", found, kind=None if ready is None else "node",
                         title=lambda node: f"node {node.get('name')} ({node.get('id')})",
                         category=lambda node: Category.NODE_NOT_READY if ready and isinstance(node, dict)
                         and not (node.get("readiness") or {}).get("is_ready") else Category.CONTRACT_VIOLATION)


def a_ready_node(name: Optional[str] = None) -> RecordMatcher:
    """Ready with no reason code, and ready in fact: a provider node, active, on the host acquisition gave it
    (and named `name` when given)."""
    return _node(name, ready=True)


def a_node_not_ready(name: Optional[str] = None) -> RecordMatcher:
    return _node(name, ready=False)


def a_provider_node_named(name: str) -> RecordMatcher:
    """The provider node of that name, ready or not: which node it is, its state left to the claim that judges it."""
    return _node(name)


def node_job_record(acquisition: Optional[Acquisition]) -> list[dict]:
    """The run's node acquisition job (when the run requested or adopted one) as the job list must show it."""
    if acquisition is None or not acquisition.job_id or not acquisition.job:
        return []
    return [{"id": acquisition.job_id, "job_type": "node_provision", "node_id": acquisition.job.get("node_id")}]


def run_node_job_record(operator: Operator, acquisition: Acquisition) -> list[dict]:
    """The node acquisition jobs this run knows, as the job list must show them: the job that made the run's node (the
    run's own acquisition job, or for a node the run reused, the newest node_provision job the job list shows for it,
    when it shows one), and every node request this run made so far (its ledger, by job id)."""
    listed = jobs_touching(operator.asks_for(TheJobs(quiet=True)), node_id=acquisition.node_id,
                           job_type="node_provision")
    found = node_job_record(acquisition) or [
        {"id": job["id"], "job_type": "node_provision", "node_id": acquisition.node_id}
        for job in sorted(listed, key=by_creation)[-1:]]
    known = {record["id"] for record in found}
    return found + [{"id": item.id, "job_type": "node_provision"} for item in operator.ledger.items
                    if item.kind == NODE_REQUEST and item.id not in known]


def _requested_node(operator: Operator, request: Request, job: dict) -> dict:
    """The node a node request made, found by the id its acquisition job names: listed, not listed before the
    request, the provider node of the requested name."""
    nodes = operator.asks_for(TheNodes(quiet=True))
    node = by_id(nodes, job.get("node_id")) if job.get("node_id") else None
    if node is None or node["id"] in request.nodes_before:
        what = ("names no node" if not job.get("node_id") else f"names the node {job['node_id']}, which is "
                + ("not listed" if node is None else "older than the request"))
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJob(job.get('id')).command,
                           f"the acquisition job of the node {request.slug} {what}", job_id=job.get("id"), job=job)
    return expect(node, a_provider_node_named(request.slug), command=TheNodes().command, job_id=job.get("id"))


def node_request_ended_failed(operator: Operator, request: Request, *, code: Optional[str] = None,
                              message: Optional[str] = None, attempts: Optional[str] = None) -> dict:
    """The acquisition job of the node the request made ended failed (with that code and message, after the attempts
    the sentence names, as far as given), finished."""
    job = operator.asks_for(TheJob(request.accepted(), quiet=True))
    node = _requested_node(operator, request, job)
    return job_ended_failed(operator, job, command=request.command, job_type="node_provision", code=code,
                            message=message, attempts=attempts,
                            node_id=node["id"], site_id=None, environment_id=None)


def newest_acquisition_job(operator: Operator, node_id: str) -> Optional[dict]:
    """The newest node_provision job the job list shows for the node (by its created_at, never by its place in the
    listing), read by its id; None when none is listed."""
    listed = jobs_touching(operator.asks_for(TheJobs(quiet=True)), node_id=node_id, job_type="node_provision")
    if not listed:
        return None
    newest = max(listed, key=by_creation)
    return operator.asks_for(TheJob(newest["id"], quiet=True))


def _acquisition_job(operator: Operator, node: dict, acquisition: Acquisition) -> Optional[dict]:
    """The node_provision job that made the node: the run's own (requested or adopted), found by its id, or
    the newest one the job list shows for the node (a reused node; None when none is listed)."""
    if acquisition.job_id and (acquisition.job or {}).get("node_id") == node["id"]:
        return operator.asks_for(TheJob(acquisition.job_id, quiet=True))
    return newest_acquisition_job(operator, node["id"])


def acquired_by(node: dict, job: Optional[dict]) -> str:
    """What shows that a node reported ready was acquired, in words: the job that made it, a node_provision of that
    node that succeeded (one that did not is a contract violation); or, when the job list shows none for it (a node
    there before its jobs were pruned or paged away), its own record, already judged ready in fact."""
    name = f"{node.get('name')} ({node.get('id')})"
    if job is None:
        return (f"the job list shows no acquisition job of the node {name}: it is judged by its own record, a "
                f"provider node, {readiness_words(node)}, on the host {node.get('hostname')}")
    command = TheJob(job.get('id')).command
    expect(job, a_job_of("node_provision", node_id=node["id"]), command=command, job_id=job.get("id"))
    if job.get("status") != "succeeded":
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"the node {name} is reported ready, but the acquisition job that made it is "
                           f"{job.get('status')} ({job_reason(job)})", job_id=job.get("id"), job=job, node=node)
    return f"the node {name} was made by the acquisition job {job['id']}, which succeeded"


def node_is_ready(operator: Operator, acquisition: Acquisition) -> dict:
    """The run's node becomes ready (within the node budget), lists no outstanding reason code, and is ready in
    fact: the provider node the run knows (its name), active, on the host acquisition gave it, and the
    acquisition job that made it (when one is listed) is a node_provision of that node that succeeded; the step
    says which evidence it used (an attachment)."""
    node, history = wait_for_node_ready(operator, acquisition.node_id, job_id=acquisition.job_id)
    expect(node, a_ready_node(name=acquisition.name), command=TheNodes().command, job_id=acquisition.job_id,
           poll=history)
    attach_text("what shows the node was acquired", acquired_by(node, _acquisition_job(operator, node, acquisition)))
    return node


def confirmed_a_ready_node(operator: Operator, made_sure) -> dict:
    """Making sure of a node once more (support/flows/nodes.py MadeSure) settled on a node the list showed ready just
    before (a provider node, ready), and sent no node request: it confirmed that node and asked for no other. The
    node is ready in fact (node_is_ready: active, on the host acquisition gave it, made by an acquisition job that
    succeeded, when the job list shows one)."""
    acquisition, command = made_sure.acquisition, TheNodes().command
    listed = by_id(made_sure.nodes_before, acquisition.node_id) if acquisition.node_id else None
    if acquisition.how != REUSED or made_sure.node_requests or listed is None:
        shown = ", ".join(f"{node.get('name')} ({readiness_words(node)})" for node in made_sure.nodes_before
                          if node.get("is_local") is False) or "none"
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"making sure of a node again {acquisition.describe()}, with {len(made_sure.node_requests)} "
                           f"node requests, instead of confirming a ready one; the provider nodes listed just before: "
                           f"{shown}", job_id=acquisition.job_id)
    expect(listed, a_ready_node(), command=command)
    return node_is_ready(operator, acquisition)


def retry_scheduled(operator: Operator, request: Request, *, failed_attempts: int, error_code: str) -> dict:
    """After `failed_attempts` failed attempts the acquisition job the request queued (of the node it made) is
    queued again: attempt count, the last error kept, run_after ahead of the job's last change, attempts left
    of those the contract gives node_provision."""
    job_id = request.accepted()

    def scheduled_or_past(job: dict) -> bool:
        attempts = job.get("attempt_count") or 0
        return attempts > failed_attempts or (attempts == failed_attempts and job.get("status") == "queued")

    job, history = wait_for_job(operator, job_id, command=request.command, job_type=request.job_type,
                                until=scheduled_or_past)
    node = _requested_node(operator, request, job)
    expect(job, a_job_of("node_provision", node_id=node["id"], site_id=None, environment_id=None),
           command=request.command, job_id=job_id)
    allowed = CONTRACT_MAX_ATTEMPTS["node_provision"]
    where = f"the acquisition job at attempt {job.get('attempt_count')} of {allowed}"
    if job.get("status") == "failed":
        raise SuiteFailure(Category.JOB_FAILED, request.command,
                           f"{where} ended failed with {job_reason(job)} instead of being scheduled again",
                           job_id=job_id, job=job, poll=history)
    problems = []
    if job.get("status") != "queued":
        problems.append(f"it is {job.get('status')}, not queued to run again")
    if job.get("attempt_count") != failed_attempts:
        problems.append(f"it counts {job.get('attempt_count')} attempts, not {failed_attempts}")
    if job.get("error_code") != error_code:
        problems.append(f"it keeps the error {job.get('error_code')!r}, not {error_code!r}")
    run_after, changed = parse_time(job.get("run_after")), parse_time(job.get("updated_at"))
    if run_after is None or changed is None or run_after <= changed:
        problems.append(f"its run_after {job.get('run_after')!r} is not ahead of its last change "
                        f"{job.get('updated_at')!r}")
    if (job.get("attempt_count") or 0) >= allowed:
        problems.append(f"it has no attempt left of the {allowed} the contract gives node_provision")
    if problems:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, request.command,
                           f"{where} is not scheduled to run again after {error_code}: " + "; ".join(problems),
                           job_id=job_id, job=job, poll=history)
    return job


def node_not_ready_while_acquiring(operator: Operator, request: Request) -> dict:
    """While the acquisition job is in flight, the new node is listed and reported not ready, with reasons."""
    job = operator.asks_for(TheJob(request.accepted(), quiet=True))
    if not in_flight(job):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJob(job.get('id')).command,
                           f"the acquisition is no longer in flight (it is {job.get('status')})", job_id=job.get("id"),
                           job=job)
    return new_node_listed_not_ready(operator, request, job)


def new_node_listed_not_ready(operator: Operator, request: Request, job: Optional[dict] = None) -> dict:
    """The node the request made (the node its job names, new, of the requested name) is listed, and reported
    not ready with reason codes."""
    job = job or operator.asks_for(TheJob(request.accepted(), quiet=True))
    node = _requested_node(operator, request, job)
    return expect(node, a_node_not_ready(name=request.slug), command=TheNodes().command, job_id=job.get("id"))


def node_ready_without_resubmission(operator: Operator, request: Request, exchanges: list[Exchange]) -> dict:
    """The acquisition job succeeded, the node it made is ready, and the node was requested once: one POST by
    the operator in this scenario, one acquisition job for the node."""
    job_id = request.accepted()
    job, _ = wait_for_success(operator, request)
    node = _requested_node(operator, request, job)
    expect(job, a_job_of("node_provision", node_id=node["id"]), command=request.command, job_id=job_id)
    node, readiness = wait_for_node_ready(operator, node["id"], job_id=job_id)
    expect(node, a_ready_node(name=request.slug), command=TheNodes().command, job_id=job_id, poll=readiness)
    jobs = jobs_touching(operator.asks_for(TheJobs()), node_id=node["id"], job_type="node_provision")
    posts = [exchange for exchange in exchanges if exchange.command == RequestNode.command_for()]
    if len(jobs) != 1 or len(posts) != 1:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJobs().command,
                           f"the node was requested {len(posts)} times and has {len(jobs)} acquisition jobs: "
                           + ", ".join(f"{j['id']} ({j.get('status')})" for j in jobs), job_id=job_id)
    return node
