"""SC-2 on every target where the run acquires the target's first provider node, a real Pressluft included: while
Pressluft acquires that node, a site creation must be refused as blocked by node readiness (the preflight of digest
§2.3), naming the node's reason codes, with no job queued and no site recorded.

The run tries it once, right after its node request was accepted, before the worker can have finished, and keeps
what the API answered and listed: the node as listed just before and just after the attempt, the answer, the
acquisition job read right after (still in flight, or not), the outcome of the "no job" check made right after
(support/checks/nothing_left.py), and the sites listed right after (judged later, beside a listing that shows a site
of this run: while the target's first node is acquired no site of this run can exist to show that the list would show
one).
A refused creation costs no product job. A scenario judges the evidence later
(features/wave5/provider_node_acquisition.feature); no verdict rests on a state shorter than one poll, only on what
these answers kept.

The evidence proves nothing when the acquisition job was no longer in flight right after the answer (the node may
have become ready first): then the scenario is skipped with that reason, and a site the creation was accepted for is
named in the run's ledger, never left silently. Accepted while the acquisition was still in flight is a verdict.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional

from support.checks.nothing_left import no_job_for_site_creation
from support.flows.sites import request_site
from support.pressluft.jobs import in_flight
from support.pressluft.nodes import ADOPTED, REUSED, Acquisition
from support.pressluft.readiness import reason_codes
from support.reporting.narration import narrate
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJob, TheNodes, TheSites
from support.verdicts.failure import SuiteFailure
from support.verdicts.not_shown import not_shown

REFUSED_BECAUSE = "the site creation was refused while the node was being acquired"


@dataclass
class PreflightProof:
    node_request: Request          # the run's request for the target's first node (accepted)
    attempt: Request               # the site creation tried right after it
    node_before: Optional[dict]    # the requested node, listed just before the attempt
    node_after: Optional[dict]     # and just after its answer
    job: Optional[dict]            # its acquisition job, read after that
    no_job: Optional[SuiteFailure] = None   # no_job_queued, right after the answer (None: it held)
    sites_after: Optional[list] = None      # the sites listed right after the answer (judged with a later listing)
    seconds: float = 0.0           # from the node request's acceptance to the attempt's answer

    @property
    def acquiring(self) -> bool:
        """The acquisition job was still in flight when it was read, after the answer: so it was at the answer."""
        return self.job is not None and in_flight(self.job)

    @property
    def accepted(self) -> bool:
        return self.attempt.job_id is not None

    def reasons_listed(self) -> list[list[str]]:
        """The node's reason codes as listed just before and just after the attempt (one list when they agree)."""
        lists = [reason_codes(node)
                 for node in (self.node_before, self.node_after) if node is not None]
        return [codes for index, codes in enumerate(lists) if codes not in lists[:index]]

    def not_provable(self) -> Optional[str]:
        """Why this evidence proves nothing about the preflight during acquisition, "not shown on this target: …"
        (None: it does)."""
        if self.acquiring:
            return None
        state = (self.job or {}).get("status") or "not listed"
        ended = f"the node's acquisition (job {self.node_request.job_id}) was {state} right after the site creation " \
                "was answered, so the answer may have come after the node was ready"
        if self.accepted:
            return not_shown(f"{ended}: Pressluft accepted the creation (site {self.attempt.slug}, job "
                             f"{self.attempt.job_id}, listed in the run's ledger); the readiness preflight could not "
                             "be proven while the node was being acquired")
        return not_shown(f"{ended}; the readiness preflight could not be proven while the node was being acquired")

    def describe(self) -> str:
        body = self.attempt.answer.json if isinstance(self.attempt.answer.json, dict) else {}
        return "\n".join([
            f"node request: POST /api/nodes accepted with job {self.node_request.job_id} for {self.node_request.slug}",
            f"site creation tried {self.seconds:.3f} s later: {self.attempt.command} answered "
            f"{self.attempt.answer.status} {body.get('code') or body.get('job_id') or ''}".rstrip(),
            f"the node just before: {_readiness_in_words(self.node_before)}",
            f"the node right after: {_readiness_in_words(self.node_after)}",
            f"its acquisition job right after: {(self.job or {}).get('status', 'not listed')}",
            f"no job queued: {'yes' if self.no_job is None else self.no_job.reason}",
            f"sites listed right after: {len(self.sites_after or [])}"])


def _readiness_in_words(node: Optional[dict]) -> str:
    if node is None:
        return "not listed"
    readiness = node.get("readiness") or {}
    return (f"{node.get('status')}, ready {readiness.get('is_ready')}, reason codes "
            f"{readiness.get('reason_codes')}")


def try_site_while_acquiring(operator: Operator, node_request: Request) -> PreflightProof:
    """The site creation tried right after the first node's request was accepted, and what the API kept of it."""
    accepted = time.monotonic()
    with narrate("Try to create a site while Pressluft acquires the target's first node"):
        before = _requested_node(operator.asks_for(TheNodes(quiet=True)), node_request)
        attempt = request_site(operator, label="preflight-site", once=True)
        seconds = time.monotonic() - accepted
        after = _requested_node(operator.asks_for(TheNodes(quiet=True)), node_request)
        job = operator.asks_for(TheJob(node_request.accepted(), quiet=True))
        node_id = (after or before or {}).get("id") or job.get("node_id")
        # the job list shows the run's own acquisition job (so it could show a site creation's); the site list has
        # no site of this run yet: it is kept, and judged with a later listing that shows one (checks)
        acquisition_job = [{"id": node_request.accepted(), "job_type": "node_provision", "node_id": node_id}]
        proof = PreflightProof(node_request, attempt, before, after, job, seconds=seconds,
                               no_job=_failure_of(lambda: no_job_for_site_creation(operator, attempt, acquisition_job,
                                                                                because=REFUSED_BECAUSE)),
                               sites_after=operator.asks_for(TheSites(quiet=True)))
    if proof.accepted:  # never silently: a site accepted by mistake is the run's, like any other
        operator.ledger.record("site creation job", attempt.job_id, attempt.slug,
                               note="accepted while the run's first node was being acquired")
    return proof


def _requested_node(nodes: list, request: Request) -> Optional[dict]:
    """The node the request made: the only node listed under the requested name that was not listed before it."""
    return next((node for node in nodes if node.get("name") == request.slug and node["id"] not in request.nodes_before),
                None)


def _failure_of(check: Callable[[], None]) -> Optional[SuiteFailure]:
    try:
        check()
    except SuiteFailure as failure:
        return failure
    return None


def why_no_proof(acquisition: Optional[Acquisition]) -> str:
    """Why the run made no attempt, "not shown on this target: …": it did not acquire the target's first provider
    node itself."""
    tail = ("the readiness preflight while a node is being acquired is proven only by a run that acquires the "
            "target's first provider node")
    if acquisition is None:
        return not_shown(f"the run's node could not be secured; {tail}")
    if acquisition.how == REUSED:
        return not_shown(f"the run reused a node, the ready node {acquisition.name}; {tail}")
    if acquisition.how == ADOPTED:
        return not_shown(f"the run waited for the node {acquisition.name} that another run was acquiring; {tail}")
    return not_shown(f"other nodes were listed when the run requested its node; {tail}")
