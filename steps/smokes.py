"""Steps that run the smoke commands from the repository root, as the resume-run loop does."""
from behave import then, when

from support.diagnostics import Category, SuiteFailure, parse_summary_lines
from support.smoke_command import run_smoke_command, unused_local_url


@when('the "{smoke}" smoke command is run from the repository root against this run\'s control plane')
def step_run_smoke_command(context, smoke):
    context.smoke_run = run_smoke_command(smoke, context.run.base_url, context.run.settings)


@when('the "{smoke}" smoke command is run from the repository root against a control plane that is not there')
def step_run_smoke_command_nowhere(context, smoke):
    context.smoke_run = run_smoke_command(smoke, unused_local_url(), context.run.settings)


def _mismatch(context, what):
    return SuiteFailure(Category.CONTRACT_VIOLATION, context.smoke_run.command_line, what,
                        details={"smoke output (tail)": context.smoke_run.tail()})


@then("it exits with status {status:d}")
def step_exit_status(context, status):
    if context.smoke_run.exit_code != status:
        lines = parse_summary_lines(context.smoke_run.output)
        raise _mismatch(context, f"exited with status {context.smoke_run.exit_code}, expected {status}"
                        + (f"; its verdict: {lines[0]['category']}: {lines[0]['reason']}" if lines else ""))


@then("its output reports the smoke as passed")
def step_output_passed(context):
    run = context.smoke_run
    if "[smoke] success" not in run.output or parse_summary_lines(run.output):
        raise _mismatch(context, "the output does not report the smoke as passed")


@then('its output has one failure line with the category "{category}"')
def step_one_failure_line(context, category):
    lines = parse_summary_lines(context.smoke_run.output)
    if len(lines) != 1 or lines[0]["category"] != category:
        raise _mismatch(context, f"expected one failure line with the category {category}, found "
                        + (", ".join(line["category"] for line in lines) or "none"))
