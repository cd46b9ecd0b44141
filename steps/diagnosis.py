"""Steps that provoke a failure class on purpose and check the suite's own verdict and diagnosis."""
from behave import given, then, when

from support.cleanups import cancel_jobs_in_flight, quietly
from support.diagnostics import Category, SuiteFailure
from support.flows import Budgets, backup_restore_smoke, clone_preview_smoke
from support.matchers import a_failed_job_with_error, an_environment_that_is, expect
from support.questions import TheEnvironment, TheJobs, jobs_touching


class VerdictMismatch(AssertionError):
    """The suite's own diagnosis is not the expected one (the smoke failed for another reason, or passed)."""


def _failure(context) -> SuiteFailure:
    report = context.smoke
    if report.failure is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "run the smoke",
                           f"the {report.name} smoke passed although it was expected to fail")
    return report.failure


def _check(context, ok: bool, what: str):
    failure = _failure(context)
    if not ok:
        raise VerdictMismatch(f"expected the diagnosis to {what}, but it was: {failure.line}")


def _job_on_site(context, job_type):
    jobs = jobs_touching(context.run.operator.asks_for(TheJobs()), site_id=context.site.id, job_type=job_type)
    return jobs[-1] if jobs else None


# -- faults ----------------------------------------------------------------------------------------
@given('the next environment creation on the site will fail with "{code}" and the message "{message}"')
def step_env_create_fails(context, code, message):
    context.faults.jobs({"job_type": "env_create", "site_id": context.site.id}, "fail", error_code=code,
                        error_message=message)


@given('the next restore on the site will fail with "{code}" and the message "{message}"')
def step_restore_fails(context, code, message):
    context.faults.jobs({"job_type": "env_restore", "site_id": context.site.id}, "fail", error_code=code,
                        error_message=message)


@given("the next environment creation on the site will end cancelled")
def step_env_create_cancelled(context):
    context.faults.jobs({"job_type": "env_create", "site_id": context.site.id}, "cancel")


@given("the next environment creation on the site will hang")
def step_env_create_hangs(context):
    context.faults.jobs({"job_type": "env_create", "site_id": context.site.id}, "hang")
    context.add_cleanup(quietly("cancel the hung job", cancel_jobs_in_flight, context.run.operator,
                                site_id=context.site.id))


@given("the previews of the site will {misbehave}")
def step_previews_misbehave(context, misbehave):
    if misbehave == "answer 500":
        context.faults.preview(site_id=context.site.id, status=500)
    elif misbehave == "refuse connections":
        context.faults.preview(site_id=context.site.id, refuse=True)
    else:
        raise ValueError(f"unknown preview misbehaviour: {misbehave}")


# -- the smokes, in-process ------------------------------------------------------------------------
@when("the clone preview smoke runs")
def step_clone_smoke(context):
    context.smoke = clone_preview_smoke(context.run.operator, node_id=context.run.provider_node().node_id)


@when("the clone preview smoke runs for that site")
def step_clone_smoke_for_site(context):
    context.smoke = clone_preview_smoke(context.run.operator, site=context.site)


@when("the clone preview smoke runs for that site with a {budget} budget of {seconds:g} seconds")
def step_clone_smoke_with_budget(context, budget, seconds):
    budgets = {"preview": Budgets(preview=seconds), "job": Budgets(job=seconds)}[budget]
    context.smoke = clone_preview_smoke(context.run.operator, site=context.site, budgets=budgets)


@when("the backup and restore smoke runs for that site")
def step_backup_smoke_for_site(context):
    context.smoke = backup_restore_smoke(context.run.operator, site=context.site)


# -- the verdict -----------------------------------------------------------------------------------
@then('the smoke fails with the category "{category}"')
def step_smoke_category(context, category):
    _check(context, _failure(context).category.value == category, f"have the category {category}")


@then("the diagnosis names the site creation as the failed command")
def step_command_site_creation(context):
    _check(context, _failure(context).command == "POST /api/sites", "name POST /api/sites")


@then("the diagnosis names the environment creation as the failed command")
def step_command_env_creation(context):
    expected = f"POST /api/sites/{context.site.id}/environments"
    _check(context, _failure(context).command == expected, f"name {expected}")


@then("the diagnosis names the restore as the failed command")
def step_command_restore(context):
    expected = f"POST /api/environments/{context.site.production['id']}/restore"
    _check(context, _failure(context).command == expected, f"name {expected}")


@then("the diagnosis names no job")
def step_no_job(context):
    _check(context, _failure(context).job_id is None, "name no job")


@then("the diagnosis names the {which} job")
def step_names_job(context, which):
    job_type = {"environment creation": "env_create", "restore": "env_restore"}[which]
    job = _job_on_site(context, job_type)
    _check(context, job is not None and _failure(context).job_id == job["id"],
           f"name the {job_type} job {job['id'] if job else '(none listed)'}")


@then('the diagnosis gives the reason "{reason}"')
def step_reason(context, reason):
    _check(context, _failure(context).reason == reason, f"give the reason '{reason}'")


@then('the diagnosis gives the reasons "{reasons}"')
def step_reasons(context, reasons):
    codes = [code.strip() for code in reasons.split(",")]
    _check(context, all(code in _failure(context).reason for code in codes), f"give the reasons {reasons}")


@then("the diagnosis names the clone's preview address")
def step_names_preview(context):
    environment = context.smoke.environment
    expected = f"GET {environment['preview_url']}" if environment else "GET <the clone's preview address>"
    _check(context, _failure(context).command == expected, f"name {expected}")


@then('the diagnosis gives the last answer as "{answer}"')
def step_last_answer(context, answer):
    failure = _failure(context)
    _check(context, failure.last_answer == answer and answer in failure.reason, f"give the last answer {answer}")


@then("the diagnosis says the job was still running after its budget")
def step_still_running(context):
    failure = _failure(context)
    budget = getattr(failure, "budget", None)
    _check(context, failure.reason.startswith(f"still running after {int(budget or 0)} s"),
           f"say the job was still running after {budget} s")


@then("the environment creation job ended failed within its allowed attempts")
def step_env_job_failed_within_attempts(context):
    job = context.smoke.jobs.get("environment creation") or _job_on_site(context, "env_create")
    failure = _failure(context)
    expect(job, a_failed_job_with_error(job.get("error_code") if job else ""), command=failure.command,
           job_id=job.get("id") if job else None)


@then("the new environment is marked failed, not active")
def step_new_env_failed(context):
    environment = context.smoke.environment
    if environment is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/sites/{context.site.id}/environments",
                           "the new environment is not listed")
    current = context.run.operator.asks_for(TheEnvironment(environment["id"]))
    expect(current, an_environment_that_is("failed"), command=f"GET /api/environments/{environment['id']}")


@then("production is marked failed, not active")
def step_production_failed(context):
    current = context.run.operator.asks_for(TheEnvironment(context.site.production["id"]))
    expect(current, an_environment_that_is("failed"), command=f"GET /api/environments/{current['id']}")
