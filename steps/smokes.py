"""Steps that run the smoke commands from the repository root, as a resume-run loop does, and read what they
answered. Faults set for a smoke name the site it will make (by the run id the smoke is given)."""
from behave import given, then, use_step_matcher, when

from support.checks.smoke_outcomes import (
    smoke_asked_for_no_node,
    smoke_backup_listed,
    smoke_copies_answer,
    smoke_made_copies,
    smoke_production_live_again,
    smoke_restored_with_checkpoint,
    smoke_waited_for_node,
)
from support.checks.smokes import (
    smoke_environment_failed,
    smoke_failed_as,
    smoke_failure_last_answer,
    smoke_failure_names_clone_preview,
    smoke_failure_names_request,
    smoke_failure_reason,
    smoke_failure_reasons,
    smoke_failure_still_running,
    smoke_job_ended_failed,
    smoke_passed,
)
from support.flows.nodes import connect_provider, request_new_node
from support.run.cleanups import cancel_jobs_in_flight, quietly
from support.runtime.ports import unused_local_url
from support.runtime.smokes import run_smoke
from support.screenplay.questions import TheJob, TheNodes, provider_nodes

BUDGET_KINDS = {"job": "clone", "preview": "preview"}  # "with a job budget of N seconds" is the clone job's


def _smoke_run_id(context) -> str:
    state = context.state
    if state.smoke_run_id is None:
        state.smoke_run_id = context.run.ledger.slug("smoke")
    return state.smoke_run_id


def _smoke_site_prefix(context) -> str:
    return f"{_smoke_run_id(context)}-"


# -- what will go wrong in the smoke's flow ------------------------------------------------------------
@given('the next environment creation will fail with "{code}" and the message "{message}"')
def step_environment_creation_fails(context, code, message):
    context.faults.jobs({"job_type": "env_create", "site_slug_prefix": _smoke_site_prefix(context)}, "fail",
                        error_code=code, error_message=message)


@given('the next restore will fail with "{code}" and the message "{message}"')
def step_restore_fails(context, code, message):
    context.faults.jobs({"job_type": "env_restore", "site_slug_prefix": _smoke_site_prefix(context)}, "fail",
                        error_code=code, error_message=message)


@given("the next environment creation will end cancelled")
def step_environment_creation_cancelled(context):
    context.faults.jobs({"job_type": "env_create", "site_slug_prefix": _smoke_site_prefix(context)}, "cancel")


@given("the next environment creation will never end")
def step_environment_creation_hangs(context):
    prefix = _smoke_site_prefix(context)
    context.faults.jobs({"job_type": "env_create", "site_slug_prefix": prefix}, "hang")
    context.add_cleanup(quietly("cancel the hung job", cancel_jobs_in_flight, context.run.operator,
                                slug_prefix=prefix))


@given("the node will turn out not ready because of {reasons} when the smoke creates its site")
def step_preflight_finds_node_not_ready(context, reasons):
    """The smoke found its node ready; the readiness preflight of its site creation does not (a race a real
    node can run into: its SSH or sudo check fails just then)."""
    context.faults.preflight_readiness([code.strip() for code in reasons.split(",")],
                                       site_slug_prefix=_smoke_site_prefix(context))


@given("the preview of the next clone will {misbehave}")
def step_clone_preview_misbehaves(context, misbehave):
    behaviour = {"answer 500": {"status": 500}, "refuse connections": {"refuse": True}}[misbehave]
    context.faults.preview(site_slug_prefix=_smoke_site_prefix(context), environment_type="clone", **behaviour)


@given("no provider-acquired node is ready, and Pressluft is still acquiring a new one")
def step_node_acquired_as_the_smoke_starts(context):
    """Every provider node listed now reports not ready (node_unreachable), and a new node is requested whose
    acquisition the fault API holds in flight until whoever waits for it first looks at its job (a hang until read):
    the smoke started next finds no node ready and one being acquired. Faults on every node: the scenario is @SERIAL."""
    operator = context.run.operator
    for node in provider_nodes(operator.asks_for(TheNodes(quiet=True))):
        context.faults.node_readiness(["node_unreachable"], node_id=node["id"])
    connect_provider(operator)
    name = context.run.ledger.slug("node")
    context.faults.jobs({"job_type": "node_provision", "node_name": name}, "hang", until_read=True)
    context.state.node_request = request = request_new_node(operator, name)
    context.add_cleanup(quietly("let the held acquisition run on", operator.asks_for,
                                TheJob(request.accepted(), quiet=True)))


# -- running a smoke -----------------------------------------------------------------------------------
use_step_matcher("re")


