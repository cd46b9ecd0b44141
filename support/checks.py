"""The checks behind the Then steps: one function per claim, each checking every property its sentence
names against what the scenario asked for (the requested type, the budget set, the job submitted), never
against the answer under test. A check that fails raises a SuiteFailure naming the request, the job and
why. docs/claims.md lists the claims, their properties and the mutant target that breaks each.
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional

from support import matchers
from support.flows import LiveSite, environment_made_by
from support.http.journal import Exchange
from support.matchers import expect
from support.pressluft.jobs import CONTRACT_MAX_ATTEMPTS, in_flight, is_terminal, job_reason, require_success
from support.pressluft.times import parse_time
from support.provider_node import REJECTED_CREDENTIAL, REQUESTED, Acquisition, run_node_name
from support.runtime.smokes import SmokeRun
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import (
    TheBackups,
    TheEnvironment,
    TheEnvironments,
    TheJob,
    TheJobs,
    TheNodes,
    TheProviders,
    TheSite,
    TheSites,
    by_id,
    by_slug,
    jobs_touching,
)
from support.smoke_site import SmokeSite, site_of
from support.verdicts.categories import PRODUCT_STATUS, Category, category_named, exit_status
from support.verdicts.failure import SuiteFailure
from support.verdicts.redaction import shown_preview_address
from support.waiting.jobs import out_of_budget, wait_for_job
from support.waiting.nodes import wait_for_node_ready
from support.waiting.previews import unreachable, wait_for_preview


def _env_command(environment_id: str) -> str:
    return f"GET /api/environments/{environment_id}"


def _backups_command(environment_id: str) -> str:
    return f"GET /api/environments/{environment_id}/backups"


def _site_command(site_id: str) -> str:
    return f"GET /api/sites/{site_id}"


# -- jobs ----------------------------------------------------------------------------------------------
def job_succeeded(operator: Operator, request: Request, budget: float) -> dict:
    """The job the request queued ended succeeded (failed: job_failed, cancelled: job_cancelled, still in
    flight after its budget and Pressluft's own retries: job_timeout), and it is the request's own: of the job
    type the request queues, for the site, the environment (a creation: a new one) and the node the scenario
    set up."""
    job_id = request.accepted()
    job, history = wait_for_job(operator, job_id, command=request.command, budget=budget)
    expect(job, matchers.a_job_that_succeeded(), command=request.command, job_id=job_id, poll=history)
    creation = request.job_type == "env_create"
    own = matchers.a_job_of_the_request(
        request.job_type, site=request.site_id, environment=request.environment_id, node=request.node_id,
        new_environment_not_in=[env["id"] for env in request.environments_before] if creation else None)
    return expect(job, own, command=f"GET /api/jobs/{job_id}", job_id=job_id)


def job_ended_failed(operator: Operator, job: Optional[dict], *, command: str, job_type: str, code: str,
                     message: Optional[str] = None, attempts: Optional[str] = None, budget: float, **where) -> dict:
    """The job (of that type, belonging where `where` says) ended failed with that code (and message),
    finished, within the attempts the contract gives its type, and with the attempts the sentence names
    (`attempts`: a phrase of support.matchers.ATTEMPT_RULES)."""
    if job is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs", f"no job of {command} is listed")
    if not is_terminal(job):
        job, _ = wait_for_job(operator, job["id"], command=command, budget=budget)
    return expect(job, matchers.a_job_that_ended_failed(code, message, job_type=job_type, attempts=attempts, **where),
                  command=command, job_id=job["id"])


def _shown_in(listing: list, made: list[dict], *, command: str, what: str, claim: str,
              job_id: Optional[str] = None) -> None:
    """A "no X" claim can fail only when its listing can show an X: every record this run made before
    (`made`: the fields each must be listed with, its id first) is in the listing, with those fields; else
    the claim fails as a contract violation."""
    by_id = {item.get("id"): item for item in listing if isinstance(item, dict)}
    problems = [] if made else [f"this run made no {what} it could look for"]
    for record in made:
        listed = by_id.get(record["id"])
        if listed is None:
            problems.append(f"{record['id']} is not listed")
            continue
        wrong = [field for field in record if listed.get(field) != record[field]]
        if wrong:
            problems.append(f"{record['id']} is listed with "
                            + ", ".join(f"{field} {listed.get(field)!r}" for field in wrong) + ", not "
                            + ", ".join(f"{field} {record[field]!r}" for field in wrong))
    if problems:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"the {what} list does not show the {what} this run made ({'; '.join(problems)}), so it "
                           f"cannot show that {claim}", job_id=job_id)


def site_job_record(site: LiveSite) -> list[dict]:
    """The site's creation job as the job list must show it: a site_create of the site and its production."""
    if not site.job:
        return []
    return [{"id": site.job["id"], "job_type": "site_create", "site_id": site.id,
             "environment_id": site.production["id"]}]


def node_job_record(acquisition: Optional[Acquisition]) -> list[dict]:
    """The run's node acquisition job (when the run requested or adopted one) as the job list must show it."""
    if acquisition is None or not acquisition.job_id or not acquisition.job:
        return []
    return [{"id": acquisition.job_id, "job_type": "node_provision", "node_id": acquisition.job.get("node_id")}]


def run_node_job_record(operator: Operator, acquisition: Acquisition) -> list[dict]:
    """The job that made the run's node: the run's own acquisition job, or for a node the run reused, the newest
    node_provision job the job list shows for it."""
    return node_job_record(acquisition) or [
        {"id": job["id"], "job_type": "node_provision", "node_id": acquisition.node_id}
        for job in jobs_touching(operator.asks_for(TheJobs(quiet=True)), node_id=acquisition.node_id,
                                 job_type="node_provision")[-1:]]


def backup_job_record(backup: Optional[dict]) -> list[dict]:
    """The backup_create job that made a backup of this run (its id is the backup's id)."""
    if not backup:
        return []
    return [{"id": backup["id"], "job_type": "backup_create", "environment_id": backup.get("environment_id")}]


# -- nodes ---------------------------------------------------------------------------------------------
def _requested_node(operator: Operator, request: Request, job: dict) -> dict:
    """The node a node request made, found by the id its acquisition job names: listed, not listed before the
    request, the provider node of the requested name."""
    nodes = operator.asks_for(TheNodes(quiet=True))
    node = by_id(nodes, job.get("node_id")) if job.get("node_id") else None
    if node is None or node["id"] in request.nodes_before:
        what = ("names no node" if not job.get("node_id") else f"names the node {job['node_id']}, which is "
                + ("not listed" if node is None else "older than the request"))
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/jobs/{job.get('id')}",
                           f"the acquisition job of the node {request.slug} {what}", job_id=job.get("id"), job=job)
    return expect(node, matchers.a_provider_node_named(request.slug), command="GET /api/nodes", job_id=job.get("id"))


