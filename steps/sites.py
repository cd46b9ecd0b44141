"""Steps about sites and the readiness preflight."""
from behave import given, then, when

from support.checks.environments import site_has_one_production
from support.checks.first_node import held_right_after, node_not_ready_when_answered, refused_naming_the_nodes_reasons
from support.checks.nothing_left import no_environment_added, no_job_for_creation, no_site_recorded
from support.checks.refusals import refused_by_readiness
from support.checks.sites import site_status
from support.flows.environments import request_environment
from support.flows.sites import create_live_site, request_site
from support.pressluft.readiness import codes_in_words
from support.reporting.narration import attach_text
from support.verdicts.not_shown import value_if_shown


@given("a site whose production environment is live")
def step_shared_live_site(context):
    """The run's live site, shared by the scenarios that only add to it."""
    context.state.site = context.run.shared_site()


@given("a new site whose production environment is live")
def step_new_live_site(context):
    """A site of this scenario's own, for a scenario that changes production."""
    context.state.site = create_live_site(context.run.operator, node_id=context.run.ready_node()["id"])


@given("every provider-acquired node has turned not ready, because {why} ({codes})")
def step_every_node_not_ready(context, why, codes):
    """The run's node was ready and its live site made first: the listings a refusal's "nothing was queued or
    recorded" is judged by must show what the run made (support/checks/nothing_left.py)."""
    context.run.ready_node()
    context.state.site = context.state.site or context.run.shared_site()
    context.faults.node_readiness(codes_in_words(why, codes), node_id=None)


@when("the operator tries to create a site")
def step_try_create_site(context):
    context.state.attempt = request_site(context.run.operator)


@when("the operator tries to create a clone of production")
def step_try_create_clone(context):
    context.state.attempt = request_environment(context.run.operator, context.state.need("site"), "clone")


@then("the creation is refused as blocked by node readiness, because {why} ({codes})")
def step_refused_by_readiness(context, why, codes):
    context.state.readiness_codes = codes_in_words(why, codes)
    refused_by_readiness(context.state.need("attempt"), context.state.readiness_codes, guided=False)


@then("the refusal gives the guidance Pressluft documents for each reason, telling the operator what to fix")
def step_refusal_guidance(context):
    """The whole of the contract's message: each code with its guidance from the contract's table (GUIDANCE in
    support/pressluft/readiness.py, not from the answer), and nothing more (digest §2.3)."""
    refused_by_readiness(context.state.need("attempt"), context.state.need("readiness_codes"))


@then("no job was queued")
def step_no_job_queued(context):
    no_job_for_creation(context.run.operator, context.state.need("attempt"), context.state.need("site"))


@then("no site was recorded")
def step_no_site_recorded(context):
    no_site_recorded(context.run.operator, context.state.need("attempt"), context.state.need("site"))


@then("no environment was added to the site")
def step_no_environment_added(context):
    no_environment_added(context.run.operator, context.state.need("attempt"), context.state.need("site"))


# -- the preflight while the target's first node is acquired: what the run tried then, judged now ----------------
@given("the operator has asked for the target's first provider-acquired node")
def step_first_node(context):
    context.state.preflight_proof = value_if_shown(context.run.preflight_while_acquiring())


@given("Pressluft is still acquiring that node, and reports it not ready")
def step_still_acquiring(context):
    """Judged from what the run listed right after the answer to its site creation.

    See support/harness/preflight_proof.py.
    """
    node_not_ready_when_answered(context.state.need("preflight_proof"))


@when("the operator tries to create a site while Pressluft acquires that node")
def step_site_while_acquiring(context):
    """Tried by the run right after its node request was accepted (support/harness/preflight_proof.py)."""
    proof = context.state.need("preflight_proof")
    attach_text("the site creation tried while the node was being acquired", proof.describe())
    context.state.attempt = proof.attempt


@then("that creation is refused as blocked by node readiness, with the reasons the node list gives for that node")
def step_refused_naming_the_nodes_reasons(context):
    refused_naming_the_nodes_reasons(context.state.need("preflight_proof"))


@then("no job was queued for it")
def step_no_job_for_that_creation(context):
    held_right_after(context.state.need("preflight_proof").no_job)


@then("no site was recorded for it")
def step_no_site_for_that_creation(context):
    proof = context.state.need("preflight_proof")
    no_site_recorded(context.run.operator, proof.attempt, context.run.shared_site(),
                            listed_after=proof.sites_after)


@then("the site still has a single production environment")
def step_site_has_one_production(context):
    site_has_one_production(context.run.operator, context.state.need("site"))


@then("the site is active again")
def step_site_active_again(context):
    """After the operation the scenario ran on one of its environments (a copy made, or a restore)."""
    state = context.state
    job = state.environment_job or state.restore_job
    site_status(context.run.operator, state.need("site").id, "active", job_id=(job or {}).get("id"))
