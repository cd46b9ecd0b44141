"""scripts/chaos: the figures of "trustworthy under faults" (docs/robustness.md).

1. N full runs of the suite, each against a reference target of its own with 20 % of the GETs answering
   502/503 and up to 1 s of latency on every GET (`--http-faults`), with the reference's default retry
   backoff: every run must pass.
2. The bad configurations: each must give one `[wave5] FAIL` line with its category (naming the variable,
   where one is to blame), exit 2 (the run could not judge Pressluft), no traceback, nothing passed, within its
   bound.
3. Fuzzing the reference (schemathesis) and its invariants afterwards.

    python -m tools.chaos [--runs N] [--parallel P] [--seed S] [--examples E] [--skip-runs] [--skip-config]
                          [--skip-fuzz] [--output DIR]

tests/robustness imports the parts (one chaos run, the bad configurations, the fuzzer and the invariants).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import requests

from support.pressluft.jobs import STATES, TERMINAL
from support.runtime import installation
from support.runtime.config import DEFAULT_EMAIL, DEFAULT_PASSWORD
from support.runtime.ports import unused_local_url
from support.runtime.target import EmbeddedTarget
from support.verdicts.categories import exit_status
from tools.stand_ins import StandIn
from tools.suite_runs import SuiteRun, run_process

ROOT = installation.home()  # the checkout these tools run in

# 20 % of the GETs answer 502 or 503, every GET is delayed by up to 1 s; for the whole life of the target
CHAOS = "error_rate=0.2,latency_max=1.0,statuses=502+503,methods=GET"
# a Python exception as behave prints it when a hook or the runner crashes (`FileNotFoundError: …`)
EXCEPTION_LINE = re.compile(r"^(?:HOOK-ERROR|[A-Za-z_.]*(?:Error|Exception):)", re.M)


def say(text: str) -> None:
    print(f"chaos: {text}", flush=True)


# -- a behave run in a subprocess -------------------------------------------------------------------
def run_suite(workdir: Path, *args: str, env: Optional[dict] = None, timeout: float = 1500) -> SuiteRun:
    """`behave ARGS` from the repository root with only these PRESSLUFT_* variables (reports under workdir);
    its stdout and stderr are kept beside the reports."""
    workdir.mkdir(parents=True, exist_ok=True)
    run = run_process(workdir, [sys.executable, "-m", "behave", *args], env, timeout)
    (workdir / "behave.stdout").write_text(run.stdout)
    (workdir / "behave.stderr").write_text(run.stderr)
    return run


# -- transient faults ------------------------------------------------------------------------------
def chaos_reference_args(seed: int) -> tuple:
    """The reference's flags for a chaos target: the faults for its whole life, nothing else (its default
    retry backoff: no verdict depends on seeing a state shorter than one poll)."""
    return ("--http-faults", f"{CHAOS},seed={seed}")


def http_counts(url: str) -> dict:
    """What the reference's HTTP fault did so far: matched requests, injected errors, total delay."""
    return requests.get(url + "/_reference/faults", timeout=10).json()["http-counts"]


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


def chaos_run(workdir: Path, seed: int, *behave_args: str, timeout: float = 1500) -> tuple[ChaosFigures, SuiteRun]:
    """One behave run against a reference target of its own that carries the chaos faults. The target is the
    run's alone: the scenarios that change shared state run too (PRESSLUFT_ALLOW_DISRUPTIVE)."""
    target = EmbeddedTarget(extra_args=chaos_reference_args(seed))
    url = target.start()
    try:
        run = run_suite(workdir, "-f", "progress", *(behave_args or ("features/wave5",)),
                        env={"PRESSLUFT_BASE_URL": url, "PRESSLUFT_ALLOW_DISRUPTIVE": "1"}, timeout=timeout)
        counts = http_counts(url)
    finally:
        target.stop()
    passed, failed, skipped = run.scenario_counts()
    return ChaosFigures(seed, run.exit_code, passed, failed, skipped, run.elapsed, counts["matched"],
                        counts["failed"], counts["delayed_seconds"], run.recorded_retries(),
                        [f"{v['category']} {v['command']} {v['reason']}" for v in run.verdicts]), run


