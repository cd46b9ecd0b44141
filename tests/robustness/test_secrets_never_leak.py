"""No leaked secrets: with sentinel values for the operator's password and the provider token, and a run
that fails (so that diagnostics, captured requests and the target's log tail are written), none of them
appears in stdout, stderr, any file under reports/ (Allure results, JUnit, the wait log, the HTML report
of scripts/report) or the target's log. Every 64-hex string in those outputs is tried as a session
cookie: the target accepts none of them."""
import re
import shutil
import subprocess
from pathlib import Path

import requests

from behave_runs import ROOT, run_behave
from support.target import EmbeddedTarget

PASSWORD = "Sentinel-Pw-4c1d9e7b"
TOKEN = "sentinel-token-8e2f5a3c"
HEX64 = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")


def texts_under(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes().decode("utf-8", "replace")


def test_sentinel_secrets_never_reach_any_output_and_no_written_hex_is_a_session(tmp_path):
    target = EmbeddedTarget(extra_args=("--admin-password", PASSWORD))
    url = target.start()
    try:
        # one clone fails for good: a failing scenario with its diagnosis, request bodies and log tail
        answer = requests.post(url + "/_reference/faults/jobs", timeout=5, json={
            "match": {"job_type": "env_create"}, "outcome": "fail", "retryable": False,
            "error_code": "ANSIBLE_HOST_FAILED", "error_message": "wp core install failed on target"})
        assert answer.status_code == 200
        run = run_behave(tmp_path, "-f", "pretty", "features/wave5", timeout=400, env={
            "PRESSLUFT_BASE_URL": url, "PRESSLUFT_PASSWORD": PASSWORD, "PRESSLUFT_PROVIDER_TOKEN": TOKEN})
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
        outputs["target log"] = target.log_path.read_text(errors="replace")
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
    finally:
        target.stop()
        shutil.rmtree(tmp_path / "reports" / "allure-report", ignore_errors=True)
