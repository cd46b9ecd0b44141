"""The run's provider-acquired node as the suite secured it (`Acquisition`): reused (a ready node listed before the
run), adopted (a node another request is still acquiring, its node_provision job in flight) or requested (a new one),
and the acquisition job that made it. What the run saw of a node while Pressluft acquired it is kept apart, by the
wait that saw it (support/waiting/nodes.py `AcquisitionLooks`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

REUSED, ADOPTED, REQUESTED = "reused", "adopted", "requested"


@dataclass
class Acquisition:
    """The run's node: how it was secured (reused, adopted while in flight, requested) and its acquisition job."""

    node_id: Optional[str]
    how: str
    job_id: Optional[str] = None
    job: Optional[dict] = None
    name: Optional[str] = None

    def describe(self) -> str:
        return {REUSED: f"reuses the ready node {self.name} ({self.node_id})",
                ADOPTED: f"waits for the node {self.name} ({self.node_id}) that is still being acquired "
                         f"(job {self.job_id})",
                REQUESTED: "acquires a new node"}[self.how]
