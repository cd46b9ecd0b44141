"""Builds the traceability matrix from the tags of the feature files.

Usage: python -m support.traceability [--check] [FEATURES_DIR]
Writes docs/traceability.md; with --check, exits 1 when the file is stale or coverage is missing.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from behave.parser import parse_file

from support.spec_catalogue import FAILURE_CLASSES, SPEC_ITEMS, SPEC_URL

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FEATURES = ROOT / "features" / "wave5"
MATRIX_PATH = ROOT / "docs" / "traceability.md"


@dataclass(frozen=True)
class ScenarioRef:
    feature: str
    name: str
    location: str
    tags: tuple[str, ...]

    @property
    def spec_tags(self) -> list[str]:
        return [t for t in self.tags if t in SPEC_ITEMS]


def collect_scenarios(features_dir: Path = DEFAULT_FEATURES) -> list[ScenarioRef]:
    """Scenarios and scenario outlines (once each, not per example row), with inherited tags."""
    refs = []
    for path in sorted(features_dir.glob("*.feature")):
        feature = parse_file(str(path))
        for scenario in feature.scenarios:  # outlines appear once here
            tags = tuple(dict.fromkeys([*feature.tags, *scenario.tags]))
            location = f"{path.relative_to(features_dir.parent.parent).as_posix()}:{scenario.line}"
            refs.append(ScenarioRef(feature.name, scenario.name, location, tags))
    return refs


def coverage_problems(scenarios: list[ScenarioRef]) -> list[str]:
    problems = []
    for item in SPEC_ITEMS:
        if not any(item in s.tags for s in scenarios):
            problems.append(f"{item} of the spec has no scenario")
    for failure_class in FAILURE_CLASSES:
        if not any(failure_class in s.tags for s in scenarios):
            problems.append(f"failure class {failure_class} has no scenario")
    for s in scenarios:
        if not s.spec_tags:
            problems.append(f"scenario '{s.name}' ({s.location}) has no AC/SC tag")
    return problems


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(scenarios: list[ScenarioRef]) -> str:
    items = list(SPEC_ITEMS)
    lines = [
        "# Traceability: Wave 5 runtime e2e spec to scenarios",
        "",
        "Generated from the feature files' tags by `python -m support.traceability`; do not edit by hand.",
        f"Spec: [feature-wave5-runtime-e2e.md]({SPEC_URL}).",
        "",
        "## Spec items",
        "",
        "| item | text | scenarios |",
        "|---|---|---|",
    ]
    for item, text in SPEC_ITEMS.items():
        count = sum(item in s.tags for s in scenarios)
        lines.append(f"| {item} | {_cell(text)} | {count} |")
    lines += ["", "## Failure classes", "", "| tag | failure class | scenarios |", "|---|---|---|"]
    for tag, text in FAILURE_CLASSES.items():
        lines.append(f"| @{tag} | {text} | {sum(tag in s.tags for s in scenarios)} |")
    lines += ["", "## Matrix", "", "| scenario | " + " | ".join(items) + " | failure class |",
              "|---|" + "---|" * len(items) + "---|"]
    for s in scenarios:
        marks = ["x" if item in s.tags else "" for item in items]
        classes = ", ".join(t for t in s.tags if t in FAILURE_CLASSES)
        lines.append(f"| {_cell(s.name)} ({s.location}) | " + " | ".join(marks) + f" | {classes} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    features_dir = Path(args[0]) if args else DEFAULT_FEATURES
    scenarios = collect_scenarios(features_dir)
    problems = coverage_problems(scenarios)
    for problem in problems:
        print(f"traceability: {problem}", file=sys.stderr)
    text = render(scenarios)
    if check:
        if not MATRIX_PATH.exists() or MATRIX_PATH.read_text() != text:
            print("traceability: docs/traceability.md is stale; run python -m support.traceability",
                  file=sys.stderr)
            return 1
    else:
        MATRIX_PATH.write_text(text)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
