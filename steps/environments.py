"""Steps about clone and staging environments and their previews."""
from behave import then, when

from support.checks.environments import (
    environment_added_once,
    environment_has_own_preview,
    environment_is_copy,
    environment_made_by,
    environment_on_productions_node,
    others_as_they_were,
)
from support.checks.jobs import job_succeeded
from support.checks.previews import preview_reachable
from support.flows.environments import request_environment


@when("the operator creates a {type} environment from production")
def step_create_environment(context, type):
    context.state.environment_request = request_environment(context.run.operator, context.state.need("site"), type)


@then("the environment creation job succeeds")
def step_environment_job_succeeds(context):
    context.state.environment_job = job_succeeded(context.run.operator, context.state.need("environment_request"))


@then("the creation added exactly one environment to the site")
def step_one_environment_added(context):
    """The environment the creation job names, judged and kept for the claims after it ("it")."""
    need = context.state.need
    context.state.new_environment = environment_added_once(context.run.operator, need("environment_request"),
                                                           need("environment_job"), need("site"))


@then("it is an active {type} environment, copied from production")
def step_environment_is_copy(context, type):
    state = context.state
    environment = environment_is_copy(context.run.operator, state.need("new_environment"),
                                      state.need("environment_request"), state.need("site"), type)
    context.run.offer_clone(state.site, environment)


@then("it runs on the same node as production, a provider-acquired node")
def step_environment_on_productions_node(context):
    state = context.state
    environment_on_productions_node(context.run.operator, state.need("new_environment"),
                                    state.need("environment_request"), state.need("site"), context.run.ready_node())


@then("it has a preview address of its own")
def step_environment_has_own_preview(context):
    state = context.state
    environment_has_own_preview(context.run.operator, state.need("new_environment"), state.need("environment_request"),
                                state.need("site"))


@then("the site's other environments, production among them, are still active and unchanged: the same node, "
       "preview address, kind, name and source as before")
def step_others_as_they_were(context):
    others_as_they_were(context.run.operator, context.state.need("environment_request"), context.state.need("site"))


@then("the new environment's preview is reachable: it answers with a page or a redirect (200, 301 or 302), the "
      "redirect not followed")
def step_new_environment_preview(context):
    job = context.state.need("environment_job")
    environment = environment_made_by(context.run.operator, job)
    preview_reachable(context.run.operator, environment["preview_url"], job["id"])
