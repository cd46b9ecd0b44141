"""The whole Wave 5 suite against the embedded reference target: it passes, and it reports."""
import re

import pytest

from behave_runs import assert_no_secrets, run_behave
from support.config import EMBEDDED_PROVIDER_TOKEN

SCENARIOS = 27


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    return run_behave(tmp_path_factory.mktemp("full"), "features/wave5")


def test_the_full_run_passes_with_exit_0_well_under_a_minute(full_run):
    assert full_run.exit_code == 0, full_run.output[-4000:]
    assert f"{SCENARIOS} scenarios passed, 0 failed, 0 skipped" in full_run.stdout
    assert full_run.verdicts == []
    assert full_run.elapsed < 60
    print(f"full run: {full_run.elapsed:.1f} s")


def test_plain_behave_shows_a_readable_console_format_and_writes_allure_and_junit(full_run):
    assert "Feature: Clone and staging environments with a reachable preview" in full_run.stdout  # pretty
    results = full_run.results()
    assert len(results) == SCENARIOS and {r["status"] for r in results} == {"passed"}
    assert sorted((full_run.reports / "junit").glob("TESTS-*.xml"))
    assert (full_run.reports / "allure-results" / "categories.json").exists()


def test_every_result_is_labelled_with_its_spec_items_and_links_to_the_spec(full_run):
    result = full_run.result_named("A clone of production gets a reachable preview")
    labels = {(label["name"], label["value"]) for label in result["labels"]}
    assert {("ac", "AC-1"), ("spec_scenario", "SC-1"), ("severity", "critical")} <= labels
    assert any(label[0] == "story" and label[1].startswith("AC-1: ") for label in labels)
    assert any("feature-wave5-runtime-e2e.md" in link["url"] for link in result["links"])
    failure_class = full_run.result_named("A node that is not ready blocks site creation")
    assert ("failure_class", "preflight_blocked") in {(lb["name"], lb["value"]) for lb in failure_class["labels"]}


def test_every_http_exchange_is_attached_redacted(full_run):
    result = full_run.result_named("A full backup is created")
    attached = full_run.attachments(result, "HTTP exchanges (redacted)")
    assert len(attached) >= 5
    text = "\n".join(attached)
    for command in ("> POST /api/sites", "> POST /api/environments/", "> GET /api/jobs/"):
        assert command in text


def test_environment_properties_name_the_embedded_target_and_versions(full_run):
    props = (full_run.reports / "allure-results" / "environment.properties").read_text()
    assert re.search(r"^target\.url=http://127\.0\.0\.1:\d+$", props, re.M)
    assert "target.embedded_reference=true" in props and "behave=1.3.3" in props
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
    assert "Feature:" not in run.stdout and "features/wave5/clone_environment_preview.feature  ." in run.stdout
    assert [r["status"] for r in run.results()] == ["passed"]
