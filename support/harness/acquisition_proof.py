"""AC-5 on every target where the run waits for a node that Pressluft is still acquiring, a real Pressluft included
(a fresh one, such as the closeout gate's, where the run acquires the target's first node): the run's own wait for
that node's acquisition job looks at the node at each poll before it reads the job (support/waiting/nodes.py
`AcquisitionWatch`), and keeps what it saw. That record is the proof: the node reported not ready, with its reasons,
at every look while the job was in flight, then ready, without a second request. It is written to the wait log
(reports/waits/*.jsonl) and attached to the report by the scenario that judges it
(features/wave5/provider_node_acquisition.feature, `@AC-5 @first_node`); no product job is added for it.

The same record shows AC-1's other case, a node acquired when none was ready or being acquired: the run asked for its
node itself (requested, not reused or adopted), exactly once (`why_not_acquired` says when it did not).

A run that reused a ready node polled no acquisition, and one whose first look came after the acquisition had ended
saw none in flight: the scenario is skipped then, saying that this target did not show it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from support.pressluft.nodes import REQUESTED, REUSED, Acquisition
from support.waiting.nodes import AcquisitionLooks

ACQUIRED_ONLY_BY = ("a node acquired when none is ready is shown only by a run that asks for its node itself (the "
                    "target's first, say)")
ONLY_BY = ("a node polled while Pressluft acquires it is shown only by a run that acquires a node itself (the "
           "target's first, say) or waits for one being acquired")


@dataclass
class AcquisitionProof:
    """The run's node, and what its wait kept while Pressluft acquired it (None: the run reused a ready node and waited
    for no acquisition)."""

    acquisition: Acquisition
    looks: Optional[AcquisitionLooks] = None


def why_not_shown(proof: AcquisitionProof) -> Optional[str]:
    """Why the run's node wait shows nothing of a node being acquired (None: it does)."""
    acquisition, looks = proof.acquisition, proof.looks
    if acquisition.how == REUSED or looks is None:
        return f"not shown on this target: the run reused the ready node {acquisition.name}; {ONLY_BY}"
    if not any(sighting.in_flight for sighting in looks.sightings):
        return (f"not shown on this target: the acquisition of the node {looks.name} (job "
                f"{acquisition.job_id}) had ended before the run first looked at it; {ONLY_BY}")
    return None


def why_not_acquired(proof: AcquisitionProof) -> Optional[str]:
    """Why the run's node shows nothing of a node acquired when none was ready (None: the run asked for it itself)."""
    acquisition = proof.acquisition
    if acquisition.how == REQUESTED and proof.looks is not None:
        return None
    if acquisition.how == REUSED or proof.looks is None:
        return f"not shown on this target: the run reused the ready node {acquisition.name}; {ACQUIRED_ONLY_BY}"
    return (f"not shown on this target: the run waited for the node {acquisition.name} that another request was "
            f"acquiring; {ACQUIRED_ONLY_BY}")


def describe_polls(proof: AcquisitionProof) -> str:
    """The record attached to the report: the wait, and what its looks saw, alike looks in a row together."""
    how = "requested by the run" if proof.acquisition.how == REQUESTED else "found being acquired"
    looks = proof.looks
    lines = [f"the wait for the node {looks.name} ({looks.node_id}), {how}, and its acquisition job "
             f"{looks.job_id}: " + (looks.history.describe() if looks.history else "no wait"),
             "each look lists the node, then reads the job (a job in flight then was in flight at the listing):"]
    lines += [f"  {sighting.describe()}" for sighting in looks.sightings]
    return "\n".join(lines)
