"""Green means correct: every claim (Then step) is broken by a reference mutant, and the scenarios making the
claim fail at that step with the expected category; the unmutated reference passes them all.

The catalogue is tools/claims.py (docs/claims.md is generated from it). Each mutant run is its own reference
(`--enable-faults --defect NAME`, port 0, handed to behave as PRESSLUFT_BASE_URL) and its own behave process
selecting one scenario by name; the runs go three at a time.
"""
from __future__ import annotations

import importlib
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from behave.model import Step
from behave.parser import parse_file

from behave_runs import ROOT, FaultyTarget, SuiteRun, run_behave
from tools import claims

WORKERS = 3
# every mutant run happens in the module's fixture, within the first test's time: a smoke scenario's mutant run starts
# a reference, behave and the smoke's own behave; 125 of them, three at a time, outlast pytest's default 300 s
pytestmark = pytest.mark.timeout(1200)


def _name_regex(scenario: str) -> str:
    return "^" + re.escape(scenario.strip()) + r"\s*$"


def _run(tmp: Path, defects: tuple, scenarios: list, env: dict) -> tuple:
    target = FaultyTarget(extra_args=tuple(arg for defect in defects for arg in ("--defect", defect)))
    try:
        capabilities = requests.get(f"{target.url}/_reference/capabilities", timeout=5).json()
        names = [arg for scenario in scenarios for arg in ("--name", _name_regex(scenario))]
        run = run_behave(tmp, *names, "features/wave5", env=target.env(PRESSLUFT_ALLOW_DISRUPTIVE="1", **env),
                         timeout=240)
    finally:
        target.stop()
    return run, capabilities


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    every = claims.mutants()
    with ThreadPoolExecutor(WORKERS) as pool:
        control = pool.submit(_run, tmp_path_factory.mktemp("control"), (),
                              sorted({mutant.scenario for mutant in every}), claims.SHORT)
        futures = {mutant.key: pool.submit(_run, tmp_path_factory.mktemp(mutant.defect), (mutant.defect,),
                                           [mutant.scenario], dict(mutant.env)) for mutant in every}
        results = {key: future.result() for key, future in futures.items()}
    results["control"] = control.result()
    killed = sum(1 for mutant in every if _verdict_problems(results[mutant.key], mutant) == [])
    print(f"\n{claims.figure()}, killed {killed} of {len(every)} mutant runs")
    return results


# -- which step failed -------------------------------------------------------------------------------
def _step_registry():
    from behave.step_registry import registry

    for module in sorted((ROOT / "steps").glob("*.py")):
        importlib.import_module(f"steps.{module.stem}")
    return registry


def _written(pattern: str) -> str:
    """A step pattern as written in steps/ (behave's re matcher anchors its patterns with ^ and $)."""
    return re.sub(r"^\^|\$$", "", pattern)


def _pattern_of_then(text: str) -> str | None:
    registry = _step_registry()
    match = registry.find_match(Step("f", 1, "Then", "then", text))
    if match is None:
        return None
    return next(_written(matcher.pattern) for matcher in registry.steps["then"] if matcher.func is match.func)


def _failing_steps(run: SuiteRun) -> list[str]:
    return re.findall(r"^Failing step: (?:Given|When|Then|And|But) (.*?) \.\.\. failed", run.junit_text(), re.M)


def _verdict_problems(outcome: tuple, mutant: claims.Mutant) -> list[str]:
    run, capabilities = outcome
    problems = []
    if capabilities.get("defects") != [mutant.defect]:
        problems.append(f"the target runs {capabilities.get('defects')}")
    if run.exit_code != 1:
        problems.append(f"exit {run.exit_code}")
    lines = [line for line in run.stderr.splitlines() if line.startswith("[wave5] FAIL")]
    if len(lines) != 1 or f"[wave5] FAIL category={mutant.category} " not in lines[0]:
        problems.append(f"verdict lines {lines}")
    failing = _failing_steps(run)
    patterns = [_pattern_of_then(step) for step in failing]
    expected = {claim.step for claim in claims.claims_of(mutant)}
    if len(failing) != 1 or patterns[0] not in expected:
        problems.append(f"failing steps {failing} (claims {patterns}), expected one of {sorted(expected)}")
    return problems


@pytest.mark.parametrize("mutant", claims.mutants(), ids=lambda mutant: f"{mutant.defect}-"
                         f"{re.sub(r'[^a-z0-9]+', '_', mutant.scenario.lower()).strip('_')[:60]}")
def test_the_scenario_fails_at_the_claims_step_with_its_category(runs, mutant):
    run, _ = runs[mutant.key]
    assert _verdict_problems(runs[mutant.key], mutant) == [], run.output[-4000:]
    assert re.search(r"\b0 scenarios passed, 1 failed", run.stdout), run.stdout[-2000:]
    result = run.result_named(mutant.scenario.strip())
    assert run.category_of(result) == f"Product defect: {mutant.category}"
    properties = (run.reports / "allure-results" / "environment.properties").read_text()
    assert f"target.defects={mutant.defect}" in properties.replace(" = ", "=")


def test_the_unmutated_reference_passes_every_scenario_that_makes_a_claim(runs):
    run, capabilities = runs["control"]
    assert capabilities["defects"] == []
    assert run.exit_code == 0, run.output[-4000:]
    assert run.verdicts == []
    passed = sorted(result["name"].strip() for result in run.results() if result["status"] == "passed")
    assert passed == sorted({mutant.scenario.strip() for mutant in claims.mutants()})


# -- the catalogue covers every claim ------------------------------------------------------------------
def test_every_then_step_is_a_claim_with_a_mutant_and_every_claim_is_a_then_step():
    registry = _step_registry()
    defined = {_written(matcher.pattern) for matcher in registry.steps["then"]}
    catalogued = {claim.step: claim for claim in claims.CLAIMS}
    assert sorted(defined - set(catalogued)) == [], "Then steps without a claim in tools/claims.py"
    assert sorted(set(catalogued) - defined) == [], "claims in tools/claims.py that are no Then step"
    assert [claim.step for claim in claims.CLAIMS if not claim.mutants] == [], "claims without a mutant"
    assert all(prop.mutants or prop.without_mutant for claim in claims.CLAIMS for prop in claim.properties)


def test_every_mutant_is_a_defect_of_the_reference_and_every_scenario_exists():
    from pressluft_reference.defects import DEFECT_NAMES

    scenarios = {scenario.name.strip() for path in (ROOT / "features" / "wave5").glob("*.feature")
                 for scenario in parse_file(str(path)).walk_scenarios()}
    for mutant in claims.mutants():
        assert mutant.defect in DEFECT_NAMES, mutant
        assert mutant.scenario.strip() in scenarios, mutant


def test_the_claims_page_is_the_generated_one():
    result = subprocess.run([sys.executable, "-m", "tools.claims", "--check"], cwd=ROOT,
                                          capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