def transient_fault_runs(runs: int, parallel: int, first_seed: int, workdir: Path) -> dict:
    def one(index: int):
        seed = first_seed + index
        figures, _ = chaos_run(workdir / f"run-{seed}", seed)
        say(f"run {index + 1}/{runs} {figures.line()}")
        for verdict in figures.verdicts if not figures.ok else ():
            say(f"  {verdict}")
        return figures

    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        results = list(pool.map(one, range(runs)))
    summary = {
        "runs": runs, "passed": sum(f.ok for f in results),
        "scenarios": sum(f.passed + f.failed for f in results),
        "scenario_failures": sum(f.failed for f in results),
        "gets": sum(f.gets for f in results), "injected_errors": sum(f.injected_errors for f in results),
        "injected_delay_seconds": round(sum(f.injected_delay for f in results)),
        "retries_recorded": sum(f.retries for f in results),
        "seconds_per_run": [round(f.seconds) for f in results],
        "failed_runs": [{"run": f.line(), "verdicts": f.verdicts} for f in results if not f.ok],
    }
    rate = summary["injected_errors"] / summary["gets"] * 100 if summary["gets"] else 0
    say(f"transient faults: {summary['passed']}/{runs} runs passed; {summary['scenarios']} scenarios, "
        f"{summary['scenario_failures']} failed; {summary['gets']} GETs, {summary['injected_errors']} answered "
        f"502/503 ({rate:.1f} %), {summary['injected_delay_seconds']} s of injected latency, "
        f"{summary['retries_recorded']} retries recorded in the reports; "
        f"{min(summary['seconds_per_run'])}-{max(summary['seconds_per_run'])} s per run")
    return summary


# -- bad configurations ------------------------------------------------------------------------------
@dataclass
class BadConfig:
    name: str
    env: dict
    category: str
    reason_part: str
    bound: float  # seconds the run may take (its connect/read timeout plus 5 s)
    variable: Optional[str] = None  # the variable to blame, when one is: the line must name it


def bad_configurations(reference_url: str, html404_url: str, lookalike_url: str) -> list[BadConfig]:
    unreachable = unused_local_url()

    def variable(name: str, value: str, case: str, reason_part: str) -> BadConfig:
        return BadConfig(case, {name: value}, "config_error", reason_part, 5, variable=name)

    return [
        BadConfig("unreachable base URL", {"PRESSLUFT_BASE_URL": unreachable}, "target_unavailable",
                  "connection refused", 3 + 5),
        BadConfig("a URL that is not Pressluft", {"PRESSLUFT_BASE_URL": html404_url}, "config_error",
                  "does not look like a Pressluft API", 5),
        BadConfig("wrong credentials", {"PRESSLUFT_BASE_URL": reference_url, "PRESSLUFT_PASSWORD": "wrong-pw-1234"},
                  "auth_failed", "invalid credentials", 5),
        BadConfig("a real target without a provider token", {"PRESSLUFT_BASE_URL": lookalike_url}, "config_error",
                  "no provider token", 5, variable="PRESSLUFT_PROVIDER_TOKEN"),
        variable("PRESSLUFT_BASE_URL", "http://127.0.0.1:notaport", "a malformed URL", "not a valid URL"),
        variable("PRESSLUFT_JOB_TIMEOUT", "soon", "a non-numeric budget", "must be a number of seconds"),
        variable("PRESSLUFT_NODE_TIMEOUT", "-5", "a negative budget", "must be a positive number of seconds"),
        variable("PRESSLUFT_BACKUP_TIMEOUT", "0", "a zero budget of one job kind",
                 "must be a positive number of seconds"),
        variable("PRESSLUFT_RETRY_CEILING", "forever", "a bad retry ceiling", "must be a number of seconds"),
        variable("PRESSLUFT_POLL_POLICY", "bogus", "an unknown poll policy", "must be one of adaptive, fixed-2s"),
        variable("PRESSLUFT_RELEASE_NODE", "sometimes", "an unknown release policy",
                 "must be one of always, on-pass, never"),
        variable("PRESSLUFT_REPORTS_DIR", "/proc/nope", "a reports folder that cannot be written to",
                 "is not a folder the suite can write to"),
        variable("PRESSLUFT_REFERENCE_ARGS", "--retry-backoff 'unclosed", "reference flags that cannot be split",
                 "is not a valid argument list"),
    ]


