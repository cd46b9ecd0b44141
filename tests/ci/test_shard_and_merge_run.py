"""A real local shard-and-merge run: two shards of `behave features/wave5`, each a process with its own embedded
target, run at the same time (scripts/shard all 2: scripts/shard run 1/2 and 2/2, then the merge): one report,
one verdict, every scenario of the feature files exactly once. Then the same results with one scenario turned
failed: the merged verdict is failed. About 20 to 40 s on 2 cores."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tools import shard

ROOT = Path(__file__).resolve().parents[2]


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
    """scripts/shard all 2: shards 1/2 and 2/2 (scripts/shard run) as two processes at once, then the merge."""
    base = tmp_path_factory.mktemp("shards")
    started = time.monotonic()
    done = subprocess.run([str(ROOT / "scripts" / "shard"), "all", "2", "--reports", str(base), "--history",
                           str(base / "history.jsonl"), "--", "-f", "progress"], cwd=ROOT, env=clean_env(),
                          capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL)
    print(f"scripts/shard all 2: {time.monotonic() - started:.1f} s wall")
    return base, done


def test_two_shards_merge_into_one_report_with_every_scenario_once(two_shards):
    base, done = two_shards
    consoles = "\n".join((base / f"shard-{i}" / "console.log").read_text()[-3000:] for i in (1, 2)
                         if (base / f"shard-{i}" / "console.log").exists())
    assert done.returncode == 0, done.stdout + done.stderr + consoles
    expected = Counter((u.feature, u.name) for u in shard.collect())
    per_shard = [Counter(ident(r) for r in scenario_results(base / f"shard-{i}" / "allure-results")) for i in (1, 2)]
    assert per_shard[0] and per_shard[1] and not set(per_shard[0]) & set(per_shard[1])
    assert per_shard[0] + per_shard[1] == expected
    for i in (1, 2):
        assert json.loads((base / f"shard-{i}" / "shard.json").read_text())["exit_code"] == 0

    total = sum(expected.values())
    assert f"[shard] verdict: passed ({total} results: {total} passed; 2 of 2 shards)" in done.stdout
    merged = base / "merged"
    results = scenario_results(merged / "allure-results")
    assert Counter(ident(r) for r in results) == expected
    assert {r["status"] for r in results} == {"passed"}
    report = merged / "allure-report"
    assert (report / "index.html").is_file()
    assert len(list((report / "data" / "test-results").glob("*.json"))) == total
    assert json.loads((merged / "verdict.json").read_text())["verdict"] == "passed"


def test_merging_with_a_failed_result_in_one_shard_gives_a_failed_verdict_and_still_a_report(two_shards):
    base, _ = two_shards
    broken = base / "s2-failed"
    shutil.copytree(base / "shard-2", broken)
    path = sorted((broken / "allure-results").glob("*-result.json"))[0]
    data = json.loads(path.read_text())
    data["status"] = "failed"
    data["statusDetails"] = {"message": '[wave5] FAIL category=job_failed command="POST /api/sites" job_id=x '
                                        'reason="simulated"'}
    path.write_text(json.dumps(data))
    merged = base / "merged-failed"
    done = subprocess.run([str(ROOT / "scripts" / "shard"), "merge", str(base / "shard-1"), str(broken),
                           "--output", str(merged), "--history", str(base / "history-failed.jsonl")],
                          cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=180)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[shard] verdict: failed" in done.stdout and "1 failed" in done.stdout
    assert (merged / "allure-report" / "index.html").is_file()
    assert json.loads((merged / "verdict.json").read_text())["counts"]["failed"] == 1
