"""One run of the suite: settings, the target (embedded, a server under test the run starts, or external), the
signed-in operator, fault injection capabilities, the run id, and the run's provider-acquired node (secured
lazily, once).
"""
from __future__ import annotations

import os
import shlex
import threading
import time
from dataclasses import dataclass, field
from typing import Mapping, Optional

from support import faults as fault_api
from support.actor import Operator
from support.client import PressluftClient
from support.config import Settings, load_settings, require_provider_token
from support.diagnostics import SuiteFailure
from support.journal import Journal
from support.polling import WAITS, record_waits_to
from support.provider_node import Acquisition, secure_run_node
from support.waits import learn_job_durations
from support.redaction import secrets
from support.resources import ResourceLedger
from support.server_process import ServerUnderTest
from support.target import EmbeddedTarget


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
    _acquisition: Optional[Acquisition] = None
    _acquisition_failure: Optional[SuiteFailure] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

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

    def provider_node(self) -> Acquisition:
        """Secured on first use, then the same node for the whole run. A failed acquisition is not
        repeated either: every later scenario that needs the node gets the same verdict."""
        with self._lock:
            if self._acquisition_failure is not None:
                raise self._acquisition_failure
            if self._acquisition is None:
                try:
                    self._acquisition = secure_run_node(self.operator)
                except SuiteFailure as failure:
                    self._acquisition_failure = failure
                    raise
            return self._acquisition

    @property
    def node_secured(self) -> bool:
        return self._acquisition is not None

    def stop(self) -> None:
        if self.target is not None:
            self.target.stop()
        if self.server is not None:
            self.server.stop()


def start_run(env: Optional[Mapping[str, str]] = None, userdata: Optional[Mapping[str, str]] = None) -> Run:
    """Read the settings, start or reach the target, sign in. Any problem raises a SuiteFailure
    (config_error, target_unavailable or auth_failed), and an embedded target is stopped again."""
    settings = load_settings(env, userdata)
    secrets.add(settings.password)
    secrets.add(settings.provider_token)
    record_waits_to(os.path.join(settings.reports_dir, "waits"))
    target = None
    target_started = time.monotonic()
    if settings.embedded:
        # PRESSLUFT_REFERENCE_ARGS: extra flags for the embedded target (e.g. "--job-duration all=2" in scripts/bench)
        extra = shlex.split((env if env is not None else os.environ).get("PRESSLUFT_REFERENCE_ARGS", ""))
        target = EmbeddedTarget(keep_data=settings.keep_data, extra_args=tuple(extra))
        try:
            settings = settings.with_base_url(target.start())
        except BaseException:
            target.stop()
            raise
    server = ServerUnderTest(settings) if settings.server_command else None
    if server is not None:  # stopped again by server.start() itself when it cannot start
        settings = settings.with_base_url(server.start())
    target_seconds = time.monotonic() - target_started
    try:
        journal = Journal()
        client = PressluftClient(settings.base_url, journal, connect_timeout=settings.connect_timeout,
                                 read_timeout=settings.read_timeout)
        client.login(settings.email, settings.password)
        capabilities = fault_api.discover(client)
        settings = require_provider_token(settings, capabilities.is_reference)
        secrets.add(settings.provider_token)
        ledger = ResourceLedger()
        operator = Operator(client, settings, ledger, journal)
        if target is None:  # a target that may have run jobs already: learn how long they take
            learn_job_durations(operator)
        WAITS.write({"kind": "run", "pid": os.getpid(), "ready": time.time(), "embedded": target is not None,
                     "target_start_seconds": round(target_seconds, 4) if target is not None else None,
                     "target_pid": target.process.pid if target is not None and target.process else None})
        return Run(settings, journal, client, operator, capabilities, ledger, target, server)
    except BaseException:
        if target is not None:
            target.stop()
        if server is not None:
            server.stop()
        raise
