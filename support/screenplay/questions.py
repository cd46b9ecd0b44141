"""Questions the operator asks the API: each is a GET, says what it asks (`str(TheJob("j-1"))` is "the job j-1",
its `command` "GET /api/jobs/j-1"), and checks its answer against the contract schema (tolerant). Asked `quiet`, it
is no Allure step of its own (a wait's polls, the evidence a flow lists before a request); otherwise it is one
("Look at the job j-1", "List the jobs").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional

from support.http.client import Answer
from support.pressluft import schemas
from support.reporting.narration import narrate
from support.screenplay.actor import Operator
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


def _ok(answer: Answer, schema: str, many: bool) -> Any:
    if answer.status != 200:
        raise answer.verdict("200")
    body = answer.json
    if body is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, answer.command, "answered 200 without a JSON body")
    return schemas.check(schema, body, command=answer.command, many=many)


@dataclass(frozen=True)
class Question:
    """A GET of the API: `path`, the `schema` its answer fits (each item's, when it lists `many`)."""

    quiet: bool = field(default=False, kw_only=True)
    schema: ClassVar[str] = ""
    many: ClassVar[bool] = False

    @property
    def path(self) -> str:
        raise NotImplementedError

    @property
    def command(self) -> str:
        return f"GET {self.path}"

    @property
    def title(self) -> str:
        return f"{'List' if self.many else 'Look at'} {self}"

    def answered_by(self, operator: Operator) -> Any:
        if self.quiet:
            return _ok(operator.client.get(self.path), self.schema, self.many)
        with narrate(self.title):
            return _ok(operator.client.get(self.path), self.schema, self.many)


@dataclass(frozen=True)
class TheJob(Question):
    job_id: str
    schema: ClassVar[str] = "job"

    @property
    def path(self) -> str:
        return f"/api/jobs/{self.job_id}"

    def __str__(self) -> str:
        return f"the job {self.job_id}"


@dataclass(frozen=True)
class TheJobs(Question):
    schema: ClassVar[str] = "job"
    many: ClassVar[bool] = True
    path: ClassVar[str] = "/api/jobs"

    def __str__(self) -> str:
        return "the jobs"


@dataclass(frozen=True)
class TheNodes(Question):
    schema: ClassVar[str] = "node"
    many: ClassVar[bool] = True
    path: ClassVar[str] = "/api/nodes"

    def __str__(self) -> str:
        return "the nodes"


@dataclass(frozen=True)
class TheProviders(Question):
    schema: ClassVar[str] = "provider_connection"
    many: ClassVar[bool] = True
    path: ClassVar[str] = "/api/providers"

    def __str__(self) -> str:
        return "the provider connections"


@dataclass(frozen=True)
class TheSites(Question):
    schema: ClassVar[str] = "site"
    many: ClassVar[bool] = True
    path: ClassVar[str] = "/api/sites"

    def __str__(self) -> str:
        return "the sites"


@dataclass(frozen=True)
class TheSite(Question):
    site_id: str
    schema: ClassVar[str] = "site"

    @property
    def path(self) -> str:
        return f"/api/sites/{self.site_id}"

    def __str__(self) -> str:
        return f"the site {self.site_id}"


@dataclass(frozen=True)
class TheEnvironments(Question):
    site_id: str
    schema: ClassVar[str] = "environment"
    many: ClassVar[bool] = True

    @property
    def path(self) -> str:
        return f"/api/sites/{self.site_id}/environments"

    def __str__(self) -> str:
        return f"the environments of the site {self.site_id}"


@dataclass(frozen=True)
class TheEnvironment(Question):
    environment_id: str
    schema: ClassVar[str] = "environment"

    @property
    def path(self) -> str:
        return f"/api/environments/{self.environment_id}"

    def __str__(self) -> str:
        return f"the environment {self.environment_id}"


@dataclass(frozen=True)
class TheBackups(Question):
    environment_id: str
    schema: ClassVar[str] = "backup"
    many: ClassVar[bool] = True

    @property
    def path(self) -> str:
        return f"/api/environments/{self.environment_id}/backups"

    def __str__(self) -> str:
        return f"the backups of the environment {self.environment_id}"


# -- small derived answers -------------------------------------------------------------------------
def by_id(items: list, item_id: Optional[str]) -> Optional[dict]:
    """The record of a listing with that id (None: none, or no id to look for)."""
    return next((item for item in items if item_id is not None and item.get("id") == item_id), None)


def by_slug(items: list, slug: str) -> Optional[dict]:
    return next((item for item in items if item.get("slug") == slug), None)


def provider_nodes(nodes: list) -> list:
    return [node for node in nodes if node.get("is_local") is False]


def production_of(environments: list) -> Optional[dict]:
    return next((env for env in environments if env.get("environment_type") == "production"), None)


def jobs_touching(jobs: list, *, site_id: Optional[str] = None, environment_id: Optional[str] = None,
                  node_id: Optional[str] = None, job_type: Optional[str] = None) -> list:
    """The jobs of that type (any, without one) of the site, the environment or the node (of any, without one)."""
    scoped = site_id or environment_id or node_id
    return [job for job in jobs if (not job_type or job.get("job_type") == job_type) and (
        not scoped or site_id and job.get("site_id") == site_id
        or environment_id and job.get("environment_id") == environment_id or node_id and job.get("node_id") == node_id)]
