"""Checks that something did NOT happen: no job queued, no site recorded (each a verdict when it did)."""
from __future__ import annotations

from typing import Optional

from support.actor import Operator
from support.diagnostics import Category, SuiteFailure
from support.questions import TheJobs, TheSites, by_slug, jobs_touching


def no_job_was_queued(operator: Operator, jobs_before: list, *, because: str, job_type: Optional[str] = None,
                      **scope) -> None:
    """No new job (of that type, for that scope) is listed, and no new job of any type in the scope; without a
    scope, the job list is unchanged. (With a scope, jobs of other sites, e.g. of scenarios running in
    parallel, do not count.)"""
    jobs = operator.asks_for(TheJobs())
    before = {job["id"] for job in jobs_before}
    new = [job for job in jobs if job["id"] not in before]
    if scope:
        new = jobs_touching(new, **scope)
    matching = jobs_touching(new, job_type=job_type)  # a subset of `new`
    if new or (not scope and len(jobs) != len(before)):
        kind = job_type or "job"
        count = len(new) if scope else len(jobs) - len(before)
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs",
                           f"{count} jobs were queued ({len(matching)} {kind}) although {because}: "
                           + ", ".join(f"{job.get('job_type')} {job['id']}" for job in new),
                           job_id=(matching or new)[0]["id"] if new else None)


def no_site_was_recorded(operator: Operator, sites_before: list, slug: str) -> None:
    sites = operator.asks_for(TheSites())
    before = {site["id"] for site in sites_before}
    extra = [site for site in sites if site["id"] not in before]
    if extra or by_slug(sites, slug):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/sites",
                           "a site was recorded although its creation was refused: "
                           + ", ".join(site.get("slug", site["id"]) for site in extra))
