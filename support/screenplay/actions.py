"""Actions the operator performs: each is one request (a POST), narrated as an Allure step, and returns the
operator's `Request`: what was asked and answered, and what it names.

Actions do not judge: `Request.accepted()` does, turning a refusal into a verdict. Nor do they retry: a create the
enqueue guard refuses (409 `conflict`, "conflicting … mutation") is looked at for a record it left, and submitted
again once its scope has no job in flight when it left none, by the flows (support/flows/submit.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar, Optional

from support.http.client import Answer
from support.pressluft import schemas
from support.reporting.narration import narrate
from support.screenplay.actor import Operator
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

RESUBMITTED = "re-submit after 409 conflict"  # the journal's note on a re-submitted request


@dataclass
class Request:
    """A request the operator made and its answer; what it names (the job it queues when accepted, the site,
    environment, backup and node it is about, the slug of what it creates), and what was listed just before it:
    the evidence a later check compares with (filled in by the flow that made it: `with_evidence`)."""

    answer: Answer
    resubmissions: list = field(default_factory=list)   # what the enqueue guard refused before, and why
    job_type: Optional[str] = None           # the job it queues when accepted
    slug: Optional[str] = None               # what it creates (a site, an environment, a node) is called so
    name: Optional[str] = None               # and named so (a site, an environment)
    type: Optional[str] = None               # an environment's type
    site_id: Optional[str] = None
    environment_id: Optional[str] = None     # the environment it acts on (backup, restore)
    backup_id: Optional[str] = None          # the backup it restores
    node_id: Optional[str] = None            # the node the environment is (or was, before a restore) on
    content_before: Optional[str] = None     # what the environment showed just before (a restore), when known
    jobs_before: list = field(default_factory=list)
    sites_before: list = field(default_factory=list)
    environments_before: list = field(default_factory=list)
    backups_before: list = field(default_factory=list)
    nodes_before: set = field(default_factory=set)

    @property
    def command(self) -> str:
        return self.answer.command

    @property
    def job_id(self) -> Optional[str]:
        body = self.answer.json
        return body.get("job_id") if self.answer.status == 202 and isinstance(body, dict) else None

    def with_evidence(self, **listed) -> "Request":
        """This request with what the flow that made it knows besides: what was listed just before it, the node."""
        return replace(self, **listed)

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


@dataclass
class Post:
    """One POST of the operator. An action declares its path and its step's title (both filled in from its fields),
    the job it queues when accepted, the fields its body sends and those its Request names."""

    note: str = field(default="", kw_only=True)   # the journal's note: a re-submission says so

    PATH: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    JOB_TYPE: ClassVar[Optional[str]] = None
    BODY: ClassVar[tuple] = ()
    NAMES: ClassVar[tuple] = ()

    def __init_subclass__(cls, *, path: str, title: str, job_type: Optional[str] = None, body: tuple = (),
                          names: tuple = (), **kwargs):
        super().__init_subclass__(**kwargs)
        cls.PATH, cls.TITLE, cls.JOB_TYPE, cls.BODY, cls.NAMES = path, title, job_type, body, names

    @property
    def path(self) -> str:
        return self.PATH.format(**vars(self))

    @property
    def command(self) -> str:
        return f"POST {self.path}"

    @classmethod
    def command_for(cls, **fields) -> str:
        """The command of such a request, from the fields its path names: `CreateEnvironment.command_for(site_id=…)`."""
        return f"POST {cls.PATH.format(**fields)}"

    def names(self) -> dict:
        named = {name: getattr(self, name) for name in self.NAMES}
        return {"job_type": self.JOB_TYPE, **named} if self.JOB_TYPE else named

    def again(self) -> "Post":
        """The same request, submitted again after the enqueue guard refused it."""
        return replace(self, note=RESUBMITTED)

    def perform_as(self, operator: Operator) -> Request:
        title = self.TITLE.format(**vars(self)) + (" (submitted again)" if self.note else "")
        body = {name: getattr(self, name) for name in self.BODY} if self.BODY else None
        with narrate(title):
            return Request(operator.client.post(self.path, body, note=self.note), **self.names())


# -- the actions -----------------------------------------------------------------------------------
@dataclass
class ConnectProvider(Post, path="/api/providers", title="Connect the provider {provider_id}",
                      body=("provider_id", "api_token")):
    provider_id: str
    api_token: str


@dataclass
class RequestNode(Post, path="/api/nodes", title="Request a provider-acquired node named {name}",
                  job_type="node_provision", body=("provider_id", "name")):
    provider_id: str
    name: str

    def names(self) -> dict:
        return {"job_type": self.JOB_TYPE, "slug": self.name}  # what it creates is called so


@dataclass
class CreateSite(Post, path="/api/sites", title="Create the site {slug}", job_type="site_create",
                 body=("name", "slug"), names=("slug", "name")):
    name: str
    slug: str


@dataclass
class CreateEnvironment(Post, path="/api/sites/{site_id}/environments",
                        title="Create a {type} environment {slug} from {source_environment_id}", job_type="env_create",
                        body=("name", "slug", "type", "source_environment_id", "promotion_preset"),
                        names=("slug", "name", "type", "site_id")):
    site_id: str
    source_environment_id: str
    type: str
    name: str
    slug: str
    promotion_preset: str = "content-protect"


@dataclass
class TakeBackup(Post, path="/api/environments/{environment_id}/backups",
                 title="Take a {backup_scope} backup of {environment_id}", job_type="backup_create",
                 body=("backup_scope",), names=("environment_id",)):
    environment_id: str
    backup_scope: str = "full"


@dataclass
class RestoreEnvironment(Post, path="/api/environments/{environment_id}/restore",
                         title="Restore {environment_id} from the backup {backup_id}", job_type="env_restore",
                         body=("backup_id",), names=("environment_id", "backup_id")):
    environment_id: str
    backup_id: str


@dataclass
class CancelJob(Post, path="/api/jobs/{job_id}/cancel", title="Cancel the job {job_id}"):
    job_id: str