def check_bad_config(run: SuiteRun, case: BadConfig) -> list[str]:
    """What is wrong with how this run reported its bad configuration (empty: all good)."""
    problems = []
    lines = [line for line in run.stderr.splitlines() if line.startswith("[wave5] FAIL")]
    if len(lines) != 1:
        problems.append(f"{len(lines)} [wave5] FAIL lines")
    elif f"category={case.category} " not in lines[0] or case.reason_part not in lines[0]:
        problems.append(f"wrong line: {lines[0]}")
    elif case.variable and case.variable not in lines[0]:
        problems.append(f"the line does not name {case.variable}: {lines[0]}")
    if run.exit_code != exit_status([case.category]):  # 2: a set-up problem, the run could not judge Pressluft
        problems.append(f"exit code {run.exit_code}")
    if "Traceback" in run.output:
        problems.append("a Python traceback")
    crash = EXCEPTION_LINE.search(run.output)
    if crash:
        problems.append(f"a crash: {run.output[crash.start():].splitlines()[0]}")
    passed, _, _ = run.scenario_counts()
    if passed > 0:
        problems.append(f"{passed} scenarios reported passed")
    if run.elapsed > case.bound:
        problems.append(f"took {run.elapsed:.1f} s (bound {case.bound} s)")
    return problems


def bad_configuration_runs(workdir: Path) -> dict:
    html404, lookalike = StandIn("html404"), StandIn("lookalike")
    reference = EmbeddedTarget()
    results = []
    try:
        reference_url = reference.start()
        for index, case in enumerate(bad_configurations(reference_url, html404.url, lookalike.url)):
            run = run_suite(workdir / f"config-{index}", "features/wave5", env=case.env, timeout=120)
            problems = check_bad_config(run, case)
            line = next((text for text in run.stderr.splitlines() if text.startswith("[wave5] FAIL")), "(no line)")
            say(f"config {'OK  ' if not problems else 'BAD '} {case.name}: exit={run.exit_code} "
                f"{run.elapsed:.1f} s {line}" + (f" PROBLEMS: {'; '.join(problems)}" if problems else ""))
            results.append({"case": case.name, "exit": run.exit_code, "seconds": round(run.elapsed, 1),
                            "line": line, "problems": problems})
    finally:
        reference.stop()
        html404.close()
        lookalike.close()
    clear = sum(not r["problems"] for r in results)
    say(f"bad configuration: {clear}/{len(results)} clear (one category line naming what is to blame, exit 2, "
        f"no traceback, nothing passed, in bound); slowest {max(r['seconds'] for r in results):.1f} s")
    return {"cases": len(results), "clear": clear, "results": results}


# -- fuzzing the reference ---------------------------------------------------------------------------
# Every /api operation of contract/openapi.yaml except logout (it would end the session the fuzzer uses) is
# called with schema-conforming (positive) and schema-violating (negative) inputs, path ids drawn at random
# and taken from real records; each answer must not be a 5xx, and a positive input's answer must conform to
# the response schema.
EXCLUDED = {"POST /logout"}
# body fields that name a record: with real ids, the inputs get past the lookups into the deeper checks
BODY_IDS = {"source_environment_id": "environment", "backup_id": "backup"}
# which real record feeds the {id} of a path
ID_SOURCES = {"/sites/{id}": "site", "/sites/{id}/environments": "site", "/environments/{id}": "environment",
              "/environments/{id}/backups": "environment", "/environments/{id}/restore": "environment",
              "/jobs/{id}": "job", "/jobs/{id}/cancel": "job"}


