"""The smoke commands run as an operator runs them, in a subprocess (in a checkout scripts/smoke-*.sh from the
repository root, installed `pressluft-smoke <name>`: support/installation.py), and what they left behind: their
exit status, their `[wave5] FAIL` line, and the site they made on the target (found by the run id the smoke was
given).
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Optional

from support import installation
from support.actor import Operator
from support.config import Settings
from support.questions import TheEnvironments, TheJobs, TheSites, by_id, jobs_touching, production_of
from support.verdicts.failure import parse_summary_lines

SMOKES = {"clone preview": "site-clone-preview", "backup and restore": "backup-restore"}
PASSED = re.compile(r"^\[smoke\] success: .* \((?P<count>\d+) scenarios? passed\)$", re.MULTILINE)


@dataclass
class SmokeRun:
    name: str
    command_line: str
    run_id: str
    exit_code: int
    output: str
    elapsed: float
    budgets: dict = field(default_factory=dict)

    @property
    def verdicts(self) -> list[dict]:
        return parse_summary_lines(self.output)

    @property
    def scenarios_passed(self) -> int:
        found = PASSED.search(self.output)
        return int(found.group("count")) if found else 0

    @property
    def slug_prefix(self) -> str:
        """Every site, environment and node the smoke creates is named with its run id."""
        return f"{self.run_id}-"

    def tail(self, lines: int = 30) -> str:
        """The last lines, quoted with "| " so that the smoke's own [wave5] line is not taken for ours."""
        return "\n".join(f"  | {line}" for line in self.output.splitlines()[-lines:])


def unused_local_url() -> str:
    """A loopback address where nothing listens (the port was just free)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def run_smoke(name: str, settings: Settings, *, run_id: str, base_url: Optional[str] = None,
              budgets: Optional[dict] = None, timeout: float = 900) -> SmokeRun:
    """Runs the smoke against `base_url` (default: the run's target) with the run's settings, the given
    budget overrides (e.g. {"clone": 2}) and its own run id; its reports go to a folder that is removed."""
    command, command_line = installation.smoke_command(SMOKES[name])
    smoke_settings = settings.with_budgets(**(budgets or {}))
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("PRESSLUFT_") and key != "HETZNER_API_TOKEN"}
    env.update(smoke_settings.as_environment())
    env.update({"PRESSLUFT_BASE_URL": base_url or settings.base_url, "PRESSLUFT_RUN_ID": run_id})
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pressluft-smoke-reports-") as reports:  # not ours to keep
        env["PRESSLUFT_REPORTS_DIR"] = reports
        result = subprocess.run(command, cwd=installation.home(), env=env, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=timeout)
    return SmokeRun(name, command_line, run_id, result.returncode, result.stdout + result.stderr,
                    time.monotonic() - started, dict(budgets or {}))


@dataclass
class SmokeSite:
    """The site a smoke made, with its environments and jobs as listed now."""

    site: Optional[dict]
    environments: list
    jobs: list

    @property
    def production(self) -> Optional[dict]:
        return production_of(self.environments)

    def job(self, job_type: str) -> Optional[dict]:
        found = jobs_touching(self.jobs, site_id=(self.site or {}).get("id"), job_type=job_type)
        return found[-1] if self.site and found else None

    def environment_of_type(self, type: str) -> Optional[dict]:
        """The site's environment of that type, as the site lists it (independent of what any job names)."""
        return next((env for env in self.environments if env.get("environment_type") == type), None)

    def environment_made(self, job_type: str) -> Optional[dict]:
        """The environment of the site that its latest job of that type names (as the site lists it)."""
        job = self.job(job_type)
        return by_id(self.environments, job.get("environment_id")) if job else None


def site_of(operator: Operator, smoke: SmokeRun) -> SmokeSite:
    sites = [site for site in operator.asks_for(TheSites(quiet=True))
             if (site.get("slug") or "").startswith(smoke.slug_prefix)]
    site = sites[-1] if sites else None
    environments = operator.asks_for(TheEnvironments(site["id"], quiet=True)) if site else []
    jobs = operator.asks_for(TheJobs(quiet=True)) if site else []
    return SmokeSite(site, environments, jobs)
