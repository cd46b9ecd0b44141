"""The record of every wait: one JSON line per finished wait (and per retry Pressluft scheduled), with the
wall-clock moment its outcome was noticed, to compare with the target's timestamps (scripts/bench).
One file per process, under the reports folder's `waits/`; a run's operator keeps its log (support/screenplay/actor.py),
and a log made without a folder records nothing."""
from __future__ import annotations

import json
import os
import threading
from typing import Optional

from support.verdicts.redaction import secrets

FOLDER = "waits"  # in the reports folder


class WaitLog:
    def __init__(self, directory: Optional[str] = None):
        self.path: Optional[str] = None
        self._lock = threading.Lock()
        self.record_to(directory)

    def record_to(self, directory: Optional[str]) -> Optional[str]:
        if not directory:
            self.path = None
            return None
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, f"waits-{os.getpid()}.jsonl")
        return self.path

    def write(self, entry: dict) -> None:
        if not self.path:
            return
        line = secrets.redact_text(json.dumps({**entry, "pid": os.getpid()}, default=str)) + "\n"
        with self._lock:
            try:
                with open(self.path, "a", encoding="utf-8") as out:
                    out.write(line)
            except OSError:
                pass

