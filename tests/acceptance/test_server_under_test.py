"""Pressluft's closeout gate, proven with real processes: the replacement scripts of docs/real-target.md, run
from a stand-in of Pressluft's repository, build the server under test (PRESSLUFT_SERVER_BUILD_CMD, a stand-in
`go`) and start it (PRESSLUFT_SERVER_CMD, `./bin/pressluft dev --port {port}`: a shell script running the
reference control plane, not exec'd, so the server is two processes like a `go run`). A pass, a faulty server
whose log appears in the diagnosis, a failing build, a server that exits early, a run interrupted halfway, bad
settings: after each, no process of the server is left (found by the stand-in repository's unique path in their
working directory or command line)."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

from behave_runs import ROOT, SuiteRun, only_verdict, run_behave
from support.verdicts.redaction import MASK

PY = sys.executable
DOC = ROOT / "docs" / "real-target.md"
SMOKE_PASSES = "^The (clone preview smoke makes|backup and restore smoke backs up) "
# what the caller of a gate may have set that the scripts read: not ours to pass on
CALLER_VARIABLES = ("HETZNER_API_TOKEN", "PROVIDER_API_TOKEN", "PROVIDER_ID", "PORT", "GO_BIN")
SMOKE_WORDS = {"site-clone-preview": "clone-preview", "backup-restore": "backup-restore"}  # pressluft-smoke's
# the installed commands of the project (scripts/setup installs it into .venv): pressluft-smoke
COMMANDS = str(Path(sys.executable).parent)

FAKE_GO = '''#!{python}
"""A stand-in `go`: `go build -o OUT ./cmd/pressluft` writes OUT, a `pressluft` that runs the reference."""
import os, stat, sys
args = sys.argv[1:]
with open({builds!r}, "a") as builds:
    builds.write(" ".join(args) + "\\n")
package = args[-1]
if args[0] != "build" or not os.path.isdir(package):
    print("# github.com/pressluft/pressluft/cmd/pressluft", flush=True)
    print(f"stat {{package}}: directory not found", file=sys.stderr)
    sys.exit(1)
out = args[args.index("-o") + 1]
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as binary:
    binary.write({wrapper!r})
os.chmod(out, os.stat(out).st_mode | stat.S_IXUSR)
'''

WRAPPER = '''#!/bin/sh
# `pressluft dev --port N [flags]`: the reference control plane (plus STANDIN_PRESSLUFT_ARGS)
[ "$1" = dev ] && shift
echo "pressluft dev $* $STANDIN_PRESSLUFT_ARGS"
echo started >> "{starts}"
"{python}" -m pressluft_reference --data-dir "{data}" $STANDIN_PRESSLUFT_ARGS "$@"
'''


def gate_script(smoke: str) -> str:
    """The replacement script docs/real-target.md shows: one line calling the installed `pressluft-smoke` (the
    backup/restore one differs in the smoke it names)."""
    text = DOC.read_text()
    section = text[text.index("`scripts/smoke-site-clone-preview.sh` in Pressluft's repository:"):]
    script = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    [line] = [line for line in script.splitlines() if line and not line.startswith("#")]
    assert line.endswith(' exec pressluft-smoke clone-preview "$@"')
    return script.replace("pressluft-smoke clone-preview", f"pressluft-smoke {SMOKE_WORDS[smoke]}")


class PressluftRepo:
    """A stand-in of Pressluft's repository: cmd/pressluft/, the two gate scripts, a `go` on PATH."""

    def __init__(self, tmp_path: Path):
        self.root = tmp_path / f"pressluft-{uuid.uuid4().hex}"
        self.mark = str(self.root)
        self.reports = tmp_path / "reports"
        self.builds = tmp_path / "builds.log"
        self.starts = tmp_path / "starts.log"
        tools = tmp_path / "tools"
        for folder in (self.root / "cmd" / "pressluft", self.root / "scripts", tools):
            folder.mkdir(parents=True)
        for smoke in ("site-clone-preview", "backup-restore"):
            script = self.root / "scripts" / f"smoke-{smoke}.sh"
            script.write_text(gate_script(smoke))
            script.chmod(0o755)
        wrapper = WRAPPER.format(python=PY, starts=self.starts, data=self.root / "data")
        (tools / "go").write_text(FAKE_GO.format(python=PY, builds=str(self.builds), wrapper=wrapper))
        (tools / "go").chmod(0o755)
        self.path = os.pathsep.join([str(tools), COMMANDS, os.environ["PATH"]])
        self.home = tmp_path / "home"  # the host's HOME, with Pressluft's managed provider key, as a gate needs
        self.managed_key = self.home / ".ssh" / "pressluft-provider-ed25519.pub"
        self.managed_key.parent.mkdir(parents=True)
        self.managed_key.write_text("ssh-ed25519 AAAA stand-in\n")

    def env(self, **extra) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSLUFT_") and k not in CALLER_VARIABLES}
        env.update(PATH=self.path, HOME=str(self.home), STANDIN_REPO=self.mark,
                   PRESSLUFT_REPORTS_DIR=str(self.reports))
        env.update(extra)
        return env

    def gate(self, smoke: str, **env) -> SuiteRun:
        started = time.monotonic()
        result = subprocess.run([f"scripts/smoke-{smoke}.sh"], cwd=self.root, env=self.env(**env), text=True,
                                capture_output=True, stdin=subprocess.DEVNULL, timeout=300)
        return SuiteRun(result.returncode, result.stdout, result.stderr, self.reports, time.monotonic() - started)

    def server_log(self) -> str:
        path = self.reports / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def lines(self, path: Path) -> list[str]:
        return path.read_text().splitlines() if path.exists() else []

    def server_processes(self) -> list[str]:
        """Processes of the server (or the build): working directory in, or command line naming, the repository;
        not the gate's pressluft-smoke, which runs in Pressluft's root too."""
        return self._processes(lambda process, cmdline: "pressluft-smoke" not in cmdline and (
            self.mark in cmdline or process.cwd().startswith(self.mark)))

    def leftovers(self) -> list[str]:
        """Those, and every process started for this test that still runs (the gate, behave): they inherited
        STANDIN_REPO."""
        return self._processes(lambda process, cmdline: self.mark in cmdline or process.cwd().startswith(self.mark)
                               or process.environ().get("STANDIN_REPO") == self.mark)

    def _processes(self, matches) -> list[str]:
        found = []
        for process in psutil.process_iter(["pid", "cmdline", "status"]):
            try:
                cmdline = " ".join(process.info["cmdline"] or ())
                if process.info["status"] != psutil.STATUS_ZOMBIE and matches(process, cmdline):
                    found.append(f"{process.info['pid']}: {cmdline}")
            except (psutil.Error, OSError):
                continue
        return found


