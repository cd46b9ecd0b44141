"""Actions the operator performs: each is one request (a POST), narrated as an Allure step, and returns the
operator's `Request`: what was asked and answered, and what it names.

Actions do not judge: `Request.accepted()` does, turning a refusal into a verdict. Nor do they retry: a create the
enqueue guard refuses (409 `conflict`, "conflicting … mutation": nothing was created) is submitted again, once its
scope has no job in flight, by the flows (support/flows/).
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
    the evidence a later check compares with (filled in by the flow that made it: `knowing`)."""

    answer: Answer
    resubmissions: list = field(default_factory=list)   # what the enqueue guard refused before, and why
    job_type: Optional[str] = None           # the job it queues when accepted
    slug: Optional[str] = None               # what it creates (a site, an environment, a node) is called so
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

    def knowing(self, **listed) -> "Request":
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
class _Post:
    """One POST of the operator: its `PATH` (filled in from its fields), `body`, the step's `title`, and what the
    request `names()`."""

    note: str = field(default="", kw_only=True)   # the journal's note: a re-submission says so

    PATH: ClassVar[str] = ""

    def body(self) -> Optional[dict]:
        return None

    def names(self) -> dict:
        return {}

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

    def again(self) -> "_Post":
        """The same request, submitted again after the enqueue guard refused it."""
        return replace(self, note=RESUBMITTED)

    def perform_as(self, operator: Operator) -> Request:
        with narrate(self.title + (" (submitted again)" if self.note else "")):
            return Request(operator.client.post(self.path, self.body(), note=self.note), **self.names())


# -- the actions -----------------------------------------------------------------------------------
@dataclass
class ConnectProvider(_Post):
    provider_id: str
    api_token: str
    PATH: ClassVar[str] = "/api/providers"

    @property
    def title(self) -> str:
        return f"Connect the provider {self.provider_id}"

    def body(self) -> dict:
        return {"provider_id": self.provider_id, "api_token": self.api_token}


@dataclass
class RequestNode(_Post):
    provider_id: str
    name: str
    PATH: ClassVar[str] = "/api/nodes"

    @property
    def title(self) -> str:
        return f"Request a provider-acquired node named {self.name}"

    def body(self) -> dict:
        return {"provider_id": self.provider_id, "name": self.name}

    def names(self) -> dict:
        return {"slug": self.name}


@dataclass
class CreateSite(_Post):
    name: str
    slug: str
    PATH: ClassVar[str] = "/api/sites"

    @property
    def title(self) -> str:
        return f"Create the site {self.slug}"

    def body(self) -> dict:
        return {"name": self.name, "slug": self.slug}

    def names(self) -> dict:
        return {"job_type": "site_create", "slug": self.slug}


@dataclass
class CreateEnvironment(_Post):
    site_id: str
    source_environment_id: str
    type: str
    name: str
    slug: str
    promotion_preset: str = "content-protect"
    PATH: ClassVar[str] = "/api/sites/{site_id}/environments"

    @property
    def title(self) -> str:
        return f"Create a {self.type} environment {self.slug} from {self.source_environment_id}"

    def body(self) -> dict:
        return {"name": self.name, "slug": self.slug, "type": self.type,
                "source_environment_id": self.source_environment_id, "promotion_preset": self.promotion_preset}

    def names(self) -> dict:
        return {"job_type": "env_create", "slug": self.slug, "type": self.type, "site_id": self.site_id}


@dataclass
class TakeBackup(_Post):
    environment_id: str
    scope: str = "full"
    PATH: ClassVar[str] = "/api/environments/{environment_id}/backups"

    @property
    def title(self) -> str:
        return f"Take a {self.scope} backup of {self.environment_id}"

    def body(self) -> dict:
        return {"backup_scope": self.scope}

    def names(self) -> dict:
        return {"job_type": "backup_create", "environment_id": self.environment_id}


@dataclass
class RestoreEnvironment(_Post):
    environment_id: str
    backup_id: str
    PATH: ClassVar[str] = "/api/environments/{environment_id}/restore"

    @property
    def title(self) -> str:
        return f"Restore {self.environment_id} from the backup {self.backup_id}"

    def body(self) -> dict:
        return {"backup_id": self.backup_id}

    def names(self) -> dict:
        return {"job_type": "env_restore", "environment_id": self.environment_id, "backup_id": self.backup_id}


@dataclass
class CancelJob(_Post):
    job_id: str
    PATH: ClassVar[str] = "/api/jobs/{job_id}/cancel"

    @property
    def title(self) -> str:
        return f"Cancel the job {self.job_id}"
