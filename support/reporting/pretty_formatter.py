"""behave's "pretty" console format, without the duplicate feature header of behave 1.3.3.

behave 1.3.3's PrettyFormatter prints the header of every feature that has a Background twice (its
`background()` replays the pending statement, which is still the feature). Upstream behave issue #1284, fixed by
removing that method (commit 6c4762ba, "FIX #1284: Pretty formatter", for the unreleased 1.3.4). Registered in
pyproject's [tool.behave.formatters] under the name `pretty`, so the default format and `-f pretty` both use it.
Remove this module and that line when the pinned behave carries the fix.
"""
from __future__ import annotations

from behave.formatter.base import Formatter
from behave.formatter.pretty import PrettyFormatter as BehavePrettyFormatter


class PrettyFormatter(BehavePrettyFormatter):
    description = "Standard colourised pretty formatter (each feature header printed once: behave issue #1284)"

    # What upstream's fix amounts to: a Background starts nothing of its own; its steps are printed with each scenario.
    background = Formatter.background
