"""The checks of the site creation the run tried while the target's first node was acquired
(support/run/preflight_proof.py): judged on what the API answered and listed then."""
from __future__ import annotations

from typing import Optional

from support.checks.matchers import expect
from support.checks.nodes import a_node_not_ready
from support.checks.refusals import refused_by_readiness
from support.screenplay.questions import TheJob, TheNodes
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


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
    """A check made right after the attempt's answer (support/run/preflight_proof.py) held; else its verdict."""
    if outcome is not None:
        raise outcome
