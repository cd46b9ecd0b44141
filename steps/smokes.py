"""Steps that run the smoke commands from the repository root, as a resume-run loop does, and read what they
answered. Faults set for a smoke name the site it will make (by the run id the smoke is given)."""
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor

from behave import given, then, use_step_matcher, when

from support.checks.smoke_records import (
    smoke_asked_for_no_node,
    smoke_asked_for_one_node,
    smoke_backup_listed,
    smoke_copies_answer,
    smoke_counted_previews_on,
    smoke_made_copies,
    smoke_production_live_again,
    smoke_restored_with_checkpoint,
    smoke_site_on_node,
    smoke_waited_for_node,
)
from support.checks.smoke_verdicts import (
    COPY_MADE_BY,
    REQUEST_OF,
    smoke_copy_made,
    smoke_environment_failed,
    smoke_exited_with,
    smoke_failure_last_answer,
    smoke_failure_names_preview,
    smoke_failure_names_request,
    smoke_failure_node_still_acquired,
    smoke_failure_reason,
    smoke_failure_reasons,
    smoke_failure_still_running,
    smoke_lists_what_the_failed_run_left,
    smoke_passed,
    smoke_reported_once_ended,
    smoke_reused_a_node,
    smoke_runs_fail_alike,
)
from support.flows.nodes import connect_provider, request_new_node
from support.harness.cleanups import cancel_jobs_in_flight, cancel_node_acquisition, quietly
from support.pressluft.jobs import in_flight, retried
from support.pressluft.listings import jobs_touching, provider_nodes
from support.pressluft.readiness import codes_in_words
from support.runtime.ports import unused_local_url
from support.runtime.resources import run_node_name
from support.runtime.smoke_commands import run_smoke
from support.screenplay.questions import TheJob, TheJobs, TheNodes

# ", allowing <what> N seconds": the budgets it sets
ALLOWED = {"each job": ("site", "clone", "backup", "restore"), "the preview": ("preview",), "its node": ("node",)}
COPY_TYPE = {"clone": "clone", "staging environment": "staging"}  # feature text's words for a copy → its type
# feature text's words for a smoke's setting → its variable
SETTING_OF = {"job wait limit (PRESSLUFT_JOB_TIMEOUT)": "PRESSLUFT_JOB_TIMEOUT"}


def _smoke_run_id(context) -> str:
    state = context.state
    if state.smoke_run_id is None:
        state.smoke_run_id = context.run.ledger.slug("smoke")
    return state.smoke_run_id


def _smoke_site_prefix(context) -> str:
    """Every site a smoke of the scenario makes starts so (its runs' ids are this, or this and -1, -2, …)."""
    return f"{_smoke_run_id(context)}-"


def _run_smoke_again(context, runs: int = 1):
    """`runs` more runs of the clone smoke in this scenario (at once), each with a run id of its own (as a loop's next
    run has); the last is the scenario's smoke."""
    state = context.state
    run_ids = [f"{_smoke_run_id(context)}-{len(state.smoke_runs) + n}" for n in range(1, runs + 1)]
    with ThreadPoolExecutor(runs) as pool:
        state.smoke_runs += pool.map(lambda run_id: run_smoke("clone preview", context.run.settings, run_id=run_id,
                                                              reports=state.smoke_reports), run_ids)
    state.smoke = state.smoke_runs[-1]
    return state.smoke


# -- what will go wrong in the smoke's flow ------------------------------------------------------------
def _smoke_job_match(context, request: str) -> dict:
    """The jobs of that request (feature text's words) of the scenario's smoke sites (a copy's creation: of its
    type)."""
    match = {"job_type": REQUEST_OF[request], "site_slug_prefix": _smoke_site_prefix(context)}
    return {**match, "environment_type": COPY_MADE_BY[request]} if request in COPY_MADE_BY else match


@given('every attempt of the next {request} will fail with the message "{message}" and the error "{code}", an '
       'error Pressluft {retries}')
