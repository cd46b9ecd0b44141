"""The operator's flows of sites: a site creation, kept with the jobs and sites listed just before it (the evidence a
later check compares with), and a live site (a Given step's longer flow: created, checked, its production answering).
"""
from __future__ import annotations

from typing import Optional

from support.checks.environments import an_environment
from support.checks.jobs import a_job_of_the_request
from support.checks.matchers import expect
from support.checks.sites import a_site_that_is
from support.flows.submit import submit, wait_until_succeeded
from support.pressluft.listings import by_id
from support.pressluft.sites import LiveSite, SiteCreation
from support.screenplay.actions import CreateSite, Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheEnvironment, TheEnvironments, TheJob, TheJobs, TheSite, TheSites
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.waiting.previews import wait_for_preview


def request_site(operator: Operator, *, label: str = "site", node_id: Optional[str] = None,
                 once: bool = False) -> Request:
    """`once`: one POST, never re-submitted after an enqueue-guard conflict."""
    slug = operator.ledger.slug(label)
    jobs, sites = operator.asks_for(TheJobs(quiet=True)), operator.asks_for(TheSites(quiet=True))
    # the enqueue guard is per node: wait for the node to have no job in flight
    scope = None if once else {"node_id": node_id} if node_id else {}
    request = submit(operator, CreateSite(f"Wave 5 {slug}", slug), busy_scope=scope)
    return request.with_evidence(jobs_before=jobs, sites_before=sites)


def create_live_site(operator: Operator, *, label: str = "site", node_id: Optional[str] = None) -> LiveSite:
    """A new site whose site_create succeeded, whose production environment is active and answers: the site
    and the production its job names (the site bearing the requested slug, active; its production environment
    of that site, listed among its environments). It keeps what its creation recorded (the sites and the site's
    environments listed right after its job, beside the sites listed before it), and leaves where production landed
    to the Then steps that claim it (support/checks/placement.py): a Given sets up, a Then judges."""
    request = request_site(operator, label=label, node_id=node_id)
    job = wait_until_succeeded(operator, request)
    expect(job, a_job_of_the_request("site_create"), command=request.command, job_id=job["id"])
    site_command = TheSite(job.get('site_id')).command
    if not job.get("site_id") or not job.get("environment_id"):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJob(job['id']).command,
                           f"the site creation job names the site {job.get('site_id')!r} and the environment "
                           f"{job.get('environment_id')!r}", job_id=job["id"], job=job)
    site = operator.asks_for(TheSite(job["site_id"], quiet=True))
    expect(site, a_site_that_is("active", slug=request.slug), command=site_command, job_id=job["id"])
    operator.ledger.record("site", site["id"], request.slug)
    production = operator.asks_for(TheEnvironment(job["environment_id"], quiet=True))
    expect(production, an_environment("active", type="production", site=site["id"]),
           command=TheEnvironment(job['environment_id']).command, job_id=job["id"])
    environments = operator.asks_for(TheEnvironments(site["id"], quiet=True))
    if by_id(environments, production["id"]) is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheEnvironments(site['id']).command,
                           f"the production environment {production['id']} of the site creation job is not listed "
                           "among the site's environments", job_id=job["id"])
    creation = SiteCreation(request.slug, request.name, request.sites_before, operator.asks_for(TheSites(quiet=True)),
                            environments)
    live = LiveSite(site, production, job, creation)
    ensure_live(operator, live)
    return live


def ensure_live(operator: Operator, site: LiveSite) -> None:
    """Live: production is active and its preview answers 200, 301 or 302."""
    production = operator.asks_for(TheEnvironment(site.production["id"], quiet=True))
    if production.get("status") != "active":
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheEnvironment(production['id']).command,
                           f"production of the site {site.site.get('slug')} is {production.get('status')}, not active",
                           job_id=(site.job or {}).get("id"))
    wait_for_preview(operator, production["preview_url"])
