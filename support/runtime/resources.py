"""The run id, and every resource the run created (listed at the end of a run against an external target, and
written as it is created to `created-resources.jsonl` in the reports folder, so that a run that is cut off still
says what it left on the target). The next run in the same reports folder reads that list before it starts afresh
(`EarlierRun`) and, against an external target, says what is left of it there (`LeftBehind`): what an operator in a
resume-run loop needs after a failed run."""
from __future__ import annotations

import json
import re
import secrets as _random
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

from support.verdicts.failure import TAG

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
        # what became of the provider servers the run's node requests bought (support/harness/provider_servers.py), and
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


@dataclass(frozen=True)
class EarlierRun:
    """The run before this one in the same reports folder, as it recorded itself there: its run id, its exit status
    and verdict categories (None: it was cut off before its end), the resources it created."""

    run_id: str
    items: tuple
    exit_status: Optional[int] = None
    categories: tuple = ()

    def outcome(self) -> str:
        if self.exit_status is None:
            return "cut off before its end"
        words = {0: "passed", 1: "failed", 2: "could not judge Pressluft"}.get(self.exit_status, "ended")
        return f"{words}, exit {self.exit_status}" + (f": {', '.join(self.categories)}" if self.categories else "")


def read_earlier_run(ledger: Path, summary: Optional[dict]) -> Optional[EarlierRun]:
    """The earlier run a reports folder holds (its ledger, and its run summary `summary` when it wrote one), or None."""
    try:
        entries = [json.loads(line) for line in ledger.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError):
        return None
    run_ids = [entry.get("run_id") for entry in entries if isinstance(entry, dict) and entry.get("run_id")]
    if not run_ids:
        return None
    items = tuple(Created(str(e.get("kind")), str(e.get("id")), e.get("slug"), e.get("note") or "")
                  for e in entries if isinstance(e, dict) and e.get("run_id") == run_ids[-1])
    status = (summary or {}).get("exit_status")
    return EarlierRun(run_ids[-1], items, status if isinstance(status, int) else None,
                      tuple((summary or {}).get("categories") or ()) if isinstance(status, int) else ())


@dataclass(frozen=True)
class LeftResource:
    """One record an earlier run left, as the target shows it now: `kind` (site, node, "clone environment", …)."""

    kind: str
    id: str
    slug: Optional[str]
    state: str

    def line(self) -> str:
        return f"  - {self.kind} {self.id}" + (f" ({self.slug})" if self.slug else "") + f": {self.state}"


LEFT_HEADING = re.compile(rf"^{re.escape(TAG)} the run before this one, (?P<run_id>\S+) \((?P<outcome>[^)]*)\), "
                          r"left on the target \(not deleted\):$", re.MULTILINE)
LEFT_LINE = re.compile(r"^  - (?P<kind>[a-z][a-z ]*?) (?P<id>[^\s()]+)(?: \((?P<slug>[^)]*)\))?: (?P<state>.+)$")


@dataclass(frozen=True)
class LeftBehind:
    """What the run before this one left on the target, as the run says it at its start."""

    run_id: str
    outcome: str
    resources: tuple = field(default_factory=tuple)

    def text(self) -> str:
        heading = f"{TAG} the run before this one, {self.run_id} ({self.outcome}), left on the target (not deleted):"
        return "\n".join([heading] + ([resource.line() for resource in self.resources]
                                       or ["  (nothing: it recorded no resource)"]))

    @classmethod
    def said_in(cls, output: str) -> Optional["LeftBehind"]:
        """What a run's output says the run before it left (None: it says nothing of it)."""
        heading = LEFT_HEADING.search(output)
        if heading is None:
            return None
        resources = []
        for line in output[heading.end():].lstrip("\n").splitlines():
            found = LEFT_LINE.match(line)
            if found is None:
                break
            resources.append(LeftResource(found["kind"], found["id"], found["slug"], found["state"]))
        return cls(heading["run_id"], heading["outcome"], tuple(resources))