@when(r"the (?P<smoke>clone preview|backup and restore) smoke runs(?: from the repository root)?")
@when(r"the operator runs the (?P<smoke>clone preview|backup and restore) smoke(?: from the repository root)?"
      r"(?: with a (?P<budget>job|preview) budget of (?P<seconds>\d+(?:\.\d+)?) seconds?)?")
def step_run_smoke(context, smoke, budget=None, seconds=None):
    budgets = {BUDGET_KINDS[budget]: float(seconds)} if budget else {}
    context.state.smoke = run_smoke(smoke, context.run.settings, run_id=_smoke_run_id(context), budgets=budgets)


@when(r"the operator runs the (?P<smoke>clone preview|backup and restore) smoke against an address where no "
      r"control plane answers")
def step_run_smoke_nowhere(context, smoke):
    context.state.smoke = run_smoke(smoke, context.run.settings, run_id=_smoke_run_id(context),
                                    base_url=unused_local_url())


@then(r"the smoke fails(?: within (?P<seconds>\d+) seconds)? as (?P<words>[^,]+)")
def step_smoke_fails_as(context, words, seconds=None):
    smoke_failed_as(context.state.need("smoke"), words, float(seconds) if seconds else None)


@then(r"the smoke fails as unreachable, naming the preview address of the new clone")
def step_smoke_unreachable_naming_clone(context):
    smoke = context.state.need("smoke")
    smoke_failed_as(smoke, "unreachable")
    smoke_failure_names_clone_preview(context.run.operator, smoke)


use_step_matcher("parse")


@then("the smoke passes")
def step_smoke_passes(context):
    smoke_passed(context.state.need("smoke"))


@then("its failure names the {request} request and its job")
def step_failure_names_request_and_job(context, request):
    smoke_failure_names_request(context.run.operator, context.state.need("smoke"), request, names_job=True)


@then("its failure names the {request} request, no job and the reasons {reasons}")
def step_failure_names_request_and_reasons(context, request, reasons):
    smoke = context.state.need("smoke")
    smoke_failure_names_request(context.run.operator, smoke, request, names_job=False)
    smoke_failure_reasons(smoke, [code.strip() for code in reasons.split(",")])


@then('its failure gives the reason "{reason}"')
def step_failure_reason(context, reason):
    smoke_failure_reason(context.state.need("smoke"), reason)


@then('its failure gives the last answer "{answer}" when its {seconds:g} second budget was spent')
def step_failure_last_answer(context, answer, seconds):
    smoke_failure_last_answer(context.state.need("smoke"), answer, seconds)


@then("its failure says the job was still running when its {seconds:g} second budget was spent")
def step_failure_still_running(context, seconds):
    smoke_failure_still_running(context.state.need("smoke"), seconds)


@then('the environment creation ended failed with "{code}" after all its allowed attempts')
def step_environment_creation_failed(context, code):
    smoke_job_ended_failed(context.run.operator, context.state.need("smoke"), "environment creation",
                                  code=code, attempts="after all its allowed attempts")


@then('the restore ended failed with "{code}" after its single allowed attempt')
def step_restore_failed(context, code):
    smoke_job_ended_failed(context.run.operator, context.state.need("smoke"), "restore", code=code,
                                  attempts="after its single allowed attempt")


@then("the new environment is marked failed, not active")
def step_new_environment_failed(context):
    smoke_environment_failed(context.run.operator, context.state.need("smoke"), "clone")


@then("the restored production is marked failed, not active")
def step_restored_production_failed(context):
    smoke_environment_failed(context.run.operator, context.state.need("smoke"), "production")


# -- what a smoke made: each sentence, the check that judges it, and what of the scenario it needs -------------
def _judged(check, *needs):
    def step(context):
        check(context.run.operator, *(context.state.need(name) for name in needs))
    step.__doc__ = check.__doc__
    return step


for sentence, check, needs in (
        ("it made a clone and a staging environment from its site's production, both active on the "
         "provider-acquired node", smoke_made_copies, ("smoke",)),
        ("the previews of both answer 200, 301 or 302", smoke_copies_answer, ("smoke",)),
        ("it made a full backup of its site's production, listed with a sha256 checksum and a positive size",
         smoke_backup_listed, ("smoke",)),
        ("it restored production on the same node, with a full checkpoint of production taken first",
         smoke_restored_with_checkpoint, ("smoke",)),
        ("its production is active again, and its preview answers 200, 301 or 302", smoke_production_live_again,
         ("smoke",)),
        ("it asked for no node of its own", smoke_asked_for_no_node, ("smoke", "node_request")),
        ("it waited for the node being acquired, which was reported not ready until Pressluft had acquired it",
         smoke_waited_for_node, ("smoke", "node_request"))):
    then(sentence)(_judged(check, *needs))
