"""Which scenarios a target cannot run, and why (the reason is shown on the console and in Allure)."""
from __future__ import annotations

from typing import Iterable, Optional

NO_FAULT_INJECTION = "the target offers no fault injection"
DISRUPTIVE = ("it changes state the operator shares with others (the provider connection); "
              "set PRESSLUFT_ALLOW_DISRUPTIVE=1 to run it against this target")


def reason_to_skip(tags: Iterable[str], run) -> Optional[str]:
    tags = set(tags)
    if "fault_injection" in tags and not run.capabilities.fault_injection:
        return NO_FAULT_INJECTION
    if "disruptive" in tags and not run.embedded and not run.settings.allow_disruptive:
        return DISRUPTIVE
    return None
