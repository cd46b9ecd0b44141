"""Shards' reports folders made by hand (manifest, Allure results, JUnit, stderr), for the merge's tests."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

FAIL_LINE = ('[wave5] FAIL category=job_failed command="POST /api/sites/s1/environments" job_id=j1 '
             'reason="ANSIBLE_HOST_FAILED: wp core install failed on target"')


def result(feature: str, name: str, status: str = "passed", message: str = "") -> dict:
    data = {"uuid": str(uuid.uuid4()), "name": name, "fullName": f"{feature}: {name.split(' -- @')[0]}",
            "status": status, "start": 1000, "stop": 2500, "historyId": uuid.uuid4().hex, "steps": [],
            "labels": [{"name": "feature", "value": feature}, {"name": "tag", "value": "wave5"}]}
    if message:
        data["statusDetails"] = {"message": message, "trace": "Traceback …"}
    return data


def make_shard(folder: Path, index: int, of: int, scenarios: list, *, statuses: dict = None, exit_code=0,
               plan: str = "p1", stderr: str = "", skip_results: tuple = ()) -> Path:
    """scenarios: (feature, name) pairs; statuses: name -> status (default passed)."""
    statuses = statuses or {}
    results = folder / "allure-results"
    results.mkdir(parents=True)
    (folder / "junit").mkdir()
    cases = []
    for feature, name in scenarios:
        status = statuses.get(name, "passed")
        if name not in skip_results:
            message = FAIL_LINE + "\ndetails" if status in ("failed", "broken") else ""
            data = result(feature, name, status, message)
            (results / f"{data['uuid']}-result.json").write_text(json.dumps(data))
        cases.append(f'<testcase classname="x.{feature}" name="{name} " status="{status}" time="1.0"/>')
    cases.append('<testcase classname="x.F" name="not mine " status="skipped" time="0"/>')
    (folder / "junit" / "TESTS-x.xml").write_text(
        f'<testsuite name="x" tests="{len(cases)}" skipped="1">{"".join(cases)}</testsuite>')
    (results / "categories.json").write_text("[]")
    (results / "environment.properties").write_text(f"target.embedded_reference=true\nrun.id=w5-run{index}\n")
    (folder / "behave-stderr.log").write_text(stderr)
    (folder / "shard.json").write_text(json.dumps({
        "shard": index, "of": of, "plan": plan, "exit_code": exit_code, "wall_seconds": 1.5,
        "scenarios": [{"location": f"f.feature:{i}", "feature": f, "name": n.strip(), "weight_ms": 1000}
                      for i, (f, n) in enumerate(scenarios)]}))
    return folder
