"""One run of the suite: settings, the target (embedded, a server under test the run starts, or external),
the signed-in operator, fault injection capabilities, the run id, and what the run makes once and shares
between scenarios.

Made once per run, on first use: the provider-acquired node; a live site for the scenarios that only add
to it (clones, staging copies, backups, restores that must be refused), its active clone, and a completed backup of
its production and of that clone (the run remembers the backups it made). Scenarios that change
production make a site of their own. Least product work per verified claim: on a real Pressluft every job
is minutes of real work (docs/real-target.md).

Fail once (once.py): when what the run shares cannot be made ready (its node does not become ready, its shared site
or clone cannot be made or is not live), the scenario that waited for it fails with the full verdict, and
every later scenario that needs it fails at once with the same category, job id and reason, naming the
scenario where the wait was spent: one node budget per run, not one per scenario.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from support.checks.nodes import node_is_ready
from support.flows.backups import completed_full_backup, take_full_backup
from support.flows.environments import create_environment
from support.flows.nodes import plan_run_node, secure_run_node
from support.flows.sites import create_live_site, ensure_live
from support.harness import provider_servers
from support.harness.acquisition_proof import AcquisitionProof, why_not_acquired, why_not_shown
from support.harness.handover import attempt_taken_over, wait_taken_over
from support.harness.once import FailOnce, Once
from support.harness.preflight_proof import PreflightProof, try_site_while_acquiring, why_no_proof
from support.http import faults as fault_api
from support.http.client import PressluftClient
from support.http.journal import Journal
from support.pressluft.nodes import REUSED, Acquisition
from support.pressluft.sites import LiveSite
from support.reporting.waitlog import FOLDER as WAITS_FOLDER
from support.reporting.waitlog import WaitLog
from support.runtime import installation
from support.runtime.config import Settings, load_settings, require_provider_token
from support.runtime.resources import LEDGER_FILE, ResourceLedger
from support.runtime.server_process import ServerUnderTest
from support.runtime.target import EmbeddedTarget
from support.screenplay.actor import Operator
from support.verdicts.diagnosis import block_for
from support.verdicts.failure import TAG, SuiteFailure
from support.verdicts.redaction import secrets
from support.waiting.jobs import learn_job_durations
from support.waiting.nodes import AcquisitionLooks, wait_for_node_ready


@dataclass
class Run:
    settings: Settings
    journal: Journal
    client: PressluftClient
    operator: Operator
    capabilities: fault_api.Capabilities
    ledger: ResourceLedger
    target: Optional[EmbeddedTarget] = None
    server: Optional[ServerUnderTest] = None  # PRESSLUFT_SERVER_CMD: the server under test, started by this run
    node_plan: Optional[Acquisition] = None
    backups: list = field(default_factory=list)   # completed full backups made in this run (environment, backup)
    scenario: Optional[str] = None  # the scenario running now: where a wait for what the run shares is spent
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))  # before its target started
    preflight_proof: Optional[PreflightProof] = None  # a site tried while the target's first node was acquired
    handed_node_requests: list = field(default_factory=list)  # scripts/parallel: the node requests sent before
    node_looks: Optional[AcquisitionLooks] = None  # what the wait for the run's node saw while Pressluft acquired it

    def __post_init__(self):
        where = lambda: self.scenario  # noqa: E731
        self._node = Once(self._secure_node, where=where)
        self._readiness = FailOnce(where)
        self._site = Once(self._make_shared_site, recheck=lambda site: ensure_live(self.operator, site), where=where)
        self._clone = Once(lambda: create_environment(self.operator, self.shared_site(), "clone"), where=where)

    @property
    def embedded(self) -> bool:
        return self.target is not None

    @property
    def base_url(self) -> str:
        return self.client.base_url

    def log_tail(self, lines: int = 40) -> str:
        if self.server is not None:
            return self.server.log_tail(lines)
        return self.target.log_tail(lines) if self.target else ""

    @property
    def log_title(self) -> str:
        """The heading of log_tail() in a diagnosis."""
        return self.server.log_title if self.server is not None else "reference target log (tail)"

    def explain(self, failure: SuiteFailure) -> SuiteFailure:
        """The verdict of a failure: target_unavailable when the server under test has ended by itself."""
        return self.server.explain(failure) if self.server is not None else failure

    def diagnosis(self, failure: SuiteFailure, *, since: int = 0) -> str:
        """The block printed and attached under a failure: last requests, job, history, the target's log."""
        return block_for(failure, self.journal, since, self.log_tail(), log_title=self.log_title)

    # -- what the run makes once -----------------------------------------------------------------------
    def provider_node(self) -> Acquisition:
        """The run's node, secured on first use (its acquisition job succeeded; readiness not yet judged)."""
        return self._node.get()

    def _secure_node(self) -> Acquisition:
        acquisition, self.node_looks = secure_run_node(self.operator,
                                                       while_first_acquired=self._try_site_while_acquiring)
        return acquisition

    def _try_site_while_acquiring(self, node_request) -> None:
        self.preflight_proof = try_site_while_acquiring(self.operator, node_request)

    def preflight_while_acquiring(self) -> tuple[Optional[PreflightProof], Optional[str]]:
        """The site creation the run tried while Pressluft acquired the target's first node (its node, secured on
        first use), or why there is nothing to judge: the run did not acquire the target's first node, or the
        acquisition had ended by the time the answer came (support/harness/preflight_proof.py)."""
        try:
            acquisition = self.provider_node()
        except SuiteFailure:
            if self.preflight_proof is None:  # the evidence stands even when the acquisition failed later
                raise
            acquisition = None
        proof = self.preflight_proof
        if proof is None and acquisition is not None and acquisition.how == REUSED and self.settings.reports_shared:
            # the process that secured the node for this run's workers tried it then (scripts/parallel)
            proof = attempt_taken_over(self.settings.reports_dir, acquisition.node_id)
        if proof is None:
            return None, why_no_proof(acquisition)
        return proof, proof.not_provable()

    def node_polled_while_acquired(self) -> tuple[AcquisitionProof, Optional[str]]:
        """The run's node (secured on first use) with what its wait saw while Pressluft acquired it, and why that
        shows nothing on this target, if it does not (support/harness/acquisition_proof.py)."""
        proof = self._node_wait()
        return proof, why_not_shown(proof)

    def node_acquired_for_the_run(self) -> tuple[AcquisitionProof, Optional[str]]:
        """The run's node with the wait for its acquisition, when the run asked for it itself because none was ready or
        being acquired, or why this target does not show that (support/harness/acquisition_proof.py)."""
        proof = self._node_wait()
        return proof, why_not_acquired(proof)

    def _node_wait(self) -> AcquisitionProof:
        """The run's node and what its wait saw while Pressluft acquired it; for a worker of scripts/parallel, the wait
        the process that secured the node handed over (support/harness/handover.py)."""
        proof = AcquisitionProof(self.provider_node(), self.node_looks)
        if proof.acquisition.how == REUSED and self.settings.reports_shared:
            taken = wait_taken_over(self.settings.reports_dir, proof.acquisition.node_id)
            if taken is not None:
                proof, self.handed_node_requests = taken
        return proof

    def node_requests_sent(self) -> list:
        """The node requests this run sent (and, for a worker of scripts/parallel, those the process that secured its
        node sent): what "without a second request" counts."""
        return self.handed_node_requests + self.journal.since(0)

    def ready_node(self) -> dict:
        """The run's node, once it is ready (within the node budget) and ready in fact (node_is_ready:
        active, on a real host, made by an acquisition job that succeeded). Looked at again each time (one poll
        when it is ready); once it has failed to be, every later call fails at once with the same verdict."""
        return self._readiness.run(lambda: node_is_ready(self.operator, self.provider_node()))

    def listed_ready_node(self) -> dict:
        """The run's node, once the node list shows it ready (within the node budget); how ready it is in fact is
        left to the claim that judges it. A wait that ran out is kept with ready_node's: every later call of
        either fails at once with the same verdict."""
        acquisition = self.provider_node()
        return self._readiness.run(lambda: wait_for_node_ready(self.operator, acquisition.node_id,
                                                               job_id=acquisition.job_id))

    def _make_shared_site(self) -> LiveSite:
        return create_live_site(self.operator, label="site", node_id=self.ready_node()["id"])

    def shared_site(self) -> LiveSite:
        """The run's live site for scenarios that only add to it; checked to be live each time it is handed out
        (once it could not be made or found live, every later call fails at once)."""
        return self._site.get()

    def active_clone(self, site: LiveSite) -> dict:
        """An active clone of the shared site's production (one a scenario made, or one made now)."""
        if site is not self._site.peek():
            return create_environment(self.operator, site, "clone")
        return self._clone.get()

    def offer_clone(self, site: LiveSite, environment: dict) -> None:
        if site is self._site.peek() and environment.get("environment_type") == "clone":
            self._clone.offer(environment)

    def remember_backup(self, environment_id: str, backup: dict) -> None:
        self.backups.append((environment_id, backup))

    def backup_of_production(self, site: LiveSite) -> dict:
        """A completed full backup of the site's production: one the run made already (the backup scenario's, of the
        shared site), or a new one. A backup does not change production, so one serves every scenario that only needs
        production to have one (least product work: docs/real-target.md)."""
        production = site.production
        backup = self._remembered_backup(production["id"])
        if backup is None:
            backup = completed_full_backup(self.operator, site, production)
            self.remember_backup(production["id"], backup)
        return backup

    def _remembered_backup(self, environment_id: str) -> Optional[dict]:
        """The latest completed full backup of that environment the run made, if any."""
        return next((backup for owner, backup in reversed(self.backups) if owner == environment_id), None)

    def backup_of_another_environment(self, site: LiveSite) -> dict:
        """A completed full backup of another environment of the same site than its production, its active clone:
        one the run made already, or a new one (never a backup of another site's environment: the refusal is tried
        at its nearest neighbour)."""
        clone = self.active_clone(site)
        backup = self._remembered_backup(clone["id"])
        if backup is None:
            backup = take_full_backup(self.operator, site, clone)
            self.remember_backup(clone["id"], backup)
        return backup

    def release_provider_servers(self, *, passed: bool) -> list[str]:
        """At the end of the run, while the target still answers: the provider servers its node requests bought,
        each deleted or kept as PRESSLUFT_RELEASE_NODE says (support/harness/provider_servers.py) and listed in the
        ledger. Returns the lines to print for the servers kept (none for a shared target, which keeps its node)."""
        if self.embedded:  # the embedded reference simulates its provider: nothing was bought
            return []
        servers = provider_servers.bought_servers(self.operator)
        provider_servers.release(servers, self.settings, passed=passed, since=self.started_at)
        self.ledger.servers, self.ledger.servers_summary = servers, provider_servers.summary(servers)
        if provider_servers.policy_for(self.settings) == provider_servers.NEVER:
            return []
        return [server.keep_line() for server in servers if server.billed]

    def stop(self) -> None:
        if self.target is not None:
            self.target.stop()
        if self.server is not None:
            self.server.stop()


