"""Finding records in what Pressluft lists: a record by its id or its slug, the provider nodes among the nodes, a
site's production among its environments, and the jobs of a site, an environment or a node. Each reads a listing as
it was answered and never relies on the order it gives (the contract promises none)."""
from __future__ import annotations

from typing import Optional


def by_id(items: list, item_id: Optional[str]) -> Optional[dict]:
    """The record of a listing with that id (None: none, or no id to look for)."""
    return next((item for item in items if item_id is not None and item.get("id") == item_id), None)


def by_slug(items: list, slug: str) -> Optional[dict]:
    return next((item for item in items if item.get("slug") == slug), None)


def provider_nodes(nodes: list) -> list:
    """The nodes Pressluft acquired from a provider (is_local false), not the local one."""
    return [node for node in nodes if node.get("is_local") is False]


def production_of(environments: list) -> Optional[dict]:
    return next((env for env in environments if env.get("environment_type") == "production"), None)


def jobs_touching(jobs: list, *, site_id: Optional[str] = None, environment_id: Optional[str] = None,
                  node_id: Optional[str] = None, job_type: Optional[str] = None) -> list:
    """The jobs of that type (any, without one) of the site, the environment or the node (of any, without one)."""
    scoped = site_id or environment_id or node_id
    return [job for job in jobs if (not job_type or job.get("job_type") == job_type) and (
        not scoped or site_id and job.get("site_id") == site_id
        or environment_id and job.get("environment_id") == environment_id or node_id and job.get("node_id") == node_id)]
