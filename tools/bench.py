"""scripts/bench: how close the suite gets to the product's own work, and how it compares with the
smoke scripts' fixed 2-second polling, from one invocation.

Default mode (`scripts/bench`): the whole suite, serially, twice against a fresh embedded reference target
with fixed job durations (`--job-duration all=D`, `--retry-backoff B`): once with the adaptive poll
policy, once with PRESSLUFT_POLL_POLICY=fixed-2s. For each run it prints

* wall time of the behave process, its start-up (process start to a signed-in run) and the target's
  start-up (process start to its ready line);
* the critical path of the target's own jobs: the union of their [started_at, finished_at] intervals,
  read from GET /api/jobs after the run, and wall / critical path;
* detection latency: for every wait that saw its outcome, the moment the suite noticed it (the wait log,
  PRESSLUFT_REPORTS_DIR/waits/*.jsonl) minus the moment it happened: a job's finished_at; for node
  readiness the finished_at of its acquisition job; for a preview, the finished_at of the last job of its
  environment (median, 90th percentile, max);
* polls per wait by kind, polls of the longest job wait, API requests per wait (the target's request log);
* peak memory: the behave process (sampled RSS), its smoke child processes, the target (VmHWM).

Then (`--long-job S`, default 60; 0 skips it) one site_create of S seconds, twice, waited on by the suite's own
code: polls and detection latency when the duration of that job type is not known yet, and when it is.

`scripts/bench --product-work`: the suite once against a reference without fault injection (as a real Pressluft
is) whose jobs take `--job-duration` seconds (default 3): the product jobs the run submits, by type, and its
wall against their critical path, beside the figures measured before the run shared its site (16 jobs).

`scripts/bench --speedup`: the suite serially (`behave features/wave5`, default durations) and with
`scripts/parallel -j N`; prints both walls, the speed-up and whether the verdicts are identical.

Everything is also written to PRESSLUFT_REPORTS_DIR (default reports/bench)/bench.json.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

from support.pressluft.times import parse_time
from support.runtime import installation
from support.runtime.config import DEFAULT_EMAIL, DEFAULT_PASSWORD, reports_dir_requested
from support.runtime.target import EmbeddedTarget

ROOT = installation.home()  # the checkout these tools run in


BEHAVE = str(ROOT / ".venv" / "bin" / "behave") if (ROOT / ".venv" / "bin" / "behave").exists() else "behave"
MB = 1024 * 1024


# -- measuring a process -----------------------------------------------------------------------------
class MemorySampler(threading.Thread):
    """Peak RSS of a process (and, separately, of its descendants), sampled every 50 ms."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.children_peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        try:
            process = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._done.is_set():
            try:
                self.peak = max(self.peak, process.memory_info().rss)
                for child in process.children(recursive=True):
                    try:
                        self.children_peak = max(self.children_peak, child.memory_info().rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                return
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=1)


