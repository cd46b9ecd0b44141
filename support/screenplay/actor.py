"""The operator: the one actor of the suite, who performs actions and asks questions (screenplay style), and what
it keeps while it does: the record of its waits, the progress lines of the long ones, and how long the jobs of each
type took so far (each run's operator its own: no state of a run lives in a module)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from support.http.client import PressluftClient
from support.http.journal import Journal
from support.http.preview import PreviewProbe
from support.pressluft.jobs import DurationModel
from support.reporting.progress import ProgressLines
from support.reporting.waitlog import WaitLog
from support.runtime.config import Settings
from support.runtime.resources import ResourceLedger


@dataclass
class Operator:
    client: PressluftClient
    settings: Settings
    ledger: ResourceLedger
    journal: Journal
    preview: Optional[PreviewProbe] = None
    # the enqueue guard holds a job back for a job of its site or its node (Pressluft); a reference started with
    # --guard-scope site (scripts/parallel) says in its capabilities that it holds only for the site
    guard_holds_nodes: bool = True
    waits: WaitLog = field(default_factory=WaitLog)              # the wait log (none kept without a folder)
    progress: ProgressLines = field(default_factory=ProgressLines)  # the progress lines of its long waits
    durations: DurationModel = field(default_factory=DurationModel)  # how long its jobs of each type took

    def __post_init__(self):
        if self.preview is None:
            self.preview = PreviewProbe(self.journal, connect_timeout=self.settings.connect_timeout,
                                        read_timeout=min(5.0, self.settings.read_timeout))

    def attempts_to(self, action) -> Any:
        """Performs an action (support/screenplay/actions.py): its Request."""
        return action.perform_as(self)

    def asks_for(self, question) -> Any:
        """Asks a question (support/screenplay/questions.py): its answer."""
        return question.answered_by(self)
