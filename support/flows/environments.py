"""The operator's flows of environments: an environment creation from production, kept with what was listed just
before it, and an active clone or staging copy (created and checked)."""
from __future__ import annotations

from support.checks.environments import an_environment, environment_made_by
from support.checks.matchers import expect
from support.flows.submit import submit, wait_until_succeeded
from support.pressluft.sites import LiveSite
from support.screenplay.actions import CreateEnvironment, Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheEnvironment, TheEnvironments, TheJobs


def request_environment(operator: Operator, site: LiveSite, type: str) -> Request:
    slug = operator.ledger.slug(type)
    jobs = operator.asks_for(TheJobs(quiet=True))
    environments = operator.asks_for(TheEnvironments(site.id, quiet=True))
    request = submit(operator, CreateEnvironment(site.id, site.production["id"], type, f"Wave 5 {type} {slug}", slug),
                     busy_scope={"site_id": site.id, "node_id": site.production.get("node_id")})
    return request.with_evidence(jobs_before=jobs, environments_before=environments,
                                 node_id=site.production.get("node_id"))


def create_environment(operator: Operator, site: LiveSite, type: str) -> dict:
    """A clone or staging environment of production whose env_create succeeded: the environment its job
    names, bearing the requested slug, of that site, active, of that type, copied from production on its node."""
    request = request_environment(operator, site, type)
    job = wait_until_succeeded(operator, request)
    environment = environment_made_by(operator, job, command=request.command)
    operator.ledger.record("environment", environment["id"], request.slug)
    copy = an_environment("active", type=type, source=site.production["id"], node=request.node_id,
                                   site=site.id, slug=request.slug)
    return expect(environment, copy, command=TheEnvironment(environment['id']).command, job_id=job["id"])