def start_run(env=None, userdata=None) -> Run:
    """Read the settings, start or reach the target, sign in. Any problem raises a SuiteFailure
    (config_error, target_unavailable or auth_failed), and a target the run started is stopped again."""
    started_at = datetime.now(timezone.utc)
    settings = load_settings(env, userdata)
    secrets.add(settings.password)
    secrets.add(settings.provider_token)
    secrets.addresses.forget()  # a process may run against several targets, one after the other
    secrets.addresses.name_target(settings.base_url, settings.target_name)  # not the embedded one: its label
    target_started = time.monotonic()
    settings, target, server = _start_target(settings)
    target_seconds = time.monotonic() - target_started
    try:
        run = _sign_in(settings, target, server, started_at)
        run.operator.waits.write({"kind": "run", "ready": time.time(), "embedded": target is not None,
                     "target_start_seconds": round(target_seconds, 4) if target is not None else None,
                     "target_pid": target.process.pid if target is not None and target.process else None})
        return run
    except BaseException:
        if target is not None:
            target.stop()
        if server is not None:
            server.stop()
        raise


def _start_target(settings: Settings) -> tuple[Settings, Optional[EmbeddedTarget], Optional[ServerUnderTest]]:
    """The embedded reference, or the server under test (PRESSLUFT_SERVER_CMD), started for this run; neither for an
    external target. Each is stopped again when it cannot start."""
    if settings.embedded:
        target = EmbeddedTarget(keep_data=settings.keep_data, extra_args=settings.reference_args)
        try:
            return settings.with_base_url(target.start()), target, None
        except BaseException:
            target.stop()
            raise
    if not settings.server_command:
        return settings, None, None
    server = ServerUnderTest(settings)
    settings = settings.with_base_url(server.start())  # stopped again by server.start() itself when it cannot start
    secrets.addresses.name_target(settings.base_url, settings.target_name)
    return settings, None, server


