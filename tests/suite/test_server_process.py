"""The server under test (support/runtime/server_process.py): its settings (PRESSLUFT_SERVER_*), the build, the start
on a free port or where PRESSLUFT_BASE_URL says, the wait for GET /, a server that exits early or never answers, and
its log under its own heading. Real, small processes (python -m http.server), found again by a unique marker."""
from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
from process_probes import marker, processes_with

from support.runtime import smoke_commands
from support.runtime.config import ConfigError, load_settings
from support.runtime.ports import free_port
from support.runtime.server_process import ServerUnderTest
from support.verdicts.categories import Category
from support.verdicts.diagnosis import render_block, startup_block
from support.verdicts.failure import SuiteFailure
from support.verdicts.redaction import MASK, secrets

PY = sys.executable


@pytest.fixture(autouse=True)
def managed_key(tmp_path, monkeypatch):
    """The host of the server under test has Pressluft's managed provider key (a HOME of its own here)."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "pressluft-provider-ed25519.pub").write_text("ssh-ed25519 AAAA test\n")
    monkeypatch.setenv("HOME", str(home))
    return home


def server_settings(tmp_path, command: str, **more):
    env = {"PRESSLUFT_SERVER_CMD": command, "PRESSLUFT_SERVER_DIR": str(tmp_path),
           "PRESSLUFT_REPORTS_DIR": str(tmp_path / "reports"), **more}
    return load_settings(env)


# -- settings ----------------------------------------------------------------------------------------------------

def test_without_a_server_command_nothing_changes(tmp_path):
    settings = load_settings({})
    assert settings.server_command is None and settings.server_build_command is None and settings.embedded


def test_the_server_settings_are_read_split_like_a_shell_and_not_embedded(tmp_path):
    settings = server_settings(tmp_path, "./bin/pressluft dev --port {port} --name 'a b'",
                               PRESSLUFT_SERVER_BUILD_CMD="go build -o ./bin/pressluft ./cmd/pressluft",
                               PRESSLUFT_SERVER_START_TIMEOUT="12.5")
    assert settings.server_command == ("./bin/pressluft", "dev", "--port", "{port}", "--name", "a b")
    assert settings.server_build_command == ("go", "build", "-o", "./bin/pressluft", "./cmd/pressluft")
    assert settings.server_dir == str(tmp_path) and settings.server_start_timeout == 12.5
    assert not settings.embedded and settings.base_url is None


def test_the_server_dir_defaults_to_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_settings({"PRESSLUFT_SERVER_CMD": "x --port {port}"}).server_dir == str(tmp_path)


@pytest.mark.parametrize("env, setting, reason", [
    ({"PRESSLUFT_SERVER_CMD": ""}, "PRESSLUFT_SERVER_CMD", "is set but empty"),
    ({"PRESSLUFT_SERVER_CMD": "   "}, "PRESSLUFT_SERVER_CMD", "is set but empty"),
    ({"PRESSLUFT_SERVER_CMD": "pressluft 'dev"}, "PRESSLUFT_SERVER_CMD", "cannot be split into words"),
    ({"PRESSLUFT_SERVER_CMD": "pressluft dev"}, "PRESSLUFT_SERVER_CMD", "has no {port}"),
    ({"PRESSLUFT_SERVER_CMD": "p {port}", "PRESSLUFT_SERVER_BUILD_CMD": ""}, "PRESSLUFT_SERVER_BUILD_CMD",
     "is set but empty"),
    ({"PRESSLUFT_SERVER_BUILD_CMD": "go build"}, "PRESSLUFT_SERVER_BUILD_CMD", "without PRESSLUFT_SERVER_CMD"),
    ({"PRESSLUFT_SERVER_CMD": "p {port}", "PRESSLUFT_SERVER_START_TIMEOUT": "soon"},
     "PRESSLUFT_SERVER_START_TIMEOUT", "must be a number of seconds"),
    ({"PRESSLUFT_SERVER_CMD": "p {port}", "PRESSLUFT_SERVER_START_TIMEOUT": "-5"},
     "PRESSLUFT_SERVER_START_TIMEOUT", "must be a positive number"),
    ({"PRESSLUFT_SERVER_CMD": "p {port}", "PRESSLUFT_SERVER_DIR": "/no/such/dir"}, "PRESSLUFT_SERVER_DIR",
     "is not a directory"),
])
def test_bad_server_settings_are_config_errors(env, setting, reason):
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert caught.value.category is Category.CONFIG_ERROR and caught.value.command == f"read {setting}"
    assert reason in caught.value.reason


def test_a_command_without_port_is_fine_when_the_base_url_says_where_it_listens():
    settings = load_settings({"PRESSLUFT_SERVER_CMD": "pressluft dev", "PRESSLUFT_BASE_URL": "http://127.0.0.1:18481"})
    assert settings.server_command == ("pressluft", "dev") and settings.base_url == "http://127.0.0.1:18481"


def test_the_servers_log_tail_is_redacted(tmp_path):
    secret = f"s3cret-{uuid.uuid4().hex}"
    secrets.add(secret)
    server = ServerUnderTest(server_settings(tmp_path, "pressluft dev --port {port}"))
    server.log_path.parent.mkdir(parents=True, exist_ok=True)
    server.log_path.write_text(f"event=start\npassword={secret}\nSet-Cookie: session_token=abc123; Path=/\n")
    assert server.log_tail() == f"event=start\npassword={MASK}\nSet-Cookie: session_token={MASK}; Path=/"
    assert secret in server.log_path.read_text()  # the file is the server's own output


def test_a_startup_failure_shows_its_log_under_its_own_heading():
    failure = SuiteFailure(Category.TARGET_UNAVAILABLE, "./bin/pressluft dev --port 1", "exited",
                           details={"server log": "/r/server.log", "server log (tail)": "listen: address in use"})
    block = startup_block(failure)
    assert block.splitlines()[0] == failure.line
    assert "server log: /r/server.log" in block
    assert block.endswith("--- server log (tail) ---\nlisten: address in use")
    assert render_block(failure, (), "x").endswith("--- reference target log (tail) ---\nx")


# -- the server under test -------------------------------------------------------------------------------------

HTTP_SERVER = f"{PY} -m http.server {{port}} --bind 127.0.0.1"


def test_the_server_is_started_on_a_free_port_answers_and_is_stopped(tmp_path):
    mark = marker()
    (tmp_path / mark).mkdir()
    server = ServerUnderTest(server_settings(tmp_path, f"{HTTP_SERVER} --directory {tmp_path / mark}"))
    url = server.start()
    try:
        port = int(url.rsplit(":", 1)[1])
        assert str(port) in server.argv and "{port}" not in " ".join(server.argv)
        assert len(processes_with(mark)) == 1 and server.log_path == tmp_path / "reports" / "server.log"
        assert "GET / HTTP" in server.log_tail()  # its own output, captured
        assert server.log_title.startswith("server log (tail; all of it in ")
    finally:
        server.stop()
    assert processes_with(mark) == []
    assert "the server was killed by signal SIGTERM" in server.log_title


def test_a_failure_after_the_server_ended_by_itself_is_target_unavailable(tmp_path):
    mark = marker()
    (tmp_path / mark).mkdir()
    server = ServerUnderTest(server_settings(tmp_path, f"{HTTP_SERVER} --directory {tmp_path / mark}"))
    server.start()
    seen = SuiteFailure(Category.JOB_TIMEOUT, "GET /api/jobs/j1", "still running after 3 s, 9 polls", job_id="j1")
    try:
        assert server.explain(seen) is seen  # still running: the failure is what it is
        server.child.popen.kill()
        server.child.wait()
        explained = server.explain(seen)
        assert explained.category is Category.TARGET_UNAVAILABLE and explained.job_id == "j1"
        assert explained.command == server.command_line
        assert explained.reason.startswith("the server under test was killed by signal SIGKILL during the run")
        assert explained.details["what the scenario saw"] == seen.line
        assert "the server was killed by signal SIGKILL; " in server.log_title
    finally:
        server.stop()
    assert processes_with(mark) == []


def test_a_failure_after_the_run_stopped_the_server_stays_what_it_was(tmp_path):
    server = ServerUnderTest(server_settings(tmp_path, HTTP_SERVER))
    server.start()
    server.stop()  # e.g. on SIGINT, before the interrupted step's verdict
    seen = SuiteFailure(Category.CONTRACT_VIOLATION, "GET /api/nodes", "KeyboardInterrupt")
    assert server.explain(seen) is seen


def test_the_base_url_names_the_port(tmp_path):
    port = free_port()
    settings = server_settings(tmp_path, HTTP_SERVER, PRESSLUFT_BASE_URL=f"http://127.0.0.1:{port}")
    server = ServerUnderTest(settings)
    try:
        assert server.start() == f"http://127.0.0.1:{port}" and str(port) in server.argv
    finally:
        server.stop()


def test_a_base_url_where_something_already_answers_is_a_config_error(tmp_path, fake_server):
    mark = marker()
    settings = server_settings(tmp_path, f"{HTTP_SERVER} {mark}", PRESSLUFT_BASE_URL=fake_server.url)
    with pytest.raises(ConfigError) as caught:
        ServerUnderTest(settings).start()
    assert "already answers" in caught.value.reason and processes_with(mark) == []


def test_a_server_that_exits_early_is_target_unavailable_with_its_status_and_log(tmp_path):
    script = ("import sys; print('starting'); print('listen tcp: bind: address already in use', file=sys.stderr); "
              "sys.exit(3)")
    server = ServerUnderTest(server_settings(tmp_path, f"{PY} -c \"{script}\" {{port}}"))
    with pytest.raises(SuiteFailure) as caught:
        server.start()
    failure = caught.value
    assert failure.category is Category.TARGET_UNAVAILABLE and failure.command.startswith(PY)
    assert failure.reason == ("the server under test exited with status 3 before it answered GET /; its log ends: "
                              "listen tcp: bind: address already in use")
    assert failure.details["server log (tail)"] == "starting\nlisten tcp: bind: address already in use"


def test_a_server_that_never_answers_is_stopped_at_the_start_timeout(tmp_path):
    mark = marker()
    server = ServerUnderTest(server_settings(tmp_path, f"{PY} -c 'import time; time.sleep(120)' {{port}} {mark}",
                                             PRESSLUFT_SERVER_START_TIMEOUT="0.3"))
    with pytest.raises(SuiteFailure) as caught:
        server.start()
    assert caught.value.category is Category.TARGET_UNAVAILABLE
    assert "did not answer GET http://127.0.0.1:" in caught.value.reason and "within 0.3 s" in caught.value.reason
    assert processes_with(mark) == []


@pytest.mark.parametrize("setting", ["PRESSLUFT_SERVER_CMD", "PRESSLUFT_SERVER_BUILD_CMD"])
def test_a_command_that_is_not_found_is_a_config_error(tmp_path, setting):
    env = {"PRESSLUFT_SERVER_CMD": "./bin/no-such-pressluft dev --port {port}"}
    if setting == "PRESSLUFT_SERVER_BUILD_CMD":
        env["PRESSLUFT_SERVER_BUILD_CMD"] = "no-such-go-toolchain build"
    with pytest.raises(ConfigError) as caught:
        ServerUnderTest(server_settings(tmp_path, env.pop("PRESSLUFT_SERVER_CMD"), **env)).start()
    assert caught.value.command == f"read {setting}" and "was not found" in caught.value.reason


def test_a_failing_build_is_a_config_error_naming_the_command_with_its_output(tmp_path):
    build = (f"{PY} -c \"import sys; print('# pressluft/cmd'); print('main.go:12: undefined: foo', file=sys.stderr); "
             "sys.exit(1)\"")
    server = ServerUnderTest(server_settings(tmp_path, "./bin/pressluft dev --port {port}",
                                             PRESSLUFT_SERVER_BUILD_CMD=build))
    with pytest.raises(SuiteFailure) as caught:
        server.start()
    failure = caught.value
    assert failure.category is Category.CONFIG_ERROR and failure.command.startswith(PY) and "-c" in failure.command
    assert failure.reason == ("PRESSLUFT_SERVER_BUILD_CMD exited with status 1: # pressluft/cmd | "
                              "main.go:12: undefined: foo")
    assert failure.details["build output (tail)"].endswith("main.go:12: undefined: foo")
    assert server.child is None and not server.log_path.exists()


def test_a_build_runs_once_from_the_server_dir_before_the_server(tmp_path):
    (tmp_path / "www").mkdir()
    build = f"{PY} -c \"open('built.txt', 'a').write('built\\n')\""
    server = ServerUnderTest(server_settings(tmp_path, f"{HTTP_SERVER} --directory www",
                                             PRESSLUFT_SERVER_BUILD_CMD=build))
    try:
        server.start()
    finally:
        server.stop()
    assert (tmp_path / "built.txt").read_text() == "built\n"


# -- a smoke run by a scenario never starts a second server --------------------------------------------------------

def test_a_smoke_command_child_gets_no_server_settings(monkeypatch):
    seen = {}

    def fake_run(argv, **kwargs):
        seen.update(kwargs["env"])
        return subprocess.CompletedProcess(argv, 0, "", "")

    for name in ("PRESSLUFT_SERVER_CMD", "PRESSLUFT_SERVER_BUILD_CMD", "PRESSLUFT_SERVER_DIR",
                 "PRESSLUFT_SERVER_START_TIMEOUT"):
        monkeypatch.setenv(name, "set")
    monkeypatch.setattr(smoke_commands.subprocess, "run", fake_run)
    smoke_commands.run_smoke("clone preview", load_settings({}), run_id="w5-test-s1", base_url="http://127.0.0.1:1")
    assert seen["PRESSLUFT_BASE_URL"] == "http://127.0.0.1:1"
    assert not [name for name in seen if name.startswith("PRESSLUFT_SERVER_")]


def test_no_managed_provider_key_is_one_server_setup_verdict_before_anything_starts(tmp_path, managed_key):
    (managed_key / ".ssh" / "pressluft-provider-ed25519.pub").unlink()
    builds = tmp_path / "built"
    settings = server_settings(tmp_path, f"{PY} -m http.server {{port}} --bind 127.0.0.1",
                               PRESSLUFT_SERVER_BUILD_CMD=f"touch {builds}")
    server = ServerUnderTest(settings)
    with pytest.raises(SuiteFailure) as caught:
        server.start()
    failure = caught.value
    assert failure.category is Category.SERVER_SETUP and failure.command.startswith(PY)
    assert str(managed_key / ".ssh" / "pressluft-provider-ed25519.pub") in failure.reason
    assert "ssh-keygen -t ed25519 -f ~/.ssh/pressluft-provider-ed25519 -N ''" in failure.reason
    assert server.child is None and not builds.exists()  # neither built nor started
