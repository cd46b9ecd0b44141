"""Steps about the provider connection and provider-acquired nodes."""
from behave import given, then, when

from support.checks.first_node import (
    acquired_exactly_one,
    ready_without_a_second_request,
    reported_not_ready_while_acquired,
)
from support.checks.nodes import (
    confirmed_a_ready_node,
    new_node_listed_not_ready,
    node_is_ready,
    node_not_ready_while_acquiring,
    node_ready_without_resubmission,
    node_request_ended_failed,
    retry_scheduled,
    run_node_job_record,
)
from support.checks.nothing_left import no_new_node, no_node_acquisition_queued, no_node_recorded
from support.checks.providers import provider_degraded_with_guidance, refused_as_degraded
from support.flows.nodes import connect_provider, make_sure_of_a_node, request_new_node
from support.harness.acquisition_proof import describe_polls
from support.harness.cleanups import quietly, run_held_retry
from support.reporting.narration import attach_text
from support.verdicts.not_shown import value_if_shown


@given("the provider is connected with the operator's credential")
def step_connect_provider(context):
    connect_provider(context.run.operator)


@when("the operator connects the provider with a credential the provider rejects")
@given("the operator has connected the provider with a credential the provider rejects")
def step_connect_rejected(context):
    operator = context.run.operator
    context.restorations.add("reconnect the provider with the operator's credential",
                             lambda: connect_provider(operator))
    connect_provider(operator, f"rejected-{context.run.ledger.run_id}", require_connected=False)


@given("a ready provider-acquired node")
def step_ready_node(context):
    context.state.node = context.run.ready_node()


@given("Pressluft lists a ready provider-acquired node")
def step_node_listed_ready(context):
    """The run's node, listed ready (how ready it is in fact is the claim's to judge)."""
    context.run.listed_ready_node()


@given('the provider will fail the first {count:d} acquisition attempts with the transient error "{code}"')
def step_transient_acquisition_errors(context, count, code):
    """The failed attempts are retried on Pressluft's schedule; the last retry stays scheduled, as far ahead
    as Pressluft schedules it (the reference holds it: Pressluft's own backoff is minutes)."""
    context.state.new_node_name = name = context.run.ledger.slug("node")
    context.faults.jobs({"job_type": "node_provision", "node_name": name}, "fail", error_code=code,
                        error_message=f"{code} (injected: transient provider error)", retryable=True, attempts=count,
                        hold_last_retry=True)
    context.add_cleanup(quietly("let the held retry run", lambda: run_held_retry(
        context.run.operator, context.faults, context.state.node_request and context.state.node_request.job_id)))


@given('the provider will fail the next acquisition for good, with the message "{message}" and the error "{code}"')
def step_acquisition_fails_for_good(context, code, message):
    context.state.new_node_name = name = context.run.ledger.slug("node")
    context.faults.jobs({"job_type": "node_provision", "node_name": name}, "fail", error_code=code,
                        error_message=message, retryable=False)


@when("the operator confirms the ready provider-acquired node, as a smoke does before it makes anything")
def step_make_sure_of_a_node(context):
    context.state.made_sure = make_sure_of_a_node(context.run.operator)


@when("the operator asks for a new node from the provider")
def step_request_node(context):
    name = context.state.new_node_name or context.run.ledger.slug("node")
    context.state.node_request = request_new_node(context.run.operator, name)


@given('a new node from the provider whose first {count:d} acquisition attempts failed with the transient error '
       '"{code}", with a next attempt planned')
def step_node_with_retry_scheduled(context, count, code):
    step_transient_acquisition_errors(context, count, code)
    step_request_node(context)
    retry_scheduled(context.run.operator, context.state.node_request, failed_attempts=count, error_code=code)


@when("Pressluft makes the attempt it planned")
def step_scheduled_attempt(context):
    """The attempt Pressluft scheduled, made now: the reference brings the held retry forward (its fault API), as
    Pressluft's own scheduler would start it once its backoff (minutes) is over. Nobody asks for the node again."""
    context.faults.make_due(context.state.need("node_request").accepted())


@then("once Pressluft has acquired it, that node is ready, with no readiness problem reported")
def step_node_ready(context):
    context.run.ready_node()  # the run's node: its readiness is waited for once per run (support/harness/run.py)
    node_is_ready(context.run.operator, context.state.need("acquisition"))


@then('before its next attempt is made, the node\'s acquisition shows {count:d} failed attempts with "{code}", and '
      'that next attempt planned')
