"""Waiting for a node to report itself ready (GET /api/nodes), on the one poll engine."""
from __future__ import annotations

from typing import Optional, Tuple

from support.pressluft.readiness import is_ready, readiness_words
from support.reporting.narration import narrate
from support.screenplay.actor import Operator
from support.screenplay.questions import TheNodes, by_id
from support.verdicts.categories import Category
from support.verdicts.failure import PollHistory, SuiteFailure
from support.waiting.jobs import out_of_budget
from support.waiting.polling import Deadline, Outcome, StillWaiting, Wait, poll, steady_wait


def readiness_state(node: Optional[dict]) -> Tuple[str, Optional[str]]:
    if node is None:
        return "not listed", None
    return ("ready" if is_ready(node) else readiness_words(node)), None


def wait_for_node_ready(operator: Operator, node_id: str, *, budget: float, command: str = TheNodes().command,
                        job_id: Optional[str] = None) -> Tuple[dict, PollHistory]:
    def timed_out(outcome: Outcome) -> SuiteFailure:
        return StillWaiting(Category.NODE_NOT_READY, command, outcome, job_id=job_id, node=outcome.last,
                            reason=out_of_budget(outcome.state, outcome.deadline.budget))

    settings = operator.settings
    wait = Wait(what=f"node {node_id} readiness",
                fetch=lambda: by_id(operator.asks_for(TheNodes(quiet=True)), node_id), done=is_ready,
                describe=readiness_state, timed_out=timed_out, deadline=Deadline(budget),
                strategy=steady_wait(settings.poll_policy), kind="node", subject=job_id or node_id,
                policy=settings.poll_policy)
    with narrate(f"Wait up to {budget:g} s for the node {node_id} to be ready"):
        return poll(wait)
