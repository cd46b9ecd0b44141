"""Client of the reference target's fault-injection API (`/_reference/`, see docs/architecture.md).

A real Pressluft answers 404 on `/_reference/capabilities`: no fault injection there.
Every fault set through a `FaultSession` is undone by `FaultSession.undo_all()` (a scenario cleanup),
scoped to the resource it was set on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from support.client import PressluftClient
from support.diagnostics import Category, SuiteFailure

NO_FAULT_INJECTION = "the target offers no fault injection"


@dataclass(frozen=True)
class Capabilities:
    fault_injection: bool
    implementation: Optional[str] = None
    version: Optional[str] = None
    faults: tuple = ()
    defects: tuple = ()  # a reference started with --defect: a mutant target (tests/acceptance proving the suite)

    @property
    def is_reference(self) -> bool:
        return self.implementation == "pressluft_reference"


def discover(client: PressluftClient) -> Capabilities:
    answer = client.get("/_reference/capabilities")
    body = answer.json if answer.status == 200 else None
    if not isinstance(body, dict):
        return Capabilities(False)
    return Capabilities(bool(body.get("fault_injection")), body.get("implementation"), body.get("version"),
                        tuple(body.get("faults") or ()), tuple(body.get("defects") or ()))


@dataclass
class FaultSession:
    """Sets faults and remembers how to undo each one."""

    client: PressluftClient
    _undo: list = field(default_factory=list)

    def _post(self, route: str, body: dict):
        answer = self.client.post(f"/_reference/faults/{route}", body)
        if answer.status not in (200, 201, 204):
            raise SuiteFailure(Category.CONFIG_ERROR, answer.command,
                               f"the target refused the fault: {answer.reason}")
        return answer

    def _remember(self, undo: Callable[[], None]) -> None:
        self._undo.append(undo)

    def node_readiness(self, reason_codes: list[str], node_id: Optional[str] = None) -> None:
        self._post("node-readiness", {"reason_codes": list(reason_codes), "node_id": node_id})
        self._remember(lambda: self._post("node-readiness", {"reason_codes": [], "node_id": node_id}))

    def jobs(self, match: dict, outcome: str, *, error_code: Optional[str] = None,
             error_message: Optional[str] = None, retryable: Optional[bool] = None,
             attempts: Optional[int] = None, count: int = 1) -> None:
        body = {"match": match, "outcome": outcome, "count": count}
        for key, value in (("error_code", error_code), ("error_message", error_message),
                           ("retryable", retryable), ("attempts", attempts)):
            if value is not None:
                body[key] = value
        self._post("jobs", body)
        # a job fault is used up by the matching job; scoped by site/environment/node so it cannot leak

    def preview(self, *, environment_id: Optional[str] = None, site_id: Optional[str] = None,
                status: int = 200, location: Optional[str] = None, delay_seconds: float = 0.0,
                refuse: bool = False) -> None:
        scope = {"environment_id": environment_id, "site_id": site_id}
        self._post("preview", {**scope, "status": status, "location": location, "delay_seconds": delay_seconds,
                               "refuse": refuse})
        self._remember(lambda: self._post("preview", {**scope, "status": 200, "location": None,
                                                      "delay_seconds": 0.0, "refuse": False}))

    def backups(self, *, environment_id: Optional[str], without_checksum: bool = False,
                size_bytes: Optional[int] = None, count: int = 1) -> None:
        body: dict = {"environment_id": environment_id, "count": count}
        if without_checksum:
            body["checksum"] = None
        if size_bytes is not None:
            body["size_bytes"] = size_bytes
        self._post("backups", body)

    def set_content(self, environment_id: str, content: str) -> None:
        answer = self.client.post(f"/_reference/environments/{environment_id}/content", {"content": content})
        if answer.status not in (200, 201, 204):
            raise SuiteFailure(Category.CONFIG_ERROR, answer.command,
                               f"the target refused the content change: {answer.reason}")

    def undo_all(self) -> None:
        errors = []
        while self._undo:
            undo = self._undo.pop()
            try:
                undo()
            except Exception as exc:  # keep undoing the others
                errors.append(exc)
        if errors:
            raise errors[0]
