"""The checks of what a smoke command made, judged from its own outcome: the records it left on the target, found by
the run id it was given (support/checks/smoke_verdicts.py `smoke_site`), and what it reported (its wait log,
support/runtime/smoke_commands.py `SmokeRun.waits`).

The clone smoke's clone and staging environment, both active on the provider-acquired node, both previews answering
(AC-1); the backup and restore smoke's full backup listed with its integrity data, its restore with a checkpoint
taken first, production live again (AC-2); a smoke started while its node is being acquired, waiting for that node
and asking for none of its own (AC-5).

A record the smoke made is its own evidence: a wrong one fails the claim with what is wrong with it, and a job of
it that did not succeed with that job's category. A record the smoke should have made and did not: when the smoke
itself failed, its own verdict says why (`smoke_passed`); a smoke that passed without it is a contract violation.
"""
from __future__ import annotations

from typing import Optional

from support.checks.backups import a_completed_backup, backup_made_by, checkpoint_among
from support.checks.environments import an_environment
from support.checks.jobs import a_job_of
from support.checks.matchers import expect, shown_in
from support.checks.nodes import a_node_not_ready, a_ready_node, node_is_ready
from support.checks.placement import on_provider_acquired_node
from support.checks.previews import preview_reachable
from support.checks.smoke_verdicts import SmokeSite, smoke_passed, smoke_site
from support.pressluft.jobs import in_flight, require_success
from support.pressluft.listings import by_id, jobs_touching
from support.pressluft.nodes import ADOPTED, REQUESTED, Acquisition
from support.runtime.resources import run_node_name
from support.runtime.smoke_commands import SmokeRun
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheBackups, TheEnvironment, TheJob, TheJobs, TheNodes, TheSites
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.verdicts.redaction import shown_preview_address

COPY_TYPES = ("clone", "staging")  # what the clone smoke makes of its site's production


def _not_made(smoke: SmokeRun, what: str, command: str = TheSites().command) -> SuiteFailure:
    """The smoke did not make it: a smoke that failed says why itself; one that passed is a contract violation."""
    smoke_passed(smoke)
    return SuiteFailure(Category.CONTRACT_VIOLATION, command, f"the {smoke.name} smoke passed, but {what}",
                        details={"smoke output (tail)": smoke.tail()})


def _made_site(operator: Operator, smoke: SmokeRun) -> SmokeSite:
    made = smoke_site(operator, smoke)
    if made.site is None or made.production is None:
        raise _not_made(smoke, f"no site named {smoke.slug_prefix}… with a production is listed")
    return made


def _job_of(smoke: SmokeRun, made: SmokeSite, job_type: str, what: str) -> dict:
    """The smoke site's latest job of that type acting on its production (restore, backup)."""
    found = [job for job in jobs_touching(made.jobs, site_id=made.site["id"], job_type=job_type)
             if job.get("environment_id") == made.production["id"]]
    if not found:
        raise _not_made(smoke, f"its site {made.site.get('slug')} lists no {what} of its production",
                        TheJobs().command)
    job = found[-1]
    return require_success(job, command=TheJob(job["id"]).command)


# -- every smoke: a new site on the provider-acquired node, which it confirmed or asked for ---------------------------
def smoke_site_on_node(operator: Operator, smoke: SmokeRun, node: dict) -> dict:
    """The smoke made a new site (named with its run id, made by a site creation job of its own that succeeded), whose
    production is on `node`, the provider-acquired node the scenario names, and the node that job names. With several
    ready provider nodes listed, Pressluft picks one: then the node it picked must be a ready provider node in fact,
    acquired (the placement rule, support/checks/placement.py)."""
    made = _made_site(operator, smoke)
    creation = next(iter(jobs_touching(made.jobs, site_id=made.site["id"], job_type="site_create")), None)
    if creation is None:
        raise _not_made(smoke, f"its site {made.site.get('slug')} lists no site creation job", TheJobs().command)
    require_success(creation, command=TheJob(creation["id"]).command)
    return on_provider_acquired_node(operator, made.production.get("node_id"), node, placed_by=creation,
                                     what=f"production of the smoke's site {made.site.get('slug')}",
                                     job_id=creation["id"])


