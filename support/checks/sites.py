"""The checks of sites: a site's status, and its creation job as a listing must show it; `LiveSite`: a site whose
production environment is live (the flows make one, the checks judge what was done to it). No site recorded for a
refused creation: support/checks/nothing_left.py."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from support.checks.matchers import RecordMatcher, VerdictMatcher, expect, fields_that_are
from support.screenplay.actor import Operator
from support.screenplay.questions import TheSite


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


def site_status(operator: Operator, site_id: str, status: str, *, job_id: Optional[str] = None) -> dict:
    """The site itself (GET /api/sites/{id}) is in that status: an operation on one of its environments moves
    the site too (digest §5.3), and must move it back."""
    site = operator.asks_for(TheSite(site_id))
    return expect(site, a_site_that_is(status), command=TheSite(site_id).command, job_id=job_id)
