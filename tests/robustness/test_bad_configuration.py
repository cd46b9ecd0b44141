"""Clear errors for bad configuration: every case of the chaos command's bad-configuration part (a target
that is unreachable, not Pressluft, refuses the credentials or wants a provider token; a bad value of any
kind of PRESSLUFT_* variable, the poll policy, the reports folder and the retry ceiling among them) ends in
one `[wave5] FAIL` line with its category that names the variable to blame, exit 2, no traceback and no
crash line of behave's, nothing passed, within seconds. The same check as `scripts/chaos`, and proof that
it catches what it must."""
from pathlib import Path

from tools.chaos import BadConfig, SuiteRun, bad_configuration_runs, check_bad_config

NEW_VARIABLES = ("PRESSLUFT_POLL_POLICY", "PRESSLUFT_REPORTS_DIR", "PRESSLUFT_RETRY_CEILING",
                 "PRESSLUFT_BACKUP_TIMEOUT", "PRESSLUFT_REFERENCE_ARGS")


def test_every_bad_configuration_is_one_clear_line_naming_what_is_to_blame(tmp_path):
    summary = bad_configuration_runs(tmp_path)
    assert summary["clear"] == summary["cases"], [r for r in summary["results"] if r["problems"]]
    lines = [result["line"] for result in summary["results"]]
    for name in NEW_VARIABLES:
        assert any(f'category=config_error command="read {name}"' in line for line in lines), name


LINE = ('[wave5] FAIL category=config_error command="read PRESSLUFT_REPORTS_DIR" job_id=none '
        'reason="PRESSLUFT_REPORTS_DIR is not a folder the suite can write to: \'/proc/nope\'"')
CASE = BadConfig("a reports folder that cannot be written to", {"PRESSLUFT_REPORTS_DIR": "/proc/nope"},
                 "config_error", "is not a folder the suite can write to", 5, variable="PRESSLUFT_REPORTS_DIR")


def run(stderr, *, exit_code=2, stdout="0 scenarios passed, 0 failed, 0 skipped, 27 untested\n", elapsed=0.5):
    return SuiteRun(exit_code, stdout, stderr, Path("/nonexistent"), elapsed)


def test_the_check_passes_a_clear_run_and_behaves_own_runner_line():
    assert check_bad_config(run(f"USING RUNNER: behave.runner:Runner\n{LINE}\nABORTED: the run could not start\n"),
                            CASE) == []


def test_the_check_catches_a_crash_a_traceback_a_wrong_exit_a_second_line_and_an_unnamed_variable():
    crashed = run(f"{LINE}\nABORTED: HOOK-ERROR in hook=before_all\n"
                  "HOOK-ERROR in before_all: FileNotFoundError: [Errno 2] No such file or directory: '/proc/nope'\n")
    assert any(problem.startswith("a crash: HOOK-ERROR") for problem in check_bad_config(crashed, CASE))
    runner_crash = run(f"{LINE}\nFileNotFoundError: [Errno 2] No such file or directory: '/proc/nope'\n")
    assert any(problem.startswith("a crash: FileNotFoundError") for problem in check_bad_config(runner_crash, CASE))
    assert "a Python traceback" in check_bad_config(run(f"{LINE}\nTraceback (most recent call last):\n"), CASE)
    assert "exit code 1" in check_bad_config(run(LINE, exit_code=1), CASE)  # a set-up problem is not a verdict
    assert "2 [wave5] FAIL lines" in check_bad_config(run(f"{LINE}\n{LINE}\n"), CASE)
    unnamed = LINE.replace('command="read PRESSLUFT_REPORTS_DIR"', 'command="read configuration"').replace(
        "PRESSLUFT_REPORTS_DIR is", "the folder is")
    assert check_bad_config(run(unnamed), CASE)[0].startswith("the line does not name PRESSLUFT_REPORTS_DIR")
    assert "took 6.0 s (bound 5 s)" in check_bad_config(run(LINE, elapsed=6.0), CASE)
    assert "1 scenarios reported passed" in check_bad_config(run(LINE, stdout="1 scenario passed, 0 failed, 0 "
                                                                              "skipped\n"), CASE)
