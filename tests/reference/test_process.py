"""The process interface: ready line, start-up time, CLI errors, logging, clean shutdown."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from .conftest import ROOT, preview


def test_ready_line_startup_time_and_liveness(fresh_server):
    server = fresh_server(fast=False, faults=False)
    assert server.startup_seconds < 1.0
    answer = requests.get(server.url("/"), timeout=5)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/html")
    assert server.stop() == 0


def test_stdout_carries_only_the_ready_line():
    proc = subprocess.Popen([sys.executable, "-m", "pressluft_reference", "--port", "0"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first = proc.stdout.readline()
    requests.get(first.split()[-1] + "/", timeout=5)
    proc.send_signal(signal.SIGTERM)
    rest, _ = proc.communicate(timeout=10)
    assert re.fullmatch(r"pressluft_reference listening on http://127\.0\.0\.1:\d+\n", first)
    assert rest == "" and proc.returncode == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_cleanly_with_listeners_and_temporary_data(fresh_server, sig):
    server = fresh_server()
    client = server.client()
    client.ready_node()
    production = client.create_site()["production"]
    assert preview(production["preview_url"]).status_code == 200
    data_dir = re.search(r"event=start data_dir=(\S+) temporary=True", server.stderr()).group(1)
    assert os.path.isdir(data_dir)
    assert server.stop(sig) == 0
    assert not os.path.exists(data_dir)
    for url in (server.base_url, production["preview_url"]):
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=2)
    assert "Traceback" not in server.stderr()


def test_sigterm_while_a_job_runs(fresh_server):
    server = fresh_server("--job-duration", "node_provision=30")
    client = server.client()
    job_id, _ = client.create_node()
    client.wait_job(job_id, statuses=("running",))
    assert server.stop(timeout=5) == 0


def test_given_data_dir_is_kept(fresh_server, tmp_path):
    server = fresh_server(data_dir=tmp_path / "state")
    assert server.stop() == 0
    assert (tmp_path / "state" / "pressluft_reference.sqlite3").exists()


@pytest.mark.parametrize("args", [
    ["--port", "abc"], ["--port", "70000"], ["--job-duration", "site_create"], ["--job-duration", "nope=1"],
    ["--job-duration", "site_create=-1"], ["--retry-backoff", "1,x"], ["--bogus"], ["--job-duration", "all=nan"],
])
def test_bad_cli_input_is_one_line_and_exit_2(args):
    result = subprocess.run([sys.executable, "-m", "pressluft_reference", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=10)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("pressluft_reference: error:")


def test_port_in_use_is_a_one_line_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "pressluft_reference", "--port", str(port)], cwd=ROOT,
                                capture_output=True, text=True, timeout=10)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_request_and_job_transitions_are_logged_without_secrets(fresh_server):
    server = fresh_server()
    client = server.client()
    client.connect_provider("super-secret-token-value")
    job_id, _ = client.create_node()
    client.wait_job(job_id)
    client.get("/api/jobs")
    expected = [f"event=job job_id={job_id} job_type=node_provision status={status}"
                for status in ("queued", "running", "succeeded")]
    request = re.compile(r"^event=request method=GET path=/api/jobs status=200 duration_ms=\d+$", re.M)
    deadline = time.monotonic() + 5  # a transition is logged just after its commit, a request after its answer
    while not (all(line in server.stderr() for line in expected) and request.search(server.stderr())):
        assert time.monotonic() < deadline, server.stderr()
        time.sleep(0.02)
    log = server.stderr()
    assert "super-secret-token-value" not in log