def smoke_asked_for_one_node(operator: Operator, smoke: SmokeRun, nodes_before: set) -> dict:
    """The smoke asked Pressluft for one node: of the nodes not listed before it, one is named for its run
    (`<run id>-run-node`, support/runtime/resources.py) and none other with its run id, and one acquisition job of
    that node is listed; Pressluft acquired it: that job succeeded and the node is ready, ready in fact (the checks of
    support/checks/nodes.py node_is_ready)."""
    name = run_node_name(smoke.run_id)
    new = [node for node in operator.asks_for(TheNodes()) if node.get("id") not in nodes_before
           and (node.get("name") or "").startswith(smoke.slug_prefix)]
    if not new:
        raise _not_made(smoke, f"no node named {name} was added", TheNodes().command)
    jobs = jobs_touching(operator.asks_for(TheJobs()), node_id=new[0].get("id"), job_type="node_provision")
    if [node.get("name") for node in new] != [name] or len(jobs) != 1:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheNodes().command,
                           f"the smoke asked for {len(new)} nodes (" + ", ".join(f"{node.get('name')} {node['id']}"
                                                                                for node in new)
                           + f"), expected one named {name}; the first has {len(jobs)} acquisition jobs",
                           job_id=jobs[0]["id"] if jobs else None)
    node = node_is_ready(operator, Acquisition(new[0]["id"], REQUESTED, job_id=jobs[0]["id"], job=jobs[0], name=name))
    return node


# -- the clone smoke: a clone and a staging environment ------------------------------------------------------
def smoke_copies(operator: Operator, smoke: SmokeRun) -> tuple[SmokeSite, dict]:
    """The smoke's site, and for each of COPY_TYPES it made the env_create job of that site and the environment it
    names (by its id), told apart by the name the smoke gave it when it asked for that type (`<run id>-<type>-N`).
    Each of those jobs must have succeeded. (The smoke stops at its first failed scenario: after a failed clone it
    made no staging environment, so what it made is judged before what it did not make, `_all_made`.)"""
    made = _made_site(operator, smoke)
    copies = {}
    for job in jobs_touching(made.jobs, site_id=made.site["id"], job_type="env_create"):
        environment = operator.asks_for(TheEnvironment(job["environment_id"], quiet=True)) \
            if job.get("environment_id") else {}
        asked = next((type for type in COPY_TYPES
                      if (environment.get("slug") or "").startswith(f"{smoke.run_id}-{type}-")), None)
        if asked:
            copies[asked] = (job, environment)
    for job, _ in copies.values():
        require_success(job, command=TheJob(job["id"]).command)
    return made, copies


def _all_made(smoke: SmokeRun, made: SmokeSite, copies: dict) -> None:
    missing = [type for type in COPY_TYPES if type not in copies]
    if missing:
        raise _not_made(smoke, f"its site {made.site.get('slug')} has no {' and no '.join(missing)} environment "
                               "named by a creation job", TheJobs().command)


