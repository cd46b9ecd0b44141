"""Steps about backups and restores of production."""
from behave import given, then, when

from support.actions import RestoreEnvironment, TakeBackup
from support.diagnostics import Category, SuiteFailure
from support.flows import backup_made_by, completed_full_backup, pre_restore_checkpoints, take_full_backup
from support.matchers import (a_completed_backup_with_integrity_data, a_job_that_succeeded, an_environment_that_is,
                              an_error_envelope_with_code, expect)
from support.questions import TheBackups, TheEnvironment, TheJobs
from support.verifications import no_job_was_queued
from support.waits import wait_for_job, wait_for_preview


def _production(context):
    return context.site.production


def _backups_command(environment):
    return f"GET /api/environments/{environment['id']}/backups"


@when("the operator takes a full backup of production")
def step_take_backup(context):
    operator = context.run.operator
    context.submission = operator.attempts_to(TakeBackup(_production(context)["id"], site_id=context.site.id))
    context.job_id = context.submission.accepted()


@then("the backup job succeeds")
def step_backup_job_succeeds(context):
    context.job, history = wait_for_job(context.run.operator, context.job_id, command=context.submission.command)
    expect(context.job, a_job_that_succeeded(), command=context.submission.command, job_id=context.job_id,
           poll=history)
    context.backup_job_id = context.job_id
    context.run.ledger.record("backup", context.job_id)


@then("the backup is listed as completed with a sha256 checksum and a positive size")
def step_backup_listed(context):
    context.backup = backup_made_by(context.run.operator, _production(context), context.backup_job_id)
    expect(context.backup, a_completed_backup_with_integrity_data(),
           command=_backups_command(_production(context)), job_id=context.backup_job_id)


@when("the operator restores production from that backup")
def step_restore(context):
    operator = context.run.operator
    backup = getattr(context, "backup", None) or completed_full_backup(operator, _production(context),
                                                                       job_id=context.backup_job_id)
    context.backup = backup
    context.submission = operator.attempts_to(RestoreEnvironment(_production(context)["id"], backup["id"],
                                                                 site_id=context.site.id))
    context.job_id = context.submission.accepted()


@then("the restore job succeeds")
def step_restore_succeeds(context):
    context.restore_job, history = wait_for_job(context.run.operator, context.job_id,
                                                command=context.submission.command)
    expect(context.restore_job, a_job_that_succeeded(), command=context.submission.command, job_id=context.job_id,
           poll=history)


@then("a full pre-restore checkpoint of production is listed among its backups")
def step_checkpoint_listed(context):
    production = _production(context)
    backups = context.run.operator.asks_for(TheBackups(production["id"]))
    checkpoints = pre_restore_checkpoints(backups, context.restore_job, context.backup)
    if not checkpoints:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, _backups_command(production),
                           f"no completed full backup made by the restore is listed among {len(backups)} backups",
                           job_id=context.job_id)


@then("production is active again on the run's provider-acquired node")
def step_production_active_on_node(context):
    production = context.run.operator.asks_for(TheEnvironment(_production(context)["id"]))
    expect(production, an_environment_that_is("active", on_node=context.run.provider_node().node_id),
           command=f"GET /api/environments/{production['id']}", job_id=context.job_id)


@then("the preview of production is reachable")
def step_production_preview(context):
    wait_for_preview(context.run.operator, _production(context)["preview_url"])


def _preview_shows(context, text):
    url = _production(context)["preview_url"]
    status, last, body = context.run.operator.preview.get(url)
    if status != 200 or text not in body:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET {url}",
                           f"preview answered {last} without the content '{text}'")


@given('production shows the content "{content}"')
def step_production_content(context, content):
    context.faults.set_content(_production(context)["id"], content)
    _preview_shows(context, content)


@given('production\'s content is then changed to "{content}"')
def step_change_content(context, content):
    context.faults.set_content(_production(context)["id"], content)
    _preview_shows(context, content)


@then('the preview of production shows "{content}" again')
def step_preview_shows_again(context, content):
    wait_for_preview(context.run.operator, _production(context)["preview_url"])
    _preview_shows(context, content)


@given("the next backup of production will complete {defect}")
def step_defective_backup(context, defect):
    production_id = _production(context)["id"]
    if defect == "without a checksum":
        context.faults.backups(environment_id=production_id, without_checksum=True)
    elif defect == "with a size of zero":
        context.faults.backups(environment_id=production_id, size_bytes=0)
    else:
        raise ValueError(f"unknown backup defect: {defect}")


@when("the operator tries to restore production from that backup")
def step_try_restore(context):
    backup = backup_made_by(context.run.operator, _production(context), context.backup_job_id)
    _try_restore(context, backup)


@given("a completed full backup of the clone environment")
def step_clone_backup(context):
    operator = context.run.operator
    job = take_full_backup(operator, context.site, context.clone)
    context.clone_backup = completed_full_backup(operator, context.clone, job_id=job.get("id"))


@when("the operator tries to restore production from the clone environment's backup")
def step_try_restore_foreign(context):
    _try_restore(context, context.clone_backup)


def _try_restore(context, backup):
    operator = context.run.operator
    if backup is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, _backups_command(_production(context)),
                           "the backup to restore is not listed", job_id=getattr(context, "backup_job_id", None))
    context.jobs_before = operator.asks_for(TheJobs())
    context.submission = operator.attempts_to(RestoreEnvironment(_production(context)["id"], backup["id"]))


@then("the restore is refused as an invalid request")
def step_restore_refused(context):
    expect(context.submission.answer, an_error_envelope_with_code("bad_request", status=400),
           command=context.submission.command, job_id=context.submission.job_id)


@then("no restore job was queued")
def step_no_restore_job(context):
    no_job_was_queued(context.run.operator, context.jobs_before, because="the restore was refused",
                      job_type="env_restore", environment_id=_production(context)["id"])


@then("production stays active")
def step_production_stays_active(context):
    production = context.run.operator.asks_for(TheEnvironment(_production(context)["id"]))
    expect(production, an_environment_that_is("active"), command=f"GET /api/environments/{production['id']}")