def node_request_ended_failed(operator: Operator, request: Request, *, code: str, message: Optional[str],
                              attempts: str) -> dict:
    job = operator.asks_for(TheJob(request.accepted(), quiet=True))
    node = _requested_node(operator, request, job)
    return job_ended_failed(operator, job, command=request.command, job_type="node_provision", code=code,
                            message=message, attempts=attempts, budget=operator.settings.budgets.node,
                            node_id=node["id"], site_id=None, environment_id=None)


def _acquisition_job(operator: Operator, node: dict, acquisition: Acquisition) -> Optional[dict]:
    """The node_provision job that made the node: the run's own (requested or adopted), found by its id, or
    the newest one the job list shows for the node (a reused node; None when none is listed)."""
    if acquisition.job_id and (acquisition.job or {}).get("node_id") == node["id"]:
        return operator.asks_for(TheJob(acquisition.job_id, quiet=True))
    listed = jobs_touching(operator.asks_for(TheJobs(quiet=True)), node_id=node["id"], job_type="node_provision")
    return operator.asks_for(TheJob(listed[-1]["id"], quiet=True)) if listed else None


def node_is_ready(operator: Operator, acquisition: Acquisition) -> dict:
    """The run's node becomes ready (within the node budget), lists no outstanding reason code, and is ready in
    fact: the provider node the run knows (its name), active, on the host acquisition gave it, and the
    acquisition job that made it (when one is listed) is a node_provision of that node that succeeded."""
    node, history = wait_for_node_ready(operator, acquisition.node_id, budget=operator.settings.budgets.node,
                                        job_id=acquisition.job_id)
    expect(node, matchers.a_ready_node(name=acquisition.name), command="GET /api/nodes", job_id=acquisition.job_id,
           poll=history)
    job = _acquisition_job(operator, node, acquisition)
    if job is not None:
        command = f"GET /api/jobs/{job.get('id')}"
        expect(job, matchers.a_job_of("node_provision", node_id=node["id"]), command=command, job_id=job.get("id"))
        if job.get("status") != "succeeded":
            raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                               f"the node {node.get('name')} ({node['id']}) is reported ready, but the acquisition "
                               f"job that made it is {job.get('status')} ({job_reason(job)})", job_id=job.get("id"),
                               job=job, node=node)
    return node


