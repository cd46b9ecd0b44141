"""Questions the operator asks the API: each answer is checked against the contract schema (tolerant)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from support.actor import Operator
from support.http.client import Answer
from support.pressluft import schemas
from support.reporting.narration import narrate
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


def _ok(answer: Answer, schema: Optional[str], many: bool = False) -> Any:
    if answer.status != 200:
        raise answer.verdict("200")
    body = answer.json
    if body is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, answer.command, "answered 200 without a JSON body")
    return schemas.check(schema, body, command=answer.command, many=many) if schema else body


@dataclass
class _Get:
    path: str
    schema: Optional[str]
    many: bool = False
    title: str = ""
    quiet: bool = False

    def answered_by(self, operator: Operator) -> Any:
        if self.quiet or not self.title:
            return _ok(operator.client.get(self.path), self.schema, self.many)
        with narrate(self.title):
            return _ok(operator.client.get(self.path), self.schema, self.many)


def TheJob(job_id: str, quiet: bool = True) -> _Get:
    return _Get(f"/api/jobs/{job_id}", "job", title=f"Look at the job {job_id}", quiet=quiet)


def TheJobs(quiet: bool = False) -> _Get:
    return _Get("/api/jobs", "job", many=True, title="List the jobs", quiet=quiet)


def TheNodes(quiet: bool = False) -> _Get:
    return _Get("/api/nodes", "node", many=True, title="List the nodes", quiet=quiet)


def TheProviders(quiet: bool = False) -> _Get:
    return _Get("/api/providers", "provider_connection", many=True, title="List the provider connections",
                quiet=quiet)


def TheSites(quiet: bool = False) -> _Get:
    return _Get("/api/sites", "site", many=True, title="List the sites", quiet=quiet)


def TheSite(site_id: str, quiet: bool = False) -> _Get:
    return _Get(f"/api/sites/{site_id}", "site", title=f"Look at the site {site_id}", quiet=quiet)


def TheEnvironments(site_id: str, quiet: bool = False) -> _Get:
    return _Get(f"/api/sites/{site_id}/environments", "environment", many=True,
                title="List the site's environments", quiet=quiet)


def TheEnvironment(environment_id: str, quiet: bool = False) -> _Get:
    return _Get(f"/api/environments/{environment_id}", "environment",
                title=f"Look at the environment {environment_id}", quiet=quiet)


def TheBackups(environment_id: str, quiet: bool = False) -> _Get:
    return _Get(f"/api/environments/{environment_id}/backups", "backup", many=True,
                title="List the environment's backups", quiet=quiet)


# -- small derived answers -------------------------------------------------------------------------
def provider_connection(connections: list, provider_id: str) -> Optional[dict]:
    return next((item for item in connections if item.get("provider_id") == provider_id), None)


def node_by_id(nodes: list, node_id: str) -> Optional[dict]:
    return next((node for node in nodes if node.get("id") == node_id), None)


def provider_nodes(nodes: list) -> list:
    return [node for node in nodes if node.get("is_local") is False]


def by_id(items: list, item_id: Optional[str]) -> Optional[dict]:
    """The record of a listing with that id (None: none, or no id to look for)."""
    return next((item for item in items if item_id is not None and item.get("id") == item_id), None)


def by_slug(items: list, slug: str) -> Optional[dict]:
    return next((item for item in items if item.get("slug") == slug), None)


def production_of(environments: list) -> Optional[dict]:
    return next((env for env in environments if env.get("environment_type") == "production"), None)


def jobs_touching(jobs: list, *, site_id: Optional[str] = None, environment_id: Optional[str] = None,
                  node_id: Optional[str] = None, job_type: Optional[str] = None) -> list:
    found = []
    for job in jobs:
        if job_type and job.get("job_type") != job_type:
            continue
        if site_id and job.get("site_id") == site_id or environment_id and job.get("environment_id") == environment_id \
                or node_id and job.get("node_id") == node_id or not (site_id or environment_id or node_id):
            found.append(job)
    return found