@pytest.fixture
def repo(tmp_path):
    repo = PressluftRepo(tmp_path)
    yield repo
    leftovers = repo.leftovers()
    for line in leftovers:  # never leave them to the other tests, even when one failed
        os.kill(int(line.split(":")[0]), signal.SIGKILL)
    assert leftovers == [], "processes started for this test (the server, behave) were left behind"


def wait_for(condition, what: str, tries: int = 1200) -> None:
    for _ in range(tries):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.mark.parametrize("smoke, success", [
    ("site-clone-preview", "[smoke] success: clone and staging preview URLs reachable"),
    ("backup-restore", "[smoke] success: restore completed and preview reachable"),
], ids=["clone", "backup-restore"])
def test_the_gate_builds_and_starts_the_server_passes_and_stops_it(repo, smoke, success):
    run = repo.gate(smoke)
    assert run.exit_code == 0, run.output[-3000:]
    assert run.stdout.rstrip().splitlines()[-1].startswith(success + " (") and "[wave5] FAIL" not in run.output
    assert repo.lines(repo.builds) == ["build -o ./bin/pressluft ./cmd/pressluft"]  # once, from Pressluft's root
    assert (repo.root / "bin" / "pressluft").exists() and repo.lines(repo.starts) == ["started"]
    log = repo.server_log()
    assert re.search(r"^pressluft dev --port \d+ $", log, re.M)  # both streams captured: stdout and stderr
    assert "pressluft_reference listening on http://127.0.0.1:" in log and "event=request method=GET path=/ " in log
    assert log.rstrip().endswith("event=stopped")  # stopped by SIGTERM, cleanly
    properties = (repo.reports / "allure-results" / "environment.properties").read_text()
    assert re.search(r"^target.server_command=\./bin/pressluft dev --port \d+$", properties, re.M)
    assert f"target.server_log={repo.reports / 'server.log'}" in properties
    assert repo.leftovers() == []


