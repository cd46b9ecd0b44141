"""Reporting files, the resource ledger, fault capabilities, the embedded target, and step verdicts."""
import json
import re
import sys
from types import SimpleNamespace

import pytest

from support.http.client import PressluftClient
from support.http.faults import discover
from support.reporting import allure_results
from support.reporting.reports_folder import start_afresh
from support.reporting.tally import RunTally
from support.runtime.resources import LEDGER_FILE, LeftBehind, LeftResource, ResourceLedger, read_earlier_run
from support.runtime.target import EmbeddedTarget
from support.verdicts.categories import Category
from support.verdicts.diagnosis import SUITE_ERROR_PREFIX, suite_error_line, verdict_for, with_summary_first
from support.verdicts.failure import SuiteFailure
from support.verdicts.redaction import secrets


def test_categories_match_the_summary_line_and_split_product_defects_from_target_problems():
    rules = {rule["name"]: rule for rule in allure_results.categories()}
    line = SuiteFailure(Category.JOB_FAILED, "POST /api/sites", "X: y", job_id="j").line
    matching = [name for name, rule in rules.items()
                if "messageRegex" in rule and re.fullmatch(rule["messageRegex"], f"{line}\nmore")]
    assert matching == ["Product defect: job_failed"]
    for category in ("auth_failed", "target_unavailable", "config_error"):
        assert f"Target or configuration problem: {category}" in rules


def test_the_first_verdict_of_a_message_decides_its_category_not_one_quoted_in_its_reason():
    """Found by a mutant target: a smoke's verdict quoted in the reason must not pick the Allure category."""
    rules = {rule["name"]: rule for rule in allure_results.categories()}
    quoted = SuiteFailure(Category.JOB_TIMEOUT, "POST /api/sites/s/environments", "still running after 3 s").line
    line = SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/jobs/j", f"expected job_cancelled, was: {quoted}").line
    matching = [name for name, rule in rules.items()
                if "messageRegex" in rule and re.fullmatch(rule["messageRegex"], f"Assertion: {line}\nmore")]
    assert matching == ["Product defect: contract_violation"]


def test_environment_properties_name_the_target_and_versions_and_no_secret(tmp_path):
    secrets.add("super-secret-token-value")
    props = allure_results.environment_properties(target_name="staging", target_url="http://u:pw@pressluft.example/",
                                             embedded=False, run_id="w5-abcd1234", target_version="1.0")
    allure_results.write_result_files(tmp_path, props)
    text = (tmp_path / "environment.properties").read_text()
    assert "target.name=staging" in text and "target.embedded_reference=false" in text and "behave=1.3.3" in text
    assert "target.url" not in text and "pressluft.example" not in text  # a real target's address is never written
    embedded = allure_results.environment_properties(target_name="embedded reference", embedded=True, run_id="w5-1",
                                                target_url="http://u:super-secret-token-value@127.0.0.1:1/")
    allure_results.write_result_files(tmp_path, embedded)
    text = (tmp_path / "environment.properties").read_text()
    assert "super-secret-token-value" not in text
    assert "target.url=http://127.0.0.1:1/" in text  # the embedded reference's loopback address is shown
    assert json.loads((tmp_path / "categories.json").read_text())


def test_a_run_level_result_is_written_when_the_run_cannot_start(tmp_path):
    line = SuiteFailure(Category.AUTH_FAILED, "POST /api/login", "401 unauthorized: invalid credentials").line
    path = allure_results.write_run_result(tmp_path, name="The run could not start", message=line,
                                      category=Category.AUTH_FAILED)
    result = json.loads(path.read_text())
    assert result["status"] == "broken" and result["statusDetails"]["message"] == line


def test_names_carry_the_run_id_and_every_resource_is_listed():
    ledger = ResourceLedger()
    assert re.fullmatch(r"w5-[0-9a-f]{8}", ledger.run_id)
    slug = ledger.slug("site")
    assert slug.startswith(ledger.run_id) and slug != ledger.slug("site")
    ledger.record("site", "s-1", slug)
    assert f"site s-1 ({slug})" in ledger.report()


def test_a_run_reads_what_the_run_before_it_recorded_before_it_starts_afresh_once(tmp_path):
    """The ledger and summary of the run before are read by the first start afresh of a run (the Allure formatter's),
    and handed back by the second (before_all's), after the files are gone."""
    earlier = ResourceLedger("w5-0a1b2c3d", record_to=str(tmp_path / LEDGER_FILE))
    earlier.record("site", "s-1", "w5-0a1b2c3d-site-1")
    earlier.record("environment", "e-1", "w5-0a1b2c3d-clone-2")
    (tmp_path / RunTally.FILE).write_text(json.dumps({"exit_status": 1, "categories": ["job_failed"]}))
    config = SimpleNamespace(userdata={"PRESSLUFT_REPORTS_DIR": str(tmp_path)}, junit=False)
    found = start_afresh(config)
    assert not (tmp_path / LEDGER_FILE).exists() and not (tmp_path / RunTally.FILE).exists()
    assert (found.run_id, [item.id for item in found.items]) == ("w5-0a1b2c3d", ["s-1", "e-1"])
    assert found.outcome() == "failed, exit 1: job_failed" and start_afresh(config) is found
    earlier.record("site", "s-2")  # a run cut off before its end wrote no summary
    assert read_earlier_run(tmp_path / LEDGER_FILE, None).outcome() == "cut off before its end"
    assert start_afresh(SimpleNamespace(userdata={"PRESSLUFT_REPORTS_DIR": str(tmp_path / "none")})) is None


