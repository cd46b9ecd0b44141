"""Steps about sites and the readiness preflight."""
from behave import given, then, when

from support.actions import CreateSite
from support.diagnostics import Category, SuiteFailure
from support.flows import create_live_site
from support.matchers import an_environment_that_is, an_error_envelope_with_code, expect
from support.questions import TheEnvironment, TheJobs, TheSites, by_slug


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
    jobs = context.run.operator.asks_for(TheJobs())
    before = {job["id"] for job in context.jobs_before}
    new = [job for job in jobs if job["id"] not in before]
    if new or len(jobs) != len(before):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs",
                           f"{len(jobs) - len(before)} jobs were queued although the creation was refused: "
                           + ", ".join(f"{job.get('job_type')} {job['id']}" for job in new),
                           job_id=new[0]["id"] if new else None)


@then("no site was recorded")
def step_no_site_recorded(context):
    sites = context.run.operator.asks_for(TheSites())
    before = {site["id"] for site in context.sites_before}
    extra = [site for site in sites if site["id"] not in before]
    if extra or by_slug(sites, context.attempted_slug):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/sites",
                           f"a site was recorded although its creation was refused: "
                           f"{', '.join(site.get('slug', site['id']) for site in extra)}")
