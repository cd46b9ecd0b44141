"""The operator: the one actor of the suite, who performs actions and asks questions (screenplay style)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Protocol

from support.http.client import PressluftClient
from support.http.journal import Journal
from support.http.preview import PreviewProbe
from support.runtime.config import Settings
from support.runtime.resources import ResourceLedger


class Performable(Protocol):
    """What the operator performs: an action (support/screenplay/actions.py)."""

    def perform_as(self, operator: "Operator") -> Any: ...


class Answerable(Protocol):
    """What the operator asks: a question (support/screenplay/questions.py)."""

    def answered_by(self, operator: "Operator") -> Any: ...


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

    def __post_init__(self):
        if self.preview is None:
            self.preview = PreviewProbe(self.journal, connect_timeout=self.settings.connect_timeout,
                                        read_timeout=min(5.0, self.settings.read_timeout))

    def attempts_to(self, action: Performable) -> Any:
        return action.perform_as(self)

    def asks_for(self, question: Answerable) -> Any:
        return question.answered_by(self)
