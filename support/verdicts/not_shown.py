"""What a target cannot show is no verdict (`NotShownHere`): evidence or nothing.

A check raises it when the run has nothing on this target to judge its claim by (a "no X" claim whose listing holds
no record of the run's own to show that it can show an X; a reused node whose acquisition job is not listed). It is
not a failure: the scenario is skipped with a reason that begins "not shown on this target: …" (environment.py), the
run's proof line counts the parts that scenario proves as not proven, and no `[wave5] FAIL` line is written.
A record the run made and knows by id that a listing leaves out, or shows with other fields, is evidence: that is a
`contract_violation` (a SuiteFailure), never this.
"""
from __future__ import annotations

from typing import Optional

NOT_SHOWN = "not shown on this target"


class NotShownHere(Exception):
    """The claim cannot be judged on this target: `why` (short: the run's last line gives it up to its first ';'),
    and `evidence`, what the run looked at (attached to the report)."""

    def __init__(self, why: str, evidence: Optional[str] = None):
        self.why, self.evidence = why, evidence
        self.reason = not_shown(why)
        super().__init__(self.reason)


def not_shown(why: str) -> str:
    """A skip reason that says what this target cannot show."""
    return why if why.startswith(NOT_SHOWN) else f"{NOT_SHOWN}: {why}"


def value_if_shown(found: tuple):
    """`found`: what a step found, and why this target shows nothing of it (None: it does). What it found; else
    NotShownHere with that reason."""
    value, why = found
    if why:
        raise NotShownHere(why)
    return value
