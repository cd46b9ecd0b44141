"""Deterministic diagnostics (AC-3, issue 9 point 5): the same fault gives the same `[wave5] FAIL` line of the
smoke command, on every run. Each fault is provoked twice, on two fresh faulty targets, by running the smoke
itself (bash scripts/smoke-*.sh with its own run id, the fault scoped to its sites by site_slug_prefix); the two
lines must be identical once ids (uuids, job-<nanos>, run ids w5-xxxxxxxx, the environment of a preview address
shown without its host), ports and measured durations are masked, by the one masking rule the suite's own scenario of
the same fault run twice uses (support/verdicts/failure.py `masked`). Nothing else is masked: a poll count, an
attempt count or a timestamp in a line would fail this test.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from behave_runs import FaultyTarget, new_run_id, run_smoke
from support.verdicts.failure import masked

SHORT = {"PRESSLUFT_JOB_TIMEOUT": "2", "PRESSLUFT_PREVIEW_TIMEOUT": "1"}


def _clone_job(outcome: str, **extra):
    return lambda prefix: ("jobs", {"match": {"job_type": "env_create", "site_slug_prefix": prefix},
                                    "outcome": outcome, **extra})


# (smoke, fault for the smoke's slug prefix, category, the masked line's reason)
FAULTS = {
    "preflight blocked": (
        "site-clone-preview",
        lambda prefix: ("node-readiness", {"reason_codes": ["sudo_unavailable", "runtime_missing"], "node_id": None,
                                           "preflight_site_slug_prefix": prefix}),
        "preflight_blocked", "409 node_not_ready: target node is not ready: sudo_unavailable, runtime_missing. "),
    "a clone failing after enqueue": (
        "site-clone-preview",
        _clone_job("fail", error_code="ANSIBLE_HOST_FAILED", error_message="wp core install failed on target"),
        "job_failed", "ANSIBLE_HOST_FAILED: wp core install failed on target"),
    "a restore failing after enqueue": (
        "backup-restore",
        lambda prefix: ("jobs", {"match": {"job_type": "env_restore", "site_slug_prefix": prefix}, "outcome": "fail",
                                 "error_code": "ANSIBLE_PLAY_ERROR", "error_message": "restore playbook aborted"}),
        "job_failed", "ANSIBLE_PLAY_ERROR: restore playbook aborted"),
    "an unreachable preview (500)": (
        "site-clone-preview",
        lambda prefix: ("preview", {"site_slug_prefix": prefix, "environment_type": "clone", "status": 500}),
        "preview_unreachable", "preview answered 500 until its 1 s budget was spent"),
    "an unreachable preview (refused)": (
        "site-clone-preview",
        lambda prefix: ("preview", {"site_slug_prefix": prefix, "environment_type": "clone", "refuse": True}),
        "preview_unreachable", "preview got connection refused until its 1 s budget was spent"),
    "a cancelled job": ("site-clone-preview", _clone_job("cancel"), "job_cancelled", "job ended cancelled"),
    "a job timeout": ("site-clone-preview", _clone_job("hang"), "job_timeout",
                      "still running when its 2 s budget was spent, without progress"),
}


def provoke(tmp_path, smoke: str, fault) -> tuple[str, str]:
    """A fresh faulty target, the fault scoped to a new run id, the smoke run with that id: (its run id, its line)."""
    target = FaultyTarget()
    try:
        run_id = new_run_id()
        target.fault(*fault(f"{run_id}-"))
        run = run_smoke(tmp_path / run_id, smoke, env=target.env(PRESSLUFT_RUN_ID=run_id, **SHORT))
    finally:
        target.stop()
    assert run.exit_code == 1, run.output[-3000:]
    assert len(run.fail_lines) == 1 and len(run.verdicts) == 1, run.stderr[-3000:]
    assert run.success_lines == [] and "Traceback" not in run.output
    return run_id, run.fail_lines[0]


@pytest.mark.parametrize("kind", list(FAULTS))
def test_the_same_fault_gives_the_same_failure_line_of_the_smoke(tmp_path, kind):
    smoke, fault, category, reason = FAULTS[kind]
    with ThreadPoolExecutor(2) as pool:  # two targets, two smokes at once: timing differs, the line must not
        (first_id, first), (second_id, second) = pool.map(lambda _: provoke(tmp_path, smoke, fault), range(2))
    assert first_id != second_id
    assert masked(first) == masked(second), f"\n{first}\n{second}"
    assert masked(first).startswith(f"[wave5] FAIL category={category} command=")
    assert f'reason="{reason}' in first  # the reason itself needs no masking
    print(f"\n{kind}: {masked(first)}")


def test_the_mask_hides_ids_ports_and_measured_durations_and_nothing_else():
    line = ('[wave5] FAIL category=job_timeout command="GET http://127.0.0.1:43991/api/jobs/job-1764500000123456789" '
            'job_id=e3c098bb-535f-4750-ba80-b501ec764786 reason="the w5-0a1b2c3d site after 1.7 s and 12 ms, its 2 s '
            'budget spent"')
    assert masked(line) == ('[wave5] FAIL category=job_timeout command="GET http://127.0.0.1:<port>/api/jobs/<job>" '
                            'job_id=<uuid> reason="the <run> site after <duration> and <duration>, its 2 s budget '
                            'spent"')
    for differs in (line.replace("job_timeout", "job_failed"), line.replace("2 s budget", "3 s budget"),
                    line.replace("/api/jobs/", "/api/sites/"), line.replace("site after", "site, 3 polls, after")):
        assert masked(differs) != masked(line)
    # the run ids of the runs compared, of any form: each becomes <run> whole
    two = [f'reason="site {run_id}-site-1 failed"' for run_id in ("w5-0a1b2c3d-smoke-3-1", "w5-0a1b2c3d-smoke-3-2")]
    assert masked(two[0], ["w5-0a1b2c3d-smoke-3-1"]) == masked(two[1], ["w5-0a1b2c3d-smoke-3-2"])
    assert masked(two[0]) != masked(two[1])