def test_a_faulty_server_fails_the_gate_with_its_log_in_the_diagnosis(repo):
    run = repo.gate("site-clone-preview", STANDIN_PRESSLUFT_ARGS="--defect env_create_leaves_cloning")
    assert run.exit_code == 1
    verdict = only_verdict(run)
    assert verdict["category"] == "contract_violation" and verdict["command"].startswith("GET /api/environments/")
    heading = f"--- server log (tail; all of it in {repo.reports / 'server.log'}) ---"
    diagnosis = run.attachments(run.result_named("A clone environment made from production"), "diagnosis")[0]
    for text in (run.stderr, diagnosis):
        tail = text.split(heading, 1)[1].split("[smoke] FAIL")[0].strip().splitlines()
        assert 0 < len(tail) <= 40
        assert any(re.match(r"event=job job_id=\S+ job_type=env_create status=succeeded", line) for line in tail)
        assert any(line.startswith("event=request method=GET path=/api/environments/") for line in tail)
    assert run.stderr.rstrip().endswith("[smoke] FAIL: site-clone-preview smoke failed (exit 1: Pressluft failed a "
                                        "check); the [wave5] FAIL line above says why")
    assert repo.leftovers() == []


def test_a_failing_build_is_one_config_error_line_and_starts_nothing(repo):
    (repo.root / "cmd" / "pressluft").rmdir()
    run = repo.gate("site-clone-preview")
    assert run.exit_code == 2  # the set-up, not Pressluft
    verdict = only_verdict(run)
    assert (verdict["category"], verdict["command"]) == ("config_error", "go build -o ./bin/pressluft ./cmd/pressluft")
    assert verdict["reason"] == ("PRESSLUFT_SERVER_BUILD_CMD exited with status 1: # github.com/pressluft/pressluft/"
                                 "cmd/pressluft | stat ./cmd/pressluft: directory not found")
    assert "--- build output (tail) ---" in run.stderr and "Traceback" not in run.output
    assert repo.lines(repo.starts) == [] and not (repo.reports / "server.log").exists()
    assert repo.leftovers() == []


def test_a_gate_whose_node_acquisition_is_unavailable_is_a_set_up_verdict_exit_2(repo):
    """Pressluft at 6164b449 without its managed key (the stand-in: the reference's --managed-key naming a missing
    file) ends the acquisition PROVIDER_ACQUISITION_UNAVAILABLE, not retried: the set-up of the server, not the
    product. One line naming the code, the message and what to do; exit 2 tells a resume-run loop to fix the set-up."""
    missing = repo.root / "no-managed-key.pub"
    run = repo.gate("site-clone-preview", STANDIN_PRESSLUFT_ARGS=f"--managed-key {missing}")
    assert run.exit_code == 2, run.output[-3000:]
    verdict = only_verdict(run)
    assert (verdict["category"], verdict["command"]) == ("server_setup", "POST /api/nodes")
    assert verdict["job_id"] != "none"
    assert verdict["reason"].startswith(f"PROVIDER_ACQUISITION_UNAVAILABLE: managed provider SSH public key {missing} "
                                        "is not available (the set-up of the server under test: ")
    assert "ssh-keygen -t ed25519 -f ~/.ssh/pressluft-provider-ed25519 -N ''" in verdict["reason"]
    assert "provider token" in verdict["reason"]
    result = run.result_named("A clone environment made from production")
    assert run.category_of(result) == "Target or configuration problem: server_setup"
    assert "[smoke] FAIL: site-clone-preview smoke could not judge Pressluft (exit 2: fix the set-up first)" in \
        run.stderr
    assert repo.leftovers() == []


def test_a_gate_without_the_managed_key_exits_2_before_it_builds_or_starts_the_server(repo):
    repo.managed_key.unlink()
    run = repo.gate("backup-restore")
    assert run.exit_code == 2
    verdict = only_verdict(run)
    assert (verdict["category"], verdict["command"]) == ("server_setup", "./bin/pressluft dev --port {port}")
    assert verdict["reason"] == (f"no managed provider key {repo.managed_key} on this host, where the server under "
                                 "test runs: Pressluft acquires its nodes with it and nothing creates it; create "
                                 "it with `ssh-keygen -t ed25519 -f ~/.ssh/pressluft-provider-ed25519 -N ''` and run "
                                 "again")
    assert repo.lines(repo.builds) == [] and repo.lines(repo.starts) == [] and "Traceback" not in run.output
    assert repo.leftovers() == []


