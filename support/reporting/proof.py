"""What a run proved, per spec item (AC-1..AC-5, SC-1..SC-3): from the scenarios that actually passed, failed or
were skipped in this run, and which part of which item each proves (spec_catalogue.py, given as a Coverage).

An item is *proved* when every part it promises was proven by a scenario that passed here (a Scenario Outline
counts when all its examples passed; parts proven by the project's tests of the smoke commands count once the run
proved something of the item); *proved in part* when some were; *failed* when a scenario proving it failed a check
of Pressluft's; *not judged* when one failed only on the set-up (the target, the configuration) or on the suite's
own code; *not proven* when its scenarios were all skipped on this target (with the reason); *not selected* when
no scenario of it was selected. The run's last line says it:

    [wave5] passed — proved AC-4, SC-1; in part: AC-1, AC-2 (rest: needs fault injection); not on this target:
            AC-3, AC-5, SC-2, SC-3 (needs fault injection)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable, Optional

from support.reporting.spec_catalogue import COVERAGE, PARTS, PROVEN_BY_TESTS, SPEC_ITEMS
from support.runtime.skips import short_reason
from support.verdicts.categories import NOT_JUDGED_STATUS, PASSED_STATUS, PRODUCT_DEFECTS
from support.verdicts.failure import TAG

PROVED, IN_PART, FAILED, NOT_JUDGED = "proved", "proved in part", "failed", "not judged"
NOT_PROVEN, NOT_SELECTED = "not proven", "not selected"
SUITE_ERROR = "suite error"  # the category of an outcome that failed on an error in the suite's own code
VERDICT_WORDS = {PASSED_STATUS: "passed", 1: "failed", NOT_JUDGED_STATUS: "could not judge Pressluft"}


@dataclass(frozen=True)
class ScenarioOutcome:
    """One scenario of the run as it ended: its name, the scenario or outline the coverage table names (`unit`)
    and how many examples that outline has, its tags, and passed / failed / skipped (why, or which category)."""

    name: str
    unit: str
    tags: tuple
    status: str
    rows: int = 1
    category: Optional[str] = None
    skip_reason: Optional[str] = None

    @classmethod
    def from_dict(cls, data: dict) -> "ScenarioOutcome":
        return cls(data["name"], data["unit"], tuple(data.get("tags") or ()), data["status"], int(data.get("rows", 1)),
                   data.get("category"), data.get("skip_reason"))


@dataclass(frozen=True)
class Coverage:
    """Which part of which item each scenario (an outline once) proves, the parts each item promises, and the parts
    proven by the project's tests rather than by a scenario."""

    parts: dict       # item -> {part: text}
    proves: dict      # scenario or outline name -> {item: [part, ...]}
    by_tests: frozenset = frozenset()  # (item, part)


@dataclass
class ItemProof:
    item: str
    verdict: str
    proven: list = field(default_factory=list)    # the parts' texts
    missing: list = field(default_factory=list)   # [(part text, why)]
    why: str = ""                                 # short: the category of a failure, or why the rest is missing

    def describe(self) -> str:
        if self.verdict == PROVED:
            return PROVED
        if self.verdict != IN_PART or not self.missing:
            return f"{self.verdict}" + (f" ({self.why})" if self.why else "")
        missing = "; ".join(f"{text} ({why})" for text, why in self.missing)
        return f"{self.verdict}; missing: {missing}"


def _why_missing(part: str, item: str, coverage: Coverage, units: dict) -> str:
    """Why a part was not proven here: the scenarios that prove it were skipped (the reason), ran only some of
    their examples, failed, or were not selected."""
    if (item, part) in coverage.by_tests:
        return "a test of the smoke commands proves it, counted once the run proves some of the item"
    reasons = []
    for unit, proves in coverage.proves.items():
        if part not in proves.get(item, []):
            continue
        outcomes = units.get(unit, [])
        if not outcomes:
            reasons.append("not selected")
        elif any(o.status == "failed" for o in outcomes):
            reasons.append("failed")
        elif any(o.status == "skipped" for o in outcomes):
            reasons += [short_reason(o.skip_reason) for o in outcomes if o.status == "skipped"]
        else:
            reasons.append("not all its examples ran")
    reasons = list(dict.fromkeys(reasons)) or ["no scenario proves it"]
    return ", ".join(reasons)


