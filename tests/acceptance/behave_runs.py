"""Helpers of the acceptance tests. Runs `behave features/wave5`, or a smoke command (scripts/smoke*), in a
subprocess and reads its verdicts: exit code, [wave5] lines, the smoke's success line, Allure results and JUnit
XML. Faulty targets are reference servers started here with --enable-faults, their faults injected over the
fault API, and handed to the suite as external targets."""
from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import requests
from behave.parser import parse_file

from support.runtime.smoke_commands import SMOKES
from support.runtime.target import EmbeddedTarget
from tools.stand_ins import StandIn  # noqa: F401 - re-exported for the tests
from tools.suite_runs import SUCCESS_LINE, SuiteRun, run_process  # noqa: F401 - re-exported for the tests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pressluft-dev-password"
EMAIL = "admin@pressluft.local"


@dataclass(frozen=True)
class Scenario:
    """A scenario of features/wave5 as behave names it (an outline row with its suffix), with its tags and steps."""

    name: str
    tags: frozenset
    steps: tuple

    def says(self, words: str) -> bool:
        return any(words in step for step in self.steps)


def wave5_scenarios() -> list[Scenario]:
    found = []
    for path in sorted((ROOT / "features" / "wave5").glob("*.feature")):
        feature = parse_file(str(path))
        background = [step.name for step in (feature.background.steps if feature.background else [])]
        for scenario in feature.walk_scenarios():
            found.append(Scenario(scenario.name.strip(), frozenset(scenario.effective_tags),
                                  tuple(background + [step.name for step in scenario.steps])))
    return found


def run_behave(tmp_path: Path, *args: str, env: Optional[dict] = None, timeout: float = 240) -> SuiteRun:
    return run_process(tmp_path, [sys.executable, "-m", "behave", *args], env, timeout)


def run_smoke(tmp_path: Path, smoke: str, *args: str, env: Optional[dict] = None, script: bool = True,
              timeout: float = 240) -> SuiteRun:
    """A smoke command as an operator runs it from the repository root: `bash scripts/smoke-<smoke>.sh [args]`,
    or with script=False `scripts/smoke <smoke> [args]`; its reports under tmp_path/reports."""
    command = ["bash", SMOKES[smoke].script, *args] if script else [str(ROOT / "scripts" / "smoke"), smoke, *args]
    return run_process(tmp_path, command, env, timeout)


class FaultyTarget:
    """A reference target of our own, with its fault API and a signed-in API session for reading back."""

    def __init__(self, extra_args=(), enable_faults=True):
        self.target = EmbeddedTarget(extra_args=extra_args, enable_faults=enable_faults)
        self.url = self.target.start()
        self.api = requests.Session()
        self.api.trust_env = False
        answer = self.api.post(self.url + "/api/login", json={"email": EMAIL, "password": PASSWORD}, timeout=5)
        assert answer.status_code == 200, answer.text

    def fault(self, route: str, body: dict) -> None:
        answer = requests.post(f"{self.url}/_reference/faults/{route}", json=body, timeout=5)
        assert answer.status_code in (200, 201, 204), answer.text

    def get(self, path: str):
        answer = self.api.get(self.url + path, timeout=5)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def get_faults(self) -> dict:
        answer = requests.get(f"{self.url}/_reference/faults", timeout=5)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def jobs(self, **match) -> list[dict]:
        return [job for job in self.get("/api/jobs") if all(job.get(k) == v for k, v in match.items())]

    def env(self, **extra) -> dict:
        return {"PRESSLUFT_BASE_URL": self.url, **extra}

    def sites(self, slug_prefix: str = "") -> list[dict]:
        return [site for site in self.get("/api/sites") if (site.get("slug") or "").startswith(slug_prefix)]

    def environments(self, site_id: str) -> list[dict]:
        return self.get(f"/api/sites/{site_id}/environments")

    def stop(self):
        self.target.stop()


def only_verdict(run: SuiteRun) -> dict:
    verdicts = run.verdicts
    assert len(verdicts) == 1 and len(run.fail_lines) == 1, \
        f"expected one [wave5] FAIL line, got {len(run.fail_lines)}:\n{run.stderr[-3000:]}"
    return verdicts[0]


def new_run_id() -> str:
    """A run id of the suite's own form (w5-<8 hex>), to give a smoke and to scope its faults by."""
    return f"w5-{uuid.uuid4().hex[:8]}"


def assert_no_secrets(run: SuiteRun, *secrets: str) -> None:
    written = run.everything_written()
    for secret in (PASSWORD, *secrets):
        assert secret not in written, f"a secret reached the output or the reports: {secret[:4]}…"
