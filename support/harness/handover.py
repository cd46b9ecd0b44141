"""What the process that secured the run's node saw while Pressluft acquired it, handed to the processes that reuse
that node: scripts/parallel secures the run's node once, before its workers start, so the site creation tried while
the target's first node was acquired (support/harness/preflight_proof.py, SC-2) and the looks of the wait for that node
(support/harness/acquisition_proof.py, AC-5) are made there, and the workers that run those scenarios judge them, as a
serial run judges what it saw earlier in the same process. Parallel proves what serial proves.

The evidence goes into the run's shared reports folder (`first-node-attempt.json`, `first-node-wait.json`: what the
API answered and listed then, exactly as kept), written by tools/parallel.py once it has secured the node, after
removing an earlier run's; a worker takes it only when its reports folder is shared with that process
(PRESSLUFT_REPORTS_SHARED) and the node it reuses is the node the evidence is about.
"""
from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Optional

from support.harness.acquisition_proof import AcquisitionProof
from support.harness.preflight_proof import PreflightProof
from support.http.client import Answer
from support.http.journal import Exchange
from support.pressluft.nodes import Acquisition
from support.screenplay.actions import Request, RequestNode
from support.verdicts.failure import SuiteFailure
from support.waiting.nodes import AcquisitionLooks

HANDOVER_FILE = "first-node-attempt.json"
WAIT_FILE = "first-node-wait.json"


def handover_path(reports_dir: str, name: str = HANDOVER_FILE) -> Path:
    return Path(reports_dir) / name


def forget_handed_evidence(reports_dir: str) -> None:
    """An earlier run's evidence is never taken for this run's."""
    for name in (HANDOVER_FILE, WAIT_FILE):
        handover_path(reports_dir, name).unlink(missing_ok=True)


def hand_over_attempt(proof: PreflightProof, reports_dir: str) -> None:
    data = {"node_request": _request_as_data(proof.node_request), "attempt": _request_as_data(proof.attempt),
            "node_before": proof.node_before, "node_after": proof.node_after, "job": proof.job,
            "sites_after": proof.sites_after, "seconds": proof.seconds,
            "no_job": None if proof.no_job is None else {
                "category": proof.no_job.category.value, "command": proof.no_job.command,
                "reason": proof.no_job.reason, "job_id": proof.no_job.job_id}}
    handover_path(reports_dir).write_text(json.dumps(data))


def attempt_taken_over(reports_dir: str, node_id: Optional[str]) -> Optional[PreflightProof]:
    """The evidence handed over for the node `node_id` (None: none, or about another node)."""
    try:
        data = json.loads(handover_path(reports_dir).read_text())
    except (OSError, ValueError):
        return None
    proof = PreflightProof(
        _request_from_data(data["node_request"]), _request_from_data(data["attempt"]), data["node_before"],
        data["node_after"], data["job"], no_job=None if data["no_job"] is None else SuiteFailure(**data["no_job"]),
        sites_after=data["sites_after"], seconds=data["seconds"])
    about = (proof.node_after or proof.node_before or {}).get("id") or (proof.job or {}).get("node_id")
    return proof if node_id is not None and about == node_id else None


def _request_as_data(request: Request) -> dict:
    data = {field.name: getattr(request, field.name) for field in fields(request) if field.name != "answer"}
    data["nodes_before"] = sorted(data["nodes_before"])
    answer = request.answer
    data["answer"] = {"method": answer.method, "target": answer.target, "status": answer.status,
                      "headers": answer.headers, "text": answer.text}
    return data


def _request_from_data(data: dict) -> Request:
    answer = data.pop("answer")
    exchange = Exchange(answer["method"], answer["target"], status=answer["status"],
                        response_headers=answer["headers"], response_body=answer["text"])
    return Request(Answer(**answer, exchange=exchange), **{**data, "nodes_before": set(data["nodes_before"])})


def hand_over_wait(proof: AcquisitionProof, exchanges: list[Exchange], reports_dir: str) -> None:
    """The run's wait for the node Pressluft acquired (the node, and the looks its wait kept with its history) and the
    node requests the process sent (`exchanges`: what "without a second request" counts)."""
    acquisition = proof.acquisition
    data = {"acquisition": asdict(acquisition), "looks": proof.looks.as_dict(),
            "node_requests": [{"method": exchange.method, "target": exchange.target,
                               "request_body": exchange.request_body, "status": exchange.status}
                              for exchange in exchanges if exchange.command == RequestNode.command_for()]}
    handover_path(reports_dir, WAIT_FILE).write_text(json.dumps(data))


def wait_taken_over(reports_dir: str, node_id: Optional[str]) -> Optional[tuple[AcquisitionProof, list[Exchange]]]:
    """The wait handed over for the node `node_id`, and the node requests sent then (None: none, or about another
    node)."""
    try:
        data = json.loads(handover_path(reports_dir, WAIT_FILE).read_text())
    except (OSError, ValueError):
        return None
    if node_id is None or data["acquisition"]["node_id"] != node_id:
        return None
    proof = AcquisitionProof(Acquisition(**data["acquisition"]), AcquisitionLooks.from_dict(data["looks"]))
    return proof, [Exchange(**exchange) for exchange in data["node_requests"]]
