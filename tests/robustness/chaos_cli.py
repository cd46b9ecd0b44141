"""scripts/chaos: the figures of "trustworthy under faults" (docs/robustness.md).

1. N full runs of the suite, each against a reference target of its own with 20 % of the GETs answering
   502/503 and up to 1 s of latency on every GET (`--http-faults`): every run must pass.
2. The bad configurations: each must give one category line, a non-zero exit, no traceback, nothing
   passed, within its bound.
3. Fuzzing the reference (schemathesis) and its invariants afterwards.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from robust_runs import ROOT, bad_configurations, chaos_run, check_bad_config
from behave_runs import FaultyTarget, StandIn, run_behave
from fuzzing import check_invariants, fuzz


def say(text: str) -> None:
    print(f"chaos: {text}", flush=True)


def transient_fault_runs(runs: int, parallel: int, first_seed: int, workdir: Path) -> dict:
    def one(index: int):
        seed = first_seed + index
        figures, run = chaos_run(workdir / f"run-{seed}", seed)
        say(f"run {index + 1}/{runs} {figures.line()}")
        if not figures.ok:
            for verdict in run.verdicts:
                say(f"  {verdict['category']} {verdict['command']} {verdict['reason']}")
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
        "failed_runs": [f.line() for f in results if not f.ok],
    }
    rate = summary["injected_errors"] / summary["gets"] * 100 if summary["gets"] else 0
    say(f"transient faults: {summary['passed']}/{runs} runs passed; {summary['scenarios']} scenarios, "
        f"{summary['scenario_failures']} failed; {summary['gets']} GETs, {summary['injected_errors']} answered "
        f"502/503 ({rate:.1f} %), {summary['injected_delay_seconds']} s of injected latency, "
        f"{summary['retries_recorded']} retries recorded in the reports")
    return summary


def bad_configuration_runs(workdir: Path) -> dict:
    html404, lookalike = StandIn("html404"), StandIn("lookalike")
    reference = FaultyTarget()
    results = []
    try:
        for index, case in enumerate(bad_configurations(reference.url, html404.url, lookalike.url)):
            run = run_behave(workdir / f"config-{index}", "features/wave5", env=case.env, timeout=120)
            problems = check_bad_config(run, case)
            line = next((l for l in run.stderr.splitlines() if l.startswith("[wave5] FAIL")), "(no line)")
            say(f"config {'OK  ' if not problems else 'BAD '} {case.name}: exit={run.exit_code} "
                f"{run.elapsed:.1f} s {line}" + (f" PROBLEMS: {'; '.join(problems)}" if problems else ""))
            results.append({"case": case.name, "exit": run.exit_code, "seconds": round(run.elapsed, 1),
                            "line": line, "problems": problems})
    finally:
        reference.stop()
        html404.close()
        lookalike.close()
    clear = sum(not r["problems"] for r in results)
    say(f"bad configuration: {clear}/{len(results)} clear (one category line, non-zero exit, no traceback, "
        f"nothing passed, in bound); slowest {max(r['seconds'] for r in results):.1f} s")
    return {"cases": len(results), "clear": clear, "results": results}


def fuzzing_run(examples: int, seed: int) -> dict:
    target = FaultyTarget(extra_args=("--job-duration", "all=0.05"), enable_faults=False)
    try:
        started = time.monotonic()
        report = fuzz(target.url, examples=examples, seed=seed)
        broken = check_invariants(target.url)
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
