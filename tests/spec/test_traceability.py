"""Every spec item has a scenario, every scenario proves a spec item, and the matrix is current."""
import subprocess
import sys
import textwrap

from support import traceability
from support.spec_catalogue import ACCEPTANCE_CRITERIA, FAILURE_CLASSES, SCENARIOS


def test_every_acceptance_criterion_and_scenario_of_the_spec_has_a_scenario():
    scenarios = traceability.collect_scenarios()
    for item in [*ACCEPTANCE_CRITERIA, *SCENARIOS]:
        assert any(item in s.tags for s in scenarios), f"{item} has no scenario"


def test_every_failure_class_has_a_scenario():
    scenarios = traceability.collect_scenarios()
    for tag in FAILURE_CLASSES:
        assert any(tag in s.tags for s in scenarios), f"failure class {tag} has no scenario"


def test_every_scenario_carries_an_ac_or_sc_tag():
    untagged = [s.location for s in traceability.collect_scenarios() if not s.spec_tags]
    assert untagged == []


def test_feature_text_stays_in_domain_language():
    forbidden = ["GET ", "POST ", "/api/", "{\"", "job_id", "http://", "https://", "uuid"]
    for path in traceability.DEFAULT_FEATURES.glob("*.feature"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for word in forbidden:
                assert word not in line, f"{path.name}:{number} uses '{word}': {line.strip()}"


def test_the_committed_matrix_is_generated_from_the_current_tags():
    result = subprocess.run([sys.executable, "-m", "support.traceability", "--check"],
                            cwd=traceability.ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_check_fails_when_a_spec_item_loses_its_scenario(tmp_path):
    features = tmp_path / "features" / "wave5"
    features.mkdir(parents=True)
    (features / "partial.feature").write_text(textwrap.dedent("""\
        Feature: partial
          @AC-1 @SC-1
          Scenario: only one item
            Given something
          Scenario: no tag at all
            Given something
        """))
    problems = traceability.coverage_problems(traceability.collect_scenarios(features))
    assert "AC-2 of the spec has no scenario" in problems
    assert "failure class unreachable_preview has no scenario" in problems
    assert any("'no tag at all'" in p and "has no AC/SC tag" in p for p in problems)
