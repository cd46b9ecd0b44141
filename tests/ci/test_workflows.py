"""The GitHub Actions workflows, as far as they can be checked without GitHub: actionlint (with shellcheck) is a
real gate, actions are pinned, and the jobs are wired the way docs/ci.md says (shards, merge, publish on main only,
Pages deployment, the real target behind its environment and concurrency group)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONLINT = ROOT / ".venv" / "bin" / "actionlint"
SHELLCHECK = ROOT / ".venv" / "bin" / "shellcheck"


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith(action + "@")]


def run_text(job: dict) -> str:
    return "\n".join(str(s.get("run", "")) for s in job.get("steps", []))


def test_every_action_is_pinned_to_a_release():
    for path in WORKFLOWS.glob("*.yml"):
        for uses in re.findall(r"uses:\s*(\S+)", path.read_text()):
            if uses.startswith("./"):
                continue
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})", uses), f"{path.name}: {uses}"


@pytest.mark.skipif(not ACTIONLINT.exists(), reason="actionlint is installed by scripts/setup")
def test_actionlint_with_shellcheck_catches_a_broken_workflow(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo $UNQUOTED\n      - if: ${{ matrix.nope }}\n        run: exit 0\n")
    done = subprocess.run([str(ACTIONLINT), "-no-color", "-shellcheck", str(SHELLCHECK), "-pyflakes", "", str(bad)],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1
    assert "SC2086" in done.stdout  # shellcheck is wired in
    assert "matrix" in done.stdout  # and actionlint's own expression checks
    clean = subprocess.run([str(ACTIONLINT), "-no-color", "-shellcheck", str(SHELLCHECK), "-pyflakes", "",
                            *map(str, sorted(WORKFLOWS.glob("*.yml")))], cwd=ROOT, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_the_embedded_run_is_sharded_merged_and_published_from_main_only():
    flow = load("acceptance.yml")
    assert {"push", "pull_request"} <= set(flow["on"])
    shard, report, publish = flow["jobs"]["shard"], flow["jobs"]["report"], flow["jobs"]["publish"]
    assert shard["strategy"]["fail-fast"] is False and len(shard["strategy"]["matrix"]["shard"]) >= 2
    assert "scripts/shard run" in run_text(shard)
    assert any("strategy.job-total" in str(s.get("env", "")) for s in shard["steps"])
    assert steps_using(shard, "actions/upload-artifact")[0]["if"] == "${{ !cancelled() }}"
    assert report["needs"] == "shard" and report["if"] == "${{ !cancelled() }}"
    assert steps_using(report, "actions/download-artifact")[0]["with"]["pattern"] == "shard-*"
    text = run_text(report)
    assert "scripts/shard merge shards/shard-*" in text and "scripts/ci-summary" in text
    assert "--fetch-history" in text
    assert "refs/heads/main" in publish["if"] and "pull_request" in publish["if"]
    assert publish["uses"] == "./.github/workflows/publish-report.yml"
    assert publish["with"]["part"] == "embedded"


def test_publishing_deploys_the_site_branch_to_pages():
    flow = load("publish-report.yml")
    assert "workflow_call" in flow["on"]
    site, deploy = flow["jobs"]["site"], flow["jobs"]["deploy"]
    assert site["permissions"] == {"contents": "write"} and "scripts/publish-site" in run_text(site)
    assert deploy["needs"] == "site"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert steps_using(deploy, "actions/checkout")[0]["with"]["ref"] == "pages-site"
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert steps_using(deploy, action), action


def test_the_real_target_runs_on_demand_behind_its_environment_one_run_at_a_time():
    flow = load("real-target.yml")
    assert "workflow_dispatch" in flow["on"] and "schedule" in flow["on"]
    run = flow["jobs"]["run"]
    assert run["environment"] == "pressluft-real-target"
    assert run["concurrency"] == {"group": "pressluft-real-target", "cancel-in-progress": False}
    text = (WORKFLOWS / "real-target.yml").read_text()
    for secret in ("PRESSLUFT_BASE_URL", "PRESSLUFT_EMAIL", "PRESSLUFT_PASSWORD", "PRESSLUFT_PROVIDER_TOKEN"):
        assert f"${{{{ secrets.{secret} }}}}" in text
    assert "scripts/shard run 1/1" in run_text(run) and "scripts/ci-summary" in run_text(run)
    assert flow["jobs"]["publish"]["with"]["part"] == "real-target"
    # only the job in the protected environment sees the secrets
    assert "secrets." not in yaml.safe_dump(flow["jobs"]["publish"])
