"""The checks of sites: a site's status, and no site recorded for a refused creation; `LiveSite`: a site whose
production environment is live (the flows make one, the checks judge what was done to it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from support.checks.matchers import RecordMatcher, VerdictMatcher, expect, fields_that_are, shown_in
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheSite, TheSites, by_slug
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


@dataclass
class LiveSite:
    site: dict
    production: dict
    job: Optional[dict] = None

    @property
    def id(self) -> str:
        return self.site["id"]


class _Site(RecordMatcher):
    noun = "a site"

    def __init__(self, status: str, slug: Optional[str]):
        self.status, self.slug = status, slug

    def title(self, site: dict) -> str:
        return f"site {site.get('slug')} ({site.get('id')})"

    def properties(self):
        return fields_that_are(("slug", self.slug), ("status", self.status))


def a_site_that_is(status: str, *, slug: Optional[str] = None) -> VerdictMatcher:
    return _Site(status, slug)


def site_job_record(site: LiveSite) -> list[dict]:
    """The site's creation job as the job list must show it: a site_create of the site and its production."""
    if not site.job:
        return []
    return [{"id": site.job["id"], "job_type": "site_create", "site_id": site.id,
             "environment_id": site.production["id"]}]


def no_site_recorded(operator: Operator, attempt: Request, site: LiveSite, *,
                     listed_after: Optional[list] = None) -> None:
    """No site was added, none of the attempted slug; first the list shows the run's own live site. `listed_after`:
    the sites listed right after the attempt, when the claim is judged later (none of them new, none of the
    attempted slug; nor is any site of that slug listed now)."""
    sites = operator.asks_for(TheSites())
    shown_in(sites, [{"id": site.id, "slug": site.site.get("slug")}], command=TheSites().command, what="sites",
              claim="no site was recorded")
    before = {site["id"] for site in attempt.sites_before}
    after = sites if listed_after is None else listed_after
    extra = [site for site in after if site["id"] not in before]
    if extra or by_slug(sites, attempt.slug) or by_slug(after, attempt.slug):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheSites().command,
                           "a site was recorded although its creation was refused: "
                           + ", ".join(f"{site.get('slug')} ({site.get('status')})" for site in extra))


def site_status(operator: Operator, site_id: str, status: str, *, job_id: Optional[str] = None) -> dict:
    """The site itself (GET /api/sites/{id}) is in that status: an operation on one of its environments moves
    the site too (digest §5.3), and must move it back."""
    site = operator.asks_for(TheSite(site_id))
    return expect(site, a_site_that_is(status), command=TheSite(site_id).command, job_id=job_id)
