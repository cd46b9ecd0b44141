"""Which scenarios a target cannot run, and why (the reason is shown on the console and in Allure)."""
from __future__ import annotations

from typing import Iterable, Optional

from support.verdicts.not_shown import NOT_SHOWN

NO_FAULT_INJECTION = "the target offers no fault injection"
DISRUPTIVE = ("it changes state the operator shares with others (the provider connection); "
              "set PRESSLUFT_ALLOW_DISRUPTIVE=1 to run it against this target")


SHORT = {NO_FAULT_INJECTION: "needs fault injection",
         DISRUPTIVE: "changes shared state; PRESSLUFT_ALLOW_DISRUPTIVE=1 allows it"}


def short_reason(reason: Optional[str]) -> str:
    """A skip reason as the run's last line gives it: what a target cannot show up to its first ';'."""
    if reason and reason.startswith(NOT_SHOWN):
        return reason.split(";")[0].strip()
    return SHORT.get(reason or "", reason or "skipped")


def reason_to_skip(tags: Iterable[str], run) -> Optional[str]:
    tags = set(tags)
    if "fault_injection" in tags and not run.capabilities.fault_injection:
        return NO_FAULT_INJECTION
    if "disruptive" in tags and not run.embedded and not run.settings.allow_disruptive:
        return DISRUPTIVE
    return None