def at_most_one_node_acquired(operator: Operator, acquisition: Acquisition) -> None:
    """Pressluft acquired no more than one node for the run's one request: one node of the run's node name, one
    job. The listings first show what the run has: its node, and the acquisition job that made it."""
    name = run_node_name(operator.ledger.run_id)
    nodes, jobs = operator.asks_for(TheNodes()), operator.asks_for(TheJobs(quiet=True))
    made_nodes = [{"id": acquisition.node_id}]
    made_jobs = run_node_job_record(operator, acquisition)
    if acquisition.how == REQUESTED and acquisition.job:
        made_nodes.append({"id": acquisition.job.get("node_id"), "name": name})
    claim = "Pressluft acquired at most one node for the run"
    _shown_in(nodes, made_nodes, command="GET /api/nodes", what="nodes", claim=claim, job_id=acquisition.job_id)
    _shown_in(jobs, made_jobs, command="GET /api/jobs", what="jobs", claim=claim, job_id=acquisition.job_id)
    named = [node for node in nodes if node.get("name") == name]
    acquisitions = [job for node in named
                    for job in jobs_touching(jobs, node_id=node["id"], job_type="node_provision")]
    if len(named) > 1 or len(acquisitions) > 1:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/nodes",
                           f"Pressluft acquired {len(named)} nodes named {name} with {len(acquisitions)} acquisition "
                           f"jobs for one request: {', '.join(node['id'] for node in named)}",
                           job_id=acquisitions[-1]["id"] if acquisitions else None)


def retry_scheduled(operator: Operator, request: Request, *, failed_attempts: int, error_code: str) -> dict:
    """After `failed_attempts` failed attempts the acquisition job the request queued (of the node it made) is
    queued again: attempt count, the last error kept, run_after ahead of the job's last change, attempts left
    of those the contract gives node_provision."""
    job_id = request.accepted()

    def scheduled_or_past(job: dict) -> bool:
        attempts = job.get("attempt_count") or 0
        return attempts > failed_attempts or (attempts == failed_attempts and job.get("status") == "queued")

    job, history = wait_for_job(operator, job_id, command=request.command, budget=operator.settings.budgets.node,
                                until=scheduled_or_past)
    node = _requested_node(operator, request, job)
    expect(job, matchers.a_job_of("node_provision", node_id=node["id"], site_id=None, environment_id=None),
           command=request.command, job_id=job_id)
    allowed = CONTRACT_MAX_ATTEMPTS["node_provision"]
    where = f"the acquisition job at attempt {job.get('attempt_count')} of {allowed}"
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
    if (job.get("attempt_count") or 0) >= allowed:
        problems.append(f"it has no attempt left of the {allowed} the contract gives node_provision")
    if problems:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, request.command,
                           f"{where} is not scheduled to run again after {error_code}: " + "; ".join(problems),
                           job_id=job_id, job=job, poll=history)
    return job