def _sign_in(settings: Settings, target: Optional[EmbeddedTarget], server: Optional[ServerUnderTest],
             started_at: datetime) -> Run:
    """The operator signed in, the target's capabilities read; against a target that may have run jobs already,
    how long they take learned and the run's node planned."""
    journal = Journal()
    client = PressluftClient(settings.base_url, journal, connect_timeout=settings.connect_timeout,
                             read_timeout=settings.read_timeout)
    client.login(settings.email, settings.password)
    capabilities = fault_api.discover(client)
    settings = require_provider_token(settings, capabilities.is_reference)
    secrets.add(settings.provider_token)
    ledger = ResourceLedger(settings.run_id, record_to=os.path.join(settings.reports_dir, LEDGER_FILE))
    operator = Operator(client, settings, ledger, journal, guard_holds_nodes=capabilities.guard_scope != "site",
                        waits=WaitLog(os.path.join(settings.reports_dir, WAITS_FOLDER)))
    run = Run(settings, journal, client, operator, capabilities, ledger, target, server, started_at=started_at)
    if target is None:  # a target that may have run jobs already: learn how long they take; say the plan
        learn_job_durations(operator)
        run.node_plan = plan_run_node(operator)
    return run


def banner(run: Run) -> str:
    """What a run against an external target says before its first scenario (never a secret)."""
    described = run.settings.describe()
    lines = [f"{TAG} run {run.ledger.run_id} against {described['target']}",
             f"  account: {described['account']} (provider {described['provider']})",
             f"  budgets: {described['budgets']}; retry ceiling {described['retry ceiling']}",
             f"  node: {run.node_plan.describe() if run.node_plan else 'decided on first use'}",
             f"  fault injection: {'yes' if run.capabilities.fault_injection else 'no'}; "
             f"scenarios that change shared state: "
             f"{'allowed' if run.settings.allow_disruptive else 'skipped (PRESSLUFT_ALLOW_DISRUPTIVE=1 allows them)'}",
             f"  provider servers the run buys: {_release_plan(run.settings)}",
             f"  suite: {installation.describe()}"]
    return "\n".join(lines)


def _release_plan(settings: Settings) -> str:
    policy = provider_servers.policy_for(settings)
    return {provider_servers.ALWAYS: "deleted at the end of the run",
            provider_servers.ON_PASS: "deleted at the end of a run that passes, kept after a failure",
            provider_servers.NEVER: "kept for later runs"}[policy] + f" (PRESSLUFT_RELEASE_NODE={policy})"
