"""The GitHub Actions workflows, as far as they can be checked without GitHub: actionlint (with shellcheck) is a
real gate, actions are pinned, and the jobs are wired the way docs/ci.md says (the project's tests on every Python
it claims, shards, merge, one acceptance verdict, publish on main only, Pages deployment, the real target behind its
environment and concurrency group, cut off below the job's limit and still reporting, every budget settable)."""
from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from support.runtime.config import TIME_BUDGET_VARIABLES

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


def test_the_projects_tests_run_on_every_python_it_claims_and_the_acceptance_verdict_needs_them():
    flow = load("acceptance.yml")
    assert {"push", "pull_request"} <= set(flow["on"])
    tests = flow["jobs"]["tests"]
    versions = tests["strategy"]["matrix"]["python"]
    claimed = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert claimed == ">=3.11" and {"3.11", "3.12"} <= set(versions) and min(versions, key=lambda v: tuple(
        map(int, v.split(".")))) == "3.11"
    assert tests["strategy"]["fail-fast"] is False
    [python] = steps_using(tests, "actions/setup-python")
    assert python["with"]["python-version"] == "${{ matrix.python }}"
    [command] = [step for step in tests["steps"] if "run" in step]
    assert command["run"].strip() == ".ci/run" and "scripts/test" in (ROOT / ".ci" / "run").read_text()
    # scripts/setup would pick the newest CPython on the runner, not the matrix's
    assert command["env"]["PYTHON"] == f"${{{{ steps.{python['id']}.outputs.python-path }}}}"
    verdict = flow["jobs"]["verdict"]
    assert set(verdict["needs"]) == {"tests", "report"} and verdict["if"] == "${{ always() }}"
    text = run_text(verdict)
    assert '"$TESTS" != success' in text and '"$REPORT" != success' in text and "exit 1" in text
    assert verdict["steps"][0]["env"] == {"TESTS": "${{ needs.tests.result }}", "REPORT": "${{ needs.report.result }}"}


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


def test_a_real_target_run_cut_off_by_its_step_limit_still_uploads_its_report_summary_and_ledger():
    run = load("real-target.yml")["jobs"]["run"]
    steps = run["steps"]
    [suite] = [i for i, step in enumerate(steps) if "scripts/shard run" in str(step.get("run", ""))]
    assert 0 < steps[suite]["timeout-minutes"] < run["timeout-minutes"]
    after = steps[suite + 1:]
    merge = next(step for step in after if "scripts/shard merge" in str(step.get("run", "")))
    upload = steps_using({"steps": after}, "actions/upload-artifact")[0]
    summary = next(step for step in after if "scripts/ci-summary" in str(step.get("run", "")))
    for step in (merge, upload, summary):
        assert step["if"] == "${{ always() }}", step.get("name")
    # the ledger written as resources are made, merged into the uploaded folder and listed in the summary
    assert upload["with"]["path"] == "reports/merged"
    assert "--ledger reports/merged/created-resources.jsonl" in summary["run"]
    # the summary's redaction knows the target's address, and shows its label instead
    assert summary["env"]["PRESSLUFT_BASE_URL"] == "${{ secrets.PRESSLUFT_BASE_URL }}"
    assert summary["env"]["PRESSLUFT_TARGET_NAME"] == "${{ vars.PRESSLUFT_TARGET_NAME }}"


def test_every_budget_the_suite_reads_can_be_set_from_the_workflows_variables():
    """support/runtime/config.py's TIME_BUDGET_VARIABLES is the list (tests/suite/test_config.py checks it against what
    load_settings reads): a new budget cannot be forgotten here."""
    run = load("real-target.yml")["jobs"]["run"]
    [suite] = [step for step in run["steps"] if "scripts/shard run" in str(step.get("run", ""))]
    assert len(TIME_BUDGET_VARIABLES) >= 11
    for name in (*TIME_BUDGET_VARIABLES, "PRESSLUFT_TARGET_NAME"):
        assert suite["env"].get(name) == f"${{{{ vars.{name} }}}}", name
