"""The checks of a smoke command's run (support/runtime/smoke_commands.py): it passed, or failed with one line of the
right category and exit status, naming the right request, job, reason and preview; the same fault twice gives the same
line; a run again after a failed one reuses its node and says what it left; and what a run left on the target
(`SmokeSite`, found by the run id it was given)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from support.checks.environments import environment_status
from support.checks.jobs import a_job_of, job_ended_failed
from support.checks.matchers import expect, shown_in
from support.checks.refusals import not_ready_message_differences
from support.http.preview import looking_at
from support.pressluft.jobs import is_terminal, require_success
from support.pressluft.listings import by_id, jobs_touching, production_of
from support.pressluft.nodes import Acquisition
from support.pressluft.readiness import readiness_words
from support.pressluft.times import by_creation
from support.runtime.resources import LeftBehind, LeftResource, run_node_name
from support.runtime.smoke_commands import SmokeRun
from support.screenplay.actions import CreateEnvironment, CreateSite, RequestNode, RestoreEnvironment, TakeBackup
from support.screenplay.actor import Operator
from support.screenplay.questions import TheEnvironment, TheEnvironments, TheJob, TheJobs, TheNodes, TheSite, TheSites
from support.verdicts.categories import PRODUCT_STATUS, Category, category_named, exit_status
from support.verdicts.failure import SuiteFailure, masked
from support.verdicts.redaction import shown_preview_address
from support.waiting.jobs import out_of_budget, wait_for_job
from support.waiting.previews import unreachable

# how feature text names a request of a smoke → its job type
REQUEST_OF = {"site creation": "site_create", "environment creation": "env_create", "clone creation": "env_create",
              "staging environment creation": "env_create", "backup creation": "backup_create",
              "restore": "env_restore", "node acquisition": "node_provision"}
COPY_MADE_BY = {"environment creation": "clone", "clone creation": "clone", "staging environment creation": "staging"}
ON_PRODUCTION = ("backup_create", "env_restore")  # the job types that act on production


def _smoke_mismatch(smoke: SmokeRun, what: str) -> SuiteFailure:
    return SuiteFailure(Category.CONTRACT_VIOLATION, smoke.command_line, what,
                        details={"smoke output (tail)": smoke.tail()})


def smoke_passed(smoke: SmokeRun) -> None:
    """Exit 0, at least one scenario passed, no failure line. A smoke that failed with its one failure line is
    reported with its own verdict: its category, command, job and reason (its output attached); any other outcome
    is a contract violation of the smoke command saying what it did."""
    if smoke.exit_code == 0 and not smoke.verdicts and smoke.scenarios_passed >= 1:
        return
    said = (f"the {smoke.name} smoke exited with status {smoke.exit_code} after {smoke.scenarios_passed} passed "
            "scenarios")
    verdicts = smoke.verdicts
    if len(verdicts) == 1 and verdicts[0]["category"] in {category.value for category in Category}:
        verdict = verdicts[0]
        raise SuiteFailure(verdict["category"], verdict["command"], verdict["reason"],
                           job_id=None if verdict["job_id"] == "none" else verdict["job_id"],
                           details={"smoke": f"{smoke.command_line}: {said}", "smoke output (tail)": smoke.tail()})
    raise _smoke_mismatch(smoke, said + (f" and {len(verdicts)} failure lines" if verdicts else ""))


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


def smoke_exited_with(smoke: SmokeRun, status: int, words: str, within: Optional[float] = None) -> dict:
    """The smoke exited with the status the sentence gives, with one failure line of the category its words name
    (support/verdicts/categories.py), within the seconds given. A sentence whose status is not its category's is a
    mistake in the feature text (a ValueError: an error in the suite's own code)."""
    expected = category_named(words)
    if exit_status([expected]) != status:
        raise ValueError(f"the feature text says status {status} for {words!r}, whose status is "
                         f"{exit_status([expected])} (support/verdicts/categories.py)")
    verdict = smoke_failure(smoke)
    if smoke.exit_code != status or verdict["category"] != expected.value:
        raise _smoke_mismatch(smoke, f"the smoke exited with status {smoke.exit_code}, reporting "
                                     f"{verdict['category']} ({verdict['reason']}); expected status {status}, "
                                     f"reporting {expected.value}")
    if within is not None and smoke.elapsed > within:
        raise _smoke_mismatch(smoke, f"the smoke took {smoke.elapsed:.1f} s to fail, more than {within:g} s")
    return verdict


def _smoke_job(operator: Operator, smoke: SmokeRun, request: str, made: Optional[SmokeSite] = None
               ) -> tuple[dict, SmokeSite]:
    """The job of that request of the smoke's own site (its newest of that type: the smoke stops at its first failure),
    found by the id the job list gives it, and checked to be that request's: its type, the smoke's site, the
    environment it acts on (the new copy of the type the request names, or production for a backup or a restore) and
    production's node. `made`: the smoke's site as the caller just listed it."""
    made = made or smoke_site(operator, smoke)
    job_type = REQUEST_OF[request]
    environment = made.production if job_type in ON_PRODUCTION else made.environment_of_type(COPY_MADE_BY[request])
    listed = made.job(job_type)
    if listed is None or environment is None or made.production is None:
        missing = [what for what, found in ((f"{job_type} job", listed), ("environment it acts on", environment),
                                            ("production", made.production)) if found is None]
        raise _smoke_mismatch(smoke, f"the smoke's site {(made.site or {}).get('slug', '(none listed)')} lists no "
                                     + " and no ".join(missing))
    job = operator.asks_for(TheJob(listed["id"], quiet=True))
    expect(job, a_job_of(job_type, identity_only=True, site_id=made.site["id"], environment_id=environment["id"],
                         node_id=made.production.get("node_id")),
           command=TheJob(listed['id']).command, job_id=listed["id"])
    return job, made


def _count(number: int, what: str) -> str:
    return f"{number} {what}{'' if number == 1 else 's'}"


def _smoke_node_job(operator: Operator, smoke: SmokeRun) -> tuple[dict, dict]:
    """The node the smoke asked for (the one named with its run id: run_node_name), as listed, and its acquisition job,
    found by that node's id: the one node of that name, and its one node_provision job, checked to be that node's."""
    name = run_node_name(smoke.run_id)
    nodes = [node for node in operator.asks_for(TheNodes(quiet=True)) if node.get("name") == name]
    jobs = jobs_touching(operator.asks_for(TheJobs(quiet=True)), job_type="node_provision",
                         node_id=nodes[0]["id"]) if len(nodes) == 1 else []
    if len(nodes) != 1 or len(jobs) != 1:
        raise _smoke_mismatch(smoke, f"the node list shows {_count(len(nodes), 'node')} named {name} (the node the "
                                     f"smoke asks for), with {_count(len(jobs), 'acquisition job')} of it; expected "
                                     "one node, one job")
    job = operator.asks_for(TheJob(jobs[0]["id"], quiet=True))
    expect(job, a_job_of("node_provision", identity_only=True, node_id=nodes[0]["id"]),
           command=TheJob(jobs[0]["id"]).command, job_id=jobs[0]["id"])
    return nodes[0], job


def _request_command(job_type: str, made: Optional[SmokeSite]) -> Optional[str]:
    """How the smoke's failure line names its request of that job type: its command, on the smoke's own site's records
    (`made`; None: they are not listed)."""
    if job_type == "node_provision":
        return RequestNode.command_for()
    site, production = made.site, made.production
    return {"site_create": CreateSite.command_for(),
            "env_create": CreateEnvironment.command_for(site_id=site["id"]) if site else None,
            "backup_create": TakeBackup.command_for(environment_id=production["id"]) if production else None,
            "env_restore": RestoreEnvironment.command_for(environment_id=production["id"]) if production else None,
            }[job_type]


def _request_job(operator: Operator, smoke: SmokeRun, request: str, made: Optional[SmokeSite] = None
                 ) -> tuple[dict, dict]:
    """The job of that request of the smoke (its node's acquisition, or a job of its site: _smoke_job), and where it
    belongs (the fields a job of it holds)."""
    if REQUEST_OF[request] == "node_provision":
        job = _smoke_node_job(operator, smoke)[1]
        return job, {"node_id": job.get("node_id")}
    job, made = _smoke_job(operator, smoke, request, made)
    return job, {"site_id": made.site["id"]}


def smoke_failure_names_request(operator: Operator, smoke: SmokeRun, request: str, names_job: bool) -> None:
    """The failure line's command is that request of the smoke (its node's acquisition, or a request of its own
    site), and its job the job of that request (see _request_job), or no job."""
    verdict = smoke_failure(smoke)
    made = None if REQUEST_OF[request] == "node_provision" else smoke_site(operator, smoke)
    expected = _request_command(REQUEST_OF[request], made)
    if expected is None or verdict["command"] != expected:
        raise _smoke_mismatch(smoke, f"the failure names {verdict['command']}, expected "
                                     f"{expected or f'the {request} of the smoke site (none listed)'}")
    expected_job = _request_job(operator, smoke, request, made)[0]["id"] if names_job else "none"
    if verdict["job_id"] != expected_job:
        raise _smoke_mismatch(smoke, f"the failure names the job {verdict['job_id']}, expected "
                                     f"{'its job ' + expected_job if names_job else 'no job'}")


PREVIEW_MADE_BY = {"clone": "env_create", "staging": "env_create", "production": "env_restore"}  # what it shows


def smoke_failure_names_preview(operator: Operator, smoke: SmokeRun, environment_type: str) -> None:
    """The failure line's command is GET of the preview address of the environment of that type that the smoke site's
    latest job making what it shows names (a copy's creation; production's restore), and its job is that job: the
    creation or the restore whose result does not answer."""
    verdict = smoke_failure(smoke)
    made = smoke_site(operator, smoke)
    job_type = PREVIEW_MADE_BY[environment_type]
    job, environment = made.job(job_type), made.environment_made(job_type)
    if environment is not None and environment.get("environment_type") != environment_type:
        environment = None
    # as the smoke shows it: it runs against its target as an external one, so without its host (redaction.py)
    expected = looking_at(shown_preview_address(environment["preview_url"], environment["id"])) if environment \
        else None
    if verdict["command"] != expected:
        expected = expected or f"the preview address of the {environment_type} the smoke site's {job_type} job names"
        raise _smoke_mismatch(smoke, f"the failure names {verdict['command']}, expected {expected}")
    if verdict["job_id"] != job["id"]:
        made_by = "production's restore" if job_type == "env_restore" else f"the {environment_type}'s creation"
        raise _smoke_mismatch(smoke, f"the failure names the job {verdict['job_id']}, expected {made_by} job "
                                     f"{job['id']}")


def smoke_failure_reason(smoke: SmokeRun, reason: str) -> None:
    verdict = smoke_failure(smoke)
    if verdict["reason"] != reason:
        raise _smoke_mismatch(smoke, f"the failure gives the reason '{verdict['reason']}', expected '{reason}'")


def smoke_failure_reasons(smoke: SmokeRun, codes: list[str]) -> None:
    """The reason is the node_not_ready refusal for exactly these codes: in the contract's order, each with its
    guidance, nothing more."""
    verdict = smoke_failure(smoke)
    reason, prefix = verdict["reason"], "409 node_not_ready: "
    problems = (not_ready_message_differences(reason[len(prefix):], codes) if reason.startswith(prefix)
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


def smoke_failure_node_still_acquired(operator: Operator, smoke: SmokeRun, budget: float) -> None:
    """The reason says the acquisition was still running, and the node not ready (its reason codes and status, as
    listed), when the node wait of `budget` seconds ended; and the node of that acquisition is listed not ready."""
    verdict = smoke_failure(smoke)
    expected = re.compile(re.escape("still running; the node not ready (") + r"[^()]+, status [^()]+\) "
                          + re.escape(f"when its {budget:g} s budget was spent") + "(, without progress)?")
    if not expected.fullmatch(verdict["reason"]):
        raise _smoke_mismatch(smoke, f"the failure gives the reason '{verdict['reason']}', expected it to say "
                                     f"'still running; the node not ready (<its reasons>, status <its status>) when "
                                     f"its {budget:g} s budget was spent'")
    node, _ = _smoke_node_job(operator, smoke)
    if (node.get("readiness") or {}).get("is_ready") is not False:
        raise _smoke_mismatch(smoke, f"the failure says the node was not ready, but the node list shows node "
                                     f"{node.get('id')} {readiness_words(node)}")


def smoke_reported_once_ended(operator: Operator, smoke: SmokeRun, request: str, *, code: str, attempts: str) -> dict:
    """The job of that request of the smoke (see _request_job; in flight: waited for) ended failed with that code,
    after the attempts the sentence names, counted against those the contract gives its type; and the smoke reported
    it only then: its wait for that job (its wait log) ended on a look that saw the job as it ended, failed, with those
    attempts and that end, not on an attempt before it."""
    job, where = _request_job(operator, smoke, request)
    job_type = REQUEST_OF[request]
    if not is_terminal(job):
        job, _ = wait_for_job(operator, job["id"], command=TheJob(job["id"]).command, job_type=job_type)
    ended = {key: job.get(key) for key in LAST_LOOK}
    waits = [wait for wait in smoke.waits if wait.get("kind") == "job" and wait.get("subject") == job["id"]]
    seen = (waits[-1].get("job") or {}) if waits else {}
    if {key: seen.get(key) for key in LAST_LOOK} != ended:
        said = _look(seen) if waits else "nothing: its wait log holds no wait for it"
        raise _smoke_mismatch(smoke, f"the smoke reported the failure of its {request} when it saw the job {job['id']} "
                                     f"{said}, before the job ended {_look(ended)}")
    return job_ended_failed(operator, job, command=f"the smoke's {request}", job_type=job_type, code=code,
                            attempts=attempts, **where)


LAST_LOOK = ("status", "attempt_count", "finished_at")  # what a job's end is told by


def _look(job: dict) -> str:
    return f"{job.get('status')} at attempt {job.get('attempt_count')} (finished_at {job.get('finished_at')})"


def smoke_copy_made(operator: Operator, smoke: SmokeRun, copy: str) -> dict:
    """The creation job of the smoke site's newest `copy` (clone or staging, as the site lists it), found by the
    environment it names (the smoke may have gone on to another creation), of that site and on production's node,
    ended succeeded: what the smoke failed on came after it (failed: job_failed, cancelled: job_cancelled)."""
    made = smoke_site(operator, smoke)
    environment = made.environment_of_type(copy)
    listed = [job for job in jobs_touching(made.jobs, site_id=(made.site or {}).get("id"), job_type="env_create")
              if environment and job.get("environment_id") == environment["id"]]
    if not listed or made.production is None:
        raise _smoke_mismatch(smoke, f"the smoke's site {(made.site or {}).get('slug', '(none listed)')} lists no "
                                     f"environment creation job of a {copy} (and production)")
    job = operator.asks_for(TheJob(listed[0]["id"], quiet=True))
    expect(job, a_job_of("env_create", identity_only=True, site_id=made.site["id"], environment_id=environment["id"],
                         node_id=made.production.get("node_id")), command=TheJob(job["id"]).command, job_id=job["id"])
    return require_success(job, command=f"the smoke's {copy} creation")


def smoke_environment_failed(operator: Operator, smoke: SmokeRun, which: str) -> dict:
    """`which`: "clone" or "staging" (the environment the smoke site's latest env_create job made) or "production"
    (the one its env_restore job acted on): that environment, of that type and of the smoke's site, is failed, and so
    is the site."""
    made = smoke_site(operator, smoke)
    job_type = "env_restore" if which == "production" else "env_create"
    job = made.job(job_type)
    if made.site is None or job is None or not job.get("environment_id"):
        what = f"has no {job_type} job naming an environment" if made.site else "is not listed"
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJobs().command, f"the smoke's site {what}",
                           job_id=(job or {}).get("id"))
    return environment_status(operator, job["environment_id"], "failed", site_id=made.site["id"], type=which,
                              job_id=job["id"])


def smoke_runs_fail_alike(operator: Operator, runs: list[SmokeRun], request: str, status: int) -> None:
    """Two runs of the same fault: each exits with one failure line and the status the sentence gives (its category's)
    naming its own run's request and the job of it (see _smoke_job: two runs, two jobs), and the two lines are the same
    once what differs between runs by nature is masked, the one rule of support/verdicts/failure.py (`masked`)."""
    if len(runs) != 2:
        raise ValueError(f"the scenario ran the smoke {len(runs)} times, not twice")
    for smoke in runs:
        verdict = smoke_failure(smoke)
        if smoke.exit_code != status:
            raise _smoke_mismatch(smoke, f"the run {smoke.run_id} exited with status {smoke.exit_code}, not {status}")
        job = _smoke_job(operator, smoke, request)[0]
        if verdict["job_id"] != job["id"]:
            raise _smoke_mismatch(smoke, f"the run {smoke.run_id} names the job {verdict['job_id']}, not the job "
                                         f"{job['id']} of its own {request}")
    lines = [masked(smoke.failure_lines[0], [smoke.run_id for smoke in runs]) for smoke in runs]
    if lines[0] != lines[1]:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, runs[1].command_line,
                           "the same fault gave two different failure lines, ids, addresses and durations masked: "
                           f"{lines[0]} | {lines[1]}", details={"first run (tail)": runs[0].tail(),
                                                                "second run (tail)": runs[1].tail()})