def test_what_an_earlier_run_left_reads_back_as_it_was_said():
    said = LeftBehind("w5-0a1b2c3d", "failed, exit 1: job_failed", (
        LeftResource("site", "s-1", "w5-0a1b2c3d-site-1", "failed"),
        LeftResource("clone environment", "e-1", "w5-0a1b2c3d-clone-2", "failed"),
        LeftResource("node", "n-1", "w5-0a1b2c3d-run-node", "ready (no reason codes, status active)")))
    assert said.text().splitlines()[:2] == [
        "[wave5] the run before this one, w5-0a1b2c3d (failed, exit 1: job_failed), left on the target (not deleted):",
        "  - site s-1 (w5-0a1b2c3d-site-1): failed"]
    assert LeftBehind.said_in(f"before\n{said.text()}\n  | after") == said
    assert LeftBehind.said_in("nothing said") is None
    nothing = LeftBehind("w5-0a1b2c3d", "passed, exit 0")
    assert nothing.text().endswith("(nothing: it recorded no resource)")
    assert LeftBehind.said_in(nothing.text()) == nothing


def test_fault_injection_is_unavailable_where_capabilities_answer_404(fake_server, journal):
    client = PressluftClient(fake_server.url, journal)
    assert discover(client).fault_injection is False
    fake_server.on("GET", "/_reference/capabilities", (200, {"implementation": "pressluft_reference",
                                                              "version": "0.1.0", "fault_injection": False}))
    capabilities = discover(client)
    assert capabilities.is_reference and not capabilities.fault_injection


def test_an_embedded_target_that_does_not_get_ready_is_target_unavailable_with_its_log(tmp_path):
    target = EmbeddedTarget(startup_timeout=0.001)
    with pytest.raises(SuiteFailure) as caught:
        target.start()
    assert caught.value.category is Category.TARGET_UNAVAILABLE
    assert "printed no ready line within" in caught.value.reason
    assert "reference log (tail)" in caught.value.details
    assert not target.work_dir.exists()


def test_flags_the_embedded_target_refuses_are_a_config_error_naming_the_variable(tmp_path):
    target = EmbeddedTarget(extra_args=("--port", "not-a-port"), startup_timeout=10)
    with pytest.raises(SuiteFailure) as caught:
        target.start()
    assert caught.value.category is Category.CONFIG_ERROR
    assert caught.value.command == "read PRESSLUFT_REFERENCE_ARGS"
    assert caught.value.reason == ("PRESSLUFT_REFERENCE_ARGS '--port not-a-port' were refused by the embedded "
                                   "reference target: pressluft_reference: error: argument --port: not a port "
                                   "number: 'not-a-port'")
    assert not target.work_dir.exists()


def test_the_embedded_target_starts_answers_and_stops():
    import requests

    with EmbeddedTarget(startup_timeout=20) as target:
        assert requests.get(target.base_url + "/_reference/capabilities", timeout=5).json()["fault_injection"]
    assert not target.running and not target.work_dir.exists()


def test_a_step_failure_is_a_verdict_and_an_error_in_the_suite_is_not(journal):
    journal.record("GET", "/api/jobs/j1", status=200)
    failed = verdict_for(AssertionError("expected 1, got 2"), journal)
    assert failed.category is Category.CONTRACT_VIOLATION and failed.command == "GET /api/jobs/j1"
    assert with_summary_first("ASSERT FAILED: x", failed).splitlines()[0] == failed.line
    assert verdict_for(KeyError("id"), journal) is None  # a suite error, never a verdict on Pressluft
    line = suite_error_line("the backup job succeeds", KeyError("id"))
    assert line.startswith(SUITE_ERROR_PREFIX) and "KeyError" in line and "[wave5] FAIL" not in line


def test_the_suite_never_imports_the_reference():
    """The whole library, the hooks and the steps, imported in a fresh interpreter (this test process may have
    imported the reference for tests of its own)."""
    import subprocess

    probe = ("import sys, environment, support.harness.run, support.checks\n"
             "import steps.backups, steps.environments, steps.nodes, steps.sites, steps.smokes\n"
             "assert 'pressluft_reference' not in sys.modules, sorted(m for m in sys.modules if 'pressluft' in m)")
    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