def peak_rss(pid: int) -> int:
    """VmHWM: the exact peak resident set of a running process (Linux), else its current RSS."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return psutil.Process(pid).memory_info().rss
    except psutil.Error:
        return 0


# -- reading a run ---------------------------------------------------------------------------------
def read_waits(reports_dir: str) -> list:
    entries = []
    for path in sorted(glob.glob(os.path.join(reports_dir, "waits", "*.jsonl"))):
        for line in Path(path).read_text().splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                pass
    return entries


def read_verdicts(reports_dir: str) -> dict:
    """Scenario (name and parameters) -> status, from the Allure results of the run."""
    verdicts = {}
    for path in glob.glob(os.path.join(reports_dir, "allure-results", "*-result.json")):
        result = json.loads(Path(path).read_text())
        params = ",".join(f"{p.get('name')}={p.get('value')}" for p in result.get("parameters") or [])
        verdicts[f"{result.get('fullName') or result.get('name')}[{params}]"] = result.get("status")
    return verdicts


def target_state(base_url: str) -> dict:
    session = requests.Session()
    session.post(f"{base_url}/api/login", json={"email": DEFAULT_EMAIL, "password": DEFAULT_PASSWORD},
                 timeout=10).raise_for_status()
    jobs = session.get(f"{base_url}/api/jobs", timeout=10).json()
    environments = []
    for site in session.get(f"{base_url}/api/sites", timeout=10).json():
        answer = session.get(f"{base_url}/api/sites/{site['id']}/environments", timeout=10)
        if answer.status_code == 200:
            environments += answer.json()
    return {"jobs": jobs, "environments": environments}


def union_seconds(intervals: list) -> float:
    total, end = 0.0, None
    for start, stop in sorted(intervals):
        if end is None or start > end:
            total += stop - start
            end = stop
        elif stop > end:
            total += stop - end
            end = stop
    return total


def critical_path(jobs: list, since: str = "started_at") -> float:
    """The union of the jobs' [since, finished_at] intervals: `started_at` (their last attempt's run) or
    `created_at` (their whole life in the product: queue tick, earlier attempts, retry backoff)."""
    intervals = []
    for job in jobs:
        started, finished = parse_time(job.get(since)), parse_time(job.get("finished_at"))
        if started and finished and finished >= started:
            intervals.append((started.timestamp(), finished.timestamp()))
    return union_seconds(intervals)


def latencies(waits: list, state: dict) -> dict:
    """Detection latency (s) of every wait that saw its outcome, by kind."""
    finished = {job["id"]: parse_time(job.get("finished_at")) for job in state["jobs"]}
    env_of_url = {env.get("preview_url", "").rstrip("/"): env["id"] for env in state["environments"]}
    env_jobs = {}
    for job in state["jobs"]:
        if job.get("environment_id") and finished.get(job["id"]):
            env_jobs.setdefault(job["environment_id"], []).append(finished[job["id"]].timestamp())
    found = {"job": [], "node": [], "preview": []}
    for wait in waits:
        if wait.get("outcome") != "done" or wait.get("noticed") is None:
            continue
        kind, noticed = wait.get("kind"), wait["noticed"]
        if kind in ("job", "node") and finished.get(wait.get("subject")):
            happened = max(finished[wait["subject"]].timestamp(), wait["started"] if kind == "node" else 0)
            found[kind].append(noticed - happened)
        elif kind == "preview":
            env_id = env_of_url.get(str(wait.get("subject", "")).rstrip("/"))
            before = [t for t in env_jobs.get(env_id, []) if t <= noticed]
            if before:
                found["preview"].append(noticed - max(before))
    return found


def summary(values: list) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    return {"n": len(values), "median": statistics.median(ordered),
            "p90": ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], "max": ordered[-1]}


# -- one serial run against a fresh target -------------------------------------------------------
@dataclass
class MeasuredBehave:
    """A behave process that ran to its end, as the bench measured it."""
    exit_code: int
    wall: float                  # seconds, from its start to its end
    launched: float              # the wall-clock time it was started (time.time())
    peak: int                    # peak RSS of the process, bytes
    children_peak: int           # peak RSS of its child processes (the smoke commands'), bytes


def serial_run(policy: str, duration: float, backoff: str, reports_dir: str, behave_args: list,
               enable_faults: bool = True) -> dict:
    shutil.rmtree(reports_dir, ignore_errors=True)
    os.makedirs(reports_dir, exist_ok=True)
    target = EmbeddedTarget(extra_args=("--job-duration", f"all={duration:g}", "--retry-backoff", backoff),
                            enable_faults=enable_faults)
    started = time.monotonic()
    url = target.start()
    target_ready = time.monotonic() - started
    target_pid = target.process.pid
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRESSLUFT_")}
    env.update(PRESSLUFT_BASE_URL=url, PRESSLUFT_REPORTS_DIR=reports_dir, PRESSLUFT_POLL_POLICY=policy)
    try:
        behave = measured_behave(env, reports_dir, behave_args)
        state = target_state(url)
        target_peak = peak_rss(target_pid)
    finally:
        target_log = target.log_tail(100000)
        target.stop()
    waits = read_waits(reports_dir)
    run_records = [w for w in waits if w.get("kind") == "run"]
    waits = [w for w in waits if w.get("kind") != "run"]
    requests_made = sum(1 for line in target_log.splitlines()
                        if "event=request" in line and "path=/_reference" not in line)
    return {
        "policy": policy, "exit_code": behave.exit_code, "wall": behave.wall, "target_ready": target_ready,
        "behave_startup": (run_records[0]["ready"] - behave.launched) if run_records else None,
        **job_figures(state["jobs"], behave.wall), **wait_figures(waits, state, requests_made),
        "memory_mb": {"suite": behave.peak / MB, "smoke_children": behave.children_peak / MB,
                      "target": target_peak / MB},
        "verdicts": read_verdicts(reports_dir),
    }


def measured_behave(env: dict, reports_dir: str, behave_args: list) -> MeasuredBehave:
    """The whole suite in a behave process (its output in reports_dir/behave.log): its wall time and peak memory."""
    with open(os.path.join(reports_dir, "behave.log"), "w") as log:
        launched_wall, launched = time.time(), time.monotonic()
        process = subprocess.Popen([BEHAVE, "-f", "progress", "--no-color", *behave_args, "features/wave5"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        sampler = MemorySampler(process.pid)
        sampler.start()
        exit_code = process.wait()
        wall = time.monotonic() - launched
        sampler.stop()
    return MeasuredBehave(exit_code, wall, launched_wall, sampler.peak, sampler.children_peak)


def job_figures(jobs: list, wall: float) -> dict:
    """The target's jobs against the run's wall time: their critical paths (from their last run, and from their
    creation), how many of each type, the sum of their run times."""
    path = critical_path(jobs)
    life = critical_path(jobs, "created_at")
    return {
        "critical_path": path, "ratio": wall / path if path else None, "jobs": len(jobs),
        "jobs_by_type": dict(sorted(Counter(job.get("job_type") for job in jobs).items())),
        "critical_path_life": life, "ratio_life": wall / life if life else None,
        "job_seconds": sum((parse_time(j["finished_at"]) - parse_time(j["started_at"])).total_seconds()
                           for j in jobs if j.get("started_at") and j.get("finished_at")),
    }


def wait_figures(waits: list, state: dict, requests_made: int) -> dict:
    """The suite's waits: detection latency by kind, polls, the longest job wait, API requests per wait."""
    found = latencies(waits, state)
    polls = {}
    for wait in waits:
        polls.setdefault(wait["kind"], []).append(wait["polls"])
    longest = max((w for w in waits if w["kind"] == "job"), key=lambda w: w["elapsed"], default=None)
    return {
        "latency": {kind: summary(values) for kind, values in found.items()},
        "latency_all": summary([v for values in found.values() for v in values]),
        "waits": len(waits), "polls": {kind: sum(values) for kind, values in polls.items()},
        "waits_by_kind": {kind: len(values) for kind, values in polls.items()},
        "longest_job_wait": {"seconds": longest["elapsed"], "polls": longest["polls"]} if longest else None,
        "api_requests": requests_made, "requests_per_wait": requests_made / len(waits) if waits else None,
    }


