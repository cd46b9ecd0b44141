"""The whole Wave 5 suite against the embedded reference target: it passes, and it reports."""
import re

import pytest
from behave.parser import parse_file

from behave_runs import ROOT, assert_no_secrets, run_behave, wave5_scenarios
from support.runtime.config import EMBEDDED_PROVIDER_TOKEN

SCENARIOS = wave5_scenarios()
CLONE = "A clone environment made from production gets a reachable preview -- @1.1 A clone"
STAGING = "A staging environment made from production gets a reachable preview -- @2.1 A staging environment"
SMOKE_PASSES = "The clone preview smoke makes a clone and a staging environment whose previews answer"


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    return run_behave(tmp_path_factory.mktemp("full"), "features/wave5")


def test_the_full_run_passes_every_scenario_with_exit_0_well_under_a_minute(full_run):
    assert full_run.exit_code == 0, full_run.output[-4000:]
    assert len(SCENARIOS) == 45
    assert f"{len(SCENARIOS)} scenarios passed, 0 failed, 0 skipped" in full_run.stdout
    assert full_run.verdicts == [] and full_run.fail_lines == [] and full_run.suite_errors == []
    assert "Traceback" not in full_run.output
    assert full_run.elapsed < 60
    print(f"full run: {full_run.elapsed:.1f} s")


def test_the_full_run_proves_every_spec_item_and_says_so_in_its_last_line_with_no_progress_lines(full_run):
    """Every wait against the embedded reference is shorter than the progress threshold: no progress line."""
    assert full_run.stdout.rstrip().splitlines()[-1] == \
        "[wave5] passed — proved AC-1, AC-2, AC-3, AC-4, AC-5, SC-1, SC-2, SC-3"
    assert not re.search(r"^\[wave5\] (still |done |gave up )?waiting", full_run.output, re.M)
    summary = full_run.summary()
    assert summary["exit_status"] == 0 and {item["verdict"] for item in summary["proof"]} == {"proved"}
    properties = (full_run.reports / "allure-results" / "environment.properties").read_text()
    assert "proof=passed — proved AC-1, AC-2, AC-3, AC-4, AC-5, SC-1, SC-2, SC-3\n" in properties
    assert "proof.SC-3=proved\n" in properties


def test_an_embedded_run_prints_no_start_up_block_and_lists_no_resources(full_run):
    """The start-up block and the list of created resources are for external targets, where they stay."""
    assert "[wave5] run " not in full_run.stderr
    assert not re.search(r"^run w5-[0-9a-f]{8} created", full_run.stdout, re.M)


def test_the_console_shows_each_feature_once_then_its_scenarios_then_the_summary(full_run):
    """behave 1.3.3's pretty format printed the header of a feature with a Background twice (upstream #1284):
    support/reporting/pretty_formatter.py is behave's own with the upstream fix."""
    lines = full_run.stdout.splitlines()
    features = {}
    for path in sorted((ROOT / "features" / "wave5").glob("*.feature")):
        feature = parse_file(str(path))
        features[feature.name] = [scenario.name for scenario in feature.walk_scenarios()]
    assert any(parse_file(str(p)).background for p in (ROOT / "features" / "wave5").glob("*.feature"))
    headers = [i for i, line in enumerate(lines) if re.match(r"^\s*Feature: ", line)]
    assert [re.sub(r"\s+# features/.*$", "", lines[i].split("Feature: ", 1)[1]) for i in headers] == list(features), \
        "each feature's header exactly once, in the order of the files"
    for (name, scenarios), start, end in zip(features.items(), headers, headers[1:] + [len(lines)], strict=True):
        shown = [line for line in lines[start:end] if re.match(r"^\s*Scenario( Outline)?: ", line)]
        assert len(shown) == len(scenarios), f"{name}: {len(shown)} scenario lines for {len(scenarios)} scenarios"
    summary = next(i for i, line in enumerate(lines) if re.fullmatch(r"\d+ features? passed, 0 failed, 0 skipped",
                                                                      line))
    scenarios = sum(map(len, features.values()))
    assert summary > headers[-1] and lines[summary + 1] == f"{scenarios} scenarios passed, 0 failed, 0 skipped"
    assert re.fullmatch(r"\d+ steps passed, 0 failed, 0 skipped", lines[summary + 2])
    assert lines[summary + 3].startswith("Took ")