def step_retry_scheduled(context, count, code):
    retry_scheduled(context.run.operator, context.state.need("node_request"), failed_attempts=count,
                           error_code=code)


@then("the new node is reported not ready while it is being acquired")
def step_not_ready_while_acquiring(context):
    node_not_ready_while_acquiring(context.run.operator, context.state.need("node_request"))


@then("the new node becomes ready without anyone asking for it again")
def step_ready_without_resubmission(context):
    node_ready_without_resubmission(context.run.operator, context.state.need("node_request"),
                                           context.run.journal.since(context.scenario_mark))


@then('the acquisition ends failed, with the provider\'s message "{message}" and its error "{code}"')
def step_acquisition_failed(context, code, message):
    node_request_ended_failed(context.run.operator, context.state.need("node_request"), code=code, message=message)


@then("it was tried once, with no next attempt planned")
def step_acquisition_tried_once(context):
    node_request_ended_failed(context.run.operator, context.state.need("node_request"), attempts="without a retry")


@then("the new node is listed as not ready, with the reasons why")
def step_new_node_not_ready(context):
    new_node_listed_not_ready(context.run.operator, context.state.need("node_request"))


@then("the provider connection is reported degraded: the credential was rejected, and a valid credential is needed")
def step_degraded_with_guidance(context):
    provider_degraded_with_guidance(context.run.operator)


@then("Pressluft refuses to acquire a node, because the provider connection is degraded")
def step_node_request_refused(context):
    refused_as_degraded(context.run.operator, context.state.need("node_request"))


@then("no node acquisition was queued")
def step_no_node_job(context):
    operator = context.run.operator
    no_node_acquisition_queued(operator, context.state.need("node_request"),
                               made=run_node_job_record(operator, context.run.provider_node()))


@then("the node list shows that ready node, and no new one")
def step_no_node_recorded(context):
    operator, made_sure = context.run.operator, context.state.made_sure
    if made_sure:  # the operator confirmed a ready node as a smoke does: no node request was sent
        node = confirmed_a_ready_node(operator, made_sure)
        no_new_node(operator, made_sure.nodes_before, node["id"])
        return
    no_node_recorded(operator, context.state.need("node_request"), context.state.need("node")["id"])


# -- the node the run waited for while Pressluft acquired it: what its wait saw then, judged now ------------------
@given("Pressluft had no provider-acquired node, ready or being acquired, before the operator started")
def step_node_acquired_for_the_run(context):
    """The run's node, which the run asked for itself when it first needed one (none was ready or being acquired);
    skipped, saying so, on a target where the run reused a ready node or waited for one being acquired."""
    proof = context.state.acquired_node = value_if_shown(context.run.node_acquired_for_the_run())
    context.state.acquisition = proof.acquisition


@when("the operator asks Pressluft for a provider-acquired node to work on")
def step_asked_and_waited(context):
    """Asked (and waited for) by the run when it first needed its node: that request and the looks of its wait are
    the record; the Then steps judge the node ready."""
    attach_text("the run's request for its node, and its wait", describe_polls(context.state.need("acquired_node")))


@then("Pressluft acquired exactly one new node, the one the operator asked for")
def step_acquired_exactly_one(context):
    proof = context.state.need("acquired_node")
    acquired_exactly_one(context.run.operator, proof.acquisition, proof.looks, context.run.node_requests_sent())


@given("Pressluft had no ready provider-acquired node before the operator started, so the operator asked for one")
def step_node_still_being_acquired(context):
    """The run's node, which Pressluft was still acquiring when the run first needed it
    (support/harness/acquisition_proof.py); skipped, saying so, on a target where the run reused a ready node."""
    context.state.polled_node = value_if_shown(context.run.node_polled_while_acquired())


@when("the operator waits for that node while Pressluft acquires it")
def step_wait_while_acquired(context):
    """Waited by the run when it first needed its node: the looks of that wait are the record."""
    attach_text("the looks at the node while Pressluft acquired it", describe_polls(context.state.need("polled_node")))


@then("that node was reported not ready, with its reasons, each time the operator checked it while Pressluft "
      "acquired it")
def step_not_ready_at_every_look(context):
    reported_not_ready_while_acquired(context.state.need("polled_node").looks)


@then("it became ready without the operator asking for it again")
def step_ready_without_second_request(context):
    context.run.ready_node()  # the run's node: its readiness is waited for once per run (support/harness/run.py)
    polled = context.state.need("polled_node")
    ready_without_a_second_request(context.run.operator, polled.acquisition, polled.looks,
                                   context.run.node_requests_sent())
