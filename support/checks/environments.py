"""The checks of environments: a new environment is the one its creation added, an active copy of production, on
production's node, with a preview address of its own; the site keeps one production; an environment is active again
(or failed) with its site; and the matchers of one. (No environment added by a refused creation:
support/checks/nothing_left.py.)"""
from __future__ import annotations

from typing import Iterable, Optional

from support.checks.matchers import RecordMatcher, expect, fields_that_are, new_value
from support.checks.placement import on_provider_acquired_node
from support.checks.sites import one_site_with_one_production, site_status, slug_and_id
from support.pressluft.listings import by_id
from support.pressluft.sites import LiveSite
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheEnvironment, TheEnvironments, TheJob
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


def an_environment(status: Optional[str], *, type: Optional[str] = None, source: Optional[str] = None,
                   node: Optional[str] = None, preview_other_than: Optional[Iterable[str]] = None,
                   site: Optional[str] = None, slug: Optional[str] = None) -> RecordMatcher:
    """An environment in that status, and of what else is given (None: the scenario does not say); `preview_other_than`:
    the preview addresses of the other environments (its source's among them)."""
    found = fields_that_are(("slug", slug), ("site_id", site, "site"), ("status", status),
                            ("environment_type", type), ("source_environment_id", source, "source environment"),
                            ("node_id", node, "node"))
    return RecordMatcher("an environment", found + new_value(
        "preview_url", preview_other_than, "a preview address of its own", "its preview address is {}, another "
        "environment's"), kind="environment", title=lambda env: f"environment {slug_and_id(env)}")


def environment_added_once(operator: Operator, request: Request, job: dict, site: LiveSite) -> dict:
    """The environment the creation job names bears the requested slug and belongs to the site, and it is the one
    environment the creation added to the site: the only one listed that was not listed before it, its slug listed
    once. Its record holds the rules of every environment."""
    environment = environment_made_by(operator, job)
    operator.ledger.record("environment", environment["id"], request.slug)
    listed = operator.asks_for(TheEnvironments(site.id))
    _the_one_added(listed, request, environment, site.id, job["id"])
    return expect(environment, an_environment(None, site=site.id, slug=request.slug),
                  command=TheEnvironment(environment["id"]).command, job_id=job["id"])


def _looked_again(operator: Operator, environment: dict, matcher: RecordMatcher, job_id: Optional[str]) -> dict:
    """The environment as Pressluft shows it now, judged by the matcher."""
    command = TheEnvironment(environment["id"]).command
    return expect(operator.asks_for(TheEnvironment(environment["id"])), matcher, command=command, job_id=job_id)


def environment_is_copy(operator: Operator, environment: dict, request: Request, site: LiveSite, type: str) -> dict:
    """The new environment is active, of the requested type, copied from the site's production."""
    return _looked_again(operator, environment, an_environment("active", type=type, source=site.production["id"]),
                         request.job_id)


def environment_on_productions_node(operator: Operator, environment: dict, request: Request, site: LiveSite,
                                    run_node: dict) -> dict:
    """The new environment is on production's node (the node production was on when the copy was asked for), a
    provider-acquired one that the site's creation job names."""
    on_provider_acquired_node(operator, request.node_id, run_node, what=f"production of the site "
                              f"{site.site.get('slug')}", placed_by=site.job, job_id=request.job_id)
    return _looked_again(operator, environment, an_environment(None, node=request.node_id), request.job_id)


def environment_has_own_preview(operator: Operator, environment: dict, request: Request, site: LiveSite) -> dict:
    """The new environment's preview address is one no other environment of the site has (production's among them)."""
    others = [env.get("preview_url") for env in operator.asks_for(TheEnvironments(site.id))
              if env.get("id") != environment["id"]]
    return _looked_again(operator, environment, an_environment(
        None, preview_other_than=[site.production.get("preview_url"), *others]), request.job_id)


def site_has_one_production(operator: Operator, site: LiveSite) -> None:
    """The site's only production: its creation recorded one site with one production, and it lists no other."""
    one_site_with_one_production(site, operator.asks_for(TheEnvironments(site.id)))


def _the_one_added(listed: list, request: Request, environment: dict, site_id: str, job_id: str) -> None:
    """The site's environments listed now hold one that was not listed before the creation, the one its job names,
    and its slug once."""
    before = {env.get("id") for env in request.environments_before}
    added = [env for env in listed if env.get("id") not in before]
    same_slug = [env for env in listed if env.get("slug") == request.slug]
    if [env.get("id") for env in added] != [environment["id"]] or len(same_slug) != 1:
        shown = ", ".join(f"{env.get('slug')} ({env.get('id')})" for env in added) or "none"
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheEnvironments(site_id).command,
                           f"the creation of {request.slug} added {len(added)} environments to the site ({shown}) "
                           f"and the site lists {len(same_slug)} of its slug, not the environment {environment['id']} "
                           "alone",
                           job_id=job_id)


STABLE = ("site_id", "slug", "environment_type", "status", "node_id", "source_environment_id", "preview_url")


def others_as_they_were(operator: Operator, request: Request, site: LiveSite) -> None:
    """Every environment the site listed before the creation (production among them) is still listed as it was, and
    active: the same status, node, preview address, type, slug and source. First the list before shows production."""
    command = TheEnvironments(site.id).command
    before = request.environments_before
    if by_id(before, site.production["id"]) is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"the environments listed before the creation do not show production "
                           f"{site.production['id']}, so they cannot show that it was left as it was",
                           job_id=request.job_id)
    listed = operator.asks_for(TheEnvironments(site.id))
    changed = []
    for was in before:
        now = by_id(listed, was.get("id"))
        differences = ["it is no longer listed"] if now is None else [
            f"{key} {was.get(key)!r} is now {now.get(key)!r}" for key in STABLE if now.get(key) != was.get(key)]
        if now is not None and now.get("status") != "active" and now.get("status") == was.get("status"):
            differences.append(f"it is {now.get('status')}, not active")
        if differences:
            changed.append(f"{was.get('slug')} ({was.get('id')}): " + ", ".join(differences))
    if changed:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command, f"the creation of {request.slug} changed other "
                           "environments of the site: " + "; ".join(changed), job_id=request.job_id)


def environment_active_again(operator: Operator, request: Request, type: str, site: LiveSite, run_node: dict) -> dict:
    """The environment the request acted on is active, of its type and site, on the node it was on before, a
    provider-acquired one that the site's creation job names."""
    environment = operator.asks_for(TheEnvironment(request.environment_id))
    expect(environment, an_environment("active", node=request.node_id, type=type, site=request.site_id),
           command=TheEnvironment(request.environment_id).command, job_id=request.job_id)
    on_provider_acquired_node(operator, request.node_id, run_node, what=f"{type} of the site {site.site.get('slug')}",
                              placed_by=site.job, job_id=request.job_id)
    return environment


def environment_status(operator: Operator, environment_id: str, status: str, *, site_id: str,
                       type: Optional[str] = None, job_id: Optional[str] = None) -> dict:
    """The environment is in that status, of that site (and type), and so is its site."""
    environment = operator.asks_for(TheEnvironment(environment_id))
    expect(environment, an_environment(status, type=type, site=site_id),
           command=TheEnvironment(environment_id).command, job_id=job_id)
    site_status(operator, site_id, status, job_id=job_id)
    return environment