def test_plain_behave_shows_a_readable_console_format_and_writes_allure_and_junit(full_run):
    assert "Feature: Clone and staging environments with a reachable preview" in full_run.stdout  # pretty
    assert re.search(rf"Scenario Outline: {re.escape(CLONE)} +# features/wave5/clone_environment_preview\.feature:",
                     full_run.stdout)  # its place, after as many spaces as the scenario's longest step needs
    results = full_run.results()
    assert sorted(r["name"].strip() for r in results) == sorted(s.name for s in SCENARIOS)
    assert {r["status"] for r in results} == {"passed"}
    assert sorted((full_run.reports / "junit").glob("TESTS-*.xml"))
    assert (full_run.reports / "allure-results" / "categories.json").exists()


def labels_of(result: dict) -> set:
    return {(label["name"], label["value"]) for label in result["labels"]}


def test_every_result_is_labelled_with_its_spec_items_and_links_to_the_spec(full_run):
    clone = full_run.result_named(CLONE)
    assert {("ac", "AC-1"), ("severity", "critical")} <= labels_of(clone)
    assert any(name == "story" and value.startswith("AC-1: ") for name, value in labels_of(clone))
    assert any("feature-wave5-runtime-e2e.md" in link["url"] for link in clone["links"])
    smoke = full_run.result_named(SMOKE_PASSES)
    assert {("ac", "AC-4"), ("spec_scenario", "SC-1")} <= labels_of(smoke)
    for result in full_run.results():
        assert ("epic", "Wave 5 runtime e2e") in labels_of(result), result["name"]
        assert any("feature-wave5-runtime-e2e.md" in link["url"] for link in result["links"]), result["name"]


@pytest.mark.parametrize("failure_class, scenario", [
    ("preflight_blocked", "A node that is not ready blocks site creation before anything is queued -- @1.1"),
    ("preflight_blocked", "The clone preview smoke fails as blocked by node readiness when the creation of its clone"),
    ("runtime_provision_failure", "A clone whose provisioning keeps failing ends failed"),
    ("runtime_provision_failure", "A restore that fails ends failed"),
    ("unreachable_preview",
     ("A clone preview that never answers with a page or a redirect (200, 301 or 302) fails the clone preview smoke "
      "as unreachable")),
    (None, "A job that ends cancelled fails the smoke as cancelled"),  # a failure, not one of the spec's classes
    (None, "A job that never ends fails the smoke as timed out"),
])
def test_the_failure_class_scenarios_carry_their_failure_class(full_run, failure_class, scenario):
    classes = [value for name, value in labels_of(full_run.result_named(scenario)) if name == "failure_class"]
    assert classes == ([failure_class] if failure_class else [])


def test_every_http_exchange_is_attached_redacted(full_run):
    result = full_run.result_named("Production restored from a full backup")
    attached = full_run.attachments(result, "HTTP exchanges (redacted)")
    assert len(attached) >= 5
    text = "\n".join(attached)
    for command in ("> POST /api/sites", "> POST /api/environments/", "> GET /api/jobs/"):
        assert command in text


def test_environment_properties_name_the_embedded_target_and_versions(full_run):
    props = (full_run.reports / "allure-results" / "environment.properties").read_text()
    assert re.search(r"^target\.url=http://127\.0\.0\.1:\d+$", props, re.M)
    assert "target.embedded_reference=true" in props and "behave=1.3.3" in props
    assert "target.fault_injection=true" in props and "target.defects=none" in props
    assert re.search(r"^run\.id=w5-[0-9a-f]{8}$", props, re.M)
    assert re.search(r"^suite\.git_revision=\w+", props, re.M)


def test_no_secret_reaches_the_console_the_allure_results_or_junit(full_run):
    assert_no_secrets(full_run, EMBEDDED_PROVIDER_TOKEN)


def test_the_dry_run_has_no_undefined_steps(tmp_path):
    run = run_behave(tmp_path, "--dry-run", "--no-summary", "-f", "plain", "features/wave5")
    assert run.exit_code == 0, run.output[-3000:]
    assert "undefined" not in run.output.lower()


def test_a_users_format_replaces_the_console_format_and_keeps_allure(tmp_path):
    run = run_behave(tmp_path, "-f", "progress", "--tags=@smoke-clone", "features/wave5")
    assert run.exit_code == 0, run.output[-3000:]
    assert "Feature:" not in run.stdout and "features/wave5/clone_environment_preview.feature  .." in run.stdout
    assert sorted((r["name"].strip(), r["status"]) for r in run.results()) == [(CLONE, "passed"), (STAGING, "passed")]