def node_not_ready_while_acquiring(operator: Operator, request: Request) -> dict:
    """While the acquisition job is in flight, the new node is listed and reported not ready, with reasons."""
    job = operator.asks_for(TheJob(request.accepted(), quiet=True))
    if not in_flight(job):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/jobs/{job.get('id')}",
                           f"the acquisition is no longer in flight (it is {job.get('status')})", job_id=job.get("id"),
                           job=job)
    return new_node_listed_not_ready(operator, request, job)


def new_node_listed_not_ready(operator: Operator, request: Request, job: Optional[dict] = None) -> dict:
    """The node the request made (the node its job names, new, of the requested name) is listed, and reported
    not ready with reason codes."""
    job = job or operator.asks_for(TheJob(request.accepted(), quiet=True))
    node = _requested_node(operator, request, job)
    return expect(node, matchers.a_node_not_ready(name=request.slug), command="GET /api/nodes", job_id=job.get("id"))


def node_ready_without_resubmission(operator: Operator, request: Request, exchanges: list[Exchange]) -> dict:
    """The acquisition job succeeded, the node it made is ready, and the node was requested once: one POST by
    the operator in this scenario, one acquisition job for the node."""
    job_id = request.accepted()
    job, history = wait_for_job(operator, job_id, command=request.command, budget=operator.settings.budgets.node)
    require_success(job, command=request.command, history=history)
    node = _requested_node(operator, request, job)
    expect(job, matchers.a_job_of("node_provision", node_id=node["id"]), command=request.command, job_id=job_id)
    node, readiness = wait_for_node_ready(operator, node["id"], budget=operator.settings.budgets.node, job_id=job_id)
    expect(node, matchers.a_ready_node(name=request.slug), command="GET /api/nodes", job_id=job_id, poll=readiness)
    jobs = jobs_touching(operator.asks_for(TheJobs()), node_id=node["id"], job_type="node_provision")
    posts = [exchange for exchange in exchanges if exchange.command == "POST /api/nodes"]
    if len(jobs) != 1 or len(posts) != 1:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs",
                           f"the node was requested {len(posts)} times and has {len(jobs)} acquisition jobs: "
                           + ", ".join(f"{j['id']} ({j.get('status')})" for j in jobs), job_id=job_id)
    return node


# -- the provider connection ---------------------------------------------------------------------------
def provider_degraded_with_guidance(operator: Operator) -> dict:
    """The provider's one connection is degraded because the credential was rejected, and guides the operator
    to a valid token (digest §2.1: what a rejected credential gives)."""
    provider_id = operator.settings.provider_id
    connections = [item for item in operator.asks_for(TheProviders()) if item.get("provider_id") == provider_id]
    connection = connections[0] if len(connections) == 1 else None
    guidance = (connection or {}).get("guidance")
    message, advice = REJECTED_CREDENTIAL
    if connection is None or connection.get("status") != "degraded" or not guidance \
            or not all(isinstance(line, str) and line.strip() for line in guidance):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/providers",
                           f"the {provider_id} connection is "
                           + (f"listed {len(connections)} times" if len(connections) > 1 else
                              f"{(connection or {}).get('status', 'not listed')} with guidance {guidance!r}")
                           + ", not degraded with guidance")
    if connection.get("last_status_message") != message or advice not in guidance:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/providers",
                           f"the {provider_id} connection says '{connection.get('last_status_message')}' with guidance "
                           f"{guidance!r}, not that the credential was rejected ('{message}', guidance '{advice}')")
    return connection


# -- refusals ------------------------------------------------------------------------------------------
def refused(request: Request, *, code: str, status: int, naming: Iterable[str] = ()) -> None:
    expect(request.answer, matchers.an_error_envelope_with_code(code, status=status, naming=naming),
           command=request.command, job_id=request.job_id)