# -- one long job, polled cold and warm -------------------------------------------------------------
def long_job(seconds: float, reports_dir: str) -> dict:
    """Two sites whose site_create takes `seconds`, one after the other, waited on by the suite's own
    code: the first with no knowledge of the type (backoff only), the second knowing it."""
    from support.harness.run import start_run
    from support.screenplay.actions import CreateSite
    from support.waiting.jobs import wait_for_job

    target = EmbeddedTarget(extra_args=("--job-duration", f"site_create={seconds:g}"))
    url = target.start()
    found = {}
    try:
        run = start_run({"PRESSLUFT_BASE_URL": url, "PRESSLUFT_REPORTS_DIR": reports_dir,
                         "PRESSLUFT_SITE_TIMEOUT": f"{2 * seconds + 30:g}"})
        run.provider_node()  # a site needs the node
        for label in ("unknown type", "known type"):
            slug = run.operator.ledger.slug("long")
            request = run.operator.attempts_to(CreateSite(f"Wave 5 {slug}", slug))
            job, history = wait_for_job(run.operator, request.accepted(), command=request.command,
                                        job_type=request.job_type)
            noticed = time.time()
            finished = parse_time(job.get("finished_at"))
            found[label] = {"polls": history.attempts, "seconds": history.elapsed,
                            "latency": noticed - finished.timestamp() if finished else None,
                            "status": job.get("status")}
    finally:
        target.stop()
    return found


# -- serial against parallel ----------------------------------------------------------------------
def timed(command: list, env: dict, log_path: str) -> tuple:
    with open(log_path, "w") as log:
        started = time.monotonic()
        code = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL).returncode
        return code, time.monotonic() - started


def speedup(processes: int, reports: str, behave_args: list) -> dict:
    base = {key: value for key, value in os.environ.items() if not key.startswith("PRESSLUFT_")}
    runs = {}
    for name, command in (("serial", [BEHAVE, "-f", "progress", "--no-color", *behave_args, "features/wave5"]),
                          ("parallel", [str(ROOT / "scripts" / "parallel"), "-j", str(processes), *behave_args])):
        directory = os.path.join(reports, name)
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)
        code, wall = timed(command, dict(base, PRESSLUFT_REPORTS_DIR=directory), os.path.join(directory, "run.log"))
        runs[name] = {"exit_code": code, "wall": wall, "verdicts": read_verdicts(directory)}
    serial, parallel = runs["serial"], runs["parallel"]
    return {"processes": processes, "serial_wall": serial["wall"], "parallel_wall": parallel["wall"],
            "speedup": serial["wall"] / parallel["wall"], "exit_codes": [serial["exit_code"], parallel["exit_code"]],
            "scenarios": len(serial["verdicts"]), "verdicts_identical": serial["verdicts"] == parallel["verdicts"],
            "verdict_differences": sorted(k for k in set(serial["verdicts"]) | set(parallel["verdicts"])
                                          if serial["verdicts"].get(k) != parallel["verdicts"].get(k))}