def smoke_reused_a_node(operator: Operator, failed: SmokeRun, smoke: SmokeRun, acquisition: Acquisition,
                        nodes_before: set) -> dict:
    """The smoke run again put its site on a provider node listed before the failed run, and neither run asked for a
    node: the node list shows none named by either run (a run names the node it requests by its run id). First it
    shows the run's node, the one the runs found ready. (Which ready node a site lands on is Pressluft's choice.)"""
    nodes = operator.asks_for(TheNodes())
    shown_in(nodes, [{"id": acquisition.node_id}], command=TheNodes().command, what="nodes",
             claim="the smoke asked for no node")
    theirs = [node for node in nodes if (node.get("name") or "").startswith((failed.slug_prefix, smoke.slug_prefix))]
    if theirs:
        jobs = operator.asks_for(TheJobs(quiet=True))
        requests = [job["id"] for node in theirs for job in jobs_touching(jobs, node_id=node["id"],
                                                                         job_type="node_provision")]
        raise _smoke_mismatch(smoke, "the smoke asked for another node: " + ", ".join(
            f"{node.get('name')} ({node['id']})" for node in theirs)
            + (f", acquired by {', '.join(requests)}" if requests else ""))
    production = smoke_site(operator, smoke).production
    if not production or production.get("node_id") not in nodes_before:
        raise _smoke_mismatch(smoke, f"the smoke's production is on the node {(production or {}).get('node_id')}, "
                                     "not on one listed before the failed run")
    return production