@given('the next {request} will fail with the message "{message}" and the error "{code}", an error Pressluft {retries}')
def step_smoke_request_fails(context, request, code, message, retries):
    """`retries`: "retries" or "does not retry", as the contract has it for that error of that job type (else the
    sentence would not say what it sets up: a ValueError)."""
    if retries != ("retries" if retried(REQUEST_OF[request], code) else "does not retry"):
        raise ValueError(f"the feature text says Pressluft {retries} a {request} failing with {code}; the contract "
                         "says otherwise (support/pressluft/jobs.py retried)")
    context.faults.jobs(_smoke_job_match(context, request), "fail", error_code=code, error_message=message)


def _smoke_node_match(context) -> dict:
    """The acquisition of the node the scenario's smoke asks for: named by its run id (run_node_name)."""
    return {"job_type": "node_provision", "node_name": run_node_name(_smoke_run_id(context))}


@given('the provider will fail the acquisition of the node the clone preview smoke asks for, for good, with the '
       'message "{message}" and the error "{code}"')
def step_smoke_acquisition_fails_for_good(context, code, message):
    context.faults.jobs(_smoke_node_match(context), "fail", error_code=code, error_message=message, retryable=False)


@given("Pressluft will go on acquiring the node the clone preview smoke asks for, past any wait")
def step_smoke_acquisition_hangs(context):
    context.faults.jobs(_smoke_node_match(context), "hang")
    context.add_cleanup(quietly("cancel the held acquisition", cancel_node_acquisition, context.run.operator,
                                run_node_name(_smoke_run_id(context))))


@given("the next clone creation will end cancelled")
def step_environment_creation_cancelled(context):
    context.faults.jobs(_smoke_job_match(context, "clone creation"), "cancel")


@given("the next {request} will never end")
def step_request_hangs(context, request):
    """A hung job holds its site's and its node's enqueue guard: cancelled once the scenario ends."""
    context.faults.jobs(_smoke_job_match(context, request), "hang")
    context.add_cleanup(quietly("cancel the hung job", cancel_jobs_in_flight, context.run.operator,
                                slug_prefix=_smoke_site_prefix(context)))


@given("the new clone's preview, and production's preview once restored, will accept connections but never answer")
def step_previews_stay_silent(context):
    """Scoped to the sites of the scenario's smokes: the clone preview smoke restores nothing, the backup and restore
    smoke makes no clone; production answers until its restore succeeded (its site was made live first)."""
    prefix = _smoke_site_prefix(context)
    context.faults.preview(site_slug_prefix=prefix, environment_type="clone", silent=True)
    context.faults.preview(site_slug_prefix=prefix, environment_type="production", silent=True, after_restore=True)


@given("the node will turn not ready just as the clone preview smoke creates its {what}, because {why} ({codes})")
def step_preflight_finds_node_not_ready(context, what, why, codes):
    """The smoke found its node ready; the readiness preflight of its site's (or its clone's) creation does not (a
    race a real node can run into: its SSH or sudo check fails just then)."""
    context.faults.preflight_readiness(codes_in_words(why, codes),
                                       site_slug_prefix=_smoke_site_prefix(context),
                                       creation={"site": "site", "clone": "environment"}[what])


@given('each environment creation of the clone preview smoke will fail with the message "{message}" and the error '
       '"{code}"')
def step_every_smoke_environment_creation_fails(context, code, message):
    """Both runs of the scenario meet the same fault (scoped to the sites of its smoke runs)."""
    context.faults.jobs({"job_type": "env_create", "site_slug_prefix": _smoke_site_prefix(context)}, "fail",
                        error_code=code, error_message=message, count=2)


@given("the clone preview smoke, run from the repository root, has failed once, because its clone creation failed")
def step_smoke_failed_once(context):
    """A one-shot fault (the next environment creation of any of the scenario's smoke runs fails), met by a first run
    from a reports folder the scenario keeps, as a loop runs the smoke again from the same directory."""
    context.faults.jobs({"job_type": "env_create", "site_slug_prefix": _smoke_site_prefix(context)}, "fail",
                        error_code="ANSIBLE_SYNTAX_ERROR", error_message="env_create playbook has a syntax error",
                        count=1)  # not retried: the run fails at once
    context.state.smoke_reports = tempfile.mkdtemp(prefix="pressluft-smoke-loop-")
    context.add_cleanup(shutil.rmtree, context.state.smoke_reports, True)
    context.state.nodes_before = {node["id"] for node in context.run.operator.asks_for(TheNodes(quiet=True))}
    smoke_exited_with(_run_smoke_again(context), 1, "a failed job")


