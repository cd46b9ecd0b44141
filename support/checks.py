"""The checks behind the Then steps: one function per claim, each checking every property its sentence
names against what the scenario asked for (the requested type, the budget set, the job submitted), never
against the answer under test. A check that fails raises a SuiteFailure naming the request, the job and
why. docs/claims.md lists the claims, their properties and the mutant target that breaks each.
"""
from __future__ import annotations

from typing import Iterable, Optional

from support import matchers
from support.actions import Submission
from support.actor import Operator
from support.categories import Category, category_named
from support.diagnostics import SuiteFailure
from support.flows import LiveSite, Request
from support.jobs import in_flight, is_terminal, job_reason, require_success
from support.journal import Exchange
from support.matchers import expect
from support.provider_node import Acquisition, node_of
from support.questions import (
    TheBackups,
    TheEnvironment,
    TheEnvironments,
    TheJob,
    TheJobs,
    TheNodes,
    TheProviders,
    TheSites,
    by_slug,
    jobs_touching,
    provider_connection,
)
from support.redaction import shown_preview_address
from support.smokes import SmokeRun, site_of
from support.times import parse_time
from support.waits import wait_for_job, wait_for_node_ready, wait_for_preview


def _env_command(environment_id: str) -> str:
    return f"GET /api/environments/{environment_id}"


def _backups_command(environment_id: str) -> str:
    return f"GET /api/environments/{environment_id}/backups"


# -- jobs ----------------------------------------------------------------------------------------------
def job_succeeded(operator: Operator, request: Request, budget: float) -> dict:
    """The job the request queued ended succeeded (failed: job_failed, cancelled: job_cancelled, still in
    flight after its budget and Pressluft's own retries: job_timeout)."""
    job_id = request.accepted()
    job, history = wait_for_job(operator, job_id, command=request.command, budget=budget)
    return expect(job, matchers.a_job_that_succeeded(), command=request.command, job_id=job_id, poll=history)


def job_ended_failed(operator: Operator, job: Optional[dict], *, command: str, code: str,
                     message: Optional[str] = None, attempts: Optional[str] = None, budget: float) -> dict:
    """The job ended failed with that code (and message), finished, within its allowed attempts, and with the
    attempts the sentence names (`attempts`: a phrase of support.matchers.ATTEMPT_RULES)."""
    if job is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs", f"no job of {command} is listed")
    if not is_terminal(job):
        job, _ = wait_for_job(operator, job["id"], command=command, budget=budget)
    return expect(job, matchers.a_job_that_ended_failed(code, message, attempts=attempts), command=command,
                  job_id=job["id"])


# -- nodes ---------------------------------------------------------------------------------------------
def node_request_ended_failed(operator: Operator, request: Request, *, code: str, message: Optional[str],
                              attempts: str) -> dict:
    job = operator.asks_for(TheJob(request.accepted()))
    return job_ended_failed(operator, job, command=request.command, code=code, message=message, attempts=attempts,
                            budget=operator.settings.budgets.node)


def node_is_ready(operator: Operator, acquisition: Acquisition) -> dict:
    """The node becomes ready (within the node budget) and lists no outstanding reason code."""
    node, history = wait_for_node_ready(operator, acquisition.node_id, budget=operator.settings.budgets.node,
                                        job_id=acquisition.job_id)
    return expect(node, matchers.a_ready_node(), command="GET /api/nodes", job_id=acquisition.job_id, poll=history)


def at_most_one_node_acquired(operator: Operator, name: str) -> None:
    """Pressluft acquired no more than one node for the run's one request: one node of that name, one job."""
    nodes = [node for node in operator.asks_for(TheNodes()) if node.get("name") == name]
    jobs = [job for node in nodes
            for job in jobs_touching(operator.asks_for(TheJobs(quiet=True)), node_id=node["id"],
                                     job_type="node_provision")]
    if len(nodes) > 1 or len(jobs) > 1:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/nodes",
                           f"Pressluft acquired {len(nodes)} nodes named {name} with {len(jobs)} acquisition jobs for "
                           f"one request: {', '.join(node['id'] for node in nodes)}",
                           job_id=jobs[-1]["id"] if jobs else None)