def refused_by_readiness(request: Request, codes: Iterable[str]) -> None:
    """409 node_not_ready naming exactly the node's reason codes, in the contract's order, each with its
    guidance, and nothing more."""
    expect(request.answer, matchers.a_node_not_ready_refusal(codes), command=request.command,
           job_id=request.job_id)


def no_job_queued(operator: Operator, jobs_before: list, *, because: str, made: list[dict],
                  job_type: Optional[str] = None, **scope) -> None:
    """No new job (of that type, for that scope) is listed, and no new job of any type in the scope; without a
    scope, the job list is unchanged. (With a scope, jobs of other sites, e.g. of scenarios running in
    parallel, do not count.) First the list shows the jobs this run made before (`made`)."""
    jobs = operator.asks_for(TheJobs())
    _shown_in(jobs, made, command="GET /api/jobs", what="jobs", claim=f"no {job_type or 'job'} was queued")
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


def no_site_recorded(operator: Operator, attempt: Request, site: LiveSite, *,
                     listed_after: Optional[list] = None) -> None:
    """No site was added, none of the attempted slug; first the list shows the run's own live site. `listed_after`:
    the sites listed right after the attempt, when the claim is judged later (none of them new, none of the
    attempted slug; nor is any site of that slug listed now)."""
    sites = operator.asks_for(TheSites())
    _shown_in(sites, [{"id": site.id, "slug": site.site.get("slug")}], command="GET /api/sites", what="sites",
              claim="no site was recorded")
    before = {site["id"] for site in attempt.sites_before}
    after = sites if listed_after is None else listed_after
    extra = [site for site in after if site["id"] not in before]
    if extra or by_slug(sites, attempt.slug) or by_slug(after, attempt.slug):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/sites",
                           "a site was recorded although its creation was refused: "
                           + ", ".join(f"{site.get('slug')} ({site.get('status')})" for site in extra))


def no_environment_added(operator: Operator, attempt: Request, site: LiveSite) -> None:
    """The site lists no environment it did not list before, none of the attempted slug; first the list shows
    the site's own production."""
    command = f"GET /api/sites/{site.id}/environments"
    environments = operator.asks_for(TheEnvironments(site.id))
    _shown_in(environments, [{"id": site.production["id"], "site_id": site.id, "environment_type": "production"}],
              command=command, what="environments", claim="no environment was added to the site")
    before = {env["id"] for env in attempt.environments_before}
    extra = [env for env in environments if env["id"] not in before]
    if extra or by_slug(environments, attempt.slug):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           "an environment was added although its creation was refused: "
                           + ", ".join(f"{env.get('slug')} ({env.get('status')})" for env in extra))


# -- sites, environments and previews ------------------------------------------------------------------
def site_status(operator: Operator, site_id: str, status: str, *, job_id: Optional[str] = None) -> dict:
    """The site itself (GET /api/sites/{id}) is in that status: an operation on one of its environments moves
    the site too (digest §5.3), and must move it back."""
    site = operator.asks_for(TheSite(site_id))
    return expect(site, matchers.a_site_that_is(status), command=_site_command(site_id), job_id=job_id)


def environment_is_active_copy(operator: Operator, request: Request, job: dict, site: LiveSite, type: str) -> dict:
    """The environment the creation job names bears the requested slug, belongs to the site and is listed
    among its environments, is active, of the requested type, copied from production, on production's node,
    with a preview address no other environment of the site has; and the site is active again."""
    environment = environment_made_by(operator, job, command=f"GET /api/jobs/{job.get('id')}")
    operator.ledger.record("environment", environment["id"], request.slug)
    listed = operator.asks_for(TheEnvironments(site.id))
    others = [env.get("preview_url") for env in listed if env.get("id") != environment["id"]]
    production = site.production
    copy = matchers.an_environment("active", type=type, source=production["id"], node=request.node_id,
                                   preview_other_than=[production.get("preview_url"), *others], site=site.id,
                                   slug=request.slug)
    expect(environment, copy, command=_env_command(environment["id"]), job_id=job["id"])
    if by_id(listed, environment["id"]) is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/sites/{site.id}/environments",
                           f"the {type} {environment['id']} is not listed among the site's environments",
                           job_id=job["id"])
    site_status(operator, site.id, "active", job_id=job["id"])
    return environment


