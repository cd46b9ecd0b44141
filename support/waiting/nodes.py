"""Waiting for a node to report itself ready (GET /api/nodes), on the one poll engine; and what the wait for a node's
acquisition sees of the node at each poll (`AcquisitionWatch`), kept as `AcquisitionLooks`."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Optional, Tuple

from support.pressluft.jobs import in_flight, job_state
from support.pressluft.listings import by_id
from support.pressluft.readiness import is_ready, readiness_words, reason_codes
from support.reporting.narration import narrate
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJob, TheNodes
from support.verdicts.categories import Category
from support.verdicts.failure import PollHistory, SuiteFailure
from support.waiting.jobs import out_of_budget
from support.waiting.polling import Deadline, Outcome, StillWaiting, Wait, poll, steady_wait


def readiness_state(node: Optional[dict]) -> Tuple[str, Optional[str]]:
    if node is None:
        return "not listed", None
    return ("ready" if is_ready(node) else readiness_words(node)), None


def wait_for_node_ready(operator: Operator, node_id: str, *, command: str = TheNodes().command,
                        job_id: Optional[str] = None) -> Tuple[dict, PollHistory]:
    """Until the node is listed ready, within the node budget (PRESSLUFT_NODE_TIMEOUT)."""
    def timed_out(outcome: Outcome) -> SuiteFailure:
        return StillWaiting(Category.NODE_NOT_READY, command, outcome, job_id=job_id, node=outcome.last,
                            reason=out_of_budget(outcome.state, outcome.deadline.budget))

    settings = operator.settings
    budget = settings.budgets.node
    wait = Wait(what=f"node {node_id} readiness",
                fetch=lambda: by_id(operator.asks_for(TheNodes(quiet=True)), node_id), done=is_ready,
                describe=readiness_state, timed_out=timed_out, deadline=Deadline(budget),
                strategy=steady_wait(settings.poll_policy), kind="node", subject=job_id or node_id,
                policy=settings.poll_policy)
    with narrate(f"Wait up to {budget:g} s for the node {node_id} to be ready"):
        return poll(wait, progress=operator.progress, log=operator.waits)


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


@dataclass
class AcquisitionLooks:
    """What the run kept of its wait for a node's acquisition job: the node it watched (known by its id, or before
    the job names it, by the name it was requested with: a node not listed before the request), what each look saw
    (`sightings`) and the wait's history. The proof of AC-5 a run keeps (support/harness/acquisition_proof.py)."""

    job_id: str
    node_id: Optional[str] = None
    name: Optional[str] = None
    nodes_before: frozenset = frozenset()
    sightings: list[Sighting] = field(default_factory=list)
    history: Optional[PollHistory] = None

    def as_dict(self) -> dict:
        return {"job_id": self.job_id, "node_id": self.node_id, "name": self.name,
                "nodes_before": sorted(self.nodes_before), "sightings": [seen.as_dict() for seen in self.sightings],
                "history": asdict(self.history) if self.history is not None else None}

    @classmethod
    def from_dict(cls, data: dict) -> "AcquisitionLooks":
        return cls(data["job_id"], data["node_id"], data["name"], frozenset(data["nodes_before"]),
                   [Sighting(**seen) for seen in data["sightings"]],
                   PollHistory(**data["history"]) if data["history"] else None)


class AcquisitionWatch:
    """Each poll of the wait for a node's acquisition job looks at the node first (GET /api/nodes), then at the job,
    and keeps what it saw in its `looks` (written to the wait log with the wait)."""

    def __init__(self, operator: Operator, looks: AcquisitionLooks):
        self.operator, self.looks = operator, looks

    def look(self) -> dict:
        looks = self.looks
        nodes = self.operator.asks_for(TheNodes(quiet=True))
        job = self.operator.asks_for(TheJob(looks.job_id, quiet=True))
        looks.node_id = looks.node_id or job.get("node_id")
        node = by_id(nodes, looks.node_id) if looks.node_id else None
        if node is None and looks.name:
            node = next((n for n in nodes if n.get("name") == looks.name and n.get("id") not in looks.nodes_before),
                        None)
        self._saw(job, _node_seen(node))
        return job

    def _saw(self, job: dict, node: Optional[dict]) -> None:
        now = time.time()
        seen = Sighting(job.get("status"), job.get("attempt_count"), job.get("error_code"), node, now, now)
        sightings = self.looks.sightings
        last = sightings[-1] if sightings else None
        if last is not None and last.key() == seen.key():
            last.looks, last.last_at = last.looks + 1, now
        else:
            sightings.append(seen)

    def describe(self, job: dict) -> Tuple[str, Optional[str]]:
        sightings = self.looks.sightings
        node = sightings[-1].node if sightings else None
        return f"{job_state(job)}; the node {readiness_words(node) if node else 'not listed'}", job.get("error_code")

    def record(self) -> dict:
        return {"node_id": self.looks.node_id, "sightings": [sighting.as_dict() for sighting in self.looks.sightings]}
