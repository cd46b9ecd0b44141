"""What one scenario knows: the one object the steps read and write (`context.state`).

Every field starts empty; `need(name)` reads one that an earlier step must have filled, and says which
kind of step was missing when none did: a mistake in the feature text, not a verdict on Pressluft.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from support.flows.nodes import MadeSure
from support.harness.acquisition_proof import AcquisitionProof
from support.harness.preflight_proof import PreflightProof
from support.pressluft.nodes import Acquisition
from support.pressluft.sites import LiveSite
from support.runtime.smoke_commands import SmokeRun
from support.screenplay.actions import Request


class MissingStep(Exception):
    """A step needs something that no earlier step of the scenario provided (a suite error)."""


WHO_PROVIDES = {
    "node": "Given a ready provider-acquired node / Then it asked Pressluft for one new node, …",
    "acquisition": "Given Pressluft had no provider-acquired node, ready or being acquired, before the operator "
                   "started",
    "made_sure": "When the operator confirms the ready provider-acquired node, as a smoke does …",
    "acquired_node": "Given Pressluft had no provider-acquired node, ready or being acquired, before the operator "
                     "started",
    "node_request": "When the operator asks for a new node from the provider / Given a new node from the provider …",
    "site": "Given a (new) site whose production environment is live",
    "readiness_codes": "Then the creation is refused as blocked by node readiness, because …",
    "environment_request": "When the operator creates a … environment from production",
    "environment_job": "Then the environment creation job succeeds",
    "new_environment": "Then the creation added exactly one environment to the site",
    "clone": "Given an active clone of production",
    "backup_request": "When the operator takes a full backup of production",
    "listed_backup": "Then production's backups list shows that backup, the only backup the job added",
    "backup": "Then that backup is completed and full, … / Given a completed full backup … / Given … has a "
              "completed full backup …",
    "first_backup": "Given a completed full backup of production",
    "restore_request": "When the operator restores production from that backup",
    "restore_job": "Then the restore job succeeds",
    "attempt": "When the operator tries to …",
    "preflight_proof": "Given the operator has asked for the target's first provider-acquired node",
    "polled_node": "Given Pressluft had no ready provider-acquired node before the operator started, so the operator "
                   "asked for one",
    "smoke": "When the … smoke runs …",
    "earlier_smoke": "Given the clone preview smoke, run from the repository root, has failed …",
    "nodes_before": "Given the clone preview smoke, run from the repository root, has failed … / Given no "
                    "provider-acquired node is ready, and none is being acquired",
}


@dataclass
class ScenarioState:
    # the provider-acquired node
    node: Optional[dict] = None                    # the ready node the scenario runs on
    acquisition: Optional[Acquisition] = None      # the node the operator made sure of
    made_sure: Optional[MadeSure] = None           # making sure of a node once more, with what it listed and sent
    acquired_node: Optional[AcquisitionProof] = None  # the node the run asked for itself, with its wait
    new_node_name: Optional[str] = None            # the name a node request of this scenario will use
    node_request: Optional[Request] = None
    polled_node: Optional[AcquisitionProof] = None  # the node the run waited for while Pressluft acquired it
    # the site and what was done to it
    site: Optional[LiveSite] = None
    environment_request: Optional[Request] = None
    environment_job: Optional[dict] = None
    new_environment: Optional[dict] = None         # the one environment the creation added
    clone: Optional[dict] = None
    backup_request: Optional[Request] = None
    listed_backup: Optional[dict] = None           # the backup the backup request added, as listed
    backup: Optional[dict] = None                  # the backup the scenario restores ("that backup")
    first_backup: Optional[dict] = None            # the first of the scenario's backups of production
    production_content: Optional[str] = None       # what the scenario last saw production show (content it set)
    restore_request: Optional[Request] = None
    restore_job: Optional[dict] = None
    attempt: Optional[Request] = None              # a request the operator tried, expecting a refusal
    readiness_codes: Optional[list] = None         # the reason codes a readiness refusal must name
    preflight_proof: Optional[PreflightProof] = None  # the site the run tried while its first node was acquired
    # a smoke command run
    smoke_run_id: Optional[str] = None             # allocated before the smoke runs, so faults can name its site
    smoke: Optional[SmokeRun] = None               # the scenario's last smoke run
    smoke_runs: list = field(default_factory=list)  # every smoke run of the scenario, in order
    each_smoke: Optional[list] = None              # both smokes, when the scenario ran each of them at once
    smoke_reports: Optional[str] = None            # the reports folder its smoke runs share (a loop's), if they do
    nodes_before: Optional[set] = None             # the ids of the nodes listed before its first smoke run
    smoke_settings: dict = field(default_factory=dict)  # settings its smoke runs with besides the run's (raw text)

    @property
    def earlier_smoke(self) -> Optional[SmokeRun]:
        """The smoke run before the scenario's last one."""
        return self.smoke_runs[-2] if len(self.smoke_runs) > 1 else None

    def need(self, name: str) -> Any:
        value = getattr(self, name)
        if value is None:
            raise MissingStep(f"this step needs the scenario's {name.replace('_', ' ')}, which no earlier step "
                              f"provided (expected a step like: {WHO_PROVIDES.get(name, name)})")
        return value

    @property
    def production(self) -> dict:
        return self.need("site").production
