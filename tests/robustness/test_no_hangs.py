"""No hangs: a target that stops answering, or jobs that never end, make the whole run fail with
target_unavailable or job_timeout within its budgets; the run stops by itself, without a traceback.

(A target that never answers even the login is tests/acceptance/test_run_cannot_start.py.)"""
import re

from behave_runs import StandIn, run_behave
from support.runtime.smoke_commands import SMOKES
from support.verdicts.categories import exit_status

SCRIPTS = {smoke.script for smoke in SMOKES.values()}
VERDICT = re.compile(r"^\[wave5\] FAIL ", re.M)
# a smoke command's own verdict, in the smoke's output quoted under the scenario's verdict
QUOTED_VERDICT = re.compile(r"^\s*\| \[wave5\] FAIL category=([a-z_]+) ", re.M)


def verdict_blocks(stderr):
    """Each verdict line with the diagnosis printed under it, up to the next verdict line."""
    starts = [match.start() for match in VERDICT.finditer(stderr)]
    return [stderr[start:end] for start, end in zip(starts, starts[1:] + [len(stderr)], strict=True)]


def check_every_verdict(run, categories, *, bound):
    assert run.exit_code == exit_status(categories)  # 2 for a target that stops answering, 1 for Pressluft's jobs
    assert run.elapsed < bound, f"the run took {run.elapsed:.0f} s (bound {bound} s)"
    assert "Traceback" not in run.output
    assert run.verdicts, run.stderr[-3000:]
    blocks = verdict_blocks(run.stderr)
    assert len(blocks) == len(run.verdicts)
    for verdict, block in zip(run.verdicts, blocks, strict=True):
        if verdict["command"] in SCRIPTS:  # a scenario about the smoke's answer: the smoke's own verdict counts
            quoted = QUOTED_VERDICT.findall(block)
            assert quoted and set(quoted) <= set(categories), (verdict, quoted)
        else:
            assert verdict["category"] in categories, verdict


def test_a_target_that_signs_in_and_then_never_answers_fails_the_whole_run_within_its_budgets(tmp_path):
    silent = StandIn("goes_silent")  # login and capabilities answer, then nothing does
    try:
        run = run_behave(tmp_path, "-f", "progress", "features/wave5", timeout=300,
                         env={"PRESSLUFT_BASE_URL": silent.url, "PRESSLUFT_READ_TIMEOUT": "1",
                              "PRESSLUFT_CONNECT_TIMEOUT": "1"})
    finally:
        silent.close()
    check_every_verdict(run, ("target_unavailable",), bound=90)
    assert 'reason="timed out at ' in run.stderr


def test_jobs_that_never_end_fail_the_whole_run_as_job_timeout_within_its_budgets(tmp_path, reference_target):
    target = reference_target()
    for job_type in ("site_create", "env_create", "backup_create", "env_restore"):
        target.fault("jobs", {"match": {"job_type": job_type}, "outcome": "hang", "count": 1000})
    run = run_behave(tmp_path, "-f", "progress", "features/wave5", timeout=300,
                     env=target.env(PRESSLUFT_JOB_TIMEOUT="2", PRESSLUFT_NODE_TIMEOUT="5",
                                    PRESSLUFT_PREVIEW_TIMEOUT="3"))
    check_every_verdict(run, ("job_timeout",), bound=120)
    hung = [job for job in target.jobs() if job["status"] == "running"]
    assert hung, "the jobs were hanging on the target"
    assert any(v["category"] == "job_timeout" and v["job_id"] in {j["id"] for j in hung} for v in run.verdicts)