def test_a_server_that_exits_early_is_target_unavailable_with_its_status_and_redacted_log(repo):
    secret = f"gate-password-{uuid.uuid4().hex[:8]}"
    run = repo.gate("backup-restore", PRESSLUFT_PASSWORD=secret,
                    STANDIN_PRESSLUFT_ARGS=f"--admin-password {secret} --no-such-flag")
    assert run.exit_code == 2
    verdict = only_verdict(run)
    assert verdict["category"] == "target_unavailable"
    assert re.fullmatch(r"\./bin/pressluft dev --port \d+", verdict["command"])
    assert verdict["reason"] == ("the server under test exited with status 2 before it answered GET /; its log ends: "
                                 "pressluft_reference: error: unrecognized arguments: --no-such-flag")
    port = verdict["command"].split()[-1]
    tail = run.stderr.split("--- server log (tail) ---\n", 1)[1].splitlines()
    assert tail[0] == f"pressluft dev --port {port} --admin-password {MASK} --no-such-flag"  # redacted
    assert "pressluft_reference: error: unrecognized arguments: --no-such-flag" in tail
    [result] = run.results()  # the run-level result carries the same block
    assert result["name"] == "The run could not start"
    assert "--- server log (tail) ---" in result["statusDetails"]["trace"]
    assert secret not in run.everything_written()
    assert repo.lines(repo.starts) == ["started"] and repo.leftovers() == []


@pytest.mark.parametrize("whom, sig, status", [
    ("gate", signal.SIGTERM, 128 + signal.SIGTERM),
    ("gate", signal.SIGINT, 128 + signal.SIGINT),
    ("behave", signal.SIGTERM, -signal.SIGTERM),
    ("behave", signal.SIGINT, 2),  # KeyboardInterrupt: behave aborts the run, which could not judge Pressluft
], ids=["SIGTERM to the gate", "SIGINT to the gate", "SIGTERM to behave", "SIGINT to behave"])
def test_a_run_interrupted_halfway_stops_the_server(repo, whom, sig, status):
    env = repo.env(STANDIN_PRESSLUFT_ARGS="--job-duration all=120")
    if whom == "gate":
        argv, cwd = ["scripts/smoke-backup-restore.sh"], repo.root
    else:  # behave itself, configured as the gate script would
        argv, cwd = [PY, "-m", "behave", "--tags=@smoke-backup-restore", "-f", "progress", "features/wave5"], ROOT
        env.update(PRESSLUFT_SERVER_BUILD_CMD="go build -o ./bin/pressluft ./cmd/pressluft",
                   PRESSLUFT_SERVER_CMD="./bin/pressluft dev --port {port}", PRESSLUFT_SERVER_DIR=str(repo.root))
    output = repo.reports.parent / "output.txt"
    with open(output, "w") as sink:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        try:
            wait_for(lambda: "job_type=node_provision status=running" in repo.server_log() or
                     process.poll() is not None, "the run's node job to be running")
            assert process.poll() is None, output.read_text()[-3000:]
            assert len(repo.server_processes()) == 2  # the server: its wrapper and the reference
            process.send_signal(sig)
            assert process.wait(timeout=60) == status, output.read_text()[-3000:]
        finally:
            if process.poll() is None:
                process.kill()
    assert repo.leftovers() == []
    assert repo.server_log().rstrip().endswith("event=stopped")  # the server had its SIGTERM and stopped cleanly
    if whom == "gate":
        assert f"[smoke] interrupted by {signal.Signals(sig).name}: backup-restore smoke stopped" in output.read_text()