def environment_active_again(operator: Operator, request: Request, type: str) -> dict:
    """The environment the request acted on is active, of its type, of its site and on the node it was on
    before; and its site is active again."""
    environment = operator.asks_for(TheEnvironment(request.environment_id))
    expect(environment, matchers.an_environment_that_is("active", on_node=request.node_id, type=type,
                                                        site=request.site_id),
           command=_env_command(request.environment_id), job_id=request.job_id)
    site_status(operator, request.site_id, "active", job_id=request.job_id)
    return environment


def environment_status(operator: Operator, environment_id: str, status: str, *, site_id: str,
                       type: Optional[str] = None, job_id: Optional[str] = None) -> dict:
    """The environment is in that status, of that site (and type), and so is its site."""
    environment = operator.asks_for(TheEnvironment(environment_id))
    expect(environment, matchers.an_environment_that_is(status, type=type, site=site_id),
           command=_env_command(environment_id), job_id=job_id)
    site_status(operator, site_id, status, job_id=job_id)
    return environment


def preview_reachable(operator: Operator, url: str) -> int:
    status, _ = wait_for_preview(operator, url)
    return status


def preview_answered(answer: tuple, status: int, url: str) -> None:
    expect(answer, matchers.a_preview_answer(status), command=f"GET {url}")


def preview_shows(operator: Operator, url: str, content: str, *, replaced: Iterable[str] = ()) -> None:
    """The preview answers 200 with the content, and with none of the `replaced` contents (what a restore must
    have replaced, not merged with)."""
    wait_for_preview(operator, url)
    status, last, body = operator.preview.get(url)
    if status != 200 or content not in body:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET {url}",
                           f"the preview answered {last} without the content '{content}'")
    traces = [text for text in replaced if text in body]
    if traces:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET {url}",
                           f"the preview shows '{content}' but also " + " and ".join(f"'{text}'" for text in traces)
                           + ", which it should have replaced")


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


def checkpoint_listed(operator: Operator, restore: Request, restore_job: dict, *,
                      read_content: Optional[Callable[[str], str]] = None) -> dict:
    """A backup that was not listed before the restore is listed now: a completed full backup of the
    environment with integrity data, taken while that restore job ran (between its start and its end), holding
    what the environment showed just before the restore (when the scenario knows it, `restore.content_before`,
    and the target can show what a backup holds, `read_content`; otherwise judged by its time alone)."""
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
        elif restore.content_before is not None and read_content is not None \
                and (held := read_content(backup["id"])) != restore.content_before:
            problems.append(f"the backup {backup['id']} holds '{held}', not '{restore.content_before}', what "
                            "production showed just before the restore")
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
    """The smoke's one failure line; it must have exited with the status of that line's category (1 Pressluft
    failed a check, 2 the run could not judge it: support/verdicts/categories.py)."""
    verdicts = smoke.verdicts
    known = len(verdicts) == 1 and verdicts[0]["category"] in {category.value for category in Category}
    expected = exit_status([verdicts[0]["category"]]) if known else PRODUCT_STATUS
    if smoke.exit_code != expected or len(verdicts) != 1:
        raise _smoke_mismatch(smoke, f"the {smoke.name} smoke exited with status {smoke.exit_code} and "
                                     f"{len(verdicts)} failure lines, expected status {expected} and one failure line")
    return verdicts[0]


