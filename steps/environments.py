"""Steps about clone and staging environments and their previews."""
from behave import given, then, when

from support.actions import CreateEnvironment
from support.diagnostics import Category, SuiteFailure
from support.flows import create_environment
from support.matchers import a_job_that_succeeded, an_environment_that_is, expect
from support.questions import TheEnvironment, TheEnvironments, TheJobs, by_slug
from support.waits import wait_for_job, wait_for_preview


def _env_command(environment):
    return f"GET /api/environments/{environment['id']}"


@when("the operator creates a {type} environment from production")
def step_create_environment(context, type):
    type = {"clone": "clone", "staging": "staging"}[type]
    operator = context.run.operator
    site = context.site
    context.env_slug = operator.ledger.slug(type)
    context.submission = operator.attempts_to(CreateEnvironment(
        site.id, site.production["id"], type, f"Wave 5 {type} {context.env_slug}", context.env_slug))
    context.job_id = context.submission.accepted()


@then("the environment creation job succeeds")
def step_env_job_succeeds(context):
    operator = context.run.operator
    context.job, history = wait_for_job(operator, context.job_id, command=context.submission.command)
    context.environment = by_slug(operator.asks_for(TheEnvironments(context.site.id)), context.env_slug)
    if context.environment:
        operator.ledger.record("environment", context.environment["id"], context.env_slug)
    expect(context.job, a_job_that_succeeded(), command=context.submission.command, job_id=context.job_id,
           poll=history)


@then("the new environment is active on the run's provider-acquired node")
def step_env_active_on_run_node(context):
    if context.environment is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/sites/{context.site.id}/environments",
                           f"the environment {context.env_slug} is not listed", job_id=context.job_id)
    environment = context.run.operator.asks_for(TheEnvironment(context.environment["id"]))
    expect(environment, an_environment_that_is("active", on_node=context.run.provider_node().node_id),
           command=_env_command(environment), job_id=context.job_id)


@then("the preview of the new environment is reachable")
def step_new_env_preview(context):
    wait_for_preview(context.run.operator, context.environment["preview_url"])


@given("a clone environment of production that is active")
def step_active_clone(context):
    context.clone = create_environment(context.run.operator, context.site, type="clone")
    environment = context.run.operator.asks_for(TheEnvironment(context.clone["id"]))
    expect(environment, an_environment_that_is("active"), command=_env_command(environment))


@given("the clone environment's preview answers with a {status:d} redirect")
def step_clone_redirects(context, status):
    context.faults.preview(environment_id=context.clone["id"], status=status,
                           location="http://pressluft.invalid/wp-admin/")


@then("the preview of the clone environment is reachable with answer {status:d}")
def step_clone_preview_answers(context, status):
    seen, _ = wait_for_preview(context.run.operator, context.clone["preview_url"])
    if seen != status:
        raise SuiteFailure(Category.PREVIEW_UNREACHABLE, f"GET {context.clone['preview_url']}",
                           f"preview answered {seen}, expected {status}")


@when("the operator tries to create a clone environment from production")
def step_try_create_clone(context):
    operator = context.run.operator
    site = context.site
    context.jobs_before = operator.asks_for(TheJobs())
    slug = operator.ledger.slug("clone")
    context.submission = operator.attempts_to(CreateEnvironment(site.id, site.production["id"], "clone",
                                                                f"Wave 5 clone {slug}", slug))


@then("the site still has only its production environment")
def step_only_production(context):
    environments = context.run.operator.asks_for(TheEnvironments(context.site.id))
    if [env["id"] for env in environments] != [context.site.production["id"]]:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/sites/{context.site.id}/environments",
                           "the site has environments besides production: "
                           + ", ".join(f"{env.get('slug')} ({env.get('status')})" for env in environments))

