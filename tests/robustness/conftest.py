"""Fixtures of the robustness tests (helpers in robust_runs.py, fuzzing.py)."""
import pytest

import robust_runs  # noqa: F401 - puts tests/acceptance on sys.path for behave_runs
from behave_runs import FaultyTarget


@pytest.fixture
def reference_target():
    """Reference targets of the test's own (stopped at the end), started with extra CLI flags."""
    targets = []

    def start(*extra_args, enable_faults=True):
        target = FaultyTarget(tuple(extra_args), enable_faults)
        targets.append(target)
        return target

    yield start
    for target in targets:
        target.stop()