def smoke_failed_as(smoke: SmokeRun, words: str, within: Optional[float] = None) -> None:
    expected = category_named(words)
    verdict = smoke_failure(smoke)
    if verdict["category"] != expected.value:
        raise _smoke_mismatch(smoke, f"the smoke failed as {verdict['category']} ({verdict['reason']}), "
                                     f"expected {expected.value}")
    if within is not None and smoke.elapsed > within:
        raise _smoke_mismatch(smoke, f"the smoke took {smoke.elapsed:.1f} s to fail, more than {within:g} s")


def _smoke_job(operator: Operator, smoke: SmokeRun, request: str) -> tuple[dict, SmokeSite]:
    """The job of that request of the smoke's own site, found by the id the job list gives it, and checked to be
    that request's: its type, the smoke's site, the environment it acts on (the new clone, or production for a
    restore) and production's node."""
    made = site_of(operator, smoke)
    job_type = REQUEST_OF[request]
    environment = made.production if job_type == "env_restore" else made.environment_of_type("clone")
    listed = made.job(job_type)
    if listed is None or environment is None or made.production is None:
        missing = [what for what, found in ((f"{job_type} job", listed), ("environment it acts on", environment),
                                            ("production", made.production)) if found is None]
        raise _smoke_mismatch(smoke, f"the smoke's site {(made.site or {}).get('slug', '(none listed)')} lists no "
                                     + " and no ".join(missing))
    job = operator.asks_for(TheJob(listed["id"], quiet=True))
    expect(job, matchers.a_job_of(job_type, site_id=made.site["id"], environment_id=environment["id"],
                                  node_id=made.production.get("node_id")),
           command=f"GET /api/jobs/{listed['id']}", job_id=listed["id"])
    return job, made


def smoke_failure_names_request(operator: Operator, smoke: SmokeRun, request: str, names_job: bool) -> None:
    """The failure line's command is that request of the smoke's own site, and its job the job of that
    request (see _smoke_job), or no job."""
    verdict = smoke_failure(smoke)
    made = site_of(operator, smoke)
    site, production = made.site, made.production
    expected = {"site creation": "POST /api/sites",
                "environment creation": f"POST /api/sites/{site['id']}/environments" if site else None,
                "restore": f"POST /api/environments/{production['id']}/restore" if production else None}[request]
    if expected is None or verdict["command"] != expected:
        raise _smoke_mismatch(smoke, f"the failure names {verdict['command']}, expected "
                                     f"{expected or f'the {request} of the smoke site (none listed)'}")
    expected_job = _smoke_job(operator, smoke, request)[0]["id"] if names_job else "none"
    if verdict["job_id"] != expected_job:
        raise _smoke_mismatch(smoke, f"the failure names the job {verdict['job_id']}, expected "
                                     f"{'its job ' + expected_job if names_job else 'no job'}")


def smoke_failure_names_clone_preview(operator: Operator, smoke: SmokeRun) -> None:
    """The failure line's command is GET of the preview address of the clone the smoke's env_create job made."""
    verdict = smoke_failure(smoke)
    clone = site_of(operator, smoke).environment_made("env_create")
    if clone is not None and clone.get("environment_type") != "clone":
        clone = None
    # as the smoke shows it: it runs against its target as an external one, so without its host (redaction.py)
    expected = f"GET {shown_preview_address(clone['preview_url'], clone['id'])}" if clone else None
    if verdict["command"] != expected:
        raise _smoke_mismatch(smoke, f"the failure names {verdict['command']}, expected "
                                     f"{expected or 'the preview address of the clone the smoke site job made (none)'}")


def smoke_failure_reason(smoke: SmokeRun, reason: str) -> None:
    verdict = smoke_failure(smoke)
    if verdict["reason"] != reason:
        raise _smoke_mismatch(smoke, f"the failure gives the reason '{verdict['reason']}', expected '{reason}'")


