"""Actions the operator performs. Each narrates itself as an Allure step and returns a Submission.

Actions do not judge: `Submission.accepted()` does, turning a refusal into a verdict.
A create refused by the enqueue guard (409 `conflict`, "conflicting … mutation": nothing was created)
may wait until the site or node has no job in flight and submit again; that is recorded, never blind.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

from support.actor import Operator
from support.http.client import Answer
from support.pressluft import schemas
from support.reporting.narration import narrate
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.waits import wait_until_free


@dataclass
class Submission:
    """What came back from one mutation: the answer, and the job id when it was accepted."""

    answer: Answer
    resubmissions: list = field(default_factory=list)

    @property
    def command(self) -> str:
        return self.answer.command

    @property
    def job_id(self) -> Optional[str]:
        body = self.answer.json
        return body.get("job_id") if self.answer.status == 202 and isinstance(body, dict) else None

    def accepted(self) -> str:
        """The job id of a 202; any other answer is a verdict (preflight_blocked, auth_failed, …)."""
        answer = self.answer
        if answer.status == 202:
            schemas.check("job_response", answer.json, command=answer.command)
            return self.job_id
        details = {"re-submissions": self.resubmissions} if self.resubmissions else None
        if is_enqueue_conflict(answer) and self.resubmissions:  # a job in flight never ended in the budget
            raise SuiteFailure(Category.JOB_TIMEOUT, answer.command,
                               f"{answer.reason} (still refused after {len(self.resubmissions)} re-submissions: "
                               "a job in flight did not end)", details=details)
        raise answer.verdict("202", details=details)


def is_enqueue_conflict(answer: Answer) -> bool:
    body = answer.json if isinstance(answer.json, dict) else {}
    return answer.status == 409 and body.get("code") == "conflict" and "conflicting" in (body.get("message") or "")


def _submit(operator: Operator, path: str, body: dict, *, busy_scope: Optional[dict], budget: float) -> Submission:
    """POST once; on an enqueue-guard conflict, wait for the scope to be free and submit again."""
    answer = operator.client.post(path, body)
    submission = Submission(answer)
    if busy_scope is None:
        return submission
    deadline = time.monotonic() + budget
    pauses = 0
    while is_enqueue_conflict(submission.answer) and time.monotonic() < deadline:
        polls = wait_until_free(operator, busy_scope, deadline - time.monotonic())
        note = ""
        if polls <= 1:  # our scope looked free, so the guard holds for another (e.g. the node): back off, politely
            pause = min(2.0, 0.1 * 1.5 ** pauses, max(0.0, deadline - time.monotonic()))
            pauses += 1
            time.sleep(pause)
            note = f" (the guard held beyond that scope: paused {pause:.2f} s)"
        submission.resubmissions.append(f"{answer.command} answered {submission.answer.reason}; "
                                        f"re-submitted once {' and '.join(busy_scope) or 'the target'} had no job "
                                        f"in flight{note}")
        previous = submission.resubmissions
        submission = Submission(operator.client.post(path, body, note="re-submit after 409 conflict"),
                                resubmissions=previous)
    return submission


def _site_scope(site_id: Optional[str]) -> Optional[dict]:
    """The busy scope of a mutation of the site; without a site id, no waiting on a 409 conflict at all."""
    return {"site_id": site_id} if site_id else None


# -- the actions -----------------------------------------------------------------------------------
@dataclass
class ConnectProvider:
    provider_id: str
    api_token: str

    def perform_as(self, operator: Operator) -> Answer:
        with narrate(f"Connect the provider {self.provider_id}"):
            return operator.client.post("/api/providers", {"provider_id": self.provider_id,
                                                           "api_token": self.api_token})


@dataclass
class RequestNode:
    provider_id: str
    name: str

    def perform_as(self, operator: Operator) -> Submission:
        with narrate(f"Request a provider-acquired node named {self.name}"):
            return Submission(operator.client.post("/api/nodes", {"provider_id": self.provider_id,
                                                                  "name": self.name}))


@dataclass
class CreateSite:
    name: str
    slug: str
    node_id: Optional[str] = None
    once: bool = False  # submit once, whatever the answer (no waiting out the enqueue guard)

    def perform_as(self, operator: Operator) -> Submission:
        with narrate(f"Create the site {self.slug}"):
            # the enqueue guard is per node: wait for the node to have no job in flight
            scope = None if self.once else {"node_id": self.node_id} if self.node_id else {}
            return _submit(operator, "/api/sites", {"name": self.name, "slug": self.slug}, busy_scope=scope,
                           budget=operator.settings.budgets.site)


@dataclass
class CreateEnvironment:
    site_id: str
    source_environment_id: str
    type: str
    name: str
    slug: str
    promotion_preset: str = "content-protect"

    def perform_as(self, operator: Operator) -> Submission:
        with narrate(f"Create a {self.type} environment {self.slug} from {self.source_environment_id}"):
            body = {"name": self.name, "slug": self.slug, "type": self.type,
                    "source_environment_id": self.source_environment_id,
                    "promotion_preset": self.promotion_preset}
            return _submit(operator, f"/api/sites/{self.site_id}/environments", body,
                           busy_scope={"site_id": self.site_id}, budget=operator.settings.budgets.clone)


@dataclass
class TakeBackup:
    environment_id: str
    site_id: Optional[str] = None
    scope: str = "full"

    def perform_as(self, operator: Operator) -> Submission:
        with narrate(f"Take a {self.scope} backup of {self.environment_id}"):
            return _submit(operator, f"/api/environments/{self.environment_id}/backups",
                           {"backup_scope": self.scope}, busy_scope=_site_scope(self.site_id),
                           budget=operator.settings.budgets.backup)


@dataclass
class RestoreEnvironment:
    environment_id: str
    backup_id: str
    site_id: Optional[str] = None

    def perform_as(self, operator: Operator) -> Submission:
        with narrate(f"Restore {self.environment_id} from the backup {self.backup_id}"):
            return _submit(operator, f"/api/environments/{self.environment_id}/restore",
                           {"backup_id": self.backup_id}, busy_scope=_site_scope(self.site_id),
                           budget=operator.settings.budgets.restore)


@dataclass
class CancelJob:
    job_id: str

    def perform_as(self, operator: Operator) -> Answer:
        with narrate(f"Cancel the job {self.job_id}"):
            return operator.client.post(f"/api/jobs/{self.job_id}/cancel")