def retry_scheduled(operator: Operator, request: Request, *, failed_attempts: int, error_code: str) -> dict:
    """After `failed_attempts` failed attempts the job is queued again: attempt count, the last error kept,
    run_after ahead of the job's last change, attempts left."""
    job_id = request.accepted()

    def scheduled_or_past(job: dict) -> bool:
        attempts = job.get("attempt_count") or 0
        return attempts > failed_attempts or (attempts == failed_attempts and job.get("status") == "queued")

    job, history = wait_for_job(operator, job_id, command=request.command, budget=operator.settings.budgets.node,
                                until=scheduled_or_past)
    where = f"the acquisition job at attempt {job.get('attempt_count')} of {job.get('max_attempts')}"
    if job.get("status") == "failed":
        raise SuiteFailure(Category.JOB_FAILED, request.command,
                           f"{where} ended failed with {job_reason(job)} instead of being scheduled again",
                           job_id=job_id, job=job, poll=history)
    problems = []
    if job.get("status") != "queued":
        problems.append(f"it is {job.get('status')}, not queued to run again")
    if job.get("attempt_count") != failed_attempts:
        problems.append(f"it counts {job.get('attempt_count')} attempts, not {failed_attempts}")
    if job.get("error_code") != error_code:
        problems.append(f"it keeps the error {job.get('error_code')!r}, not {error_code!r}")
    run_after, changed = parse_time(job.get("run_after")), parse_time(job.get("updated_at"))
    if run_after is None or changed is None or run_after <= changed:
        problems.append(f"its run_after {job.get('run_after')!r} is not ahead of its last change "
                        f"{job.get('updated_at')!r}")
    if (job.get("attempt_count") or 0) >= (job.get("max_attempts") or 0):
        problems.append("it has no attempt left")
    if problems:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, request.command,
                           f"{where} is not scheduled to run again after {error_code}: " + "; ".join(problems),
                           job_id=job_id, job=job, poll=history)
    return job


def node_not_ready_while_acquiring(operator: Operator, request: Request) -> dict:
    """While the acquisition job is in flight, the new node is listed and reported not ready, with reasons."""
    job = operator.asks_for(TheJob(request.accepted()))
    if not in_flight(job):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/jobs/{job.get('id')}",
                           f"the acquisition is no longer in flight (it is {job.get('status')})", job_id=job.get("id"),
                           job=job)
    return new_node_listed_not_ready(operator, request, job)


def new_node_listed_not_ready(operator: Operator, request: Request, job: Optional[dict] = None) -> dict:
    """The node the request made is listed, and reported not ready with reason codes."""
    job = job or operator.asks_for(TheJob(request.accepted()))
    node = node_of(operator, request, job)
    if node is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/nodes",
                           f"the node {request.slug} that was requested is not listed", job_id=job.get("id"), job=job)
    return expect(node, matchers.a_node_not_ready(), command="GET /api/nodes", job_id=job.get("id"))


def node_ready_without_resubmission(operator: Operator, request: Request, exchanges: list[Exchange]) -> dict:
    """The acquisition job succeeded, the node is ready, and the node was requested once: one POST by the
    operator in this scenario, one acquisition job for the node."""
    job_id = request.accepted()
    job, history = wait_for_job(operator, job_id, command=request.command, budget=operator.settings.budgets.node)
    require_success(job, command=request.command, history=history)
    node = node_of(operator, request, job)
    if node is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/nodes",
                           "the acquisition job succeeded but its node is not listed", job_id=job_id, job=job)
    node, readiness = wait_for_node_ready(operator, node["id"], budget=operator.settings.budgets.node, job_id=job_id)
    expect(node, matchers.a_ready_node(), command="GET /api/nodes", job_id=job_id, poll=readiness)
    jobs = jobs_touching(operator.asks_for(TheJobs()), node_id=node["id"], job_type="node_provision")
    posts = [exchange for exchange in exchanges if exchange.command == "POST /api/nodes"]
    if len(jobs) != 1 or len(posts) != 1:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs",
                           f"the node was requested {len(posts)} times and has {len(jobs)} acquisition jobs: "
                           + ", ".join(f"{j['id']} ({j.get('status')})" for j in jobs), job_id=job_id)
    return node


