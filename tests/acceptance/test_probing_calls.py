"""Time for Pressluft's probes (issue 26 §3): listing the nodes, creating a site and creating an environment make
Pressluft probe every provider node over SSH, one after another, before it answers. Against a target that takes
longer to answer those calls than the base read timeout (the reference's --probe-seconds: so many seconds per
provider node, the faithful stand-in), the run passes: each such call is given 30 s more per provider node the
target has, learnt from the listings the run makes (the jobs listing before its first node listing included)."""
from __future__ import annotations

import time

from behave_runs import run_smoke

PROBE_SECONDS = 1.5   # per provider node: longer than the base read timeout below
READ_TIMEOUT = "1"


def test_a_run_against_a_target_slower_to_probe_its_nodes_than_the_base_read_timeout_passes(tmp_path, faulty_target):
    target = faulty_target(extra_args=("--probe-seconds", str(PROBE_SECONDS)))
    target.api.post(target.url + "/api/providers", json={"provider_id": "hetzner", "api_token": "t"}, timeout=5)
    node_job = target.api.post(target.url + "/api/nodes", json={"provider_id": "hetzner", "name": "earlier-node"},
                               timeout=5).json()["job_id"]
    for _ in range(100):  # a provider node there before the run: its first node listing is slow already
        if target.get(f"/api/jobs/{node_job}")["status"] == "succeeded":
            break
        time.sleep(0.05)
    started = time.monotonic()
    target.api.get(target.url + "/api/nodes", timeout=10)
    assert time.monotonic() - started >= float(READ_TIMEOUT)  # the listing takes longer than the base read timeout
    run = run_smoke(tmp_path, "site-clone-preview", env=target.env(PRESSLUFT_READ_TIMEOUT=READ_TIMEOUT))
    assert run.exit_code == 0, run.output[-3000:]
    assert "[wave5] FAIL" not in run.output
