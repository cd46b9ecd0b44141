"""The checks that a refused request left nothing behind: no job it could have queued, and no record of the kind it
would have made (a node, a site, an environment, a backup or checkpoint).

Each counts only what the refused request could have made, within what the run owns: the jobs and records of its
site, of its production, of the slug or name it asked for, or of no record that is listed at all. Jobs and records
other operators make meanwhile, on the same node too, do not count. Each first shows that its listing can show such
a job or record: it finds there the records this run made before, with the fields the claim reads
(`support/checks/matchers.py` shown_in); when the run has none there yet, the claim is not shown on this target.
"""
from __future__ import annotations

from typing import Optional

from support.checks.jobs import no_job_queued
from support.checks.matchers import shown_in
from support.checks.sites import site_job_record
from support.pressluft.listings import by_slug, jobs_touching
from support.pressluft.sites import LiveSite
from support.runtime.resources import NODE_REQUEST
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheBackups, TheEnvironments, TheJobs, TheNodes, TheSites
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

NO_NODE_JOB = ("the run has no node acquisition job of its own to look for (it reused a node whose acquisition job is "
               "not listed, and requested none)")


def _recorded(command: str, what: str, because: str, records: list) -> SuiteFailure:
    return SuiteFailure(Category.CONTRACT_VIOLATION, command, f"{what} was recorded although {because}: "
                        + ", ".join(f"{record.get('slug') or record.get('name') or record.get('backup_scope')} "
                                    f"({record.get('id')}, {record.get('status')})" for record in records))


# -- a node request refused because the provider is not connected --------------------------------------------
def no_node_acquisition_queued(operator: Operator, request: Request, made: list[dict]) -> None:
    """No new job of no site whose node is the requested one or none that is listed: a node acquisition this request
    could have queued (another operator's acquisition of a node of its own does not count). `made`: the node
    acquisition jobs this run knows (support/checks/nodes.py run_node_job_record)."""
    def theirs(new: list) -> list:
        others = {node["id"] for node in operator.asks_for(TheNodes(quiet=True)) if node.get("name") != request.slug}
        return [job for job in new if not job.get("site_id") and job.get("node_id") not in others]
    no_job_queued(operator, request.jobs_before, because="the provider is not connected", made=made,
                  what="node acquisition", theirs=theirs, none_made=NO_NODE_JOB)


def no_node_recorded(operator: Operator, request: Request, run_node_id: str) -> None:
    """No node of the requested name was recorded by the refused request; first the list shows the run's node."""
    nodes = operator.asks_for(TheNodes())
    shown_in(nodes, [{"id": run_node_id, "is_local": False}], command=TheNodes().command, what="nodes",
             claim="no node was recorded")
    recorded = [node for node in nodes if node["id"] not in request.nodes_before and node.get("name") == request.slug]
    if recorded:
        raise _recorded(TheNodes().command, f"the node {request.slug}", "its request was refused", recorded)


def no_new_node(operator: Operator, nodes_before: list, run_node_id: str) -> None:
    """No provider node the run owns that was not listed before the operator confirmed a ready node (and asked for
    none): Pressluft acquired no other for the run; first the list shows the node confirmed, a provider node. The run
    owns a node named with its run id (every node it requests is: support/runtime/resources.py) or made by a node
    acquisition job it enqueued (its ledger, by job id). A node another operator acquires in the same moment does not
    count: on a shared Pressluft that is allowed, and only what the run owns can be Pressluft acquiring for it."""
    nodes = operator.asks_for(TheNodes())
    shown_in(nodes, [{"id": run_node_id, "is_local": False}], command=TheNodes().command, what="nodes",
             claim="no new node was recorded")
    before = {node.get("id") for node in nodes_before}
    new = [node for node in nodes if node.get("id") not in before and node.get("is_local") is False]
    recorded = _owned_by_the_run(operator, new)
    if recorded:
        raise _recorded(TheNodes().command, "a new provider node of this run",
                        "a ready node was confirmed and none asked for", recorded)


def _owned_by_the_run(operator: Operator, nodes: list) -> list:
    """Those of `nodes` the run owns: named with its run id, or the node of a node acquisition job it enqueued (the
    job list is read only when a node is named otherwise and the run enqueued any)."""
    prefix = f"{operator.ledger.run_id}-"
    requested = {item.id for item in operator.ledger.items if item.kind == NODE_REQUEST}
    named_otherwise = [node for node in nodes if not (node.get("name") or "").startswith(prefix)]
    made = set()
    if named_otherwise and requested:
        made = {job.get("node_id") for job in operator.asks_for(TheJobs(quiet=True)) if job.get("id") in requested}
    return [node for node in nodes if node not in named_otherwise or node.get("id") in made]


