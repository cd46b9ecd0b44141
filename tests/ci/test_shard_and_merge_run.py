"""A real local shard-and-merge run: two shards of `behave features/wave5`, each a process with its own embedded
target, run at the same time (scripts/shard run 1/2 and 2/2), then scripts/shard merge: one report, one
verdict, every scenario of the feature files exactly once. Then the same results with one scenario turned
failed: the merged verdict is failed. About 20 to 40 s on 2 cores."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools import shard  # noqa: E402

pytestmark = pytest.mark.timeout(300)


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSLUFT_") and k != "HETZNER_API_TOKEN"}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def scenario_results(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*-result.json"))]


def ident(result: dict) -> tuple:
    return shard._feature_of(result), result["name"].strip()


@pytest.fixture(scope="module")
def two_shards(tmp_path_factory):
    base = tmp_path_factory.mktemp("shards")
    started = time.monotonic()
    runs = [subprocess.Popen([str(ROOT / "scripts" / "shard"), "run", f"{i}/2", "--reports", str(base / f"s{i}"),
                              "--", "-f", "progress"], cwd=ROOT, env=clean_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL) for i in (1, 2)]
    outputs = [run.communicate(timeout=240)[0] for run in runs]
    print(f"two shards at once: {time.monotonic() - started:.1f} s wall")
    return base, [run.returncode for run in runs], outputs


def test_two_shards_merge_into_one_report_with_every_scenario_once(two_shards):
    base, codes, outputs = two_shards
    assert codes == [0, 0], "\n".join(o[-3000:] for o in outputs)
    expected = Counter((u.feature, u.name) for u in shard.collect())
    per_shard = [Counter(ident(r) for r in scenario_results(base / f"s{i}" / "allure-results")) for i in (1, 2)]
    assert per_shard[0] and per_shard[1] and not set(per_shard[0]) & set(per_shard[1])
    assert per_shard[0] + per_shard[1] == expected

    merged = base / "merged"
    done = subprocess.run([str(ROOT / "scripts" / "shard"), "merge", str(base / "s1"), str(base / "s2"),
                           "--output", str(merged), "--history", str(base / "history.jsonl")],
                          cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"[shard] verdict: passed ({sum(expected.values())} results: {sum(expected.values())} passed; " \
           f"2 of 2 shards)" in done.stdout
    results = scenario_results(merged / "allure-results")
    assert Counter(ident(r) for r in results) == expected
    assert {r["status"] for r in results} == {"passed"}
    report = merged / "allure-report"
    assert (report / "index.html").is_file()
    assert len(list((report / "data" / "test-results").glob("*.json"))) == sum(expected.values())
    assert json.loads((merged / "verdict.json").read_text())["verdict"] == "passed"


def test_merging_with_a_failed_result_in_one_shard_gives_a_failed_verdict_and_still_a_report(two_shards):
    base, codes, _ = two_shards
    broken = base / "s2-failed"
    shutil.copytree(base / "s2", broken)
    path = sorted((broken / "allure-results").glob("*-result.json"))[0]
    data = json.loads(path.read_text())
    data["status"] = "failed"
    data["statusDetails"] = {"message": '[wave5] FAIL category=job_failed command="POST /api/sites" job_id=x '
                                        'reason="simulated"'}
    path.write_text(json.dumps(data))
    merged = base / "merged-failed"
    done = subprocess.run([str(ROOT / "scripts" / "shard"), "merge", str(base / "s1"), str(broken),
                           "--output", str(merged), "--history", str(base / "history-failed.jsonl")],
                          cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=180)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[shard] verdict: failed" in done.stdout and "1 failed" in done.stdout
    assert (merged / "allure-report" / "index.html").is_file()
    assert json.loads((merged / "verdict.json").read_text())["counts"]["failed"] == 1