# -- the provider connection ---------------------------------------------------------------------------
def provider_degraded_with_guidance(operator: Operator) -> dict:
    provider_id = operator.settings.provider_id
    connection = provider_connection(operator.asks_for(TheProviders()), provider_id)
    guidance = (connection or {}).get("guidance")
    if connection is None or connection.get("status") != "degraded" or not guidance \
            or not all(isinstance(line, str) and line.strip() for line in guidance):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/providers",
                           f"the {provider_id} connection is {(connection or {}).get('status', 'not listed')} with "
                           f"guidance {guidance!r}, not degraded with guidance")
    return connection


# -- refusals ------------------------------------------------------------------------------------------
def refused(submission: Submission, *, code: str, status: int, naming: Iterable[str] = ()) -> None:
    expect(submission.answer, matchers.an_error_envelope_with_code(code, status=status, naming=naming),
           command=submission.command, job_id=submission.job_id)


def no_job_queued(operator: Operator, jobs_before: list, *, because: str, job_type: Optional[str] = None,
                  **scope) -> None:
    """No new job (of that type, for that scope) is listed, and no new job of any type in the scope; without a
    scope, the job list is unchanged. (With a scope, jobs of other sites, e.g. of scenarios running in
    parallel, do not count.)"""
    jobs = operator.asks_for(TheJobs())
    before = {job["id"] for job in jobs_before}
    new = [job for job in jobs if job["id"] not in before]
    if scope:
        new = jobs_touching(new, **scope)
    matching = jobs_touching(new, job_type=job_type)
    if new or (not scope and len(jobs) != len(before)):
        count = len(new) if scope else len(jobs) - len(before)
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs",
                           f"{count} jobs were queued ({len(matching)} {job_type or 'job'}) although {because}: "
                           + ", ".join(f"{job.get('job_type')} {job['id']}" for job in new),
                           job_id=(matching or new)[0]["id"] if new else None)


def no_site_recorded(operator: Operator, attempt: Request) -> None:
    sites = operator.asks_for(TheSites())
    before = {site["id"] for site in attempt.sites_before}
    extra = [site for site in sites if site["id"] not in before]
    if extra or by_slug(sites, attempt.slug):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/sites",
                           "a site was recorded although its creation was refused: "
                           + ", ".join(f"{site.get('slug')} ({site.get('status')})" for site in extra))


def no_environment_added(operator: Operator, attempt: Request, site: LiveSite) -> None:
    environments = operator.asks_for(TheEnvironments(site.id))
    before = {env["id"] for env in attempt.environments_before}
    extra = [env for env in environments if env["id"] not in before]
    if extra:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/sites/{site.id}/environments",
                           "an environment was added although its creation was refused: "
                           + ", ".join(f"{env.get('slug')} ({env.get('status')})" for env in extra))


# -- environments and previews -------------------------------------------------------------------------
def listed_environment(operator: Operator, request: Request) -> dict:
    """The environment a creation request named, as the site lists it."""
    listed = by_slug(operator.asks_for(TheEnvironments(request.site_id)), request.slug)
    if listed is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/sites/{request.site_id}/environments",
                           f"the {request.type} {request.slug} is not listed among the site's environments",
                           job_id=request.job_id)
    return listed


def environment_is_active_copy(operator: Operator, request: Request, site: LiveSite, type: str) -> dict:
    """The environment the request named is listed, active, of the requested type, copied from production,
    on production's node, with a preview address of its own."""
    listed = listed_environment(operator, request)
    operator.ledger.record("environment", listed["id"], request.slug)
    environment = operator.asks_for(TheEnvironment(listed["id"]))
    production = site.production
    copy = matchers.an_environment("active", type=type, source=production["id"], node=request.node_id,
                                   preview_other_than=production.get("preview_url"))
    return expect(environment, copy, command=_env_command(listed["id"]), job_id=request.job_id)


def environment_active_on(operator: Operator, environment_id: str, node_id: Optional[str], *,
                          job_id: Optional[str] = None) -> dict:
    environment = operator.asks_for(TheEnvironment(environment_id))
    return expect(environment, matchers.an_environment_that_is("active", on_node=node_id),
                  command=_env_command(environment_id), job_id=job_id)


def environment_status(operator: Operator, environment_id: str, status: str, *, job_id: Optional[str] = None) -> dict:
    environment = operator.asks_for(TheEnvironment(environment_id))
    return expect(environment, matchers.an_environment_that_is(status), command=_env_command(environment_id),
                  job_id=job_id)


