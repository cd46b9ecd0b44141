"""What a smoke command left on the target: the site it made, found by the run id it was given."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from support.runtime.smokes import SmokeRun
from support.screenplay.actor import Operator
from support.screenplay.questions import TheEnvironments, TheJobs, TheSites, by_id, jobs_touching, production_of


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
        found = jobs_touching(self.jobs, site_id=(self.site or {}).get("id"), job_type=job_type)
        return found[-1] if self.site and found else None

    def environment_of_type(self, type: str) -> Optional[dict]:
        """The site's environment of that type, as the site lists it (independent of what any job names)."""
        return next((env for env in self.environments if env.get("environment_type") == type), None)

    def environment_made(self, job_type: str) -> Optional[dict]:
        """The environment of the site that its latest job of that type names (as the site lists it)."""
        job = self.job(job_type)
        return by_id(self.environments, job.get("environment_id")) if job else None


def site_of(operator: Operator, smoke: SmokeRun) -> SmokeSite:
    sites = [site for site in operator.asks_for(TheSites(quiet=True))
             if (site.get("slug") or "").startswith(smoke.slug_prefix)]
    site = sites[-1] if sites else None
    environments = operator.asks_for(TheEnvironments(site["id"], quiet=True)) if site else []
    jobs = operator.asks_for(TheJobs(quiet=True)) if site else []
    return SmokeSite(site, environments, jobs)
