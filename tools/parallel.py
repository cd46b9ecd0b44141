"""scripts/parallel: the suite's scenarios in parallel with behavex, against one target and one node.

1. Without PRESSLUFT_BASE_URL, start the embedded reference target once (by default with the opt-in
   `--guard-scope site`, see docs/performance.md; `--faithful-guard` keeps the real enqueue guard).
2. Sign in and secure the run's provider-acquired node once, through support/ (as behave would).
3. Run behavex (`--parallel-scheme scenario`) with PRESSLUFT_BASE_URL pointing at that target: every
   worker reuses the ready node; `@SERIAL` scenarios run on their own. Every worker's Allure formatter
   writes into the same `PRESSLUFT_REPORTS_DIR/allure-results`, so the results are one report: this command
   empties the reports folder of earlier runs' files once, and tells the workers not to
   (PRESSLUFT_REPORTS_SHARED=1).
4. Release the Hetzner server the node of step 2 bought, as PRESSLUFT_RELEASE_NODE says
   (support/harness/provider_servers.py).

Exit status: behavex's (0 when every scenario passed); 1 when the run cannot start.
"""
from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from support.harness.acquisition_proof import AcquisitionProof
from support.harness.handover import forget_handed_evidence, hand_over_attempt, hand_over_wait
from support.harness.run import start_run
from support.pressluft.nodes import REQUESTED
from support.reporting.allure_formatter import clear_results
from support.reporting.reports_folder import clear_run_files
from support.runtime import installation
from support.runtime.config import BUDGET_VARIABLES, load_settings
from support.runtime.server_process import SERVER_VARIABLES
from support.runtime.target import EmbeddedTarget
from support.verdicts.diagnosis import block_for, print_verdict, startup_block
from support.verdicts.failure import SuiteFailure

ROOT = installation.home()  # the checkout these tools run in



def parse(argv):
    parser = argparse.ArgumentParser(prog="scripts/parallel", description=__doc__.splitlines()[0],
                                     epilog="Other arguments go to behavex (e.g. -t @smoke-clone, paths).")
    parser.add_argument("-j", "--processes", type=int, default=4, help="behavex worker processes (default 4)")
    parser.add_argument("--faithful-guard", action="store_true",
                        help="keep the reference's real enqueue guard (site OR node) instead of --guard-scope site")
    return parser.parse_known_args(argv)


# behavex hands scenarios to its workers in the order of the feature files it is given: the features
# with the longest scenarios first, so that no long scenario starts last (measured: 13.1 s -> 11.8 s).
# Ranked by a full embedded run's scenario times (the scenarios that run a smoke command are the longest).
LONGEST_FIRST = ("failure_after_enqueue", "unreachable_preview", "smoke_entry_points", "backup_and_restore",
                 "provider_node_acquisition", "clone_environment_preview")


def feature_files(directory: Path = ROOT / "features" / "wave5") -> list:
    files = sorted(directory.glob("*.feature"))
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    files.sort(key=lambda path: (rank.get(path.stem, len(rank)), path.name))
    return [str(path.relative_to(ROOT)) for path in files]


def behavex_command(processes: int, reports: str, rest: list) -> list:
    behavex = ROOT / ".venv" / "bin" / "behavex"
    command = [str(behavex) if behavex.exists() else "behavex", "--parallel-processes", str(processes),
               "--parallel-scheme", "scenario", "-o", os.path.join(reports, "behavex"), *rest]
    if not any(not arg.startswith("-") and ((ROOT / arg).exists() or os.path.exists(arg)) for arg in rest):
        command += feature_files()
    return command


