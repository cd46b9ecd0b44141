"""One run of the suite: settings, the target (embedded, a server under test the run starts, or external),
the signed-in operator, fault injection capabilities, the run id, and what the run makes once and shares
between scenarios.

Made once per run, on first use: the provider-acquired node; a live site for the scenarios that only add
to it (clones, staging copies, backups that must be refused) and its active clone. Scenarios that change
production make a site of their own. Least product work per verified claim: on a real Pressluft every job
is minutes of real work (docs/real-target.md).
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from support import faults as fault_api
from support.actor import Operator
from support.client import PressluftClient
from support.config import Settings, load_settings, require_provider_token
from support.diagnostics import SuiteFailure
from support.flows import LiveSite, create_environment, create_live_site, ensure_live, take_full_backup
from support.journal import Journal
from support.provider_node import Acquisition, plan_run_node, run_node_name, secure_run_node
from support.redaction import secrets
from support.resources import LEDGER_FILE, ResourceLedger
from support.server_process import ServerUnderTest
from support.target import EmbeddedTarget
from support.verdicts import block_for
from support.waitlog import FOLDER as WAITS_FOLDER
from support.waitlog import WAITS
from support.waits import learn_job_durations, wait_for_node_ready


class Once:
    """A value made on first use and shared; a failure to make it is remembered and raised again, so every
    scenario that needs it gets the same verdict instead of paying again."""

    def __init__(self, make: Callable[[], object]):
        self._make = make
        self._value = None
        self._failure: Optional[SuiteFailure] = None
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            if self._failure is not None:
                raise self._failure
            if self._value is None:
                try:
                    self._value = self._make()
                except SuiteFailure as failure:
                    self._failure = failure
                    raise
            return self._value

    def peek(self):
        return self._value

    def offer(self, value) -> None:
        """A value made elsewhere (e.g. by a scenario) that can stand in, unless one is there already."""
        with self._lock:
            if self._value is None and self._failure is None:
                self._value = value


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

    def __post_init__(self):
        self._node = Once(lambda: secure_run_node(self.operator))
        self._site = Once(self._make_shared_site)
        self._clone = Once(lambda: create_environment(self.operator, self.shared_site(), "clone"))

    @property
    def embedded(self) -> bool:
        return self.target is not None

    @property
    def base_url(self) -> str:
        return self.client.base_url

    @property
    def run_node_name(self) -> str:
        return run_node_name(self.ledger.run_id)

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

    def ready_node(self) -> dict:
        """The run's node, once it is ready (within the node budget)."""
        acquisition = self.provider_node()
        node, _ = wait_for_node_ready(self.operator, acquisition.node_id, budget=self.settings.budgets.node,
                                      job_id=acquisition.job_id)
        return node

    def _make_shared_site(self) -> LiveSite:
        return create_live_site(self.operator, label="site", node_id=self.ready_node()["id"])

    def shared_site(self) -> LiveSite:
        """The run's live site for scenarios that only add to it; checked to be live each time it is handed out."""
        site = self._site.get()
        ensure_live(self.operator, site)
        return site

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

    def backup_of_another_environment(self, site: LiveSite) -> dict:
        """A completed full backup of an environment other than the site's production: one the run made
        already, or a new backup of the run's active clone."""
        for environment_id, backup in reversed(self.backups):
            if environment_id != site.production["id"]:
                return backup
        clone = self.active_clone(site)
        backup = take_full_backup(self.operator, site, clone)
        self.remember_backup(clone["id"], backup)
        return backup

    def stop(self) -> None:
        if self.target is not None:
            self.target.stop()
        if self.server is not None:
            self.server.stop()


def start_run(env=None, userdata=None) -> Run:
    """Read the settings, start or reach the target, sign in. Any problem raises a SuiteFailure
    (config_error, target_unavailable or auth_failed), and an embedded target is stopped again."""
    settings = load_settings(env, userdata)
    secrets.add(settings.password)
    secrets.add(settings.provider_token)
    secrets.addresses.forget()  # a process may run against several targets, one after the other
    secrets.addresses.name_target(settings.base_url, settings.target_name)  # not the embedded one: its label
    WAITS.record_to(os.path.join(settings.reports_dir, WAITS_FOLDER))
    target = None
    target_started = time.monotonic()
    if settings.embedded:
        target = EmbeddedTarget(keep_data=settings.keep_data, extra_args=settings.reference_args)
        try:
            settings = settings.with_base_url(target.start())
        except BaseException:
            target.stop()
            raise
    server = ServerUnderTest(settings) if settings.server_command else None
    if server is not None:  # stopped again by server.start() itself when it cannot start
        settings = settings.with_base_url(server.start())
        secrets.addresses.name_target(settings.base_url, settings.target_name)
    target_seconds = time.monotonic() - target_started
    try:
        journal = Journal()
        client = PressluftClient(settings.base_url, journal, connect_timeout=settings.connect_timeout,
                                 read_timeout=settings.read_timeout)
        client.login(settings.email, settings.password)
        capabilities = fault_api.discover(client)
        settings = require_provider_token(settings, capabilities.is_reference)
        secrets.add(settings.provider_token)
        ledger = ResourceLedger(settings.run_id, record_to=os.path.join(settings.reports_dir, LEDGER_FILE))
        operator = Operator(client, settings, ledger, journal)
        run = Run(settings, journal, client, operator, capabilities, ledger, target, server)
        if target is None:  # a target that may have run jobs already: learn how long they take; say the plan
            learn_job_durations(operator)
            run.node_plan = plan_run_node(operator)
        WAITS.write({"kind": "run", "ready": time.time(), "embedded": target is not None,
                     "target_start_seconds": round(target_seconds, 4) if target is not None else None,
                     "target_pid": target.process.pid if target is not None and target.process else None})
        return run
    except BaseException:
        if target is not None:
            target.stop()
        if server is not None:
            server.stop()
        raise


def banner(run: Run) -> str:
    """What a run against an external target says before its first scenario (never a secret)."""
    described = run.settings.describe()
    lines = [f"[wave5] run {run.ledger.run_id} against {described['target']}",
             f"  account: {described['account']} (provider {described['provider']})",
             f"  budgets: {described['budgets']}; retry ceiling {described['retry ceiling']}",
             f"  node: {run.node_plan.describe() if run.node_plan else 'decided on first use'}",
             f"  fault injection: {'yes' if run.capabilities.fault_injection else 'no'}; "
             f"scenarios that change shared state: "
             f"{'allowed' if run.settings.allow_disruptive else 'skipped (PRESSLUFT_ALLOW_DISRUPTIVE=1 allows them)'}"]
    return "\n".join(lines)
