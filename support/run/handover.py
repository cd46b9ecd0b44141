"""The site creation tried while the target's first node was acquired (support/run/preflight_proof.py), handed from
the process that acquired that node to the processes that reuse it: scripts/parallel secures the run's node once,
before its workers start, so the attempt is made there, and the worker that runs the SC-2 scenario judges it there,
as a serial run judges what it tried earlier in the same process. Parallel proves what serial proves.

The evidence goes into the run's shared reports folder (`first-node-attempt.json`: what the API answered and listed
then, exactly as kept), written by tools/parallel.py once it has secured the node, after removing an earlier run's;
a worker takes it only when its reports folder is shared with that process (PRESSLUFT_REPORTS_SHARED) and the node it
reuses is the node the evidence is about.
"""
from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Optional

from support.http.client import Answer
from support.http.journal import Exchange
from support.run.preflight_proof import PreflightProof
from support.screenplay.actions import Request
from support.verdicts.failure import SuiteFailure

HANDOVER_FILE = "first-node-attempt.json"


def handover_path(reports_dir: str) -> Path:
    return Path(reports_dir) / HANDOVER_FILE


def forget(reports_dir: str) -> None:
    """An earlier run's evidence is never taken for this run's."""
    handover_path(reports_dir).unlink(missing_ok=True)


def hand_over(proof: PreflightProof, reports_dir: str) -> None:
    data = {"node_request": _request(proof.node_request), "attempt": _request(proof.attempt),
            "node_before": proof.node_before, "node_after": proof.node_after, "job": proof.job,
            "sites_after": proof.sites_after, "seconds": proof.seconds,
            "no_job": None if proof.no_job is None else {
                "category": proof.no_job.category.value, "command": proof.no_job.command,
                "reason": proof.no_job.reason, "job_id": proof.no_job.job_id}}
    handover_path(reports_dir).write_text(json.dumps(data))


def taken_over(reports_dir: str, node_id: Optional[str]) -> Optional[PreflightProof]:
    """The evidence handed over for the node `node_id` (None: none, or about another node)."""
    try:
        data = json.loads(handover_path(reports_dir).read_text())
    except (OSError, ValueError):
        return None
    proof = PreflightProof(
        _from_request(data["node_request"]), _from_request(data["attempt"]), data["node_before"], data["node_after"],
        data["job"], no_job=None if data["no_job"] is None else SuiteFailure(**data["no_job"]),
        sites_after=data["sites_after"], seconds=data["seconds"])
    about = (proof.node_after or proof.node_before or {}).get("id") or (proof.job or {}).get("node_id")
    return proof if node_id is not None and about == node_id else None


def _request(request: Request) -> dict:
    data = {field.name: getattr(request, field.name) for field in fields(request) if field.name != "answer"}
    data["nodes_before"] = sorted(data["nodes_before"])
    answer = request.answer
    data["answer"] = {"method": answer.method, "target": answer.target, "status": answer.status,
                      "headers": answer.headers, "text": answer.text}
    return data


def _from_request(data: dict) -> Request:
    answer = data.pop("answer")
    exchange = Exchange(answer["method"], answer["target"], status=answer["status"],
                        response_headers=answer["headers"], response_body=answer["text"])
    return Request(Answer(**answer, exchange=exchange), **{**data, "nodes_before": set(data["nodes_before"])})
