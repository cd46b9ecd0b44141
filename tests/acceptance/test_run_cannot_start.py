"""A target that cannot be reached, bad credentials or bad configuration: one [wave5] line in before_all,
exit 2 (the run could not judge Pressluft), no traceback, nothing reported passed, a run-level Allure result,
quickly; the last line says so."""
import socket

import pytest

from behave_runs import StandIn, assert_no_secrets, only_verdict, run_behave
from support.runtime.ports import unused_local_url

CONNECT_TIMEOUT = 3.0


@pytest.fixture
def server():
    servers = []

    def start(kind):
        servers.append(StandIn(kind, session_token="abcdef0123456789abcdef"))
        return servers[-1].url

    yield start
    for s in servers:
        s.close()


def check_aborted_run(run, category, command, reason_part):
    verdict = only_verdict(run)
    assert run.exit_code == 2
    assert run.stdout.rstrip().splitlines()[-1] == \
        "[wave5] could not judge Pressluft (exit 2) — the run could not start: nothing was proven"
    assert (verdict["category"], verdict["command"], verdict["job_id"]) == (category, command, "none")
    assert reason_part in verdict["reason"]
    assert "Traceback" not in run.output and run.suite_errors == []
    assert "[wave5] run " not in run.stderr  # no start-up block: the run never started
    assert "0 scenarios passed" in run.stdout and " passed, 0 failed" not in run.stdout.split("scenarios")[0]
    results = run.results()
    assert len(results) == 1 and results[0]["name"] == "The run could not start"
    assert results[0]["statusDetails"]["message"].startswith(f"[wave5] FAIL category={category} ")
    assert run.category_of(results[0]) == f"Target or configuration problem: {category}"
    assert run.elapsed < CONNECT_TIMEOUT + 5
    assert_no_secrets(run, "wrong-password-123")


def test_an_unreachable_target_is_target_unavailable(tmp_path):
    url = unused_local_url()
    run = run_behave(tmp_path, "features/wave5", env={"PRESSLUFT_BASE_URL": url})
    check_aborted_run(run, "target_unavailable", "POST /api/login", "connection refused at <external target>")
    assert url not in run.everything_written()


def test_wrong_credentials_are_auth_failed(tmp_path, faulty_target):
    target = faulty_target()
    run = run_behave(tmp_path, "features/wave5", env=target.env(PRESSLUFT_PASSWORD="wrong-password-123"))
    check_aborted_run(run, "auth_failed", "POST /api/login", "401 unauthorized: invalid credentials")


def test_a_url_that_is_not_pressluft_is_a_config_error(tmp_path, server):
    url = server("html404")
    run = run_behave(tmp_path, "features/wave5", env={"PRESSLUFT_BASE_URL": url})
    check_aborted_run(run, "config_error", "POST /api/login", "<external target> does not look like a Pressluft "
                                                              "API: login answered 404 (text/html)")


def test_a_real_target_without_a_provider_token_is_a_config_error(tmp_path, server):
    url = server("lookalike")
    run = run_behave(tmp_path, "features/wave5", env={"PRESSLUFT_BASE_URL": url})
    check_aborted_run(run, "config_error", "read PRESSLUFT_PROVIDER_TOKEN", "no provider token")
    assert "abcdef0123456789abcdef" not in run.everything_written()


@pytest.mark.parametrize("name, value, reason", [
    ("PRESSLUFT_BASE_URL", "localhost:8080", "must be an http(s) URL with a host"),
    ("PRESSLUFT_JOB_TIMEOUT", "three minutes", "must be a number of seconds, got 'three minutes'"),
    ("PRESSLUFT_PREVIEW_TIMEOUT", "-1", "must be a positive number of seconds, got '-1'"),
    ("PRESSLUFT_NODE_TIMEOUT", "0", "must be a positive number of seconds, got '0'"),
    ("PRESSLUFT_RESTORE_TIMEOUT", "inf", "must be a positive number of seconds, got 'inf'"),
    ("PRESSLUFT_ALLOW_DISRUPTIVE", "maybe", "must be 1 or 0 (true/false, yes/no), got 'maybe'"),
    ("PRESSLUFT_RUN_ID", "My_Run", "must be 3 to 40 lower-case letters, digits or dashes, got 'My_Run'"),
    ("PRESSLUFT_POLL_POLICY", "fast", "must be one of adaptive, fixed-2s, got 'fast'"),
])
def test_bad_configuration_is_a_config_error(tmp_path, name, value, reason):
    run = run_behave(tmp_path, "features/wave5", env={name: value})
    check_aborted_run(run, "config_error", f"read {name}", f"{name} {reason}")


def test_a_target_that_accepts_and_never_answers_is_target_unavailable_within_seconds(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        run = run_behave(tmp_path, "features/wave5", env={"PRESSLUFT_BASE_URL": url})
    finally:
        listener.close()
    check_aborted_run(run, "target_unavailable", "POST /api/login", "timed out at <external target>")
