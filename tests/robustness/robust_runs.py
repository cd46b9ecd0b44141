"""Helpers of the robustness tests and of scripts/chaos: chaos targets, stand-in targets that misbehave,
the bad configurations, and reading the figures of a run.

Builds on tests/acceptance/behave_runs.py (behave in a subprocess, reference targets of our own).
"""
from __future__ import annotations

import re
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
for _path in (ROOT, ROOT / "tests" / "acceptance"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from behave_runs import BehaveRun, FaultyTarget, closed_port_url, run_behave  # noqa: E402

# 20 % of the GETs answer 502 or 503, every GET is delayed by up to 1 s; for the whole life of the target
CHAOS = "error_rate=0.2,latency_max=1.0,statuses=502+503,methods=GET"
SUMMARY = re.compile(r"(\d+) scenarios? passed, (\d+) failed, (\d+) skipped")


def chaos_spec(seed: int) -> str:
    return f"{CHAOS},seed={seed}"


# The reference retries a failed job after 0.5 s, 1 s, 2 s: shorter than a read can take under the chaos
# faults (up to 1 s of latency, more when a 502/503 is retried), so a scenario that must *see* a job waiting
# to retry, or a node not yet ready, could miss the state altogether. On a real Pressluft those states last
# minutes (backoff 1/5/15 min). Chaos targets keep them for 3 s, longer than a read with two retries.
CHAOS_REFERENCE_ARGS = ("--retry-backoff", "3")


def chaos_target(seed: int, *extra_args: str) -> FaultyTarget:
    return FaultyTarget(extra_args=("--http-faults", chaos_spec(seed), *CHAOS_REFERENCE_ARGS, *extra_args))


def http_counts(url: str) -> dict:
    """What the reference's HTTP fault did so far: matched requests, injected errors, total delay."""
    return requests.get(url + "/_reference/faults", timeout=10).json()["http-counts"]


def scenario_counts(run: BehaveRun) -> tuple[int, int, int]:
    found = SUMMARY.search(run.stdout)
    return tuple(int(n) for n in found.groups()) if found else (0, 0, 0)


def recorded_retries(run: BehaveRun) -> int:
    """Retried reads as the suite recorded them (the `[retry N of GET]` notes in the attached exchanges)."""
    folder = run.reports / "allure-results"
    if not folder.exists():
        return 0
    return sum(p.read_text(errors="replace").count("of GET]") for p in folder.glob("*-attachment*"))


@dataclass
class ChaosFigures:
    seed: int
    exit_code: int
    passed: int
    failed: int
    skipped: int
    seconds: float
    gets: int
    injected_errors: int
    injected_delay: float
    retries: int
    verdicts: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.failed == 0 and self.passed > 0

    def line(self) -> str:
        return (f"seed={self.seed} {'PASS' if self.ok else 'FAIL'} exit={self.exit_code} "
                f"scenarios={self.passed} passed/{self.failed} failed/{self.skipped} skipped "
                f"seconds={self.seconds:.0f} GETs={self.gets} injected_errors={self.injected_errors} "
                f"injected_delay={self.injected_delay:.0f}s retries_recorded={self.retries}")


def chaos_run(workdir: Path, seed: int, *behave_args: str, timeout: float = 1500) -> tuple[ChaosFigures, BehaveRun]:
    """One behave run against a reference target of its own that carries the chaos faults."""
    target = chaos_target(seed)
    try:
        run = run_behave(workdir, "-f", "progress", *(behave_args or ("features/wave5",)), env=target.env(),
                         timeout=timeout)
        counts = http_counts(target.url)
    finally:
        target.stop()
    passed, failed, skipped = scenario_counts(run)
    return ChaosFigures(seed, run.exit_code, passed, failed, skipped, run.elapsed, counts["matched"],
                        counts["failed"], counts["delayed_seconds"], recorded_retries(run),
                        [v["category"] + " " + v["command"] for v in run.verdicts]), run


# -- stand-in targets ------------------------------------------------------------------------------
class SilentListener:
    """Accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def close(self):
        self.sock.close()




# -- bad configurations ------------------------------------------------------------------------------
@dataclass
class BadConfig:
    name: str
    env: dict
    category: str
    reason_part: str
    bound: float  # seconds the run may take (its connect/read timeout plus 5 s)


def bad_configurations(reference_url: str, html404_url: str, lookalike_url: str) -> list[BadConfig]:
    unreachable = closed_port_url()
    return [
        BadConfig("unreachable base URL", {"PRESSLUFT_BASE_URL": unreachable}, "target_unavailable",
                  "connection refused", 3 + 5),
        BadConfig("a URL that is not Pressluft", {"PRESSLUFT_BASE_URL": html404_url}, "config_error",
                  "does not look like a Pressluft API", 5),
        BadConfig("wrong credentials", {"PRESSLUFT_BASE_URL": reference_url, "PRESSLUFT_PASSWORD": "wrong-pw-1234"},
                  "auth_failed", "invalid credentials", 5),
        BadConfig("a real target without a provider token", {"PRESSLUFT_BASE_URL": lookalike_url}, "config_error",
                  "no provider token", 5),
        BadConfig("a malformed URL", {"PRESSLUFT_BASE_URL": "http://127.0.0.1:notaport"}, "config_error",
                  "not a valid URL", 5),
        BadConfig("a non-numeric budget", {"PRESSLUFT_JOB_TIMEOUT": "soon"}, "config_error",
                  "must be a number of seconds", 5),
        BadConfig("a negative budget", {"PRESSLUFT_NODE_TIMEOUT": "-5"}, "config_error",
                  "must be a positive number of seconds", 5),
    ]


def check_bad_config(run: BehaveRun, case: BadConfig) -> list[str]:
    """What is wrong with how this run reported its bad configuration (empty: all good)."""
    problems = []
    lines = [line for line in run.stderr.splitlines() if line.startswith("[wave5] FAIL")]
    if len(lines) != 1:
        problems.append(f"{len(lines)} [wave5] FAIL lines")
    elif f"category={case.category} " not in lines[0] or case.reason_part not in lines[0]:
        problems.append(f"wrong line: {lines[0]}")
    if run.exit_code == 0:
        problems.append("exit code 0")
    if "Traceback" in run.output:
        problems.append("a Python traceback")
    passed = SUMMARY.search(run.stdout)
    if passed and int(passed.group(1)) > 0:
        problems.append(f"{passed.group(1)} scenarios reported passed")
    if run.elapsed > case.bound:
        problems.append(f"took {run.elapsed:.1f} s (bound {case.bound} s)")
    return problems
