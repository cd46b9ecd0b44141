"""Green on every correct target: the whole suite passes against each correct twin of the reference (`--twin NAME`,
pressluft_reference/twins.py), a target that differs from the default only in a way the contract allows.

The mutants (test_claims_fail_on_mutants.py) prove that each check can fail; the twins prove that none fails where
it must not. Each twin is its own reference (`--enable-faults --twin NAME`), handed to the suite as an external
target with disruptive scenarios allowed, so every scenario runs there as it would against a shared Pressluft.
A scenario may be skipped on a twin only with a reason that says what that target cannot show ("not shown on this
target: …"), never silently.
"""
from __future__ import annotations

import pytest
import requests

from behave_runs import FaultyTarget, run_behave
from pressluft_reference.twins import TWIN_NAMES

NOT_SHOWN = "not shown on this target"


@pytest.mark.parametrize("twin", TWIN_NAMES)
def test_the_whole_suite_passes_against_a_correct_twin(twin, tmp_path):
    target = FaultyTarget(extra_args=("--twin", twin))
    try:
        capabilities = requests.get(f"{target.url}/_reference/capabilities", timeout=5).json()
        assert capabilities["twins"] == [twin], "the twin is switched on"
        run = run_behave(tmp_path, "features/wave5", env=target.env(PRESSLUFT_ALLOW_DISRUPTIVE="1"), timeout=300)
    finally:
        target.stop()
    assert run.exit_code == 0 and run.fail_lines == [] and run.suite_errors == [], \
        f"twin {twin}:\n" + "\n".join(run.fail_lines or run.suite_errors) + "\n" + run.output[-3000:]
    skipped = [outcome for outcome in run.summary().get("scenarios", []) if outcome.get("status") == "skipped"]
    assert all(NOT_SHOWN in (outcome.get("skip_reason") or "") for outcome in skipped), \
        f"twin {twin}: scenarios skipped without saying what the target cannot show: {skipped}"
    print(f"twin {twin}: passed in {run.elapsed:.1f} s, {len(skipped)} scenarios not shown there")
