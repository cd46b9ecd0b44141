"""Steps about backups and restores of production."""
from behave import given, then, when

from support import checks
from support.flows import completed_full_backup, request_backup, request_restore, take_full_backup


@when("the operator takes a full backup of production")
def step_take_backup(context):
    state = context.state
    state.backup_request = request_backup(context.run.operator, state.need("site"), state.production)


@then("the backup job succeeds")
def step_backup_job_succeeds(context):
    job = checks.job_succeeded(context.run.operator, context.state.need("backup_request"),
                               context.run.settings.budgets.backup)
    context.run.ledger.record("backup", job["id"])


@then("the backup is listed as a completed full backup of production, with a sha256 checksum and a positive size")
def step_backup_listed(context):
    state = context.state
    state.backup = checks.backup_listed_complete(context.run.operator, state.need("backup_request"),
                                                 state.production["id"])
    context.run.remember_backup(state.production["id"], state.backup)


@given("a completed full backup of production")
def step_completed_backup(context):
    state = context.state
    state.backup = completed_full_backup(context.run.operator, state.need("site"), state.production)


@given("a full backup of production that completed {defect}")
def step_defective_backup(context, defect):
    state = context.state
    production_id = state.production["id"]
    fault = {"without a checksum": {"without_checksum": True}, "with a size of zero": {"size_bytes": 0}}[defect]
    context.faults.backups(environment_id=production_id, **fault)
    state.backup = take_full_backup(context.run.operator, state.need("site"), state.production)


@given("a completed full backup of another environment")
def step_foreign_backup(context):
    context.state.backup = context.run.backup_of_another_environment(context.state.need("site"))


@when("the operator restores production from that backup")
def step_restore(context):
    state = context.state
    state.restore_request = request_restore(context.run.operator, state.need("site"), state.production,
                                            state.need("backup"))


@when("the operator tries to restore production from that backup")
def step_try_restore(context):
    state = context.state
    state.attempt = request_restore(context.run.operator, state.need("site"), state.production, state.need("backup"),
                                    wait_for_guard=False)


@then("the restore job succeeds")
def step_restore_succeeds(context):
    context.state.restore_job = checks.job_succeeded(context.run.operator, context.state.need("restore_request"),
                                                     context.run.settings.budgets.restore)


@then("a full checkpoint of production taken by that restore is listed among its backups")
def step_checkpoint_listed(context):
    state = context.state
    checks.checkpoint_listed(context.run.operator, state.need("restore_request"), state.need("restore_job"))


@then("production is active again on the same node")
def step_production_active_again(context):
    request = context.state.need("restore_request")
    checks.environment_active_on(context.run.operator, request.environment_id, request.node_id,
                                 job_id=request.job_id)


@then("the preview of production answers 200, 301 or 302")
def step_production_preview(context):
    checks.preview_reachable(context.run.operator, context.state.production["preview_url"])


@given('production shows the content "{content}"')
def step_production_content(context, content):
    production = context.state.production
    context.faults.set_content(production["id"], content)
    checks.preview_shows(context.run.operator, production["preview_url"], content)


@given('production\'s content was changed to "{content}" after that backup')
def step_change_content(context, content):
    context.state.need("backup")
    step_production_content(context, content)


@then('the preview of production shows "{content}" again')
def step_preview_shows_again(context, content):
    checks.preview_shows(context.run.operator, context.state.production["preview_url"], content)


@then("the restore is refused as an invalid request")
def step_restore_refused(context):
    checks.refused(context.state.need("attempt"), code="bad_request", status=400)


@then("no restore was queued")
def step_no_restore_queued(context):
    state = context.state
    made = checks.site_job_record(state.need("site")) + checks.backup_job_record(state.need("backup"))
    checks.no_job_queued(context.run.operator, state.need("attempt").jobs_before, because="the restore was refused",
                         made=made, job_type="env_restore", environment_id=state.production["id"])


@then("production stays active")
def step_production_stays_active(context):
    checks.environment_status(context.run.operator, context.state.production["id"], "active")