def preview_reachable(operator: Operator, url: str) -> int:
    status, _ = wait_for_preview(operator, url)
    return status


def preview_answered(answer: tuple, status: int, url: str) -> None:
    expect(answer, matchers.a_preview_answer(status), command=f"GET {url}")


def preview_shows(operator: Operator, url: str, content: str) -> None:
    wait_for_preview(operator, url)
    status, last, body = operator.preview.get(url)
    if status != 200 or content not in body:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET {url}",
                           f"the preview answered {last} without the content '{content}'")


# -- backups and restores ------------------------------------------------------------------------------
def backup_listed_complete(operator: Operator, request: Request, environment_id: str) -> dict:
    """The backup the job made (the job's id is the backup's id) is listed for that environment as a
    completed full backup with a sha256 checksum and a positive size."""
    job_id = request.accepted()
    backups = operator.asks_for(TheBackups(environment_id))
    backup = next((b for b in backups if b.get("id") == job_id), None)
    if backup is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, _backups_command(environment_id),
                           f"the backup {job_id} that the job made is not listed among the {len(backups)} backups",
                           job_id=job_id)
    return expect(backup, matchers.a_completed_backup(scope="full", of=environment_id),
                  command=_backups_command(environment_id), job_id=job_id)


def checkpoint_listed(operator: Operator, restore: Request, restore_job: dict) -> dict:
    """A backup that was not listed before the restore is listed now: a completed full backup of the
    environment with integrity data, taken while that restore job ran (between its start and its end)."""
    environment_id, command = restore.environment_id, _backups_command(restore.environment_id)
    before = {backup["id"] for backup in restore.backups_before} | {restore.backup_id}
    new = [b for b in operator.asks_for(TheBackups(environment_id)) if b.get("id") not in before]
    if not new:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           "no new backup of the environment is listed after the restore", job_id=restore_job["id"])
    started, finished = parse_time(restore_job.get("started_at")), parse_time(restore_job.get("finished_at"))
    problems = []
    for backup in new:
        matcher = matchers.a_completed_backup(scope="full", of=environment_id)
        created = parse_time(backup.get("created_at"))
        if not matcher.matches(backup):
            problems.append(matcher.reason_for(backup))
        elif created is None or finished is None or created > finished or (started and created < started):
            problems.append(f"the backup {backup['id']} was created at {backup.get('created_at')}, not while the "
                            f"restore ran ({restore_job.get('started_at')} to {restore_job.get('finished_at')})")
        else:
            return backup
    raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                       "no full checkpoint taken by the restore is listed: " + "; ".join(problems),
                       job_id=restore_job["id"])


# -- smokes --------------------------------------------------------------------------------------------
REQUEST_OF = {"site creation": "site_create", "environment creation": "env_create", "restore": "env_restore"}


def _smoke_mismatch(smoke: SmokeRun, what: str) -> SuiteFailure:
    return SuiteFailure(Category.CONTRACT_VIOLATION, smoke.command_line, what,
                        details={"smoke output (tail)": smoke.tail()})


def smoke_passed(smoke: SmokeRun) -> None:
    """Exit 0, at least one scenario passed, no failure line."""
    if smoke.exit_code != 0 or smoke.verdicts or smoke.scenarios_passed < 1:
        verdict = smoke.verdicts[0] if smoke.verdicts else None
        raise _smoke_mismatch(smoke, f"the {smoke.name} smoke exited with status {smoke.exit_code} after "
                                     f"{smoke.scenarios_passed} passed scenarios"
                              + (f"; its verdict: {verdict['category']}: {verdict['reason']}" if verdict else ""))


def smoke_failure(smoke: SmokeRun) -> dict:
    """The smoke's one failure line (it must have exited 1 with exactly one)."""
    verdicts = smoke.verdicts
    if smoke.exit_code != 1 or len(verdicts) != 1:
        raise _smoke_mismatch(smoke, f"the {smoke.name} smoke exited with status {smoke.exit_code} and "
                                     f"{len(verdicts)} failure lines, expected status 1 and one failure line")
    return verdicts[0]


