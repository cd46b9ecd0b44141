"""Fixtures of the acceptance tests: faulty reference targets started (and stopped) per test."""
import pytest

from behave_runs import FaultyTarget


@pytest.fixture
def faulty_target():
    targets = []

    def start(extra_args=(), enable_faults=True):
        target = FaultyTarget(extra_args, enable_faults)
        targets.append(target)
        return target

    yield start
    for target in targets:
        target.stop()
