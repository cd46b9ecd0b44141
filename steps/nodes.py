"""Steps about the provider connection and provider-acquired nodes."""
from behave import given, then, when

from support.actions import RequestNode
from support.cleanups import quietly
from support.diagnostics import Category, SuiteFailure
from support.matchers import (a_failed_job_with_error, a_job_that_succeeded, a_node_not_ready, a_ready_node,
                              an_error_envelope_with_code, expect)
from support.provider_node import connect_provider, request_node
from support.questions import TheJobs, TheNodes, node_by_id
from support.verifications import no_job_was_queued
from support.waits import wait_for_node_ready


def _current(context, node_id):
    return node_by_id(context.run.operator.asks_for(TheNodes()), node_id)


@given("the provider is connected with the operator's credential")
def step_connect_provider(context):
    context.connection = connect_provider(context.run.operator)


@given("a ready provider-acquired node for this run")
def step_run_node(context):
    acquisition = context.run.provider_node()
    context.node = _current(context, acquisition.node_id)
    expect(context.node, a_ready_node(), command="GET /api/nodes")


@when("the run secures its provider-acquired node")
def step_secure_run_node(context):
    context.acquisition = context.run.provider_node()


@then("that node is ready with no outstanding reason codes")
def step_node_ready(context):
    node = _current(context, context.acquisition.node_id)
    expect(node, a_ready_node(), command="GET /api/nodes", job_id=context.acquisition.job_id)


@then("the node was requested at most once during this run")
def step_requested_at_most_once(context):
    requests = context.run.provider_node().requests
    if requests > 1:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "POST /api/nodes",
                           f"the run's node was requested {requests} times")


@given('the provider will fail the first {count:d} acquisition attempts with the transient error "{code}"')
def step_transient_acquisition_errors(context, count, code):
    context.new_node_name = context.run.ledger.slug("node")
    context.faults.jobs({"job_type": "node_provision", "node_name": context.new_node_name}, "fail",
                        error_code=code, error_message=f"{code} (injected: transient provider error)",
                        retryable=True, attempts=count)


@given('the provider will fail the next acquisition with "{code}" and the message "{message}"')
def step_acquisition_fails_for_good(context, code, message):
    context.new_node_name = context.run.ledger.slug("node")
    context.faults.jobs({"job_type": "node_provision", "node_name": context.new_node_name}, "fail",
                        error_code=code, error_message=message, retryable=False)


@when("the operator requests a new provider-acquired node")
def step_request_new_node(context):
    name = getattr(context, "new_node_name", None) or context.run.ledger.slug("node")
    context.new_node = request_node(context.run.operator, name, require_ready=False)


@then('the acquisition is seen waiting to retry after the error "{code}"')
def step_seen_waiting_to_retry(context, code):
    states = context.new_node.job_states
    if f"queued, waiting to retry after {code}" not in states:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/jobs/{context.new_node.job_id}",
                           f"the acquisition job was never seen queued to retry after {code}; "
                           f"states seen: {', '.join(states)}", job_id=context.new_node.job_id,
                           job=context.new_node.job)


@then("the new node is reported not ready while it is being acquired")
def step_not_ready_while_acquiring(context):
    seen = context.new_node.readiness_seen
    if not any(state.startswith("not ready") for state in seen):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/nodes",
                           "the node was never reported not ready while its acquisition job was in flight; "
                           f"readiness seen: {', '.join(seen) or 'none'}", job_id=context.new_node.job_id)


@then("the new node becomes ready without the request being submitted again")
def step_ready_without_resubmission(context):
    acquisition = context.new_node
    expect(acquisition.job, a_job_that_succeeded(), command=acquisition.command, job_id=acquisition.job_id)
    node, _ = wait_for_node_ready(context.run.operator, acquisition.job.get("node_id") or acquisition.node_id,
                                  budget=context.run.settings.node_timeout, command="GET /api/nodes",
                                  job_id=acquisition.job_id)
    expect(node, a_ready_node(), command="GET /api/nodes", job_id=acquisition.job_id)
    posts = [e for e in context.run.journal.since(context.scenario_mark) if e.command == "POST /api/nodes"]
    if len(posts) != 1 or acquisition.requests != 1:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "POST /api/nodes",
                           f"the node was requested {len(posts)} times", job_id=acquisition.job_id)


@then('the acquisition job ends failed with "{code}" and the message "{message}"')
def step_acquisition_failed(context, code, message):
    acquisition = context.new_node
    expect(acquisition.job, a_failed_job_with_error(code, message), command=acquisition.command,
           job_id=acquisition.job_id)


@then("the new node is not reported ready")
def step_new_node_not_ready(context):
    node_id = context.new_node.job.get("node_id") or context.new_node.node_id
    node = _current(context, node_id) if node_id else None
    if node is not None:
        expect(node, a_node_not_ready(), command="GET /api/nodes", job_id=context.new_node.job_id)


@given("the provider is connected with a credential the provider rejects")
def step_connect_rejected(context):
    operator = context.run.operator
    context.add_cleanup(quietly("reconnect the provider", connect_provider, operator))  # the operator's credential again
    context.connection = connect_provider(operator, f"rejected-{context.run.ledger.run_id}", require_connected=False)


@then("the provider connection is reported degraded with guidance for the operator")
def step_degraded_with_guidance(context):
    connection = context.connection
    if connection.get("status") != "degraded" or not connection.get("guidance"):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "POST /api/providers",
                           f"the connection is {connection.get('status')} with guidance "
                           f"{connection.get('guidance')!r}, not degraded with guidance")


@then("a request for a new provider-acquired node is refused because the provider is not connected")
def step_node_request_refused(context):
    operator = context.run.operator
    context.jobs_before = operator.asks_for(TheJobs())
    submission = operator.attempts_to(RequestNode(operator.settings.provider_id, operator.ledger.slug("node")))
    expect(submission.answer, an_error_envelope_with_code("conflict", status=409, naming=["not connected"]),
           command=submission.command)


@then("no node acquisition job was queued")
def step_no_node_job(context):
    no_job_was_queued(context.run.operator, context.jobs_before, because="the provider is not connected",
                      job_type="node_provision")
