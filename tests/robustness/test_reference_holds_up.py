"""The reference control plane holds up: fuzzed requests (schemathesis, positive and negative inputs on
every /api operation) never answer 5xx or break the contract, and leave every record consistent.

Already proven in tests/reference and not repeated here: 50 concurrent creates lose and duplicate
nothing (test_robustness.py), a kill mid-job and a restart lose no record (test_durability.py), the fault
API is off without --enable-faults (test_faults.py), every /api route but login needs a session, and that
list covers every operation of the OpenAPI document (test_auth.py)."""
import subprocess
import sys

import requests

from tools.chaos import ROOT, check_invariants, fuzz


def test_fuzzed_requests_never_answer_a_server_error_and_break_no_invariant(reference_target):
    target = reference_target("--job-duration", "all=0.05", enable_faults=False)
    report = fuzz(target.url, examples=12, seed=7)
    assert report.inputs > 500 and len(report.by_operation) >= 17
    assert report.failures == [], report.failures[:5]
    assert not any(status >= 500 for status in report.statuses)
    assert check_invariants(target.url) == []


def test_chaos_and_admin_flags_are_validated_like_every_flag():
    for args in (["--http-faults", "error_rate=2"], ["--http-faults", "statuses=200"], ["--http-faults", "nope=1"],
                 ["--admin-password", " "]):
        result = subprocess.run([sys.executable, "-m", "pressluft_reference", *args], cwd=ROOT, capture_output=True,
                                text=True, timeout=20)
        assert result.returncode == 2 and result.stderr.startswith("pressluft_reference: error: "), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_the_admin_flags_replace_the_development_credentials():
    from support.runtime.target import EmbeddedTarget

    target = EmbeddedTarget(extra_args=("--admin-email", "ops@example.test", "--admin-password", "sentinel-pw-0001"))
    url = target.start()
    try:
        def login(email, password):
            return requests.post(url + "/api/login", json={"email": email, "password": password}, timeout=5)
        assert login("admin@pressluft.local", "pressluft-dev-password").status_code == 401
        assert login("ops@example.test", "pressluft-dev-password").status_code == 401
        assert login("ops@example.test", "sentinel-pw-0001").status_code == 200
        assert "sentinel-pw-0001" not in target.log_tail(1000)
    finally:
        target.stop()