def smoke_made_copies(operator: Operator, smoke: SmokeRun) -> None:
    """The clone and the staging environment the smoke's creation jobs name are of its site, listed among its
    environments, active, of the type the smoke asked for, copied from production, on production's node, each with a
    preview address of its own; and production's node is a provider-acquired node, listed ready (ready in fact)."""
    made, copies = smoke_copies(operator, smoke)
    production, listed = made.production, made.environments
    for type, (job, environment) in copies.items():
        others = [env.get("preview_url") for env in listed if env.get("id") != environment["id"]]
        copy = an_environment("active", type=type, source=production["id"], node=production.get("node_id"),
                              preview_other_than=others, site=made.site["id"])
        expect(environment, copy, command=TheEnvironment(environment["id"]).command, job_id=job["id"])
        if by_id(listed, environment["id"]) is None:
            raise SuiteFailure(Category.CONTRACT_VIOLATION, TheSites().command,
                               f"the {type} {environment['id']} is not listed among the environments of the smoke's "
                               f"site {made.site.get('slug')}", job_id=job["id"])
    _all_made(smoke, made, copies)
    node = by_id(operator.asks_for(TheNodes()), production.get("node_id"))
    if node is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheNodes().command,
                           f"the node {production.get('node_id')} of the smoke's production is not listed")
    expect(node, a_ready_node(), command=TheNodes().command)


def smoke_copies_answer(operator: Operator, smoke: SmokeRun) -> None:
    """The previews of the smoke's clone and staging environment answer 200, 301 or 302 (within the preview budget;
    one that does not names the job that made the copy)."""
    made, copies = smoke_copies(operator, smoke)
    for job, environment in copies.values():
        preview_reachable(operator, environment["preview_url"], job["id"])
    _all_made(smoke, made, copies)


def smoke_counted_previews_on(operator: Operator, smoke: SmokeRun, answers: dict) -> None:
    """`answers`: copy type → the status its preview was set to answer (a redirect to where nothing answers). The
    smoke's wait for that copy's preview (its wait log, the copy found as `smoke_copies` finds it) ended done on a look
    that got that answer: the smoke counted it reachable as it came, the redirect not followed (followed, it would
    have got no answer at all)."""
    made, copies = smoke_copies(operator, smoke)
    _all_made(smoke, made, copies)
    for copy_type, status in answers.items():
        job, environment = copies[copy_type]
        url = shown_preview_address(environment.get("preview_url") or "", environment["id"])  # as the smoke logs it
        waits = [wait for wait in smoke.waits if wait.get("kind") == "preview" and wait.get("subject") == url]
        if not waits:
            raise _not_made(smoke, f"its wait log holds no wait for the {copy_type}'s preview {url}",
                            TheEnvironment(environment["id"]).command)
        last = waits[-1]
        if (last.get("outcome"), last.get("state")) != ("done", str(status)):
            raise SuiteFailure(Category.CONTRACT_VIOLATION, f"GET {url}",
                               f"the smoke's wait for the {copy_type}'s preview ended {last.get('outcome')} on the "
                               f"answer {last.get('state')}, expected done on the answer {status}", job_id=job["id"],
                               details={"smoke output (tail)": smoke.tail()})


# -- the backup and restore smoke ----------------------------------------------------------------------------
def smoke_backup_listed(operator: Operator, smoke: SmokeRun) -> dict:
    """The backup_create job of the smoke's production (of its site, on production's node) succeeded, and the backup it
    made (the job's id) is listed for production: completed, full, with a sha256 checksum and a positive size."""
    made = _made_site(operator, smoke)
    production = made.production
    job = _job_of(smoke, made, "backup_create", "backup")
    expect(job, a_job_of("backup_create", site_id=made.site["id"], environment_id=production["id"],
                         node_id=production.get("node_id")), command=TheJob(job["id"]).command, job_id=job["id"])
    backup = backup_made_by(operator, job["id"], production["id"])
    return expect(backup, a_completed_backup(scope="full", of=production["id"]),
                  command=TheBackups(production["id"]).command, job_id=job["id"])


def smoke_restored_with_checkpoint(operator: Operator, smoke: SmokeRun) -> dict:
    """The env_restore job of the smoke's production succeeded, of its site and on production's node; and a full
    checkpoint, other than the smoke's backup, is listed for production: completed with integrity data, taken while
    that restore ran."""
    made = _made_site(operator, smoke)
    production = made.production
    backups = jobs_touching(made.jobs, site_id=made.site["id"], job_type="backup_create")
    restore = _job_of(smoke, made, "env_restore", "restore")
    expect(restore, a_job_of("env_restore", site_id=made.site["id"], environment_id=production["id"],
                             node_id=production.get("node_id")), command=TheJob(restore["id"]).command,
           job_id=restore["id"])
    return checkpoint_among(operator, production["id"], {job["id"] for job in backups}, restore)


