"""Every environment on a provider-acquired node (the spec: "against the same provider-acquired node target"): the
node a site's production is on is one Pressluft acquired from the provider. Copies, backups and restores of that site
are then checked to be on production's node by the checks of their own records (environments, jobs)."""
from __future__ import annotations

from typing import Optional

from support.checks.matchers import expect
from support.checks.nodes import a_ready_node, acquired_by, newest_acquisition_job
from support.pressluft.listings import by_id, provider_nodes
from support.pressluft.readiness import is_ready, readiness_words
from support.reporting.narration import attach_text
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJob, TheNodes
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


def on_provider_acquired_node(operator: Operator, node_id: Optional[str], run_node: dict, *, what: str,
                              placed_by: Optional[dict] = None, job_id: Optional[str] = None) -> dict:
    """`what` (e.g. "production of the site …") is on the node `node_id`, a provider-acquired one, the node the job
    that placed it names (`placed_by`, e.g. the site's creation job, when given). When the target
    lists one ready provider node, it is the run's node, and `node_id` must be it (compared by id). When it lists
    several, Pressluft picks one (at 6164b449, whichever ready node its map yields first), so the node `node_id`
    names must be a ready provider node in fact (not local, active, on a real host, no reason code) whose listed
    acquisition job succeeded (none listed: judged by its own record). The step names the node and the evidence it
    used (an attachment)."""
    if placed_by is not None and placed_by.get("node_id") != node_id:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheJob(placed_by.get("id")).command,
                           f"{what} is on the node {node_id}, but the {placed_by.get('job_type')} job that placed it "
                           f"names the node {placed_by.get('node_id')}", job_id=placed_by.get("id"), job=placed_by)
    nodes = operator.asks_for(TheNodes(quiet=True))
    node, ready = by_id(nodes, node_id), [found for found in provider_nodes(nodes) if is_ready(found)]
    run = f"{run_node.get('name')} ({run_node.get('id')})"
    if node_id is not None and node_id == run_node.get("id"):
        evidence = f"{what} is on the run's node {run}, judged ready and acquired when the run secured it"
    elif node is None or node not in ready or len(ready) < 2:
        raise _misplaced(what, node_id, node, run_node, ready, job_id)
    else:
        expect(node, a_ready_node(), command=TheNodes().command, job_id=job_id)
        evidence = (f"{what} is on the node {node.get('name')} ({node_id}), one of the target's {len(ready)} ready "
                    f"provider nodes, the one Pressluft picked: " + acquired_by(node, newest_acquisition_job(
                        operator, node_id)))
    attach_text("the provider-acquired node", evidence)
    return node or run_node


def _misplaced(what: str, node_id: Optional[str], node: Optional[dict], run_node: dict, ready: list,
               job_id: Optional[str]) -> SuiteFailure:
    if node is None:
        found = "which is not listed"
    else:
        kind = "a local node" if node.get("is_local") is not False else "a provider node"
        found = f"{kind}, {readiness_words(node)}"
    only = ", the target's only ready provider node" if [each.get("id") for each in ready] == [run_node.get("id")] \
        else ""
    return SuiteFailure(Category.CONTRACT_VIOLATION, TheNodes().command,
                        f"{what} is on the node {node_id} ({found}), not on the run's node {run_node.get('name')} "
                        f"({run_node.get('id')}){only} nor on another ready provider node", job_id=job_id, node=node)