def main(argv=None) -> int:
    options, rest = parse(sys.argv[1:] if argv is None else argv)
    started = time.monotonic()
    env = dict(os.environ)
    target = run = None
    try:
        settings = load_settings(env)
        one_report(settings, env)
        if settings.embedded:
            target = embedded_target(settings, env, faithful_guard=options.faithful_guard)
        run = start_run(env)
        if run.server is not None:  # PRESSLUFT_SERVER_CMD: the run's server is every worker's target
            env["PRESSLUFT_BASE_URL"] = run.base_url
            for name in SERVER_VARIABLES:
                env.pop(name, None)
        acquisition = run.provider_node()
        env.setdefault("PRESSLUFT_REPORTS_DIR", run.settings.reports_dir)
        if run.preflight_proof is not None:  # the target's first node: the worker of SC-2 judges what was tried
            hand_over_attempt(run.preflight_proof, run.settings.reports_dir)
        if run.node_looks is not None:  # a node Pressluft acquired: the worker of AC-5 judges what was seen of it
            hand_over_wait(AcquisitionProof(acquisition, run.node_looks), run.journal.since(0),
                           run.settings.reports_dir)
        env["PRESSLUFT_PROVIDER_TOKEN"] = run.settings.provider_token or ""
        # the embedded target's loopback address, or the label of the operator's target (never its address)
        print(f"[parallel] target {env['PRESSLUFT_BASE_URL'] if target else run.settings.target_name}"
              f"{' (embedded, --guard-scope site)' if target and not options.faithful_guard else ''}; "
              f"node {acquisition.node_id} {'acquired' if acquisition.how == REQUESTED else acquisition.how} "
              f"in {time.monotonic() - started:.2f} s", flush=True)
        code = run_workers(options.processes, env, rest, started)
        release_node(run, passed=code == 0)
        return code
    except SuiteFailure as failure:
        print_verdict(block_for(failure, None, log_tail=target.log_tail()) if target else startup_block(failure))
        return 1
    finally:
        if target is not None:
            target.stop()
        if run is not None:
            run.stop()


def one_report(settings, env: dict) -> None:
    """One run, one report: the workers share the reports folder, emptied of earlier runs' files once, here."""
    if not settings.reports_shared:
        reports = Path(settings.reports_dir)
        clear_results(reports / "allure-results")
        clear_run_files(reports, reports / "junit")
    # an earlier run's attempt while its first node was acquired is not this run's
    forget_handed_evidence(settings.reports_dir)
    env["PRESSLUFT_REPORTS_SHARED"] = "1"


def embedded_target(settings, env: dict, *, faithful_guard: bool) -> EmbeddedTarget:
    """The embedded reference, started once for every worker; `env` points the workers at it."""
    extra = [] if faithful_guard else ["--guard-scope", "site"]
    extra += shlex.split(env.get("PRESSLUFT_REFERENCE_ARGS", ""))
    target = EmbeddedTarget(keep_data=settings.keep_data, extra_args=tuple(extra))
    env["PRESSLUFT_BASE_URL"] = target.start()
    env.pop("PRESSLUFT_REFERENCE_ARGS", None)
    # the workers see an external target: give them what a serial run on the embedded one has, its
    # budgets and the @disruptive scenarios (this target is the run's alone)
    env.update({name: f"{getattr(settings.budgets, kind):g}" for kind, name in BUDGET_VARIABLES.items()})
    env.update(PRESSLUFT_RETRY_CEILING=f"{settings.retry_ceiling:g}", PRESSLUFT_ALLOW_DISRUPTIVE="1")
    return target


def run_workers(processes: int, env: dict, rest: list, started: float) -> int:
    """behavex with its workers; its exit status."""
    command = behavex_command(processes, env["PRESSLUFT_REPORTS_DIR"], rest)
    # behavex points TEMP into its output folder; multiprocessing's socket must stay under the AF_UNIX limit
    env["TMPDIR"] = env.get("TMPDIR") or "/tmp"
    result = subprocess.run(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)
    print(f"[parallel] {processes} workers, wall {time.monotonic() - started:.1f} s, "
          f"behavex exit {result.returncode}", flush=True)
    return result.returncode


def release_node(run, *, passed: bool) -> None:
    """The Hetzner server of the node this process acquired, released as PRESSLUFT_RELEASE_NODE says."""
    for line in run.release_provider_servers(passed=passed):
        print_verdict(line)
    if run.ledger.servers:
        print(run.ledger.servers_summary + "".join(f"\n  - {server.describe()}" for server in run.ledger.servers),
              flush=True)


if __name__ == "__main__":
    sys.exit(main())
