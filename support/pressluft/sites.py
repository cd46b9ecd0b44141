"""A live site as the suite knows it: the site, its production and its creation job, and what its creation recorded
(the sites listed just before the request and right after its job, the site's environments then): the evidence that
the site's creation made one site with one production, which the checks of later operations on it compare with."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class SiteCreation:
    """What a site's creation recorded: the slug and name it was requested with, the sites listed just before the
    request, and the sites and the new site's environments listed right after its job succeeded."""

    slug: str
    name: Optional[str]
    sites_before: list
    sites_after: list
    environments_after: list


@dataclass
class LiveSite:
    """A site whose production environment is live: the site, its production and its creation job, and what its
    creation recorded (None: not kept)."""

    @property
    def id(self) -> str:
        return self.site["id"]

    site: dict
    production: dict
    job: Optional[dict] = None
    creation: Optional[SiteCreation] = None