def test_a_server_that_dies_during_the_run_is_shown_dead_with_its_log(repo):
    env = repo.env(STANDIN_PRESSLUFT_ARGS="--job-duration all=120", PRESSLUFT_NODE_TIMEOUT="4",
                   PRESSLUFT_JOB_TIMEOUT="3")
    output = repo.reports.parent / "output.txt"
    with open(output, "w") as sink:
        process = subprocess.Popen(["scripts/smoke-site-clone-preview.sh"], cwd=repo.root, env=env, stdout=sink,
                                   stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        try:
            wait_for(lambda: "job_type=node_provision status=running" in repo.server_log() or
                     process.poll() is not None, "the run's node job to be running")
            [reference] = [p for p in repo.server_processes() if "-m pressluft_reference" in p]
            os.kill(int(reference.split(":")[0]), signal.SIGKILL)  # the server crashes; its wrapper ends too
            _, stderr = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
    run = SuiteRun(process.returncode, "", stderr, repo.reports, 0)
    verdict = only_verdict(run)
    assert process.returncode == 2 and verdict["category"] == "target_unavailable"
    assert re.fullmatch(r"\./bin/pressluft dev --port \d+", verdict["command"])
    assert verdict["reason"].startswith("the server under test exited with status 137 during the run; its log ends: ")
    result = run.result_named("A clone environment made from production")
    assert run.category_of(result) == "Target or configuration problem: target_unavailable"
    diagnosis = run.attachments(result, "diagnosis")[0]
    assert diagnosis.splitlines()[0] == next(line for line in stderr.splitlines() if line.startswith("[wave5] FAIL"))
    assert "what the scenario saw: [wave5] FAIL category=" in diagnosis  # the wait that ran into the dead server
    heading = (f"--- server log (tail; the server exited with status {128 + signal.SIGKILL}; "
               f"all of it in {repo.reports / 'server.log'}) ---")
    assert heading in stderr
    # the tail ends before the line about the server the node request may have bought (Pressluft could not say)
    tail = stderr.split(heading)[1].split("[smoke] FAIL")[0].split("[wave5] a provider server may be left")[0]
    tail = tail.strip().splitlines()
    assert any(line.startswith("event=job job_id=") for line in tail) and tail[-1] in verdict["reason"]
    assert repo.leftovers() == []


def test_a_smoke_run_by_a_scenario_uses_the_runs_server_and_starts_no_second_one(repo, tmp_path):
    env = {"PATH": repo.path, "HOME": str(repo.home), "STANDIN_REPO": repo.mark,
           "PRESSLUFT_SERVER_BUILD_CMD": "go build -o ./bin/pressluft ./cmd/pressluft",
           "PRESSLUFT_SERVER_CMD": "./bin/pressluft dev --port {port}", "PRESSLUFT_SERVER_DIR": str(repo.root)}
    run = run_behave(tmp_path, "--name", SMOKE_PASSES, "features/wave5", env=env)
    assert run.exit_code == 0, run.output[-3000:]
    assert "2 scenarios passed" in run.stdout
    assert len(repo.lines(repo.builds)) == 1 and repo.lines(repo.starts) == ["started"]
    assert repo.leftovers() == []


@pytest.mark.parametrize("env, setting, reason", [
    ({"PRESSLUFT_SERVER_CMD": ""}, "PRESSLUFT_SERVER_CMD", "PRESSLUFT_SERVER_CMD is set but empty"),
    ({"PRESSLUFT_SERVER_CMD": "./bin/no-such-pressluft dev --port {port}"}, "PRESSLUFT_SERVER_CMD",
     "PRESSLUFT_SERVER_CMD: './bin/no-such-pressluft' was not found (run from "),
    ({"PRESSLUFT_SERVER_CMD": "./bin/pressluft dev --port {port}", "PRESSLUFT_SERVER_START_TIMEOUT": "a minute"},
     "PRESSLUFT_SERVER_START_TIMEOUT", "PRESSLUFT_SERVER_START_TIMEOUT must be a number of seconds, got 'a minute'"),
], ids=["empty command", "command not found", "non-numeric timeout"])
def test_bad_server_settings_are_one_config_error_line(repo, tmp_path, env, setting, reason):
    run = run_behave(tmp_path, "features/wave5", env={"STANDIN_REPO": repo.mark, "PRESSLUFT_SERVER_DIR": repo.mark,
                                                      "HOME": str(repo.home), **env})
    verdict = only_verdict(run)
    assert run.exit_code == 2 and "Traceback" not in run.output
    assert (verdict["category"], verdict["command"], verdict["job_id"]) == ("config_error", f"read {setting}", "none")
    assert verdict["reason"].startswith(reason)
    assert repo.lines(repo.starts) == [] and repo.leftovers() == []