# -- printing ----------------------------------------------------------------------------------------
def fmt(value, unit="s", digits=3) -> str:
    return "-" if value is None else f"{value:.{digits}f} {unit}".rstrip()


def _median_max(kind: str):
    return lambda r: "/".join(fmt(r["latency"][kind].get(k)) for k in ("median", "max"))


# the rows of print_serial's table: a label, and the cell of one run
SERIAL_ROWS = (
    ("exit code", lambda r: str(r["exit_code"])),
    ("wall time (behave process)", lambda r: fmt(r["wall"], digits=2)),
    ("critical path of the target's jobs", lambda r: fmt(r["critical_path"], digits=2)),
    ("jobs (sum of their run times)", lambda r: f"{r['jobs']} ({r['job_seconds']:.1f} s)"),
    ("wall / critical path", lambda r: fmt(r["ratio"], "", 3)),
    ("critical path, created_at to finished_at", lambda r: fmt(r["critical_path_life"], digits=2)),
    ("wall / that critical path", lambda r: fmt(r["ratio_life"], "", 3)),
    ("detection latency median", lambda r: fmt(r["latency_all"].get("median"))),
    ("detection latency p90", lambda r: fmt(r["latency_all"].get("p90"))),
    ("detection latency max", lambda r: fmt(r["latency_all"].get("max"))),
    ("  jobs: median / max", _median_max("job")),
    ("  node readiness: median / max", _median_max("node")),
    ("  previews: median / max", _median_max("preview")),
    ("waits (job/node/preview/scope)", lambda r: "/".join(str(r["waits_by_kind"].get(k, 0))
                                                         for k in ("job", "node", "preview", "scope"))),
    ("polls per wait (job/node/preview)",
     lambda r: "/".join(f"{r['polls'].get(k, 0) / max(1, r['waits_by_kind'].get(k, 0)):.1f}"
                        for k in ("job", "node", "preview"))),
    ("longest job wait: seconds, polls", lambda r: (f"{r['longest_job_wait']['seconds']:.1f} s, "
                                                    f"{r['longest_job_wait']['polls']} polls")
     if r["longest_job_wait"] else "-"),
    ("API requests / waits", lambda r: f"{r['api_requests']} / {r['waits']} = {r['requests_per_wait']:.1f}"),
    ("target start-up (to ready line)", lambda r: fmt(r["target_ready"])),
    ("behave start-up (to signed-in run)", lambda r: fmt(r["behave_startup"])),
    ("peak RSS suite process", lambda r: fmt(r["memory_mb"]["suite"], "MB", 1)),
    ("peak RSS smoke child processes", lambda r: fmt(r["memory_mb"]["smoke_children"], "MB", 1)),
    ("peak RSS embedded target", lambda r: fmt(r["memory_mb"]["target"], "MB", 1)),
)


def print_serial(runs: list, duration: float, backoff: str) -> None:
    print(f"\nSerial suite against the embedded reference (--job-duration all={duration:g} "
          f"--retry-backoff {backoff}):\n")
    width = max(len(label) for label, _ in SERIAL_ROWS)
    print(f"{'':{width}}  " + "  ".join(f"{r['policy']:>22}" for r in runs))
    for label, cell in SERIAL_ROWS:
        print(f"{label:{width}}  " + "  ".join(f"{cell(r):>22}" for r in runs))
    if len(runs) == 2:
        same = runs[0]["verdicts"] == runs[1]["verdicts"]
        print(f"\nverdicts identical in both runs: {'yes' if same else 'NO'} ({len(runs[0]['verdicts'])} scenarios)")


# Measured before the run shared one live site between the scenarios that only add to it (issue 10), on a
# reference without fault injection with 3 s jobs.
BEFORE = {"jobs": 16, "jobs_by_type": {"backup_create": 3, "env_create": 4, "env_restore": 2, "node_provision": 1,
                                       "site_create": 6}, "wall": 70.6, "job_seconds": 60.7}


