"""Steps about clone and staging environments and their previews."""
from behave import given, then, when

from support.checks.environments import environment_is_active_copy, environment_made_by, others_as_they_were
from support.checks.jobs import job_succeeded
from support.checks.previews import preview_answered, preview_reachable
from support.flows.environments import request_environment
from support.runtime.ports import unused_local_url
from support.screenplay.questions import ThePreview


@when("the operator creates a {type} environment from production")
def step_create_environment(context, type):
    context.state.environment_request = request_environment(context.run.operator, context.state.need("site"), type)


@then("the environment creation job succeeds")
def step_environment_job_succeeds(context):
    context.state.environment_job = job_succeeded(context.run.operator, context.state.need("environment_request"))


@then("the new environment is the one environment that creation added, an active {type} environment copied from "
      "the site's only production, on the same provider-acquired node")
def step_environment_is_active_copy(context, type):
    state = context.state
    environment = environment_is_active_copy(context.run.operator, state.need("environment_request"),
                                             state.need("environment_job"), state.need("site"), type,
                                             context.run.ready_node())
    context.run.offer_clone(state.site, environment)


@then("the site's other environments, production among them, are as they were before that creation")
def step_others_as_they_were(context):
    others_as_they_were(context.run.operator, context.state.need("environment_request"), context.state.need("site"))


@then("the preview of the new environment answers 200, 301 or 302")
def step_new_environment_preview(context):
    job = context.state.need("environment_job")
    environment = environment_made_by(context.run.operator, job)
    preview_reachable(context.run.operator, environment["preview_url"], job["id"])


@given("an active clone of production")
def step_active_clone(context):
    context.state.clone = context.run.active_clone(context.state.need("site"))


@given("the clone's preview answers {status:d}, redirecting to an address where nothing answers")
def step_clone_redirects(context, status):
    context.faults.preview(environment_id=context.state.need("clone")["id"], status=status,
                           location=unused_local_url() + "/wp-admin/")


@when("the clone's preview is checked for reachability, as the smoke checks it")
def step_check_clone_preview(context):
    """One look, as the smoke's preview check takes it (support/http/preview.py): the answer as it comes, a redirect
    not followed."""
    preview = ThePreview(context.state.need("clone")["preview_url"], quiet=True)  # its exchange: the attachment
    context.state.preview_answer = context.run.operator.asks_for(preview)


@then("its answer {status:d} counts as reachable, without the redirect being followed")
def step_preview_answered(context, status):
    preview_answered(context.state.need("preview_answer"), status)
