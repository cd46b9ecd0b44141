"""Client of the reference target's fault-injection API (`/_reference/`, see docs/architecture.md).

A real Pressluft answers 404 on `/_reference/capabilities`: no fault injection there.
Every fault set through a `FaultSession` is undone by `FaultSession.undo_all()` (a scenario cleanup),
scoped to the resource it was set on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from support.http.client import PressluftClient
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

BACKUP_CONTENT = "backup-content"  # the capability of reading what a backup holds


@dataclass(frozen=True)
class Capabilities:
    fault_injection: bool
    implementation: Optional[str] = None
    version: Optional[str] = None
    faults: tuple = ()
    defects: tuple = ()  # a reference started with --defect: a mutant target (tests/acceptance proving the suite)
    guard_scope: str = "site-and-node"  # what the enqueue guard holds a job back for: Pressluft's, unless told

    @property
    def is_reference(self) -> bool:
        return self.implementation == "pressluft_reference"

    @property
    def shows_backup_content(self) -> bool:
        """The target can show what a backup holds (a real Pressluft cannot)."""
        return BACKUP_CONTENT in self.faults


def discover(client: PressluftClient) -> Capabilities:
    answer = client.get("/_reference/capabilities")
    body = answer.json if answer.status == 200 else None
    if not isinstance(body, dict):
        return Capabilities(False)
    return Capabilities(bool(body.get("fault_injection")), body.get("implementation"), body.get("version"),
                        tuple(body.get("faults") or ()), tuple(body.get("defects") or ()),
                        "site" if body.get("guard_scope") == "site" else "site-and-node")


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

    def preflight_readiness(self, reason_codes: list[str], *, site_slug_prefix: str,
                            creation: Optional[str] = None) -> None:
        """The create preflight for sites whose slug starts with the prefix (and their environments; `creation`
        "site" or "environment": only that one) finds the node not ready for these reasons, while the node list
        still reports it as it is."""
        body = {"reason_codes": list(reason_codes), "node_id": None, "preflight_site_slug_prefix": site_slug_prefix,
                "preflight_creation": creation}
        self._post("node-readiness", body)
        self._remember(lambda: self._post("node-readiness", {**body, "reason_codes": []}))

    def jobs(self, match: dict, outcome: str, *, error_code: Optional[str] = None,
             error_message: Optional[str] = None, retryable: Optional[bool] = None,
             attempts: Optional[int] = None, count: int = 1, hold_last_retry: bool = False,
             until_read: bool = False) -> None:
        """The next `count` jobs matching `match` (job_type, site_id, environment_id, node_id, node_name,
        site_slug_prefix) fail, hang or end cancelled; `hold_last_retry` keeps the retry after the last
        injected failure scheduled as far ahead as Pressluft would (until `make_due`); `until_read` ends a hang
        once a client reads the job by its id."""
        body = {"match": match, "outcome": outcome, "count": count}
        for key, value in (("error_code", error_code), ("error_message", error_message),
                           ("retryable", retryable), ("attempts", attempts)):
            if value is not None:
                body[key] = value
        if hold_last_retry:
            body["hold_last_retry"] = True
        if until_read:
            body["until_read"] = True
        self._post("jobs", body)
        # a job fault is used up by the matching job; scoped by site/environment/node so it cannot leak

    def make_due(self, job_id: str) -> None:
        """A retry Pressluft scheduled for later comes due now."""
        answer = self.client.post(f"/_reference/jobs/{job_id}/due", {})
        if answer.status != 200:
            raise SuiteFailure(Category.CONFIG_ERROR, answer.command,
                               f"the target could not make the retry due: {answer.reason}")

    def preview(self, *, environment_id: Optional[str] = None, site_id: Optional[str] = None,
                site_slug_prefix: Optional[str] = None, environment_type: Optional[str] = None,
                status: int = 200, location: Optional[str] = None, delay_seconds: float = 0.0,
                refuse: bool = False, silent: bool = False, after_restore: bool = False) -> None:
        """`silent`: it accepts connections and never answers; `after_restore`: only once a restore of the environment
        succeeded."""
        scope = {key: value for key, value in (("environment_id", environment_id), ("site_id", site_id),
                                                ("site_slug_prefix", site_slug_prefix),
                                                ("environment_type", environment_type)) if value is not None}
        self._post("preview", {**scope, "status": status, "location": location, "delay_seconds": delay_seconds,
                               "refuse": refuse, "silent": silent, "after_restore": after_restore})
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

    def backup_content(self, backup_id: str) -> str:
        """What the backup holds: the content its artifact keeps (only where the capabilities offer it)."""
        answer = self.client.get(f"/_reference/backups/{backup_id}/content")
        body = answer.json if isinstance(answer.json, dict) else {}
        if answer.status != 200 or not isinstance(body.get("content"), str):
            raise SuiteFailure(Category.CONTRACT_VIOLATION, answer.command,
                               f"the target cannot show what the backup {backup_id} holds: {answer.reason}",
                               job_id=backup_id)
        return body["content"]

    def undo_all(self) -> None:
        errors = []
        while self._undo:
            undo = self._undo.pop()
            try:
                undo()
            except Exception as exc:  # noqa: BLE001 - keep undoing the others; the first error is raised
                errors.append(exc)
        if errors:
            raise errors[0]