def print_product_work(run: dict, duration: float) -> None:
    print(f"\nProduct work of one run on a reference without fault injection (jobs of {duration:g} s):\n")
    print(f"{'':34}{'now':>26}{'before (16 jobs)':>30}")
    rows = [("exit code", str(run["exit_code"]), "0"),
            ("product jobs", str(run["jobs"]), str(BEFORE["jobs"])),
            ("  by type", ", ".join(f"{k} {v}" for k, v in run["jobs_by_type"].items()),
             ", ".join(f"{k} {v}" for k, v in BEFORE["jobs_by_type"].items())),
            ("sum of the jobs' run times", fmt(run["job_seconds"], digits=1), fmt(BEFORE["job_seconds"], digits=1)),
            ("critical path of the jobs", fmt(run["critical_path"], digits=1), "-"),
            ("wall time (behave process)", fmt(run["wall"], digits=1), fmt(BEFORE["wall"], digits=1)),
            ("wall / critical path", fmt(run["ratio"], "", 3), "-")]
    for label, now, before in rows:
        print(f"{label:34}{now:>26}  {before:>28}" if len(now) < 26 else f"{label:34}{now}\n{'':60}{before:>28}")


# -- the command -------------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument("--job-duration", type=float, default=2.0, help="seconds per job (all types), default 2")
    parser.add_argument("--retry-backoff", default="2.5",
                        help="the target's retry backoff, default 2.5 (a retry window the fixed 2 s policy can see)")
    parser.add_argument("--policies", default="adaptive,fixed-2s")
    parser.add_argument("--long-job", type=float, default=60.0,
                        help="also poll one job of this many seconds, cold and warm (0: skip), default 60")
    parser.add_argument("--speedup", action="store_true", help="serial against scripts/parallel instead")
    parser.add_argument("--product-work", action="store_true",
                        help="product jobs per run and wall against their critical path, on a slow target without "
                             "fault injection")
    parser.add_argument("-j", "--processes", type=int, default=4)
    return parser


def product_work_bench(options, reports: str, behave_args: list, duration: float) -> tuple[dict, bool]:
    run = serial_run("adaptive", duration, options.retry_backoff, os.path.join(reports, "product-work"),
                     behave_args, enable_faults=False)
    print_product_work(run, duration)
    return {"product_work": {k: v for k, v in run.items() if k != "verdicts"}, "job_duration": duration}, \
        run["exit_code"] == 0


def speedup_bench(options, reports: str, behave_args: list) -> tuple[dict, bool]:
    result = speedup(options.processes, reports, behave_args)
    print(f"serial wall {result['serial_wall']:.1f} s, parallel wall ({result['processes']} workers) "
          f"{result['parallel_wall']:.1f} s: speed-up {result['speedup']:.2f}x; exit codes "
          f"{result['exit_codes']}; verdicts identical: {'yes' if result['verdicts_identical'] else 'NO'} "
          f"({result['scenarios']} scenarios)")
    for difference in result["verdict_differences"]:
        print(f"  differs: {difference}")
    return result, result["verdicts_identical"] and result["exit_codes"][0] == result["exit_codes"][1]


def policies_bench(options, reports: str, behave_args: list) -> tuple[dict, bool]:
    runs = [serial_run(policy, options.job_duration, options.retry_backoff, os.path.join(reports, policy),
                       behave_args) for policy in options.policies.split(",")]
    print_serial(runs, options.job_duration, options.retry_backoff)
    result = {"job_duration": options.job_duration, "retry_backoff": options.retry_backoff,
              "runs": [{k: v for k, v in run.items() if k != "verdicts"} for run in runs]}
    if options.long_job > 0:
        result["long_job"] = long_job(options.long_job, os.path.join(reports, "long-job"))
        print(f"\nOne {options.long_job:g} s job (site_create), adaptive policy:")
        for label, figures in result["long_job"].items():
            print(f"  {label:13} {figures['polls']:3d} polls over {figures['seconds']:.1f} s, "
                  f"noticed {figures['latency']:.3f} s after finished_at ({figures['status']})")
    return result, all(run["exit_code"] == 0 for run in runs)


def main(argv=None) -> int:
    options, behave_args = _parser().parse_known_args(sys.argv[1:] if argv is None else argv)
    reports = reports_dir_requested() or str(ROOT / "reports" / "bench")
    os.makedirs(reports, exist_ok=True)
    started = time.monotonic()
    if options.product_work:
        duration = options.job_duration if "--job-duration" in (argv or sys.argv) else 3.0
        result, ok = product_work_bench(options, reports, behave_args, duration)
    elif options.speedup:
        result, ok = speedup_bench(options, reports, behave_args)
    else:
        result, ok = policies_bench(options, reports, behave_args)
    result["bench_seconds"] = time.monotonic() - started
    Path(reports, "bench.json").write_text(json.dumps(result, indent=2, default=str))
    print(f"\nbench took {result['bench_seconds']:.0f} s; figures in {os.path.join(reports, 'bench.json')}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