def prove(outcomes: Iterable[ScenarioOutcome], coverage: Coverage, items: Iterable[str] = SPEC_ITEMS) -> list:
    outcomes = list(outcomes)
    found = []
    for item in items:
        mine = [o for o in outcomes if item in o.tags]
        if not mine:
            found.append(ItemProof(item, NOT_SELECTED))
            continue
        failed = sorted({o.category or SUITE_ERROR for o in mine if o.status == "failed"})
        if failed:  # failed: Pressluft failed a check; not judged: only the set-up or the suite failed
            judged = any(category in {c.value for c in PRODUCT_DEFECTS} for category in failed)
            found.append(ItemProof(item, FAILED if judged else NOT_JUDGED, why=", ".join(failed)))
            continue
        units: dict = {}
        for outcome in mine:
            units.setdefault(outcome.unit, []).append(outcome)
        proven, some = set(), False
        for unit, seen in units.items():
            passed = sum(1 for o in seen if o.status == "passed")
            if passed and passed >= seen[0].rows:
                proven |= set(coverage.proves.get(unit, {}).get(item, []))
            some = some or passed > 0
        if some:
            proven |= {part for (tested, part) in coverage.by_tests if tested == item}
        parts = coverage.parts.get(item, {})
        missing_parts = [part for part in parts if part not in proven]
        missing = [(parts[part], _why_missing(part, item, coverage, units)) for part in missing_parts]
        verdict = PROVED if not missing else IN_PART if (proven or some) else NOT_PROVEN
        if verdict == NOT_PROVEN:  # nothing of it ran here: why its scenarios did not
            whys = [short_reason(o.skip_reason) for o in mine if o.status == "skipped"] or ["did not run"]
        else:
            whys = [why for part, (_, why) in zip(missing_parts, missing, strict=True)
                    if (item, part) not in coverage.by_tests]
        found.append(ItemProof(item, verdict, [text for part, text in parts.items() if part in proven], missing,
                               "; ".join(dict.fromkeys(whys))))
    return found


def _grouped(proofs: list, prefix: str = "") -> str:
    """`AC-3, AC-5 (needs fault injection), SC-2 (changes shared state)`: items with the same reason together."""
    groups: dict = {}
    for proof in proofs:
        groups.setdefault(proof.why, []).append(proof.item)
    return ", ".join(", ".join(items) + (f" ({prefix}{why})" if why else "") for why, items in groups.items())


def closing_line(status: int, proofs: list, start_failure: Optional[str] = None) -> str:
    """The run's last line: its verdict and what it proved, per item."""
    verdict = VERDICT_WORDS.get(status, f"exit {status}")
    head = f"{TAG} {verdict}" + (f" (exit {status})" if status != PASSED_STATUS else "")
    if start_failure:
        return f"{head} — the run could not start: nothing was proven"
    parts = []
    by = {kind: [p for p in proofs if p.verdict == kind] for kind in (PROVED, IN_PART, FAILED, NOT_JUDGED, NOT_PROVEN)}
    if by[FAILED]:
        parts.append("failed: " + _grouped(by[FAILED]))
    if by[NOT_JUDGED]:
        parts.append("not judged: " + _grouped(by[NOT_JUDGED]))
    if by[PROVED]:
        parts.append("proved " + ", ".join(p.item for p in by[PROVED]))
    if by[IN_PART]:
        parts.append("in part: " + _grouped(by[IN_PART], "rest: "))
    if by[NOT_PROVEN]:
        parts.append("not on this target: " + _grouped(by[NOT_PROVEN]))
    return f"{head} — " + "; ".join(parts) if parts else f"{head} — no spec item was selected"


def details(proofs: list) -> list:
    """One line per selected item that this run did not prove whole (none when it proved every one)."""
    shown = [p for p in proofs if p.verdict not in (PROVED, NOT_SELECTED)]
    if not shown:
        return []
    return [f"{TAG} what this run proved, per spec item it selected:"] + [
        f"  {p.item}: {p.describe()}" for p in proofs if p.verdict != NOT_SELECTED]


def properties(proofs: list, line: str) -> dict:
    """environment.properties entries (the Allure overview): the closing line and one entry per item."""
    props = {"proof": line.removeprefix(f"{TAG} ")}
    props.update({f"proof.{p.item}": p.describe() for p in proofs})
    return props


def as_json(proofs: list) -> list:
    return [{**asdict(p), "missing": [{"part": text, "why": why} for text, why in p.missing]} for p in proofs]


def coverage() -> Coverage:
    """Which scenario proves which part of which item (support/reporting/spec_catalogue.py), for what a run proved."""
    return Coverage(parts=PARTS, proves=COVERAGE, by_tests=frozenset(PROVEN_BY_TESTS))
