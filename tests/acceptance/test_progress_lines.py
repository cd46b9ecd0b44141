"""Progress on long waits (issue 19): against a reference whose clone jobs take 7 s, the wait for the clone's job
shows its progress on the console of a plain `behave` run and of the smoke command (past behave's capture): one
line once it has lasted 5 s, naming the job, its state and attempt, the time spent against the budget and the
ceiling, and one line when it ends. The waits shorter than 5 s stay silent. (The lines' rules, on a fake clock:
tests/suite/test_progress.py.)"""
from __future__ import annotations

import re

from behave_runs import run_behave, run_smoke

SLOW_CLONE = {"PRESSLUFT_REFERENCE_ARGS": "--job-duration env_create=7"}
# the clone smoke's clone only (its staging environment would be a second long wait)
CLONE_ONLY = ("--name", "A clone environment made from production")
WAITING = re.compile(r"^\[wave5\] waiting for job (?P<job>\S+): env_create running, attempt 1 of 3; (?P<spent>\d+) s "
                     r"spent of 60 s \(budget 60 s, ceiling 120 s\)$", re.M)
DONE = re.compile(r"^\[wave5\] done waiting for job (?P<job>\S+): env_create succeeded, attempt 1 of 3 after "
                  r"(?P<spent>\d+) s$", re.M)
ANY = re.compile(r"^\[wave5\] (still |done |gave up )?waiting", re.M)


def check_progress(output: str) -> None:
    [waiting] = WAITING.finditer(output)
    [done] = DONE.finditer(output)
    assert waiting["job"] == done["job"] and 5 <= int(waiting["spent"]) < 7 <= int(done["spent"])
    assert len(ANY.findall(output)) == 2  # the clone's wait only: every other wait was short
    assert "\r" not in output


def test_a_plain_behave_run_shows_the_progress_of_a_long_job_wait(tmp_path):
    run = run_behave(tmp_path, "--tags=@smoke-clone", *CLONE_ONLY, "features/wave5", env=SLOW_CLONE)
    assert run.exit_code == 0, run.output[-3000:]
    check_progress(run.stderr)


def test_a_smoke_command_shows_the_same_progress(tmp_path):
    run = run_smoke(tmp_path, "site-clone-preview", *CLONE_ONLY, env=SLOW_CLONE)
    assert run.exit_code == 0, run.output[-3000:]
    check_progress(run.stderr)
