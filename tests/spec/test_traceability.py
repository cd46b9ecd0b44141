"""Every spec item has scenarios, tags never overclaim, the matrix is current, and the spec text it was built
from has not changed."""
import subprocess
import sys
import textwrap

from tools import traceability


def test_tags_name_exactly_what_each_scenario_proves_and_every_item_and_class_is_covered():
    assert traceability.problems(traceability.collect_scenarios()) == []


def test_every_item_is_complete_on_the_embedded_default():
    scenarios = traceability.collect_scenarios()
    assert {item: traceability.missing_parts(item, scenarios, real_target=False)
            for item in traceability.ITEMS} == {item: [] for item in traceability.ITEMS}


def test_feature_text_stays_in_domain_language():
    forbidden = ["GET ", "POST ", "/api/", "{\"", "job_id", "http://", "https://", "uuid", "_error\"",
                 "category", "verdict", "diagnosis", "this run", "the run ", "control plane that is not"]
    for path in traceability.FEATURES.glob("*.feature"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for word in forbidden:
                assert word not in line, f"{path.name}:{number} uses '{word}': {line.strip()}"


def test_every_scenario_has_a_when_and_no_given_follows_a_then():
    for path in traceability.FEATURES.glob("*.feature"):
        from behave.parser import parse_file

        for scenario in parse_file(str(path)).scenarios:
            kinds = [step.step_type for step in scenario.steps]
            assert "when" in kinds, f"{scenario.name} has no When"
            if "then" in kinds:
                assert "given" not in kinds[kinds.index("then"):], f"{scenario.name}: a Given after a Then"


def test_the_committed_matrix_is_generated_from_the_current_tags():
    result = subprocess.run([sys.executable, "-m", "tools.traceability", "--check"], cwd=traceability.ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_matrix_carries_the_spec_header():
    text = traceability.MATRIX.read_text()
    assert "Status: active. Owner: platform. Last reviewed: 2026-02-22. Read at commit `6164b449`." in text


def test_a_changed_acceptance_criterion_in_the_spec_text_is_caught(tmp_path):
    spec = (traceability.ROOT / traceability.SPEC_PATH).read_text()
    changed = tmp_path / "spec.md"
    changed.write_text(spec.replace("validates backup create/list/restore success paths",
                                    "validates backup create/list success paths"))
    assert [problem[:13] for problem in traceability.spec_drift(changed)] == ["AC-2 differs:"]
    added = tmp_path / "added.md"
    added.write_text(spec.replace("## Scenarios (WHEN/THEN)\n", "## Scenarios (WHEN/THEN)\n")
                     .replace("3. WHEN runtime provisioning", "4. WHEN something new THEN more.\n3. WHEN runtime "
                              "provisioning"))
    assert any(problem.startswith("SC-4 differs") for problem in traceability.spec_drift(added))


def test_an_overclaiming_tag_or_an_unproven_item_is_caught(tmp_path):
    features = tmp_path / "features" / "wave5"
    features.mkdir(parents=True)
    (features / "partial.feature").write_text(textwrap.dedent("""\
        Feature: partial
          @AC-1 @AC-2
          Scenario: With no node ready, exactly one provider-acquired node is acquired, and it becomes ready
            When something
          Scenario: no tag at all
            When something
        """))
    found = traceability.problems(traceability.collect_scenarios(features))
    assert any("is tagged ['AC-1', 'AC-2'] but proves ['AC-1']" in p for p in found)
    assert any("'no tag at all'" in p and "proves nothing" in p for p in found)
    assert "failure class unreachable_preview has no scenario" in found


def test_an_item_nothing_of_which_a_real_pressluft_proves_says_so_and_the_readme_says_the_same():
    """Not "partial": an item none of whose parts is proven on a real Pressluft says why; README.md's table holds the
    matrix's cells word for word, and no generated text names a module where it no longer is."""
    scenarios = traceability.collect_scenarios()
    cells = {item: traceability.cell(item, scenarios, real_target=True) for item in traceability.ITEMS}
    for item in ("AC-3", "SC-3"):
        assert cells[item] == "not proven on a real Pressluft (needs fault injection)"
    assert not any(cell.startswith("partial") and "not proven" in cell.split(";")[0] for cell in cells.values())
    matrix, readme = traceability.MATRIX.read_text(), traceability.README.read_text()
    for item, cell in cells.items():
        shown = cell.replace("|", "\\|")
        assert f" | {shown} |" in matrix and f" | {shown} |" in readme, item
    assert "support/spec_catalogue.py" not in matrix and "support/reporting/spec_catalogue.py" in matrix


def test_a_part_only_a_first_node_run_proves_is_said_both_ways():
    first = traceability.ScenarioRef("f", "With no node ready, exactly one provider-acquired node is acquired, and it "
                                          "becomes ready", "x:1", ("AC-1", "first_node"))
    cell = traceability.cell("AC-1", [first], real_target=True)
    assert cell.startswith("when the run acquires the target's first node: partial: missing ")
    assert cell.endswith("; when it reuses a node: not proven on a real Pressluft (no scenario proves it; proven only "
                         "when the run acquires the target's first node)")
