"""Wires the parts of one control-plane process together and starts/stops them in order."""

import os
import shutil
import tempfile
import threading

from . import dashboard, log
from .defects import active as defective
from .faults import Faults
from .httpapi import ApiServer
from .previews import Previews
from .routes import api_router, reference_router
from .routes.nodes import seed_node_with_failed_acquisition, seed_ready_node_acquired_before, seed_ready_provider_nodes
from .sessions import Sessions
from .store import Store
from .traffic import OtherOperator
from .twins import active as twin
from .worker import Worker


class Runtime:
    def __init__(self, config):
        self.config = config
        self.provider_tokens = {}  # provider id -> token, in memory only, with --hetzner-endpoint (hetzner.py)
        self._temporary = config.data_dir is None
        if self._temporary:
            self.data_dir = tempfile.mkdtemp(prefix="pressluft_reference-")
        else:
            self.data_dir = os.path.abspath(config.data_dir)
            os.makedirs(self.data_dir, exist_ok=True)
        try:
            self.store = Store(self.data_dir)
            self.faults = Faults(config.http_faults)
            self.sessions = Sessions(self.store, config.admin_email, config.admin_password)
            self.previews = Previews(self)
            self.worker = Worker(self)
            self.api_router = api_router()
            self.reference_router = reference_router(config.enable_faults)
            self.dashboard = dashboard.page  # the non-API pages (httpapi calls it for every other path)
            self.server = ApiServer((config.host, config.port), self)
            self.other_operator = OtherOperator(self) if twin(self, "other_operator_traffic") else None
        except BaseException:
            self._remove_temporary()
            raise
        self._serve_thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                              name="api", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{'[' + host + ']' if ':' in host else host}:{port}"

    def start(self):
        log.event("start", data_dir=self.data_dir, temporary=self._temporary, faults=self.config.enable_faults,
                  defects=",".join(sorted(self.config.defects)) or None,
                  twins=",".join(sorted(self.config.twins)) or None, quirks=self.config.quirks,
                  http_faults=bool(self.config.http_faults))
        self.worker.resume_interrupted()
        if defective(self, "ready_node_with_failed_acquisition"):
            seed_node_with_failed_acquisition(self)
        if twin(self, "two_ready_provider_nodes"):
            seed_ready_provider_nodes(self, 2)
        if twin(self, "node_before_run_acquisition_unlisted"):
            seed_ready_node_acquired_before(self)
        self.previews.sync_all()
        self.worker.start()
        self._serve_thread.start()
        if self.other_operator is not None:
            self.other_operator.start()

    def stop(self):
        if self.other_operator is not None:
            self.other_operator.stop()
        self.server.shutdown()
        self.server.server_close()
        self.worker.stop()
        self.previews.close_all()
        self.store.close()
        self._remove_temporary()
        log.event("stopped")

    def _remove_temporary(self):
        if self._temporary:
            shutil.rmtree(self.data_dir, ignore_errors=True)
