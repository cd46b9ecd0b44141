"""The checks of sites: a site's status, its creation recorded one site with one production (the live site a flow
made, support/pressluft/sites.py `LiveSite`, with what its creation recorded). No site recorded for a refused creation:
support/checks/nothing_left.py."""
from __future__ import annotations

from typing import Optional

from support.checks.matchers import RecordMatcher, expect, fields_that_are
from support.pressluft.sites import LiveSite
from support.screenplay.actor import Operator
from support.screenplay.questions import TheEnvironments, TheSite, TheSites
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


def one_site_with_one_production(site: LiveSite, listed: list) -> None:
    """The site's only production: its creation recorded one site (the sites listed right after it that were not
    listed before and bear the requested slug or name: this one), which then listed one environment, its production;
    and `listed` (the site's environments now) holds no other production."""
    creation, job_id = site.creation, (site.job or {}).get("id")
    if creation is None:
        raise ValueError("the site's creation was not kept (support/flows/sites.py create_live_site keeps it)")
    before = {found["id"] for found in creation.sites_before}
    named = [found for found in creation.sites_after if found.get("id") not in before
             and (found.get("slug") == creation.slug or found.get("name") == creation.name)]
    if [found.get("id") for found in named] != [site.id]:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheSites().command,
                           f"the creation of the site {creation.slug} recorded {len(named)} sites of its slug or name "
                           f"({_slugs_and_ids(named)}), not the site {site.id} alone", job_id=job_id)
    first = [env.get("id") for env in creation.environments_after]
    productions = [env for env in listed if env.get("environment_type") == "production"]
    if first != [site.production["id"]] or [env.get("id") for env in productions] != [site.production["id"]]:
        extra = creation.environments_after if first != [site.production["id"]] else productions
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheEnvironments(site.id).command,
                           f"the site {creation.slug} has more than its one production {site.production['id']}: "
                           + ("right after its creation it listed " if extra is creation.environments_after
                              else "it lists the productions ") + _slugs_and_ids(extra), job_id=job_id)


def _slugs_and_ids(records: list) -> str:
    return ", ".join(f"{found.get('slug')} ({found.get('id')})" for found in records) or "none"


def slug_and_id(record: dict) -> str:
    return f"{record.get('slug')} ({record.get('id')})"


def a_site_that_is(status: str, *, slug: Optional[str] = None) -> RecordMatcher:
    return RecordMatcher("a site", fields_that_are(("slug", slug), ("status", status)),
                         title=lambda site: f"site {slug_and_id(site)}")


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
