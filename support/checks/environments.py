"""The checks of environments: a new environment is an active copy of production on its node, an environment is
active again (or failed) with its site, no environment added by a refused creation; and the matchers of one."""
from __future__ import annotations

from typing import Iterable, Optional

from support.checks.matchers import RecordMatcher, VerdictMatcher, expect, fields_that_are, new_value, shown_in
from support.checks.sites import LiveSite, site_status
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheEnvironment, TheEnvironments, TheJob, by_id, by_slug
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


def environment_made_by(operator: Operator, job: dict, *, command: Optional[str] = None) -> dict:
    """The environment a creation job names (its own environment_id), as Pressluft shows it; a job that names none
    is a contract violation of `command` (default: the look at the job)."""
    if not job.get("environment_id"):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command or TheJob(job.get("id")).command,
                           "the environment creation job names no environment",
                           job_id=job.get("id"), job=job)
    return operator.asks_for(TheEnvironment(job["environment_id"], quiet=True))


class _Environment(RecordMatcher):
    noun = "an environment"
    kind = "environment"

    def __init__(self, status: str, type: Optional[str], source: Optional[str], node: Optional[str],
                 preview_other_than: Optional[Iterable[str]], site: Optional[str] = None, slug: Optional[str] = None):
        self.status, self.type, self.source, self.node = status, type, source, node
        self.preview_other_than = None if preview_other_than is None else set(preview_other_than)
        self.site, self.slug = site, slug

    def title(self, env: dict) -> str:
        return f"environment {env.get('slug')} ({env.get('id')})"

    def properties(self):
        found = fields_that_are(("slug", self.slug), ("site_id", self.site, "site"), ("status", self.status),
                                ("environment_type", self.type),
                                ("source_environment_id", self.source, "source environment"),
                                ("node_id", self.node, "node"))
        return found + new_value("preview_url", self.preview_other_than, "a preview address of its own",
                                 "its preview address is {}, another environment's")


def an_environment(status: str, *, type: Optional[str] = None, source: Optional[str] = None,
                   node: Optional[str] = None, preview_other_than: Optional[Iterable[str]] = None,
                   site: Optional[str] = None, slug: Optional[str] = None) -> VerdictMatcher:
    """`preview_other_than`: the preview addresses of the other environments (its source's among them)."""
    return _Environment(status, type, source, node, preview_other_than, site, slug)


def an_environment_that_is(status: str, on_node: Optional[str] = None, *, type: Optional[str] = None,
                           site: Optional[str] = None) -> VerdictMatcher:
    return _Environment(status, type, None, on_node, None, site)


def no_environment_added(operator: Operator, attempt: Request, site: LiveSite) -> None:
    """The site lists no environment it did not list before, none of the attempted slug; first the list shows
    the site's own production."""
    command = TheEnvironments(site.id).command
    environments = operator.asks_for(TheEnvironments(site.id))
    shown_in(environments, [{"id": site.production["id"], "site_id": site.id, "environment_type": "production"}],
              command=command, what="environments", claim="no environment was added to the site")
    before = {env["id"] for env in attempt.environments_before}
    extra = [env for env in environments if env["id"] not in before]
    if extra or by_slug(environments, attempt.slug):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           "an environment was added although its creation was refused: "
                           + ", ".join(f"{env.get('slug')} ({env.get('status')})" for env in extra))


def environment_is_active_copy(operator: Operator, request: Request, job: dict, site: LiveSite, type: str) -> dict:
    """The environment the creation job names bears the requested slug, belongs to the site and is listed
    among its environments, is active, of the requested type, copied from production, on production's node,
    with a preview address no other environment of the site has; and the site is active again."""
    environment = environment_made_by(operator, job)
    operator.ledger.record("environment", environment["id"], request.slug)
    listed = operator.asks_for(TheEnvironments(site.id))
    others = [env.get("preview_url") for env in listed if env.get("id") != environment["id"]]
    production = site.production
    copy = an_environment("active", type=type, source=production["id"], node=request.node_id,
                                   preview_other_than=[production.get("preview_url"), *others], site=site.id,
                                   slug=request.slug)
    expect(environment, copy, command=TheEnvironment(environment["id"]).command, job_id=job["id"])
    if by_id(listed, environment["id"]) is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheEnvironments(site.id).command,
                           f"the {type} {environment['id']} is not listed among the site's environments",
                           job_id=job["id"])
    site_status(operator, site.id, "active", job_id=job["id"])
    return environment


def environment_active_again(operator: Operator, request: Request, type: str) -> dict:
    """The environment the request acted on is active, of its type, of its site and on the node it was on
    before; and its site is active again."""
    environment = operator.asks_for(TheEnvironment(request.environment_id))
    expect(environment, an_environment_that_is("active", on_node=request.node_id, type=type,
                                                        site=request.site_id),
           command=TheEnvironment(request.environment_id).command, job_id=request.job_id)
    site_status(operator, request.site_id, "active", job_id=request.job_id)
    return environment


def environment_status(operator: Operator, environment_id: str, status: str, *, site_id: str,
                       type: Optional[str] = None, job_id: Optional[str] = None) -> dict:
    """The environment is in that status, of that site (and type), and so is its site."""
    environment = operator.asks_for(TheEnvironment(environment_id))
    expect(environment, an_environment_that_is(status, type=type, site=site_id),
           command=TheEnvironment(environment_id).command, job_id=job_id)
    site_status(operator, site_id, status, job_id=job_id)
    return environment