def _redirect_nowhere(status: int) -> dict:
    """A redirect to an address where nothing answers: followed, it would not answer at all."""
    return {"status": status, "location": unused_local_url() + "/wp-admin/"}


@given("the preview of the next clone will {misbehave}")
def step_clone_preview_misbehaves(context, misbehave):
    behaviour = {"answer that the page is not found (404)": {"status": 404}, "refuse connections": {"refuse": True},
                 "answer with a redirect of another kind (307), to an address where nothing answers":
                     _redirect_nowhere(307)}[misbehave]
    context.faults.preview(site_slug_prefix=_smoke_site_prefix(context), environment_type="clone", **behaviour)


@given("the next clone's preview will answer with a redirect ({clone:d}), and the next staging environment's with a "
       "redirect ({staging:d}), each to an address where nothing answers")
def step_copy_previews_redirect(context, clone, staging):
    """Limited to the copies of the scenario's smoke site: its production answers as it would."""
    for copy_type, status in (("clone", clone), ("staging", staging)):
        context.faults.preview(site_slug_prefix=_smoke_site_prefix(context), environment_type=copy_type,
                               **_redirect_nowhere(status))


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


@given("no provider-acquired node is ready, and none is being acquired")
def step_no_node_for_the_smoke(context):
    """Every provider node listed now reports not ready (node_unreachable), and no node acquisition is in flight: the
    smoke started next must ask for a node of its own. Faults on every node: the scenario is @SERIAL."""
    operator = context.run.operator
    nodes = operator.asks_for(TheNodes(quiet=True))
    for node in provider_nodes(nodes):
        context.faults.node_readiness(["node_unreachable"], node_id=node["id"])
    connect_provider(operator)
    acquiring = [job["id"] for job in jobs_touching(operator.asks_for(TheJobs(quiet=True)), job_type="node_provision")
                 if in_flight(job)]
    if acquiring:
        raise ValueError(f"the scenario needs no node acquisition in flight; these are: {', '.join(acquiring)}")
    context.state.nodes_before = {node["id"] for node in nodes}


# -- running a smoke -----------------------------------------------------------------------------------
use_step_matcher("re")


@when(r"the (?P<smoke>clone preview|backup and restore) smoke runs from the repository root with no input"
      r"(?:, allowing (?P<what>each job|the preview|its node) (?P<seconds>\d+(?:\.\d+)?) seconds?)?")
def step_run_smoke(context, smoke, what=None, seconds=None):
    budgets = {budget: float(seconds) for budget in ALLOWED[what]} if what else {}
    context.state.smoke = run_smoke(smoke, context.run.settings, run_id=_smoke_run_id(context), budgets=budgets)
    context.state.smoke_runs.append(context.state.smoke)


EACH_SMOKE = ("each smoke, the clone preview smoke and the backup and restore smoke, runs from the repository root "
              "with no input")


def _run_each_smoke(context, **how):
    """Both smokes, at once (what differs between them is which smoke runs, and which of the scenario's faults its
    flow meets), each with a run id of its own; `smoke_runs` holds both, the backup and restore smoke's last."""
    run_ids = [f"{_smoke_run_id(context)}-{n}" for n in (1, 2)]
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda words, run_id: run_smoke(words, context.run.settings, run_id=run_id, **how),
                             ("clone preview", "backup and restore"), run_ids))
    context.state.smoke_runs += runs
    context.state.smoke = runs[-1]
    context.state.each_smoke = runs


@when(EACH_SMOKE + r", with its (?P<setting>.+) set to \"(?P<value>[^\"]*)\"")
def step_run_each_smoke_with_setting(context, setting, value):
    context.state.smoke_settings = {SETTING_OF[setting]: value}
    _run_each_smoke(context, variables=context.state.smoke_settings)


@when(EACH_SMOKE + r", allowing (?P<what>the preview) (?P<seconds>\d+(?:\.\d+)?) seconds?")
def step_run_each_smoke_allowing(context, what, seconds):
    _run_each_smoke(context, budgets={budget: float(seconds) for budget in ALLOWED[what]})


