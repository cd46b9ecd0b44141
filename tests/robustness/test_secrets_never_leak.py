"""Nothing leaks: no secret, and nothing of a real target's address.

One run of the whole suite against a target shaped like a real one: an external PRESSLUFT_BASE_URL whose host is a
sentinel name (`pl-<hex>.sentinel.test`), previews whose addresses carry another sentinel name
(`pv-<hex>.sentinel.test`, the reference's --preview-host), sentinel values for the operator's password and the
provider token, a clone that fails and staging previews that answer 500 (so that diagnostics, captured requests and
bodies, and failures naming a preview address are written: console, Allure, JUnit). Neither
sentinel name resolves anywhere: a `sitecustomize` on the run's PYTHONPATH (inherited by the smoke commands the
scenarios start) sends names under `.sentinel.test` to 127.0.0.1, where the reference and its previews listen, so
no /etc/hosts entry is needed. Then none of the sentinels appears in stdout, stderr, any file under reports/
(Allure results, JUnit, run summary, wait logs, the list of created resources, the HTML report of scripts/report),
and neither secret in the target's log; every 64-hex string written is tried as a session cookie: the target
accepts none of them. (The target's log is the server under test's own output: it may name its own host.)
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from behave_runs import ROOT, run_behave
from support.runtime.ports import unused_local_url
from support.runtime.target import EmbeddedTarget

PASSWORD = "Sentinel-Pw-4c1d9e7b"
TOKEN = "sentinel-token-8e2f5a3c"
HEX64 = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")
TARGET_TOKEN, PREVIEW_TOKEN = "pl-7f3a9c51", "pv-2b8e4d06"   # each the unique part of a host name
TARGET_HOST, PREVIEW_HOST = f"{TARGET_TOKEN}.sentinel.test", f"{PREVIEW_TOKEN}.sentinel.test"
RESOLVER = '''"""Test only (tests/robustness/test_secrets_never_leak.py): .sentinel.test names lead to 127.0.0.1."""
import socket

_getaddrinfo = socket.getaddrinfo


def _sentinel_aware(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if isinstance(name, str) and name.lower().rstrip(".").endswith(".sentinel.test"):
        host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _sentinel_aware
'''


def texts_under(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def leak_run(tmp_path_factory):
    """The run, its outputs by name ({name: text}, the target's log apart) and the target's loopback URL."""
    tmp_path = tmp_path_factory.mktemp("leak")
    resolver = tmp_path / "resolver"
    resolver.mkdir()
    (resolver / "sitecustomize.py").write_text(RESOLVER)
    target = EmbeddedTarget(extra_args=("--admin-password", PASSWORD, "--preview-host", PREVIEW_HOST))
    url = target.start()
    try:
        # one clone fails for good: a failing scenario with its diagnosis, request bodies and log tail
        answer = requests.post(url + "/_reference/faults/jobs", timeout=5, json={
            "match": {"job_type": "env_create"}, "outcome": "fail", "retryable": False,
            "error_code": "ANSIBLE_HOST_FAILED", "error_message": "wp core install failed on target"})
        assert answer.status_code == 200
        # and a staging preview never answers well: a verdict naming a preview address, in this run
        answer = requests.post(url + "/_reference/faults/preview", timeout=5,
                               json={"environment_type": "staging", "status": 500})
        assert answer.status_code in (200, 201, 204), answer.text
        sentinel_url = url.replace("127.0.0.1", TARGET_HOST)
        run = run_behave(tmp_path, "-f", "pretty", "features/wave5", timeout=400, env={
            "PRESSLUFT_BASE_URL": sentinel_url, "PRESSLUFT_PASSWORD": PASSWORD, "PRESSLUFT_PROVIDER_TOKEN": TOKEN,
            "PRESSLUFT_PREVIEW_TIMEOUT": "2", "PYTHONPATH": str(resolver)})
        assert run.exit_code == 1 and run.verdicts, "the run must fail somewhere, so that diagnostics are written"
        assert "diagnosis" in run.everything_written()

        outputs = {"stdout": run.stdout, "stderr": run.stderr}
        if (ROOT / "node_modules" / ".bin" / "allure").exists():  # the HTML report, as scripts/report makes it
            report = subprocess.run(["scripts/report", "--results", str(run.reports / "allure-results"),
                                     "--output", str(run.reports / "allure-report"),
                                     "--history", str(tmp_path / "history.jsonl")],
                                    cwd=ROOT, capture_output=True, text=True, timeout=300)
            assert report.returncode == 0, report.stderr
            outputs["scripts/report output"] = report.stdout + report.stderr
            assert (run.reports / "allure-report").is_dir()
        outputs.update({str(path.relative_to(tmp_path)): text for path, text in texts_under(run.reports)})

        # a run that cannot reach its target names it in its reason: by its label
        nowhere = run_behave(tmp_path / "nowhere", "features/wave5", timeout=120, env={
            "PRESSLUFT_BASE_URL": unused_local_url().replace("127.0.0.1", TARGET_HOST), "PYTHONPATH": str(resolver)})
        assert nowhere.exit_code == 2 and nowhere.verdicts[0]["category"] == "target_unavailable", nowhere.output
        outputs.update({"unreachable run: stdout": nowhere.stdout, "unreachable run: stderr": nowhere.stderr})
        outputs.update({f"unreachable run: {path.relative_to(tmp_path)}": text
                        for path, text in texts_under(nowhere.reports)})

        yield run, outputs, url, target.log_path.read_text(errors="replace")
    finally:
        target.stop()
        shutil.rmtree(tmp_path / "reports" / "allure-report", ignore_errors=True)


def test_sentinel_secrets_never_reach_any_output_and_no_written_hex_is_a_session(leak_run):
    run, outputs, url, target_log = leak_run
    outputs = {**outputs, "target log": target_log}
    assert len(outputs) > 10
    for name, text in outputs.items():
        for secret in (PASSWORD, TOKEN):
            assert secret not in text, f"{secret[:6]}… leaked into {name}"

    candidates = {match for text in outputs.values() for match in HEX64.findall(text)}
    assert candidates, "backup checksums at least are 64-hex: the search must see them"
    accepted = [hex_ for hex_ in candidates
                if requests.get(url + "/api/jobs", cookies={"session_token": hex_}, timeout=5).status_code != 401]
    assert not accepted, f"{len(accepted)} written 64-hex strings are live session cookies"
    # the check has teeth: a real session cookie is accepted
    login = requests.post(url + "/api/login", json={"email": "admin@pressluft.local", "password": PASSWORD},
                          timeout=5)
    assert requests.get(url + "/api/jobs", cookies=login.cookies, timeout=5).status_code == 200


def test_the_target_is_named_by_its_label_and_no_output_carries_its_address_or_a_preview_host(leak_run):
    run, outputs, url, _ = leak_run
    # the search has teeth: the target's own answers carry the preview sentinel, and the run saw and probed previews
    session = requests.Session()
    session.post(url + "/api/login", json={"email": "admin@pressluft.local", "password": PASSWORD}, timeout=5)
    site = next(s for s in session.get(url + "/api/sites", timeout=5).json() if s["slug"].startswith("w5-"))
    environments = session.get(f"{url}/api/sites/{site['id']}/environments", timeout=5).json()
    assert all(PREVIEW_HOST in environment["preview_url"] for environment in environments)
    written = "\n".join(outputs.values())
    assert re.search(r"> GET <preview of env [0-9a-f]{8}>/", written), "no preview probe was attached"
    hidden_preview = re.compile(r"GET <preview of env [0-9a-f]{8}>/")
    assert any(verdict["category"] == "preview_unreachable" and hidden_preview.fullmatch(verdict["command"])
               for verdict in run.verdicts), run.verdicts
    assert "[wave5] run " in run.stderr and " against external target\n" in run.stderr
    assert "target.name=external target" in written and "target.url=" not in written
    assert 'reason="connection refused at <external target>"' in outputs["unreachable run: stderr"]

    for name, text in outputs.items():
        for sentinel in (TARGET_TOKEN, PREVIEW_TOKEN, "sentinel.test"):
            assert sentinel.lower() not in text.lower(), f"{sentinel} leaked into {name}: " + next(
                line for line in text.splitlines() if sentinel.lower() in line.lower())[:300]