def smoke_lists_what_the_failed_run_left(operator: Operator, failed: SmokeRun, smoke: SmokeRun) -> LeftBehind:
    """The smoke's output says what the run before it (the failed one, by its run id) left: the site it made, by id and
    slug, in the state Pressluft gives it now, and the clone its environment creation made (found by that job, not
    in a listing), by id, failed."""
    said = LeftBehind.said_in(smoke.output)
    if said is None or said.run_id != failed.run_id:
        raise _smoke_mismatch(smoke, f"the smoke does not say what the run before it, {failed.run_id}, left"
                                     + (f" (it names the run {said.run_id})" if said else ""))
    made = smoke_site(operator, failed)
    job = made.job("env_create")
    if made.site is None or job is None or not job.get("environment_id"):
        raise _smoke_mismatch(smoke, f"the failed run {failed.run_id} lists no site with an environment creation")
    site = operator.asks_for(TheSite(made.site["id"], quiet=True))
    clone = operator.asks_for(TheEnvironment(job["environment_id"], quiet=True))
    expected = [LeftResource("site", site["id"], site.get("slug"), str(site.get("status"))),
                LeftResource("clone environment", clone["id"], clone.get("slug"), "failed")]
    listed = {resource.id: resource for resource in said.resources}
    wrong = [f"{want.kind} {want.id} ({want.state}): " + (f"said '{listed[want.id].line().strip()}'"
                                                          if want.id in listed else "not named")
             for want in expected if listed.get(want.id) != want]
    if wrong:
        raise _smoke_mismatch(smoke, "what the smoke says the failed run left differs: " + "; ".join(wrong))
    return said


