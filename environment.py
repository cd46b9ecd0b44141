"""behave hooks: thin, built from fixtures; the work is done in support/."""
from __future__ import annotations

from behave import fixture, use_fixture
from behave.model import ScenarioOutline
from behave.model_type import Status

from support.harness.cleanups import Restorations, quietly
from support.harness.earlier_run import left_behind
from support.harness.run import banner, start_run
from support.harness.scenario import ScenarioState
from support.http.faults import FaultSession
from support.reporting.allure_formatter import results_folder
from support.reporting.allure_results import (
    enable_dynamic_labels,
    label_scenario,
    mark_skipped,
    run_properties,
    write_result_files,
    write_run_result,
)
from support.reporting.narration import attach_text
from support.reporting.proof import coverage  # which scenario proves which part of which spec item
from support.reporting.reports_folder import follow_reports_dir, start_afresh
from support.reporting.tally import RunTally
from support.runtime.config import DEFAULT_REPORTS_DIR, reports_dir_requested
from support.runtime.skips import reason_to_skip
from support.verdicts.diagnosis import (
    print_verdict,
    startup_block,
    suite_error_line,
    suite_error_text,
    verdict_for,
    with_summary_first,
)
from support.verdicts.failure import SuiteFailure
from support.verdicts.not_shown import NotShownHere


def release_provider_servers(run, passed: bool) -> None:
    for line in run.release_provider_servers(passed=passed):
        print_verdict(line)


@fixture
def wave5_run(context):
    """The run: target, operator, capabilities; the node and the shared site are made on first use."""
    context.run = start_run(userdata=context.config.userdata)
    if not context.run.embedded:
        print_verdict(banner(context.run))
        if context.earlier_run is not None:  # what the run before this one left there (a resume-run loop)
            print_verdict(left_behind(context.run.operator, context.earlier_run).text())
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
    context.tally = RunTally(coverage())
    context.results_dir = results_folder(context.config)
    follow_reports_dir(context.config)
    # one run, one report (the Allure results: support/reporting/allure_formatter.py); what the run before left
    context.earlier_run = start_afresh(context.config)
    enable_dynamic_labels()
    try:
        use_fixture(wave5_run, context)
    except SuiteFailure as failure:  # the run cannot start: one line, no traceback, a run-level result
        block = startup_block(failure)  # with the log tail of a target or server that could not start
        print_verdict(block)
        write_run_result(context.results_dir, name="The run could not start", message=failure.line,
                                   trace=block, category=failure.category)
        write_result_files(context.results_dir, run_properties(None, failure))
        context.tally.could_not_start(failure)
        context.abort(reason="the run could not start (see the [wave5] line above)")


def before_scenario(context, scenario):
    context.run.scenario = scenario.name
    context.step_mark = context.scenario_mark = context.run.journal.mark()
    context.failure = context.suite_error = None
    context.state = ScenarioState()
    context.restorations = Restorations()
    label_scenario(scenario.effective_tags)
    skip = reason_to_skip(scenario.effective_tags, context.run)
    outline = scenario.parent if isinstance(scenario.parent, ScenarioOutline) else None
    context.tally.selected(skipped=skip is not None, name=scenario.name, tags=scenario.effective_tags,
                           unit=outline.name if outline else scenario.name,
                           rows=len(outline.scenarios) if outline else 1, skip_reason=skip)
    if skip:
        scenario.skip(reason=skip)
        mark_skipped(skip)
        return
    use_fixture(scenario_faults, context)


def before_step(context, step):
    context.step_mark = context.run.journal.mark()


def skip_not_shown(context, step, not_shown: NotShownHere) -> None:
    """A claim this target cannot show: the step and the rest of the scenario are skipped with that reason (the run's
    proof line counts the scenario's parts as not proven), never a verdict (support/verdicts/not_shown.py)."""
    if not_shown.evidence:
        attach_text("what the run looked at", not_shown.evidence)
    mark_skipped(not_shown.reason)
    context.scenario.skip(reason=not_shown.reason)
    step.status, step.exception, step.exc_traceback, step.error_message = Status.skipped, None, None, None


def after_step(context, step):
    exchanges = context.run.journal.since(context.step_mark)
    if exchanges:
        attach_text("HTTP exchanges (redacted)", "\n\n".join(e.render() for e in exchanges))
    if isinstance(step.exception, NotShownHere):
        return skip_not_shown(context, step, step.exception)
    if not (step.status.has_failed() and step.exception is not None):
        return
    failure = verdict_for(step.exception, context.run.journal)
    if failure is None:  # an error in the suite's own code: it keeps its traceback
        context.suite_error = suite_error_line(step.name, step.exception)
        attach_text("suite error", suite_error_text(step.name, step.exception))
        return
    context.failure = failure = context.run.explain(failure)
    block = context.run.diagnosis(failure, since=context.scenario_mark)
    attach_text("diagnosis", block)
    step.exception, step.exc_traceback = AssertionError(block), None  # a verdict, not a crash: no traceback
    step.error_message = block


def after_scenario(context, scenario):
    failure = None
    if context.suite_error:
        print_verdict(context.suite_error)
    elif scenario.status.has_failed():
        failure = context.failure
        if failure is None:  # a hook failed, not a step
            failure = context.run.explain(verdict_for(AssertionError(scenario.error_message or "hook failed"),
                                                      context.run.journal))
        scenario.error_message = with_summary_first(scenario.error_message, failure)
        print_verdict(context.run.diagnosis(failure, since=context.scenario_mark))
    unrestored = context.restorations.run_all()  # a shared state that could not be put back is its own verdict
    verdict = failure or (unrestored[0] if unrestored else None)
    context.tally.ended("failed" if unrestored else scenario.status.name, suite_error=bool(context.suite_error),
                        category=verdict.category if verdict is not None else None,
                        skip_reason=getattr(scenario, "skip_reason", None))
    for failure in unrestored:
        print_verdict(failure.line)
    if unrestored:
        raise unrestored[0]


def after_all(context):
    if context.run is not None:  # while its target still answers; the ledger printed at its end says what became
        passed = context.tally.all_passed and not context.aborted  # of them
        quietly("release the provider servers the run bought", release_provider_servers, context.run, passed)()
    if context.run is not None and context.results_dir is not None:
        write_result_files(context.results_dir, {**run_properties(context.run, None),
                                                           **context.tally.properties()})
    reports = context.run.settings.reports_dir if context.run is not None else \
        reports_dir_requested(userdata=context.config.userdata) or DEFAULT_REPORTS_DIR
    context.tally.write(reports)  # again at the very end, with the final exit status (support/harness/runner.py)
