"""The traceability matrix: which scenario proves which part of which spec item, and what is still missing.

    python -m tools.traceability            writes docs/traceability.md
    python -m tools.traceability --check    exits 1 when it is stale, or when tags and this catalogue disagree

Each spec item (AC-n, SC-n of docs/spec/feature-wave5-runtime-e2e.md, and the companion items) is split into the
parts it promises, and each scenario says which parts it proves, in support/reporting/spec_catalogue.py (the hooks of
an installed suite read it too); this module checks the catalogue against the spec text and the feature files' tags.
A scenario's AC/SC tags must be exactly the items it proves here (tags never overclaim). An item whose parts
are not all proven is marked partial, with what is missing, on the embedded default and, separately, on a
target without fault injection (where @fault_injection scenarios are skipped).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from behave.parser import parse_file

from support.reporting.spec_catalogue import (
    ACCEPTANCE_CRITERIA,
    COVERAGE,
    FAILURE_CLASSES,
    PARTS,
    PROVEN_BY_TESTS,
    SCENARIOS,
    SPEC_COMMIT,
    SPEC_PATH,
    SPEC_URL,
    SUPPORTING,
)
from support.runtime import installation

ROOT = installation.home()  # the checkout these tools run in
FEATURES = ROOT / "features" / "wave5"
MATRIX = ROOT / "docs" / "traceability.md"
ITEMS = {**ACCEPTANCE_CRITERIA, **SCENARIOS, **SUPPORTING}

@dataclass(frozen=True)
class ScenarioRef:
    feature: str
    name: str
    location: str
    tags: tuple

    @property
    def items(self) -> list:
        return [tag for tag in self.tags if tag in ITEMS]

    @property
    def skipped_on_a_real_target(self) -> bool:
        """Needs fault injection, or changes shared state (run only with PRESSLUFT_ALLOW_DISRUPTIVE=1)."""
        return "fault_injection" in self.tags or "disruptive" in self.tags

    @property
    def real_target_note(self) -> str:
        if self.skipped_on_a_real_target:
            return " [not on a real Pressluft]"
        if "first_node" in self.tags:  # support/run/preflight_proof.py
            return " [on a real Pressluft too, when the run acquires the target's first node]"
        return ""


def collect_scenarios(features_dir: Path = FEATURES) -> list[ScenarioRef]:
    """Scenarios and scenario outlines (once each, not per example row), with inherited tags."""
    refs = []
    for path in sorted(features_dir.glob("*.feature")):
        feature = parse_file(str(path))
        for scenario in feature.scenarios:
            tags = tuple(dict.fromkeys([*feature.tags, *scenario.tags]))
            location = f"{path.relative_to(features_dir.parent.parent).as_posix()}:{scenario.line}"
            refs.append(ScenarioRef(feature.name, scenario.name, location, tags))
    return refs


def spec_header(path: Path = ROOT / SPEC_PATH) -> dict:
    header = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            break
        key, _, value = line.partition(":")
        header[key.strip()] = value.strip()
    return header


def _numbered(text: str, heading: str) -> dict:
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return {int(number): " ".join(item.split()) for number, item in
            re.findall(r"^(\d+)\. (.+?)(?=^\d+\. |\Z)", section, flags=re.M | re.S)}


def _plain(text: str) -> str:
    return " ".join(text.replace("`", "").split())


def spec_drift(path: Path = ROOT / SPEC_PATH) -> list[str]:
    """Where the spec text kept in docs/spec and the catalogue this matrix is built from disagree."""
    text = path.read_text()
    found = []
    for prefix, heading, catalogue in (("AC", "## Acceptance Criteria", ACCEPTANCE_CRITERIA),
                                       ("SC", "## Scenarios (WHEN/THEN)", SCENARIOS)):
        written = {f"{prefix}-{number}": _plain(item) for number, item in _numbered(text, heading).items()}
        for item in sorted(set(written) | set(catalogue)):
            if _plain(catalogue.get(item, "")) != written.get(item, ""):
                found.append(f"{item} differs: the spec says {written.get(item, '(nothing)')!r}, the catalogue "
                             f"{catalogue.get(item, '(nothing)')!r}")
    return found


def problems(scenarios: list[ScenarioRef]) -> list[str]:
    found = spec_drift()
    by_name = {s.name: s for s in scenarios}
    for scenario in scenarios:
        proves = COVERAGE.get(scenario.name)
        if proves is None:
            found.append(f"scenario '{scenario.name}' ({scenario.location}) proves nothing in "
                         "support/spec_catalogue.py")
            continue
        if sorted(proves) != sorted(scenario.items):
            found.append(f"scenario '{scenario.name}' ({scenario.location}) is tagged {sorted(scenario.items)} but "
                         f"proves {sorted(proves)}")
        for item, parts in proves.items():
            unknown = [part for part in parts if part not in PARTS.get(item, {})]
            if unknown:
                found.append(f"scenario '{scenario.name}' names unknown parts {unknown} of {item}")
    found += [f"COVERAGE names a scenario that does not exist: '{name}'" for name in COVERAGE if name not in by_name]
    for item in ITEMS:
        if not any(item in s.items for s in scenarios):
            found.append(f"{item} of the spec has no scenario")
    for failure_class in FAILURE_CLASSES:
        if not any(failure_class in s.tags for s in scenarios):
            found.append(f"failure class {failure_class} has no scenario")
    return found


def missing_parts(item: str, scenarios: list[ScenarioRef], *, real_target: bool) -> list[str]:
    proven = {part for s in scenarios if not (real_target and s.skipped_on_a_real_target)
              for part in COVERAGE.get(s.name, {}).get(item, [])}
    proven |= {part for (tested_item, part) in PROVEN_BY_TESTS if tested_item == item}
    return [text for part, text in PARTS[item].items() if part not in proven]


def first_node_parts(item: str, scenarios: list[ScenarioRef]) -> list[str]:
    """Parts a real Pressluft proves only in a run that acquires the target's first node (@first_node scenarios)."""
    always = {part for s in scenarios if not s.skipped_on_a_real_target and "first_node" not in s.tags
              for part in COVERAGE.get(s.name, {}).get(item, [])}
    always |= {part for (tested_item, part) in PROVEN_BY_TESTS if tested_item == item}
    sometimes = {part for s in scenarios if "first_node" in s.tags and not s.skipped_on_a_real_target
                 for part in COVERAGE.get(s.name, {}).get(item, [])}
    return [text for part, text in PARTS[item].items() if part in sometimes - always]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(scenarios: list[ScenarioRef]) -> str:
    header = spec_header()
    lines = ["# Traceability: the Wave 5 runtime e2e spec to the scenarios that prove it", "",
             "Generated by `python -m tools.traceability` from the feature files' tags and support/spec_catalogue.py; "
             "do not edit by hand.", "",
             f"Spec: [feature-wave5-runtime-e2e.md]({SPEC_URL}), kept verbatim in `{SPEC_PATH}`. "
             f"Status: {header.get('Status')}. Owner: {header.get('Owner')}. "
             f"Last reviewed: {header.get('Last Reviewed')}. Read at commit `{SPEC_COMMIT[:8]}`.", "",
             "A scenario's tags name exactly the items it proves; each item is split into the parts it promises. "
             "*Embedded default*: the run with no configuration. *Real Pressluft*: a target without fault injection, "
             "where `@fault_injection` scenarios are skipped, and so are `@disruptive` ones unless "
             "PRESSLUFT_ALLOW_DISRUPTIVE=1; a `@first_node` scenario is proven there by a run that acquires the "
             "target's first provider node (a fresh Pressluft, such as the closeout gate's), and skipped, saying so, "
             "by a run that reuses one.", "",
             "## Items", "", "| item | text | embedded default | real Pressluft |", "|---|---|---|---|"]
    for item, text in ITEMS.items():
        cells = []
        for real_target in (False, True):
            missing = missing_parts(item, scenarios, real_target=real_target)
            cell = "complete" if not missing else "partial: missing " + "; ".join(missing)
            conditional = first_node_parts(item, scenarios) if real_target else []
            if conditional:
                cell += " (when the run acquires the target's first node, else also: " + "; ".join(conditional) + ")"
            cells.append(cell)
        lines.append(f"| {item} | {_cell(text)} | {_cell(cells[0])} | {_cell(cells[1])} |")
    lines += ["", "## Parts and the scenarios that prove them", ""]
    for item, parts in PARTS.items():
        lines += [f"### {item}", "", "| part | proven by |", "|---|---|"]
        for part, text in parts.items():
            proof = [f"{s.name} ({s.location}){s.real_target_note}"
                     for s in scenarios if part in COVERAGE.get(s.name, {}).get(item, [])]
            if (item, part) in PROVEN_BY_TESTS:
                proof.append(f"`{PROVEN_BY_TESTS[(item, part)]}` (a test of the smoke commands)")
            lines.append(f"| {_cell(text)} | {_cell('; '.join(proof) or 'nothing')} |")
        lines.append("")
    lines += ["## Failure classes", "", "| tag | failure class | scenarios |", "|---|---|---|"]
    for tag, text in FAILURE_CLASSES.items():
        lines.append(f"| @{tag} | {text} | " + "; ".join(s.name for s in scenarios if tag in s.tags) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    scenarios = collect_scenarios()
    found = problems(scenarios)
    for problem in found:
        print(f"traceability: {problem}", file=sys.stderr)
    text = render(scenarios)
    if check:
        if not MATRIX.exists() or MATRIX.read_text() != text:
            print("traceability: docs/traceability.md is stale; run python -m tools.traceability", file=sys.stderr)
            return 1
    else:
        MATRIX.write_text(text)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
