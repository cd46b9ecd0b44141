"""Waiting for a node to report itself ready (GET /api/nodes), on the one poll engine; and what the wait for a node's
acquisition sees of the node at each poll (`AcquisitionWatch`)."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Optional, Tuple

from support.pressluft.jobs import in_flight, job_state
from support.pressluft.readiness import is_ready, readiness_words, reason_codes
from support.reporting.narration import narrate
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJob, TheNodes, by_id
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


# -- the wait for a node being acquired: its acquisition job, and the node as listed at each poll -----------------
@dataclass
class Sighting:
    """What polls in a row saw alike: the node as listed, then its acquisition job (read after that listing, so a job
    still in flight then was in flight when the node was listed). `node` None: the node was not listed."""

    job_status: Optional[str]
    attempt: Optional[int]
    error_code: Optional[str]
    node: Optional[dict]
    first_at: float
    last_at: float
    looks: int = 1

    @property
    def in_flight(self) -> bool:
        return in_flight({"status": self.job_status})

    def key(self) -> tuple:
        return self.job_status, self.attempt, self.error_code, self.node

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        job = job_state({"status": self.job_status, "error_code": self.error_code})
        node = f"{readiness_words(self.node)} on {self.node.get('hostname')}" if self.node else "not listed"
        moment = datetime.fromtimestamp(self.first_at, timezone.utc).strftime("%H:%M:%S.%f")[:-3]
        return (f"{moment} UTC, {self.looks} look{'s' if self.looks != 1 else ''} over "
                f"{self.last_at - self.first_at:.1f} s: acquisition {job} (attempt {self.attempt}); the node {node}")


def _node_seen(node: Optional[dict]) -> Optional[dict]:
    """What a sighting keeps of a listed node: who it is, and its readiness as listed."""
    if node is None:
        return None
    readiness = node.get("readiness") or {}
    return {"id": node.get("id"), "name": node.get("name"), "is_local": node.get("is_local"),
            "status": node.get("status"), "hostname": node.get("hostname"),
            "readiness": {"is_ready": readiness.get("is_ready"), "reason_codes": reason_codes(node)}}


class AcquisitionWatch:
    """Each poll of the wait for a node's acquisition job looks at the node first (GET /api/nodes), then at the job:
    the sightings are the record of how the node was reported while Pressluft acquired it (the proof of AC-5 a run
    keeps), written to the wait log with the wait. The node is known by its id, or before the job names it, by the
    name it was requested with (a node not listed before the request)."""

    def __init__(self, operator: Operator, job_id: str, *, node_id: Optional[str] = None,
                 name: Optional[str] = None, nodes_before: frozenset = frozenset()):
        self.operator, self.job_id, self.node_id, self.name = operator, job_id, node_id, name
        self.nodes_before = frozenset(nodes_before)
        self.sightings: list[Sighting] = []

    def look(self) -> dict:
        nodes = self.operator.asks_for(TheNodes(quiet=True))
        job = self.operator.asks_for(TheJob(self.job_id, quiet=True))
        self.node_id = self.node_id or job.get("node_id")
        node = by_id(nodes, self.node_id) if self.node_id else None
        if node is None and self.name:
            node = next((n for n in nodes if n.get("name") == self.name and n.get("id") not in self.nodes_before),
                        None)
        self._saw(job, _node_seen(node))
        return job

    def _saw(self, job: dict, node: Optional[dict]) -> None:
        now = time.time()
        seen = Sighting(job.get("status"), job.get("attempt_count"), job.get("error_code"), node, now, now)
        last = self.sightings[-1] if self.sightings else None
        if last is not None and last.key() == seen.key():
            last.looks, last.last_at = last.looks + 1, now
        else:
            self.sightings.append(seen)

    def describe(self, job: dict) -> Tuple[str, Optional[str]]:
        node = self.sightings[-1].node if self.sightings else None
        return f"{job_state(job)}; the node {readiness_words(node) if node else 'not listed'}", job.get("error_code")

    def record(self) -> dict:
        return {"node_id": self.node_id, "sightings": [sighting.as_dict() for sighting in self.sightings]}
