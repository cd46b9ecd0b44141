"""behave hooks: thin, built from fixtures; the work is done in support/."""
from __future__ import annotations

from behave import fixture, use_fixture

from support import reporting
from support.allure_formatter import reports_dir
from support.cleanups import quietly
from support.diagnostics import SuiteFailure
from support.faults import NO_FAULT_INJECTION, FaultSession
from support.run import start_run
from support.spec_catalogue import FAILURE_CLASSES, SPEC_ITEMS, SPEC_URL
from support.verdicts import (block_for, diagnosed_exception, print_verdict, startup_block, verdict_for,
                             with_summary_first)


@fixture
def wave5_run(context):
    """The run: target, operator, capabilities; the provider node is secured lazily (run.provider_node())."""
    context.run = start_run(userdata=context.config.userdata)
    yield context.run
    if not context.run.embedded:
        print(context.run.ledger.report(), flush=True)
    context.run.stop()
    if context.run.embedded and context.run.settings.keep_data:
        print(f"embedded target data and log kept in {context.run.target.work_dir}", flush=True)


@fixture
def scenario_faults(context):
    context.faults = FaultSession(context.run.client)
    yield context.faults
    quietly("undo the scenario's faults", context.faults.undo_all)()


def before_all(context):
    context.run = None
    context.results_dir = reporting.results_dir(context.config, reports_dir(context.config))
    if reports_dir(context.config):
        context.config.junit_directory = f"{reports_dir(context.config)}/junit"
    reporting.enable_dynamic_labels()
    try:
        use_fixture(wave5_run, context)
    except SuiteFailure as failure:  # the run cannot start: one line, no traceback, a run-level result
        block = startup_block(failure)  # with the log tail of a target or server that could not start
        print_verdict(block)
        reporting.write_run_result(context.results_dir, name="The run could not start", message=failure.line,
                                   trace=block, category=failure.category)
        reporting.write_result_files(context.results_dir, reporting.run_properties(None, failure))
        context.abort(reason="the run could not start (see the [wave5] line above)")


def before_scenario(context, scenario):
    context.step_mark = context.scenario_mark = context.run.journal.mark()
    context.failure = None
    reporting.label_scenario(scenario.effective_tags, SPEC_URL, SPEC_ITEMS, FAILURE_CLASSES)
    if "fault_injection" in scenario.effective_tags and not context.run.capabilities.fault_injection:
        scenario.skip(reason=NO_FAULT_INJECTION)
        reporting.mark_skipped(NO_FAULT_INJECTION)
        return
    use_fixture(scenario_faults, context)


def before_step(context, step):
    context.step_mark = context.run.journal.mark()


def after_step(context, step):
    exchanges = context.run.journal.since(context.step_mark)
    if exchanges:
        reporting.attach_text("HTTP exchanges (redacted)", "\n\n".join(e.render() for e in exchanges))
    if step.status.has_failed() and step.exception is not None:
        context.failure = context.run.explain(verdict_for(step.exception, context.run.journal))
        context.failed_step = step
        reporting.attach_text("diagnosis", block_for(context.failure, context.run.journal, context.scenario_mark,
                                                     context.run.log_tail(), log_title=context.run.log_title))
        step.exception = diagnosed_exception(context.failure, step.exception)


def after_scenario(context, scenario):
    if not scenario.status.has_failed():
        return
    failure = context.failure
    if failure is None:  # a hook failed, not a step
        error = scenario.exception or AssertionError(scenario.error_message or "hook failed")
        failure = context.run.explain(verdict_for(error, context.run.journal))
    else:
        step = context.failed_step
        step.error_message = with_summary_first(step.error_message, failure)
    scenario.error_message = with_summary_first(scenario.error_message, failure)
    print_verdict(block_for(failure, context.run.journal, context.scenario_mark, context.run.log_tail(),
                            log_title=context.run.log_title))


def after_all(context):
    run = context.run
    if run is None or context.results_dir is None:
        return
    reporting.write_result_files(context.results_dir, reporting.run_properties(run, None))