def smoke_production_live_again(operator: Operator, smoke: SmokeRun) -> None:
    """After the smoke's restore, its production is active, still its site's production, and its preview answers 200,
    301 or 302."""
    made = _made_site(operator, smoke)
    restore = _job_of(smoke, made, "env_restore", "restore")
    production = operator.asks_for(TheEnvironment(made.production["id"]))
    expect(production, an_environment("active", type="production", site=made.site["id"]),
           command=TheEnvironment(production["id"]).command, job_id=restore["id"])
    preview_reachable(operator, production["preview_url"])


# -- a smoke started while its node is being acquired --------------------------------------------------------
def _requested_node(operator: Operator, request: Request) -> Optional[dict]:
    """The node the scenario's request made: of the requested name, not listed before it."""
    return next((node for node in operator.asks_for(TheNodes())
                 if node.get("name") == request.slug and node.get("id") not in request.nodes_before), None)


def smoke_asked_for_no_node(operator: Operator, smoke: SmokeRun, request: Request) -> None:
    """No node named with the smoke's run id is listed, and the node being acquired when the smoke started (the one the
    scenario's request made) has one acquisition job: the one that request queued. The listings first show that node
    and that job."""
    node = _requested_node(operator, request)
    job_id = request.accepted()
    if node is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheNodes().command,
                           f"the node {request.slug} being acquired when the smoke started is not listed",
                           job_id=job_id)
    jobs = operator.asks_for(TheJobs(quiet=True))
    shown_in(jobs, [{"id": job_id, "job_type": "node_provision", "node_id": node["id"]}], command=TheJobs().command,
             what="jobs", claim="the smoke asked for no node of its own", job_id=job_id)
    own = [listed for listed in operator.asks_for(TheNodes(quiet=True))
           if (listed.get("name") or "").startswith(smoke.slug_prefix)]
    acquisitions = jobs_touching(jobs, node_id=node["id"], job_type="node_provision")
    if own or len(acquisitions) != 1:
        named = ", ".join(f"{listed.get('name')} {listed.get('id')}" for listed in own) or "none"
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheNodes().command,
                           f"the smoke asked for {len(own)} nodes of its own ({named}); the node {request.slug} has "
                           f"{len(acquisitions)} acquisition jobs", job_id=job_id)


def smoke_waited_for_node(operator: Operator, smoke: SmokeRun, request: Request) -> dict:
    """The smoke's wait log holds its wait for the acquisition job of the node being acquired when it started: at every
    look while that job was in flight the node was listed not ready, with reasons; the job succeeded; and the node
    is ready now (ready in fact, within the node budget)."""
    job_id = request.accepted()
    waits = [wait for wait in smoke.waits if wait.get("subject") == job_id and "sightings" in wait]
    if not waits:
        raise _not_made(smoke, f"its wait log holds no wait for the acquisition job {job_id} of the node "
                               f"{request.slug} it found being acquired", TheJob(job_id).command)
    looks = [look for look in waits[-1]["sightings"] if in_flight({"status": look.get("job_status")})]
    if not looks:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJob(job_id).command,
                           f"the smoke never saw the acquisition of the node {request.slug} in flight", job_id=job_id)
    for look in looks:
        expect(look.get("node") or {}, a_node_not_ready(name=request.slug), command=TheNodes().command, job_id=job_id)
    job = operator.asks_for(TheJob(job_id))
    return node_is_ready(operator, Acquisition(job.get("node_id"), ADOPTED, job_id=job_id, job=job,
                                               name=request.slug))
