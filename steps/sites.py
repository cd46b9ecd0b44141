"""Steps about sites and the readiness preflight."""
from behave import given, then, when

from support import checks
from support.flows import create_live_site, request_environment, request_site


def reason_codes(text: str) -> list[str]:
    """`sudo_unavailable, runtime_missing` as the feature text writes them."""
    return [code.strip() for code in text.split(",") if code.strip()]


@given("a site whose production environment is live")
def step_shared_live_site(context):
    """The run's live site, shared by the scenarios that only add to it."""
    context.state.site = context.run.shared_site()


@given("a new site whose production environment is live")
def step_new_live_site(context):
    """A site of this scenario's own, for a scenario that changes production."""
    context.state.site = create_live_site(context.run.operator, node_id=context.run.ready_node()["id"])


@given("every provider node reports not ready because of {reasons}")
def step_every_node_not_ready(context, reasons):
    context.faults.node_readiness(reason_codes(reasons), node_id=None)


@when("the operator tries to create a site")
def step_try_create_site(context):
    context.state.attempt = request_site(context.run.operator)


@when("the operator tries to create a clone of production")
def step_try_create_clone(context):
    context.state.attempt = request_environment(context.run.operator, context.state.need("site"), "clone")


@then("the creation is refused as blocked by node readiness, naming {reasons}")
def step_refused_by_readiness(context, reasons):
    checks.refused_by_readiness(context.state.need("attempt"), reason_codes(reasons))


@then("no job was queued")
def step_no_job_queued(context):
    operator = context.run.operator
    made = checks.run_node_job_record(operator, context.run.provider_node()) \
        + checks.site_job_record(context.state.need("site"))
    checks.no_job_queued(operator, context.state.need("attempt").jobs_before, because="the creation was refused",
                         made=made)


@then("no site was recorded")
def step_no_site_recorded(context):
    checks.no_site_recorded(context.run.operator, context.state.need("attempt"), context.state.need("site"))


@then("no environment was added to the site")
def step_no_environment_added(context):
    checks.no_environment_added(context.run.operator, context.state.need("attempt"), context.state.need("site"))