# -- a site or environment creation refused by the readiness preflight ----------------------------------------
def no_job_for_site_creation(operator: Operator, attempt: Request, made: list[dict], *,
                             because: str = "the creation was refused") -> None:
    """No new job of the attempted slug's site or of a site that is not listed (a site creation's job would be
    one); jobs of the sites other operators create meanwhile, and node acquisitions, do not count."""
    def theirs(new: list) -> list:
        others = {site["id"] for site in operator.asks_for(TheSites(quiet=True)) if site.get("slug") != attempt.slug}
        return [job for job in new if job.get("job_type") != "node_provision" and job.get("site_id") not in others]
    no_job_queued(operator, attempt.jobs_before, because=because, made=made, theirs=theirs)


def no_site_recorded(operator: Operator, attempt: Request, site: LiveSite, *,
                     listed_after: Optional[list] = None) -> None:
    """No site of the attempted slug is listed; first the list shows the run's own live site. `listed_after`: the
    sites listed right after the attempt, when the claim is judged later (none of them of that slug either)."""
    sites = operator.asks_for(TheSites())
    shown_in(sites, [{"id": site.id, "slug": site.site.get("slug")}], command=TheSites().command, what="sites",
             claim="no site was recorded")
    recorded = {found["id"]: found for found in [*(listed_after or []), *sites] if found.get("slug") == attempt.slug}
    if recorded:
        raise _recorded(TheSites().command, f"a site {attempt.slug}", "its creation was refused",
                        list(recorded.values()))


def no_job_for_environment_creation(operator: Operator, attempt: Request, site: LiveSite) -> None:
    """No new job of the site (an environment creation's job would be one); first the list shows the site's own
    creation job."""
    no_job_queued(operator, attempt.jobs_before, because="the creation was refused", made=site_job_record(site),
                  theirs=lambda new: jobs_touching(new, site_id=site.id))


def no_environment_added(operator: Operator, attempt: Request, site: LiveSite) -> None:
    """The site lists no environment it did not list before, none of the attempted slug; first the list shows
    the site's own production."""
    command = TheEnvironments(site.id).command
    environments = operator.asks_for(TheEnvironments(site.id))
    shown_in(environments, [{"id": site.production["id"], "site_id": site.id, "environment_type": "production"}],
             command=command, what="environments", claim="no environment was added to the site")
    before = {env["id"] for env in attempt.environments_before}
    extra = [env for env in environments if env["id"] not in before]
    named = by_slug(environments, attempt.slug)
    if extra or named:
        raise _recorded(command, "an environment", "its creation was refused", extra or [named])


def no_job_for_creation(operator: Operator, attempt: Request, site: LiveSite) -> None:
    """No job of the refused creation: an environment creation's (of the site) or a site creation's (of its slug);
    first the list shows the run's live site's creation job."""
    if attempt.job_type == "env_create":
        return no_job_for_environment_creation(operator, attempt, site)
    return no_job_for_site_creation(operator, attempt, site_job_record(site))


# -- a restore refused as an invalid request ------------------------------------------------------------------
def no_restore_queued(operator: Operator, attempt: Request, site: LiveSite, backups: list[dict]) -> None:
    """No new job of production (the environment the restore would act on); first the list shows the site's
    creation job and the jobs of the run's `backups` in the scenario, with the environment they belong to."""
    made = site_job_record(site) + [{"id": backup["id"], "job_type": "backup_create",
                                     "environment_id": backup.get("environment_id")} for backup in backups]
    no_job_queued(operator, attempt.jobs_before, because="the restore was refused", made=made, what="restore",
                  theirs=lambda new: jobs_touching(new, environment_id=attempt.environment_id))


def no_backup_recorded(operator: Operator, attempt: Request, backups: list[dict]) -> None:
    """Production lists no backup it did not list just before the refused restore: no checkpoint, no other backup.
    First the list shows the backups of production this run made (`backups`: the scenario's, of any environment;
    those of production count)."""
    production = attempt.environment_id
    listing = TheBackups(production)
    listed = operator.asks_for(listing)
    made = [{"id": backup["id"], "environment_id": production} for backup in backups
            if backup.get("environment_id") == production]
    shown_in(listed, made, command=listing.command, what="backups",
             claim="no checkpoint or other backup of production was recorded",
             none_made="the run has no backup of production of its own to look for")
    before = {backup["id"] for backup in attempt.backups_before}
    recorded = [backup for backup in listed if backup["id"] not in before]
    if recorded:
        raise _recorded(listing.command, f"a backup of production {production}", "its restore was refused",
                        recorded)