@when(EACH_SMOKE + ", against an address where no control plane answers")
def step_run_each_smoke_nowhere(context):
    _run_each_smoke(context, base_url=unused_local_url())


@when("the clone preview smoke runs twice from the repository root with no input")
def step_run_smoke_twice(context):
    _run_smoke_again(context, runs=2)  # at once: what differs between them is their timing, not the fault


@when("the clone preview smoke runs again from the repository root with no input")
def step_run_smoke_again(context):
    _run_smoke_again(context)


def _judged_smokes(context, who: str) -> list:
    """The scenario's smoke ("the smoke", "its"), or both smokes its When ran ("each smoke")."""
    return context.state.need("each_smoke") if who.startswith("each") else [context.state.need("smoke")]


@then(r"(?P<who>the smoke|each smoke) exits with status (?P<status>\d+)(?: within (?P<seconds>\d+) seconds)?, "
      r"reporting (?P<words>.+)")
def step_smoke_exits_with(context, who, status, words, seconds=None):
    for smoke in _judged_smokes(context, who):
        smoke_exited_with(smoke, int(status), words, float(seconds) if seconds else None)


@then(r"(?P<who>its|each smoke's) failure gives the reason \"(?P<reason>[^\"]*)\"")
def step_failure_reason(context, who, reason):
    for smoke in _judged_smokes(context, who):
        smoke_failure_reason(smoke, reason)


def _the_smoke(context, who: str):
    """The scenario's smoke ("its"), or of the two its When ran at once the one named ("the clone preview smoke's")."""
    if who == "its":
        return context.state.need("smoke")
    return next(smoke for smoke in context.state.need("each_smoke") if f"the {smoke.name} smoke's" == who)


WHOSE = r"(?P<who>its|the clone preview smoke's|the backup and restore smoke's)"
# a preview's words in feature text → the environment's type, and the request that made what it shows
PREVIEW_OF = {"the new clone's": ("clone", "clone creation"), "production's": ("production", "restore")}


@then(WHOSE + r" failure names the (?P<request>clone creation|restore) and its job id, (?P<preview>the new clone's|"
      r"production's) preview address, and its last answer, \"(?P<answer>[^\"]+)\", when the "
      r"(?P<seconds>\d+(?:\.\d+)?)-second wait ended")
def step_failure_names_preview_and_last_answer(context, who, request, preview, answer, seconds):
    environment_type, made_by = PREVIEW_OF[preview]
    if request != made_by:
        raise ValueError(f"the feature text names the {request} for {preview} preview, made by the {made_by}")
    smoke = _the_smoke(context, who)
    smoke_failure_names_preview(context.run.operator, smoke, environment_type)
    smoke_failure_last_answer(smoke, answer, float(seconds))




@then(r"its failure says the node acquisition was still running, and the node not ready, when the "
      r"(?P<seconds>\d+(?:\.\d+)?)-second wait ended")
def step_failure_node_still_acquired(context, seconds):
    smoke_failure_node_still_acquired(context.run.operator, context.state.need("smoke"), float(seconds))


@then(r"its failure says the job was still running when the (?P<seconds>\d+(?:\.\d+)?)-second wait ended")
def step_failure_still_running(context, seconds):
    smoke_failure_still_running(context.state.need("smoke"), float(seconds))


use_step_matcher("parse")


@then("it asked Pressluft for one new node, which Pressluft acquired and reported ready")
def step_smoke_asked_for_one_node(context):
    state = context.state
    state.node = smoke_asked_for_one_node(context.run.operator, state.need("smoke"), state.need("nodes_before"))


@then("it made its new site on that node")
def step_smoke_site_on_that_node(context):
    smoke_site_on_node(context.run.operator, context.state.need("smoke"), context.state.need("node"))


@then("the smoke passes, exiting with status 0")
def step_smoke_passes(context):
    smoke_passed(context.state.need("smoke"))


@then("its failure names the {request} and its job id")
def step_failure_names_request_and_job(context, request):
    smoke_failure_names_request(context.run.operator, context.state.need("smoke"), request, names_job=True)