@dataclass
class FuzzReport:
    inputs: int = 0
    by_operation: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)

    def failed(self, label: str, mode: str, status: Optional[int], message: str, curl: str) -> None:
        self.failures.append({"operation": label, "mode": mode, "status": status,
                              "message": " ".join(message.split())[:300], "curl": curl})


class Session:
    def __init__(self, base_url: str, email: str, password: str):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.trust_env = False
        answer = self.http.post(base_url + "/api/login", json={"email": email, "password": password}, timeout=10)
        assert answer.status_code == 200, answer.text
        self.cookie = self.http.cookies.get("session_token")

    def get(self, path: str):
        answer = self.http.get(self.base_url + path, timeout=10)
        assert answer.status_code == 200, (path, answer.status_code, answer.text)
        return answer.json()


def seed_records(api: Session) -> None:
    """A connected provider, a ready node, a site: so that fuzzed ids can hit real records."""
    api.http.post(api.base_url + "/api/providers", json={"provider_id": "hetzner", "api_token": "fuzz-token"},
                  timeout=10)
    if not any(node["readiness"]["is_ready"] for node in api.get("/api/nodes")):
        api.http.post(api.base_url + "/api/nodes", json={"provider_id": "hetzner", "name": "fuzz-node"}, timeout=10)
        wait_quiet(api)
    api.http.post(api.base_url + "/api/sites", json={"name": "Fuzz site", "slug": "fuzz-site"}, timeout=10)
    wait_quiet(api)
    for site in api.get("/api/sites"):
        api.http.post(f"{api.base_url}/api/environments/{site['primary_environment_id']}/backups",
                      json={"backup_scope": "full"}, timeout=10)
    wait_quiet(api)


def real_ids(api: Session) -> dict:
    sites = api.get("/api/sites")
    environments = [env for site in sites for env in api.get(f"/api/sites/{site['id']}/environments")]
    backups = [b for env in environments for b in api.get(f"/api/environments/{env['id']}/backups")]
    return {"site": [s["id"] for s in sites], "environment": [e["id"] for e in environments],
            "job": [j["id"] for j in api.get("/api/jobs")], "backup": [b["id"] for b in backups]}


def wait_quiet(api: Session, budget: float = 30.0) -> list:
    """Until no job is queued or running; a job that would not end is cancelled after the budget."""
    deadline = time.monotonic() + budget
    while True:
        busy = [job for job in api.get("/api/jobs") if job["status"] in ("queued", "running")]
        if not busy:
            return []
        if time.monotonic() > deadline:
            for job in busy:
                api.http.post(f"{api.base_url}/api/jobs/{job['id']}/cancel", timeout=10)
            time.sleep(0.5)
            return busy
        time.sleep(0.1)


def fuzz(base_url: str, *, email: str = DEFAULT_EMAIL, password: str = DEFAULT_PASSWORD,
         examples: int = 30, seed: int = 5, report: Optional[FuzzReport] = None) -> FuzzReport:
    """Fuzz every operation in both modes with `examples` inputs each (and as many again with real ids)."""
    import schemathesis
    from schemathesis import GenerationMode

    import contract

    report = report or FuzzReport()
    api = Session(base_url, email, password)
    seed_records(api)
    ids = real_ids(api)
    schema = schemathesis.openapi.from_dict(contract.load_openapi())
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in EXCLUDED:
            continue
        source = ID_SOURCES.get(operation.path)
        variants = [None] + ([source] if source and ids.get(source) else [])
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for variant in variants:
                path_parameters = {"id": ids[variant][0]} if variant else None
                body_ids = {key: ids[kind][0] for key, kind in BODY_IDS.items() if variant and ids.get(kind)}
                _fuzz_operation(api, operation, mode, path_parameters, examples, seed, report, body_ids)
    return report


