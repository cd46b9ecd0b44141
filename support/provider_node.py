"""The run's provider-acquired node: connect the provider, reuse a ready node or request exactly one,
and wait through its pre-provision states without submitting anything again.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

from support import schemas
from support.actions import ConnectProvider, RequestNode
from support.actor import Operator
from support.diagnostics import Category, PollHistory, SuiteFailure
from support.questions import TheNodes, node_by_id, provider_nodes
from support.reporting import narrate
from support.waits import readiness_state, require_success, wait_for_job, wait_for_node_ready


@dataclass
class Acquisition:
    """What securing (or requesting) a node saw."""

    node: Optional[dict] = None
    reused: bool = False
    requests: int = 0                   # POST /api/nodes made by this acquisition
    job_id: Optional[str] = None
    job: Optional[dict] = None
    command: str = "POST /api/nodes"
    job_states: list = field(default_factory=list)     # e.g. queued, running, "queued, waiting to retry after X"
    job_errors: list = field(default_factory=list)     # error codes seen while the job was not terminal
    readiness_seen: list = field(default_factory=list)  # node readiness states seen while acquiring
    history: Optional[PollHistory] = None
    readiness_history: Optional[PollHistory] = None
    elapsed: float = 0.0

    @property
    def node_id(self) -> Optional[str]:
        return self.node.get("id") if self.node else None


def connect_provider(operator: Operator, token: Optional[str] = None, *, require_connected: bool = True) -> dict:
    """POST /api/providers: must answer 200 (and, unless told otherwise, status connected)."""
    settings = operator.settings
    answer = operator.attempts_to(ConnectProvider(settings.provider_id, token or settings.provider_token or ""))
    if answer.status != 200:
        category = Category.AUTH_FAILED if answer.status == 401 else Category.CONTRACT_VIOLATION
        raise SuiteFailure(category, answer.command, f"expected 200, got {answer.reason}")
    connection = schemas.check("provider_connection", answer.json, command=answer.command)
    if require_connected and connection.get("status") != "connected":
        guidance = " ".join(connection.get("guidance") or [])
        raise SuiteFailure(Category.CONFIG_ERROR, answer.command,
                           f"provider {settings.provider_id} is {connection.get('status')}: "
                           f"{connection.get('last_status_message')}" + (f". {guidance}" if guidance else ""))
    return connection


def request_node(operator: Operator, name: str, *, budget: Optional[float] = None,
                 require_ready: bool = True) -> Acquisition:
    """Request one node and wait until its job ends and (when it succeeded) the node is ready."""
    settings = operator.settings
    budget = budget if budget is not None else settings.node_timeout
    started = time.monotonic()
    acquisition = Acquisition()
    before = {node["id"] for node in operator.asks_for(TheNodes(quiet=True))}
    submission = operator.attempts_to(RequestNode(settings.provider_id, name))
    acquisition.requests += 1
    acquisition.command = submission.command
    acquisition.job_id = job_id = submission.accepted()
    operator.ledger.record("node acquisition job", job_id, note=name)

    def watch(job: dict) -> None:
        nodes = operator.asks_for(TheNodes(quiet=True))
        node = node_by_id(nodes, job.get("node_id")) if job.get("node_id") else next(
            (n for n in nodes if n["id"] not in before and n.get("name") == name), None)
        if node is not None:
            acquisition.node = node
            label, _ = readiness_state(node)
            if job.get("status") not in ("succeeded", "failed", "cancelled") and label not in acquisition.readiness_seen:
                acquisition.readiness_seen.append(label)
        if job.get("status") in ("queued", "running") and job.get("error_code") not in (None, *acquisition.job_errors):
            acquisition.job_errors.append(job["error_code"])

    job, history = wait_for_job(operator, job_id, command=submission.command, budget=budget, also_watch=watch)
    acquisition.job, acquisition.history = job, history
    acquisition.job_states = list(history.states)
    if acquisition.node is not None:
        operator.ledger.record("node", acquisition.node["id"], acquisition.node.get("name"))
    if not require_ready:
        acquisition.elapsed = time.monotonic() - started
        return acquisition
    require_success(job, command=submission.command, history=history)
    node_id = job.get("node_id") or acquisition.node_id
    if node_id is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, submission.command,
                           "the node acquisition job succeeded but no new node is listed", job_id=job_id, job=job)
    left = max(1.0, budget - (time.monotonic() - started))
    node, readiness_history = wait_for_node_ready(operator, node_id, budget=left, command="GET /api/nodes",
                                                  job_id=job_id)
    acquisition.node, acquisition.readiness_history = node, readiness_history
    acquisition.elapsed = time.monotonic() - started
    return acquisition


def secure_run_node(operator: Operator) -> Acquisition:
    """Connect the provider; reuse a ready non-local node, or request exactly one and wait for it."""
    with narrate("Secure the run's provider-acquired node"):
        connect_provider(operator)
        nodes = operator.asks_for(TheNodes())
        ready = [node for node in provider_nodes(nodes) if (node.get("readiness") or {}).get("is_ready")]
        if ready:
            ready.sort(key=lambda node: node.get("created_at") or "")
            return Acquisition(node=ready[0], reused=True)
        return _where_sites_land(operator, request_node(operator, operator.ledger.slug("node")))


def _where_sites_land(operator: Operator, acquisition: Acquisition, pause: float = 0.5) -> Acquisition:
    """Another run may have requested a node at the same moment. Sites land on the oldest ready provider
    node, so a node older than ours that is still being acquired is waited for (within the node budget),
    and the oldest ready one becomes the run's node. Ours stays in the ledger of created resources."""
    mine = acquisition.node or {}
    created = mine.get("created_at") or ""
    deadline = time.monotonic() + operator.settings.node_timeout
    while True:
        older = [node for node in provider_nodes(operator.asks_for(TheNodes(quiet=True)))
                 if node["id"] != mine.get("id") and (node.get("created_at") or "") < created]
        if not any(node.get("status") == "provisioning" for node in older) or time.monotonic() > deadline:
            break
        time.sleep(pause)
    ready = sorted((node for node in older if (node.get("readiness") or {}).get("is_ready")),
                   key=lambda node: node.get("created_at") or "")
    if ready:
        acquisition.node = ready[0]
    return acquisition