def smoke_failure_reasons(smoke: SmokeRun, codes: list[str]) -> None:
    """The reason is the node_not_ready refusal for exactly these codes: in the contract's order, each with its
    guidance, nothing more."""
    verdict = smoke_failure(smoke)
    reason, prefix = verdict["reason"], "409 node_not_ready: "
    problems = (matchers.not_ready_message_differences(reason[len(prefix):], codes) if reason.startswith(prefix)
                else [f"it does not begin '{prefix.strip()}'"])
    if problems:
        raise _smoke_mismatch(smoke, f"the failure reason '{reason}' is not the refusal for "
                                     f"{', '.join(codes)}: " + "; ".join(problems))


def smoke_failure_last_answer(smoke: SmokeRun, answer: str, budget: float) -> None:
    smoke_failure_reason(smoke, unreachable(answer, budget))


def smoke_failure_still_running(smoke: SmokeRun, budget: float) -> None:
    verdict = smoke_failure(smoke)
    expected = out_of_budget("running", budget)
    if not verdict["reason"].startswith(expected):
        raise _smoke_mismatch(smoke, f"the failure gives the reason '{verdict['reason']}', expected it to say "
                                     f"'{expected}'")


def smoke_job_ended_failed(operator: Operator, smoke: SmokeRun, request: str, *, code: str, attempts: str) -> dict:
    """The job of that request of the smoke's site (see _smoke_job) ended failed with that code, after the
    attempts the sentence names, counted against those the contract gives its type."""
    job, made = _smoke_job(operator, smoke, request)
    job_type = REQUEST_OF[request]
    budget = operator.settings.budgets.for_job(job_type)
    return job_ended_failed(operator, job, command=f"the smoke's {request}", job_type=job_type, code=code,
                            attempts=attempts, budget=budget, site_id=made.site["id"])


def smoke_environment_failed(operator: Operator, smoke: SmokeRun, which: str) -> dict:
    """`which`: "clone" (the environment the smoke site's env_create job made) or "production" (the one its
    env_restore job acted on): that environment, of that type and of the smoke's site, is failed, and so is
    the site."""
    made = site_of(operator, smoke)
    job_type = "env_restore" if which == "production" else "env_create"
    job = made.job(job_type)
    if made.site is None or job is None or not job.get("environment_id"):
        what = f"has no {job_type} job naming an environment" if made.site else "is not listed"
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs", f"the smoke's site {what}",
                           job_id=(job or {}).get("id"))
    return environment_status(operator, job["environment_id"], "failed", site_id=made.site["id"], type=which,
                              job_id=job["id"])



# -- the preflight while the target's first node is acquired (support/preflight_proof.py) ----------------
def node_not_ready_when_answered(proof) -> dict:
    """The node the run requested was listed right after the site creation's answer, not ready and with reason codes,
    while its acquisition job was still in flight (read after that listing)."""
    job_id = proof.node_request.job_id
    if not proof.acquiring:  # such evidence proves nothing: the scenario is skipped before it gets here
        raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET /api/jobs/{job_id}",
                           f"the acquisition was {(proof.job or {}).get('status')}, no longer in flight, right after "
                           "the site creation was answered", job_id=job_id, job=proof.job)
    if proof.node_after is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/nodes",
                           f"the node {proof.node_request.slug} that was requested is not listed", job_id=job_id)
    return expect(proof.node_after, matchers.a_node_not_ready(), command="GET /api/nodes", job_id=job_id)


def refused_naming_the_nodes_reasons(proof) -> None:
    """Refused 409 node_not_ready, naming exactly the reason codes the node was listed with just before or just after
    the attempt, in the contract's order, each with its guidance (the two agree unless its readiness changed in
    between, e.g. from acquisition to provisioning)."""
    failure = None
    for codes in proof.reasons_listed() or [[]]:
        try:
            return refused_by_readiness(proof.attempt, codes)
        except SuiteFailure as mismatch:
            failure = failure or mismatch
    raise failure


def held_right_after(outcome: Optional[SuiteFailure]) -> None:
    """A check made right after the attempt's answer (support/preflight_proof.py) held; else its verdict."""
    if outcome is not None:
        raise outcome