def _fuzz_operation(api: Session, operation, mode, path_parameters, examples: int, seed: int,
                    report: FuzzReport, body_ids: Optional[dict] = None) -> None:
    import hypothesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error, response_schema_conformance

    checks = [not_a_server_error] + ([response_schema_conformance] if mode is GenerationMode.POSITIVE else [])
    try:
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
    except Exception as exc:  # e.g. a negative strategy is impossible for an operation without inputs
        if mode is GenerationMode.NEGATIVE:
            return
        raise AssertionError(f"no strategy for {operation.label}: {exc}") from exc

    @settings(max_examples=examples, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
    @hypothesis.seed(seed)
    @given(strategy)
    def run(case):
        _call_and_check(api, operation, mode, case, checks, report, body_ids)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run()


def _call_and_check(api: Session, operation, mode, case, checks: list, report: FuzzReport,
                    body_ids: Optional[dict]) -> None:
    """One fuzzed input, signed in (so that it reaches the handlers), with real ids in its body where it has those
    fields; its answer checked and counted."""
    report.inputs += 1
    report.by_operation[operation.label] = report.by_operation.get(operation.label, 0) + 1
    if body_ids and isinstance(case.body, dict):
        case.body.update({key: value for key, value in body_ids.items() if key in case.body})
    if case.cookies is None:
        case.cookies = {}
    case.cookies["session_token"] = api.cookie
    try:
        response = case.call(base_url=api.base_url + "/api", session=api.http, timeout=15)
    except requests.RequestException as exc:
        report.failed(operation.label, mode.value, None, f"no answer: {exc!r}", case.as_curl_command())
        return
    report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
    try:
        case.validate_response(response, checks=checks)
    except AssertionError as exc:
        report.failed(operation.label, mode.value, response.status_code, str(exc), case.as_curl_command())
    except Exception as exc:  # noqa: BLE001 - a failure group or a check crashing on a bad answer
        report.failed(operation.label, mode.value, response.status_code, repr(exc), case.as_curl_command())


def check_invariants(base_url: str, *, email: str = DEFAULT_EMAIL, password: str = DEFAULT_PASSWORD) -> list[str]:
    """After fuzzing (and the jobs have ended): every record consistent. Returns the broken invariants."""
    api = Session(base_url, email, password)
    wait_quiet(api)
    jobs, nodes, sites = api.get("/api/jobs"), api.get("/api/nodes"), api.get("/api/sites")
    metrics = api.get("/api/metrics")
    return [*_broken_jobs(jobs), *_broken_metrics(metrics, jobs, nodes, sites),
            *_broken_sites(api, sites), *_broken_nodes(nodes)]


def _broken_jobs(jobs: list) -> list[str]:
    broken = []
    for job in jobs:
        if job.get("status") not in STATES:
            broken.append(f"job {job.get('id')} has status {job.get('status')!r}")
        if job.get("status") in TERMINAL and not job.get("finished_at"):
            broken.append(f"job {job['id']} is {job['status']} without finished_at")
        if job.get("status") == "succeeded" and job.get("error_code"):
            broken.append(f"job {job['id']} succeeded with error_code {job['error_code']}")
    if len({job["id"] for job in jobs}) != len(jobs):
        broken.append("duplicate job ids in GET /api/jobs")
    return broken


def _broken_metrics(metrics: dict, jobs: list, nodes: list, sites: list) -> list[str]:
    """The metrics must count what the lists show."""
    expected = {"jobs_running": sum(j["status"] == "running" for j in jobs),
                "jobs_queued": sum(j["status"] == "queued" for j in jobs),
                "nodes_active": sum(n["status"] == "active" for n in nodes), "sites_total": len(sites)}
    return [f"metrics {key}={metrics.get(key)} but the lists say {value}"
            for key, value in expected.items() if metrics.get(key) != value]


def _broken_sites(api: Session, sites: list) -> list[str]:
    """Unique slugs, a listed production environment, nothing left in a transitional state."""
    broken = []
    slugs = [site["slug"] for site in sites]
    if len(set(slugs)) != len(slugs):
        broken.append("two sites share a slug")
    for site in sites:
        environments = api.get(f"/api/sites/{site['id']}/environments")
        production = [env for env in environments if env.get("environment_type") == "production"]
        if not production:
            broken.append(f"site {site['id']} has no production environment")
        if site.get("primary_environment_id") not in {env["id"] for env in environments}:
            broken.append(f"site {site['id']}: primary environment {site.get('primary_environment_id')} not listed")
        if site.get("status") in ("cloning", "restoring") or any(env.get("status") in ("cloning", "restoring")
                                                                 for env in environments):
            broken.append(f"site {site['id']} is left in a transitional state with no job running")
        env_slugs = [env["slug"] for env in environments]
        if len(set(env_slugs)) != len(env_slugs):
            broken.append(f"site {site['id']} has two environments with one slug")
    return broken


def _broken_nodes(nodes: list) -> list[str]:
    return [f"node {node['id']} is left provisioning with no job running" for node in nodes
            if node.get("status") == "provisioning"]


def fuzzing_run(examples: int, seed: int) -> dict:
    target = EmbeddedTarget(extra_args=("--job-duration", "all=0.05"), enable_faults=False)
    url = target.start()
    try:
        started = time.monotonic()
        report = fuzz(url, examples=examples, seed=seed)
        broken = check_invariants(url)
    finally:
        target.stop()
    server_errors = sum(count for status, count in report.statuses.items() if status >= 500)
    say(f"fuzzing: {report.inputs} inputs on {len(report.by_operation)} operations (positive and negative, "
        f"{time.monotonic() - started:.0f} s), answers {dict(sorted(report.statuses.items()))}, "
        f"{len(report.failures)} check failures, {server_errors} server errors; "
        f"invariants: {'all hold' if not broken else '; '.join(broken)}")
    for failure in report.failures[:10]:
        say(f"  {failure['mode']} {failure['operation']} -> {failure['status']}: {failure['message']}")
    return {"inputs": report.inputs, "operations": len(report.by_operation), "statuses": report.statuses,
            "failures": report.failures, "server_errors": server_errors, "broken_invariants": broken}


# -- the command ------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/chaos", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="full runs under transient faults (default 10)")
    parser.add_argument("--parallel", type=int, default=1, help="how many of those at once (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first run's faults (then +1 per run)")
    parser.add_argument("--examples", type=int, default=100,
                        help="fuzzed inputs per operation, mode and id source (default 100)")
    parser.add_argument("--skip-runs", action="store_true")
    parser.add_argument("--skip-config", action="store_true")
    parser.add_argument("--skip-fuzz", action="store_true")
    parser.add_argument("--output", default=str(ROOT / "reports" / "chaos"),
                        help="where the runs' reports and summary.json go (default reports/chaos)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.parallel < 1 or args.examples < 1:
        parser.error("--runs, --parallel and --examples must be >= 1")
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="run-", dir=output))
    started = time.monotonic()
    summary: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    ok = True
    if not args.skip_runs:
        say(f"{args.runs} full runs under 20 % 502/503 on GETs and up to 1 s latency ({args.parallel} at once)")
        summary["transient_faults"] = runs = transient_fault_runs(args.runs, args.parallel, args.seed, workdir)
        ok &= runs["passed"] == runs["runs"]
    if not args.skip_config:
        summary["bad_configuration"] = configs = bad_configuration_runs(workdir)
        ok &= configs["clear"] == configs["cases"]
    if not args.skip_fuzz:
        summary["fuzzing"] = fuzzed = fuzzing_run(args.examples, args.seed)
        ok &= not fuzzed["failures"] and not fuzzed["broken_invariants"] and not fuzzed["server_errors"]
    summary["seconds"] = round(time.monotonic() - started)
    summary["result"] = "PASS" if ok else "FAIL"
    (workdir / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    say(f"reports and summary.json in {workdir}")
    say(f"RESULT {summary['result']} in {summary['seconds']} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
