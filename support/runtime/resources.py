"""The run id, and every resource the run created (listed at the end of a run against an external target, and
written as it is created to `created-resources.jsonl` in the reports folder, so that a run that is cut off still
says what it left on the target)."""
from __future__ import annotations

import json
import secrets as _random
import threading
from dataclasses import asdict, dataclass
from typing import Optional

NODE_REQUEST = "node acquisition job"  # the kind of record a node request of the run leaves in the ledger
LEDGER_FILE = "created-resources.jsonl"  # in the reports folder: one JSON line per created resource


def run_node_name(run_id: str) -> str:
    """The name of the node a run requests for itself (scenarios' own node requests are named otherwise)."""
    return f"{run_id}-run-node"


def new_run_id() -> str:
    return f"w5-{_random.token_hex(4)}"


@dataclass(frozen=True)
class Created:
    kind: str
    id: str
    slug: Optional[str] = None
    note: str = ""

    def describe(self) -> str:
        text = f"{self.kind} {self.id}"
        if self.slug:
            text += f" ({self.slug})"
        return text + (f" - {self.note}" if self.note else "")


class ResourceLedger:
    """Names carry the run id so that two runs never clash; every created resource is recorded."""

    def __init__(self, run_id: Optional[str] = None, record_to: Optional[str] = None):
        self.run_id = run_id or new_run_id()
        # appended to as resources are created (the run's start empties it: support/reporting/reports_folder.py)
        self.path = record_to
        self._items: list[Created] = []
        self._counter = 0
        self._lock = threading.Lock()
        # what became of the provider servers the run's node requests bought (support/run/provider_servers.py), and
        # the ledger's heading for them; set at the end of the run
        self.servers: list = []
        self.servers_summary = ""

    def slug(self, prefix: str) -> str:
        with self._lock:
            self._counter += 1
            return f"{self.run_id}-{prefix}-{self._counter}"

    def record(self, kind: str, id: str, slug: Optional[str] = None, note: str = "") -> Created:
        item = Created(kind, str(id), slug, note)
        with self._lock:
            self._items.append(item)
            if self.path:
                try:
                    with open(self.path, "a", encoding="utf-8") as out:
                        out.write(json.dumps({"run_id": self.run_id, **asdict(item)}) + "\n")
                except OSError:
                    pass
        return item

    @property
    def items(self) -> list[Created]:
        with self._lock:
            return list(self._items)

    def report(self) -> str:
        items = self.items
        if not items:
            lines = [f"run {self.run_id} created no resources"]
        else:
            lines = [f"run {self.run_id} created {len(items)} resources on the target (not deleted):"]
            lines += [f"  - {item.describe()}" for item in items]
        if self.servers:
            lines.append(self.servers_summary)
            lines += [f"  - {server.describe()}" for server in self.servers]
        return "\n".join(lines)
