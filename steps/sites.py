"""Steps about sites and the readiness preflight."""
from behave import given, then, when

from support.actions import CreateSite
from support.flows import create_live_site
from support.matchers import an_environment_that_is, an_error_envelope_with_code, expect
from support.questions import TheEnvironment, TheJobs, TheSites
from support.verifications import no_job_was_queued, no_site_was_recorded


def codes_in(text):
    return [code.strip() for code in text.split(",") if code.strip()]


@given("a new site whose production environment is live")
def step_live_site(context):
    operator = context.run.operator
    context.site = create_live_site(operator, node_id=context.node["id"] if getattr(context, "node", None) else None)
    production = operator.asks_for(TheEnvironment(context.site.production["id"]))
    expect(production, an_environment_that_is("active"), command=f"GET /api/environments/{production['id']}",
           job_id=context.site.job.get("id"))


@given('every provider node reports not ready because of "{reasons}"')
def step_every_node_not_ready(context, reasons):
    context.faults.node_readiness(codes_in(reasons), node_id=None)


@when("the operator tries to create a site")
def step_try_create_site(context):
    operator = context.run.operator
    context.jobs_before = operator.asks_for(TheJobs())
    context.sites_before = operator.asks_for(TheSites())
    context.attempted_slug = operator.ledger.slug("site")
    context.submission = operator.attempts_to(CreateSite(f"Wave 5 {context.attempted_slug}", context.attempted_slug))


@then('the creation is refused as blocked by node readiness, naming "{reasons}"')
def step_refused_by_readiness(context, reasons):
    submission = context.submission
    expect(submission.answer, an_error_envelope_with_code("node_not_ready", status=409, naming=codes_in(reasons)),
           command=submission.command, job_id=submission.job_id)


@then("no job was queued")
def step_no_job_queued(context):
    no_job_was_queued(context.run.operator, context.jobs_before, because="the creation was refused")


@then("no site was recorded")
def step_no_site_recorded(context):
    no_site_was_recorded(context.run.operator, context.sites_before, context.attempted_slug)