@then("its failure names the refused {request}, says no job was queued, and gives the reasons: {why} ({codes})")
def step_failure_names_request_and_reasons(context, request, why, codes):
    smoke = context.state.need("smoke")
    smoke_failure_names_request(context.run.operator, smoke, request, names_job=False)
    smoke_failure_reasons(smoke, codes_in_words(why, codes))


@then("both runs exit with status {status:d} and report the failure in the same words, apart from each run's ids, "
      "site and environment names, preview addresses and durations")
def step_runs_fail_alike(context, status):
    smoke_runs_fail_alike(context.run.operator, context.state.smoke_runs[-2:], "clone creation", status)


@then("it reused a node that was already ready, without asking for another")
def step_smoke_reused_a_node(context):
    state = context.state
    smoke_reused_a_node(context.run.operator, state.need("earlier_smoke"), state.need("smoke"),
                        context.run.provider_node(), state.need("nodes_before"))


@then("its output lists what the failed run left behind: its site and its failed clone")
def step_smoke_lists_what_was_left(context):
    state = context.state
    smoke_lists_what_the_failed_run_left(context.run.operator, state.need("earlier_smoke"), state.need("smoke"))


@then('the {request} job had ended failed, {attempts}, with the error "{code}", before the smoke reported it')
def step_reported_once_ended(context, request, attempts, code):
    smoke_reported_once_ended(context.run.operator, context.state.need("smoke"), request, code=code, attempts=attempts)


@then("the smoke's report shows the clone's preview reachable on its answer, a redirect ({clone:d}), and the staging "
      "environment's on its answer, a redirect ({staging:d}), neither redirect followed")
def step_smoke_counted_redirects(context, clone, staging):
    smoke_counted_previews_on(context.run.operator, context.state.need("smoke"), {"clone": clone, "staging": staging})


@then("the clone creation job succeeded")
def step_clone_creation_succeeded(context):
    smoke_copy_made(context.run.operator, context.state.need("smoke"), "clone")


@then("the new {copy} and its site are marked failed, not active")
def step_new_copy_failed(context, copy):
    smoke_environment_failed(context.run.operator, context.state.need("smoke"), COPY_TYPE[copy])


@then("production and its site are marked failed, not active")
def step_production_failed(context):
    smoke_environment_failed(context.run.operator, context.state.need("smoke"), "production")


# -- what a smoke made: each sentence, the check that judges it, and what of the scenario it needs -------------
def _judged(check, *needs):
    def step(context):
        check(context.run.operator, *(context.state.need(name) for name in needs))
    step.__doc__ = check.__doc__
    return step


def _on_the_run_node(check):
    """A check of what the smoke made, after the check that its new site is on the run's provider-acquired node."""
    def step(context):
        smoke = context.state.need("smoke")
        smoke_site_on_node(context.run.operator, smoke, context.run.ready_node())
        check(context.run.operator, smoke)
    step.__doc__ = check.__doc__
    return step


@then("it made a new site on the provider-acquired node")
def step_smoke_site_on_the_run_node(context):
    smoke_site_on_node(context.run.operator, context.state.need("smoke"), context.run.ready_node())


then("it made a full backup of the production of a new site on the provider-acquired node, listed with a sha256 "
     "checksum and a positive size")(_on_the_run_node(smoke_backup_listed))
for sentence, check, needs in (
        ("it made a clone and a staging environment of that site's production, both active on its node",
         smoke_made_copies, ("smoke",)),
        ("the previews of both are reachable: each answers with a page or a redirect (200, 301 or 302), the redirect "
         "not followed", smoke_copies_answer, ("smoke",)),
        ("it restored production on the provider-acquired node, the node it backed up from, with a full checkpoint "
         "of production taken first", smoke_restored_with_checkpoint, ("smoke",)),
        ("its production is active again, and its preview is reachable: it answers with a page or a redirect (200, "
         "301 or 302), the redirect not followed", smoke_production_live_again,
         ("smoke",)),
        ("it asked for no node of its own", smoke_asked_for_no_node, ("smoke", "node_request")),
        ("it waited for the node being acquired, which the node list showed not ready until Pressluft had acquired it",
         smoke_waited_for_node, ("smoke", "node_request"))):
    then(sentence)(_judged(check, *needs))
