"""One run of the suite: settings, the target (embedded or external), the signed-in operator, fault
injection capabilities, the run id, and the run's provider-acquired node (secured lazily, once).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Mapping, Optional

from support import faults as fault_api
from support.actor import Operator
from support.client import PressluftClient
from support.config import Settings, load_settings, require_provider_token
from support.diagnostics import SuiteFailure
from support.journal import Journal
from support.provider_node import Acquisition, secure_run_node
from support.redaction import secrets
from support.resources import ResourceLedger
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
    _acquisition: Optional[Acquisition] = None
    _acquisition_failure: Optional[SuiteFailure] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def embedded(self) -> bool:
        return self.target is not None

    @property
    def base_url(self) -> str:
        return self.client.base_url

    def log_tail(self, lines: int = 30) -> str:
        return self.target.log_tail(lines) if self.target else ""

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


def start_run(env: Optional[Mapping[str, str]] = None, userdata: Optional[Mapping[str, str]] = None) -> Run:
    """Read the settings, start or reach the target, sign in. Any problem raises a SuiteFailure
    (config_error, target_unavailable or auth_failed), and an embedded target is stopped again."""
    settings = load_settings(env, userdata)
    secrets.add(settings.password)
    secrets.add(settings.provider_token)
    target = None
    if settings.embedded:
        target = EmbeddedTarget(keep_data=settings.keep_data)
        try:
            settings = settings.with_base_url(target.start())
        except BaseException:
            target.stop()
            raise
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
        return Run(settings, journal, client, operator, capabilities, ledger, target)
    except BaseException:
        if target is not None:
            target.stop()
        raise
