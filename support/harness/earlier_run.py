"""What the run before this one left on the target: the resources it recorded in the reports folder
(support/runtime/resources.py `EarlierRun`), as the target shows them now. A run against an external target says it
at its start, so that an operator in a resume-run loop sees what a failed run left (its site, its failed clone) and
that this run leaves it alone: every site the earlier run recorded with its environments, and its node."""
from __future__ import annotations

from support.pressluft.listings import by_id
from support.pressluft.readiness import readiness_words
from support.runtime.resources import Created, EarlierRun, LeftBehind, LeftResource
from support.screenplay.actor import Operator
from support.screenplay.questions import TheEnvironments, TheNodes, TheSite
from support.verdicts.failure import SuiteFailure


def left_behind(operator: Operator, earlier: EarlierRun) -> LeftBehind:
    found: list = []
    for item in earlier.items:
        if item.kind == "site":
            found += _site_as_left(operator, item)
        elif item.kind == "node":
            found.append(_node_as_left(operator, item))
    return LeftBehind(earlier.run_id, earlier.outcome(), tuple(found))


def _site_as_left(operator: Operator, item: Created) -> list:
    """The site as it is now, then each of its environments (a failed clone among them)."""
    try:
        site = operator.asks_for(TheSite(item.id, quiet=True))
        environments = operator.asks_for(TheEnvironments(item.id, quiet=True))
    except SuiteFailure as failure:
        return [LeftResource("site", item.id, item.slug, f"not shown here ({failure.reason})")]
    return [LeftResource("site", item.id, site.get("slug") or item.slug, str(site.get("status")))] + [
        LeftResource(f"{environment.get('environment_type')} environment", str(environment.get("id")),
                     environment.get("slug"), str(environment.get("status")))
        for environment in environments]


def _node_as_left(operator: Operator, item: Created) -> LeftResource:
    try:
        node = by_id(operator.asks_for(TheNodes(quiet=True)), item.id)
    except SuiteFailure as failure:
        return LeftResource("node", item.id, item.slug, f"not shown here ({failure.reason})")
    return LeftResource("node", item.id, item.slug, readiness_words(node) if node else "not listed")