@dataclass
class SmokeSite:
    """The site a smoke made, with its environments and jobs as listed now."""

    site: Optional[dict]
    environments: list
    jobs: list

    @property
    def production(self) -> Optional[dict]:
        return production_of(self.environments)

    def job(self, job_type: str) -> Optional[dict]:
        """The site's newest job of that type, by its creation (not by where the listing puts it)."""
        found = jobs_touching(self.jobs, site_id=(self.site or {}).get("id"), job_type=job_type)
        return max(found, key=by_creation) if self.site and found else None

    def environment_of_type(self, type: str) -> Optional[dict]:
        """The site's newest environment of that type, as the site lists it (independent of what any job names)."""
        found = [env for env in self.environments if env.get("environment_type") == type]
        return max(found, key=by_creation) if found else None

    def environment_made(self, job_type: str) -> Optional[dict]:
        """The environment of the site that its latest job of that type names (as the site lists it)."""
        job = self.job(job_type)
        return by_id(self.environments, job.get("environment_id")) if job else None


def smoke_site(operator: Operator, smoke: SmokeRun) -> SmokeSite:
    """The site the smoke made (the newest one named with its run id), with its environments and jobs as listed now."""
    sites = [site for site in operator.asks_for(TheSites(quiet=True))
             if (site.get("slug") or "").startswith(smoke.slug_prefix)]
    site = max(sites, key=by_creation) if sites else None
    environments = operator.asks_for(TheEnvironments(site["id"], quiet=True)) if site else []
    jobs = operator.asks_for(TheJobs(quiet=True)) if site else []
    return SmokeSite(site, environments, jobs)