def smoke_failed_as(smoke: SmokeRun, words: str, within: Optional[float] = None) -> None:
    expected = category_named(words)
    verdict = smoke_failure(smoke)
    if verdict["category"] != expected.value:
        raise _smoke_mismatch(smoke, f"the smoke failed as {verdict['category']} ({verdict['reason']}), "
                                     f"expected {expected.value}")
    if within is not None and smoke.elapsed > within:
        raise _smoke_mismatch(smoke, f"the smoke took {smoke.elapsed:.1f} s to fail, more than {within:g} s")


def smoke_failure_names_request(operator: Operator, smoke: SmokeRun, request: str, names_job: bool) -> None:
    """The failure line's command is that request of the smoke's own site, and its job the job of that
    request as Pressluft lists it (or no job)."""
    verdict = smoke_failure(smoke)
    made = site_of(operator, smoke)
    site, production = made.site, made.production
    expected = {"site creation": "POST /api/sites",
                "environment creation": f"POST /api/sites/{site['id']}/environments" if site else None,
                "restore": f"POST /api/environments/{production['id']}/restore" if production else None}[request]
    job = made.job(REQUEST_OF[request]) if names_job else None
    expected_job = job["id"] if job else "none"
    if expected is None or verdict["command"] != expected or (names_job and job is None) \
            or verdict["job_id"] != expected_job:
        raise _smoke_mismatch(smoke, f"the failure names {verdict['command']} and the job {verdict['job_id']}, "
                                     f"expected {expected or f'the {request} of the smoke site (none listed)'} and "
                                     f"{'its job ' + expected_job if names_job else 'no job'}")


def smoke_failure_names_clone_preview(operator: Operator, smoke: SmokeRun) -> None:
    verdict = smoke_failure(smoke)
    clone = site_of(operator, smoke).environment_of_type("clone")
    # as the smoke shows it: it runs against its target as an external one, so without its host (redaction.py)
    expected = f"GET {shown_preview_address(clone['preview_url'], clone['id'])}" if clone else None
    if verdict["command"] != expected:
        raise _smoke_mismatch(smoke, f"the failure names {verdict['command']}, expected "
                                     f"{expected or 'the preview address of the smoke site clone (none listed)'}")


def smoke_failure_reason(smoke: SmokeRun, reason: str) -> None:
    verdict = smoke_failure(smoke)
    if verdict["reason"] != reason:
        raise _smoke_mismatch(smoke, f"the failure gives the reason '{verdict['reason']}', expected '{reason}'")


def smoke_failure_reasons(smoke: SmokeRun, codes: list[str]) -> None:
    verdict = smoke_failure(smoke)
    missing = [code for code in codes if code not in verdict["reason"]]
    if missing:
        raise _smoke_mismatch(smoke, f"the failure reason '{verdict['reason']}' does not name {', '.join(missing)}")


def smoke_failure_last_answer(smoke: SmokeRun, answer: str, budget: float) -> None:
    verb = "answered" if answer.isdigit() else "got"
    smoke_failure_reason(smoke, f"preview {verb} {answer} until its {budget:g} s budget was spent")


def smoke_failure_still_running(smoke: SmokeRun, budget: float) -> None:
    verdict = smoke_failure(smoke)
    expected = f"still running when its {budget:g} s budget was spent"
    if not verdict["reason"].startswith(expected):
        raise _smoke_mismatch(smoke, f"the failure gives the reason '{verdict['reason']}', expected it to say "
                                     f"'{expected}'")


def smoke_job_ended_failed(operator: Operator, smoke: SmokeRun, request: str, *, code: str, attempts: str) -> dict:
    made = site_of(operator, smoke)
    job = made.job(REQUEST_OF[request])
    budget = operator.settings.budgets.for_job(REQUEST_OF[request])
    return job_ended_failed(operator, job, command=f"the smoke's {request}", code=code, attempts=attempts,
                            budget=budget)


def smoke_environment_failed(operator: Operator, smoke: SmokeRun, which: str) -> dict:
    """`which`: "clone" (the smoke site's new environment) or "production"."""
    made = site_of(operator, smoke)
    environment = made.production if which == "production" else made.environment_of_type(which)
    if environment is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/sites",
                           f"the smoke's site has no {which} environment listed")
    job = made.job("env_restore" if which == "production" else "env_create")
    return environment_status(operator, environment["id"], "failed", job_id=(job or {}).get("id"))

