"""Fixtures of the robustness tests (the chaos command's parts are tools/chaos.py; behave in a subprocess and
reference targets of our own are tests/acceptance/behave_runs.py)."""
import pytest

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
