"""Steps about backups and restores of production."""
import re

from behave import given, then, when

from support.checks.backups import backup_complete, backup_listed_once, checkpoint_holds, checkpoint_listed
from support.checks.environments import environment_active_again, environment_status
from support.checks.jobs import job_succeeded
from support.checks.nothing_left import no_backup_recorded, no_restore_queued
from support.checks.previews import preview_reachable, preview_shows
from support.checks.refusals import refused
from support.flows.backups import (
    backup_that_completed_without,
    complete_backup_of_another,
    completed_full_backup,
    request_backup,
    request_restore,
)


@when("the operator takes a full backup of production")
def step_take_backup(context):
    state = context.state
    state.backup_request = request_backup(context.run.operator, state.need("site"), state.production)


@then("the backup job succeeds")
def step_backup_job_succeeds(context):
    job = job_succeeded(context.run.operator, context.state.need("backup_request"))
    context.run.ledger.record("backup", job["id"])


@then("production's backups list shows that backup, the only backup the job added")
def step_backup_listed(context):
    state = context.state
    state.listed_backup = backup_listed_once(context.run.operator, state.need("backup_request"), state.production["id"])


@then("that backup is completed and full, with a checksum (sha256) and a size above zero")
def step_backup_complete(context):
    state = context.state
    state.backup = backup_complete(state.need("listed_backup"), state.production["id"])
    context.run.remember_backup(state.production["id"], state.backup)


@given("a completed full backup of production")
def step_completed_backup(context):
    state = context.state
    state.backup = completed_full_backup(context.run.operator, state.need("site"), state.production)
    state.first_backup = state.first_backup or state.backup


@given("another completed full backup of production")
def step_another_completed_backup(context):
    state = context.state
    state.need("first_backup")
    state.backup = completed_full_backup(context.run.operator, state.need("site"), state.production)


@given("a full backup of production that completed {defect}")
def step_defective_backup(context, defect):
    state = context.state
    missing = {"without a checksum": "checksum", "with a size of zero": "size"}[defect]
    fault = {"checksum": {"without_checksum": True}, "size": {"size_bytes": 0}}[missing]
    context.faults.backups(environment_id=state.production["id"], **fault)
    state.backup = backup_that_completed_without(context.run.operator, state.need("site"), state.production, missing)


@given("production's backups list shows a completed full backup of its own")
def step_own_backup(context):
    """One the run made already of this production (the backup scenario's, of the shared site), or a new one."""
    state = context.state
    state.backup = context.run.backup_of_production(state.need("site"))
    state.first_backup = state.first_backup or state.backup


@given("a clone of production has a completed full backup")
def step_foreign_backup(context):
    """The nearest neighbour of production's own backups: one of its site's clone (restore ownership checked by
    site instead of by environment would let it through)."""
    state = context.state
    site = state.need("site")
    state.backup = complete_backup_of_another(context.run.operator, context.run.backup_of_another_environment(site),
                                              site)


def _restore(context, backup: dict) -> None:
    state = context.state
    state.restore_request = request_restore(context.run.operator, state.need("site"), state.production, backup,
                                            showing=state.production_content)


@when("the operator restores production from that backup")
def step_restore(context):
    _restore(context, context.state.need("backup"))


@when("the operator restores production from the first of those backups")
def step_restore_first(context):
    _restore(context, context.state.need("first_backup"))


@when("the operator tries to restore production from that backup")
@when("the operator tries to restore production from the clone's backup")
def step_try_restore(context):
    state = context.state
    state.attempt = request_restore(context.run.operator, state.need("site"), state.production, state.need("backup"),
                                    wait_for_guard=False)


@then("the restore job succeeds")
def step_restore_succeeds(context):
    context.state.restore_job = job_succeeded(context.run.operator, context.state.need("restore_request"))


@then("that restore took a full checkpoint of production, and that checkpoint is the only backup the restore "
      "added")
def step_checkpoint_listed(context):
    state = context.state
    checkpoint_listed(context.run.operator, state.need("restore_request"), state.need("restore_job"))


@then('the checkpoint that restore took holds "{content}", what production showed just before the restore')
def step_checkpoint_holds(context, content):
    state = context.state
    reader = context.faults.backup_content if context.run.capabilities.shows_backup_content else None
    checkpoint_holds(context.run.operator, state.need("restore_request"), state.need("restore_job"), content,
                     read_content=reader)


@then("production is active again, on the provider-acquired node it was on before")
def step_production_active_again(context):
    environment_active_again(context.run.operator, context.state.need("restore_request"), "production",
                             context.state.need("site"), context.run.ready_node())


@then("production's preview is reachable: it answers with a page or a redirect (200, 301 or 302), the redirect not "
      "followed")
def step_production_preview(context):
    """A preview that does not answer names the restore's job (what made what it shows), when a restore ran."""
    restore_job = context.state.restore_job
    preview_reachable(context.run.operator, context.state.production["preview_url"],
                      restore_job["id"] if restore_job else None)


@given('production shows the content "{content}"')
def step_production_content(context, content):
    production = context.state.production
    context.faults.set_content(production["id"], content)
    preview_shows(context.run.operator, production["preview_url"], content)
    context.state.production_content = content


@given('production\'s content was changed to "{content}" after that backup')
def step_change_content(context, content):
    context.state.need("backup")
    step_production_content(context, content)


@then('the preview of production shows "{content}" again, with no trace of {replaced}')
def step_preview_shows_again(context, content, replaced):
    """`replaced`: the contents the restore must have replaced, quoted ("A" or "B")."""
    preview_shows(context.run.operator, context.state.production["preview_url"], content,
                         replaced=re.findall(r'"([^"]+)"', replaced))


@then("the restore is refused, because that backup {reason}")
def step_restore_refused(context, reason):
    """Pressluft's refusal names no reason ("invalid restore request", digest §2.6): the reason is the one way the
    scenario's backup differs from one production can be restored from."""
    if reason not in ("has no checksum", "has a size of zero", "is the clone's, not production's"):
        raise ValueError(f"no scenario makes a backup that {reason}")
    refused(context.state.need("attempt"), code="bad_request", status=400)


def _scenario_backups(state) -> list:
    """The backups the scenario made or was given (of production, or of another environment)."""
    return list({backup["id"]: backup for backup in (state.first_backup, state.backup) if backup}.values())


@then("no restore was queued")
def step_no_restore_queued(context):
    state = context.state
    no_restore_queued(context.run.operator, state.need("attempt"), state.need("site"), _scenario_backups(state))


@then("no checkpoint or other backup of production was recorded")
def step_no_backup_recorded(context):
    no_backup_recorded(context.run.operator, context.state.need("attempt"), _scenario_backups(context.state))


@then("production and its site stay active")
def step_production_stays_active(context):
    state = context.state
    environment_status(context.run.operator, state.production["id"], "active", site_id=state.need("site").id,
                              type="production")
