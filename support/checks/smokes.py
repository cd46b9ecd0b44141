"""The checks of a smoke command's run (support/runtime/smokes.py): it passed, or failed with one line of the right
category and exit status, naming the right request, job, reason and preview; and what it left on the target
(`SmokeSite`, found by the run id it was given)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from support.checks.environments import environment_status
from support.checks.jobs import a_job_of, job_ended_failed
from support.checks.matchers import expect
from support.checks.refusals import not_ready_message_differences
from support.http.preview import looking_at
from support.pressluft.times import by_creation
from support.runtime.smokes import SmokeRun
from support.screenplay.actions import CreateEnvironment, CreateSite, RestoreEnvironment
from support.screenplay.actor import Operator
from support.screenplay.questions import TheEnvironments, TheJob, TheJobs, TheSites, by_id, jobs_touching, production_of
from support.verdicts.categories import PRODUCT_STATUS, Category, category_named, exit_status
from support.verdicts.failure import SuiteFailure
from support.verdicts.redaction import shown_preview_address
from support.waiting.jobs import out_of_budget
from support.waiting.previews import unreachable

REQUEST_OF = {"site creation": "site_create", "environment creation": "env_create", "restore": "env_restore"}


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
    made = smoke_site(operator, smoke)
    job_type = REQUEST_OF[request]
    environment = made.production if job_type == "env_restore" else made.environment_of_type("clone")
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


def smoke_failure_names_request(operator: Operator, smoke: SmokeRun, request: str, names_job: bool) -> None:
    """The failure line's command is that request of the smoke's own site, and its job the job of that
    request (see _smoke_job), or no job."""
    verdict = smoke_failure(smoke)
    made = smoke_site(operator, smoke)
    site, production = made.site, made.production
    expected = {"site creation": CreateSite.command_for(),
                "environment creation": CreateEnvironment.command_for(site_id=site["id"]) if site else None,
                "restore": RestoreEnvironment.command_for(environment_id=production["id"]) if production else None,
                }[request]
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
    clone = smoke_site(operator, smoke).environment_made("env_create")
    if clone is not None and clone.get("environment_type") != "clone":
        clone = None
    # as the smoke shows it: it runs against its target as an external one, so without its host (redaction.py)
    expected = looking_at(shown_preview_address(clone["preview_url"], clone["id"])) if clone else None
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
    made = smoke_site(operator, smoke)
    job_type = "env_restore" if which == "production" else "env_create"
    job = made.job(job_type)
    if made.site is None or job is None or not job.get("environment_id"):
        what = f"has no {job_type} job naming an environment" if made.site else "is not listed"
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJobs().command, f"the smoke's site {what}",
                           job_id=(job or {}).get("id"))
    return environment_status(operator, job["environment_id"], "failed", site_id=made.site["id"], type=which,
                              job_id=job["id"])


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
