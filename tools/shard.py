"""scripts/shard: split the suite's scenarios over N shards (one runner, one target each) and merge their results.

    scripts/shard plan N                    which scenario runs in which shard (--json for machines)
    scripts/shard run I/N [-- behave args]  run shard I of N: `behave <its scenarios>` against its own target
    scripts/shard merge DIR...              one set of Allure results, one report, one verdict
    scripts/shard all N                     shards 1..N at the same time on this machine, then merge
    scripts/shard durations RESULTS         per-scenario seconds of a run, for the balance (tools/shard_durations.json)

The unit of assignment is one scenario as behave runs and Allure reports it: a plain scenario, or one row of a
Scenario Outline's Examples tables (each row is its own scenario, with its own result, and rows do not share
state). The scenarios are read from the feature files at run time with behave's own parser, so new files, new
outlines, several Examples tables and tags on Examples need nothing here.

Assignment (deterministic, the same on every machine: no hash(), no clock, no randomness):
  weight  = the scenario's seconds in tools/shard_durations.json (whole milliseconds); a scenario that is not
            listed there weighs the median of the listed ones (1 s when none is listed);
  order   = heaviest first, ties by key (`<feature path>::<scenario name>`, then the line);
  shard   = each scenario in that order goes to the shard with the least weight so far (ties: fewer scenarios,
            then the lower shard number): longest processing time first, so no shard ends up more than one
            scenario's weight above the lightest.
A shard with nothing to run writes its manifest and exits 0.

Each shard writes into its own reports folder (PRESSLUFT_REPORTS_DIR): allure-results/, junit/, behave-stderr.log,
created-resources.jsonl, run-summary.json and shard.json (the plan's digest, its scenarios, behave's exit code).
`merge` checks that every shard of the plan is there, finished and complete; copies the Allure results and the JUnit
(without the scenarios a shard left to others) into one folder; joins the shards' stderr and their ledgers of what
they created on the target; merges their run summaries into what the shards proved together, per spec item (also in
environment.properties, beside every shard's values); writes verdict.json, builds one report with scripts/report and
exits 1 when any shard failed, is missing, or lost a scenario, or when any scenario failed or broke.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from support.reporting.proof import coverage
from support.reporting.tally import RunTally
from support.runtime import installation
from support.runtime.config import reports_dir_requested
from support.runtime.resources import LEDGER_FILE

ROOT = installation.home()  # the checkout these tools run in
FEATURES = ROOT / "features" / "wave5"
DURATIONS = ROOT / "tools" / "shard_durations.json"
MANIFEST = "shard.json"
STDERR_LOG = "behave-stderr.log"
DEFAULT_WEIGHT_MS = 1000
FAILING = ("failed", "broken")


def reports_base() -> Path:
    """Where the default folders go: PRESSLUFT_REPORTS_DIR (relative to the repository root), else reports/."""
    base = Path(reports_dir_requested() or "reports")
    return base if base.is_absolute() else ROOT / base


class ShardError(Exception):
    """A problem to report in one line (bad arguments, unreadable features or results)."""


# --- the scenarios ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    """One scenario as behave runs it (an outline row is one)."""
    path: str            # the feature file, relative to the repository root when under it (posix)
    line: int            # the scenario's line, or the Examples row's line
    feature: str         # the feature's name (Allure: the start of fullName)
    name: str            # the scenario's name as behave reports it, without trailing blanks
    tags: tuple = ()     # effective tags, sorted
    keyword: str = "Scenario"

    @property
    def reported_name(self) -> str:
        """The name of its Allure result (allure-behave names a scenario without a name by its keyword)."""
        return self.name or self.keyword

    @property
    def key(self) -> str:
        return f"{self.path}::{self.name}"

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


def _display_path(path: Path) -> str:
    path = path.resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def feature_files(paths: Iterable) -> list[Path]:
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(path.rglob("*.feature"))
        elif path.is_file():
            files.append(path)
        else:
            raise ShardError(f"no feature file or directory {path}")
    return sorted(set(files), key=_display_path)


def collect(paths: Iterable = (FEATURES,), tags: Optional[list] = None) -> list[Unit]:
    """Every scenario of the feature files (outline rows one by one), in file and line order;
    only those matching the tag expressions when `tags` is given (behave's own -t syntax)."""
    from behave.parser import ParserError, parse_file
    from behave.tag_expression import make_tag_expression

    wanted = make_tag_expression(list(tags)) if tags else None
    units = []
    files = feature_files(paths)
    if not files:
        raise ShardError(f"no feature files in {', '.join(map(str, paths))}")
    for path in files:
        try:
            feature = parse_file(str(path))
        except (ParserError, UnicodeDecodeError) as error:
            raise ShardError(f"cannot parse {_display_path(path)}: {str(error).splitlines()[0]}") from None
        if feature is None:  # an empty file
            continue
        for scenario in feature.walk_scenarios():
            effective = sorted(str(tag) for tag in scenario.effective_tags)
            if wanted is not None and not wanted.check(effective):
                continue
            units.append(Unit(_display_path(path), scenario.line, feature.name, scenario.name.strip(),
                              tuple(effective), scenario.keyword))
    return sorted(units, key=lambda unit: (unit.path, unit.line))


# --- the plan -----------------------------------------------------------------------------------

def load_durations(path: Optional[Path] = DURATIONS) -> dict:
    """{key: seconds}; an absent file is no durations."""
    if path is None or not Path(path).is_file():
        return {}
    try:
        data = json.loads(Path(path).read_text())
        return {str(k): float(v) for k, v in data.get("seconds", {}).items()}
    except (ValueError, AttributeError, TypeError) as error:
        raise ShardError(f"unreadable durations file {path}: {error}") from None


def weights(units: list[Unit], durations: dict) -> dict:
    """Whole milliseconds per unit key (integers, so that the plan is the same everywhere)."""
    known = sorted(round(seconds * 1000) for seconds in durations.values() if seconds >= 0)
    fallback = known[len(known) // 2] if known else DEFAULT_WEIGHT_MS
    return {unit.key: max(1, round(durations[unit.key] * 1000)) if unit.key in durations else max(1, fallback)
            for unit in units}


@dataclass
class Plan:
    total: int
    shards: list                      # shards[i] = the units of shard i+1, in file and line order
    weight: dict = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """The same for every shard of one plan (same features, N, durations, tags)."""
        text = json.dumps([[unit.location + " " + unit.key for unit in shard] for shard in self.shards])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def load(self, index: int) -> int:
        return sum(self.weight[unit.key] for unit in self.shards[index - 1])


def plan(units: list[Unit], total: int, durations: Optional[dict] = None) -> Plan:
    """Longest processing time first over whole-millisecond weights; every unit in exactly one shard.
    Scenarios that share a name (in two feature files, or twice in one) go to one shard together: a shard
    selects its scenarios by file and by name (see shard_command), so that is what makes "exactly once" hold."""
    if total < 1:
        raise ShardError(f"the number of shards must be at least 1, not {total}")
    weight = weights(units, durations or {})
    groups: dict = {}
    for unit in units:
        groups.setdefault(unit.name, []).append(unit)
    shards: list[list[Unit]] = [[] for _ in range(total)]
    loads = [0] * total
    for _name, group in sorted(groups.items(), key=lambda item: (-sum(weight[u.key] for u in item[1]),
                                                                  item[1][0].key, item[1][0].line)):
        target = min(range(total), key=lambda i: (loads[i], len(shards[i]), i))
        shards[target].extend(group)
        loads[target] += sum(weight[u.key] for u in group)
    for shard in shards:
        shard.sort(key=lambda u: (u.path, u.line))
    return Plan(total, shards, weight)


def parse_shard(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not match:
        raise ShardError(f"a shard is I/N, e.g. 1/3, not {text!r}")
    index, total = int(match.group(1)), int(match.group(2))
    if total < 1 or not 1 <= index <= total:
        raise ShardError(f"shard {index}/{total} does not exist (I must be between 1 and N)")
    return index, total


# --- running one shard --------------------------------------------------------------------------

def shard_command(units: list[Unit], everything: bool = False) -> list:
    """behave's arguments that run exactly these scenarios: their feature files, and one anchored --name per
    scenario name (none when the shard has every scenario). Locations file:line would select them too, but
    behave then reports every other scenario of those files as skipped, and allure-behave writes a result for
    each; scenarios left out by --name are not reported under AllureFormatter.hide_excluded (set here too)."""
    files = sorted({unit.path for unit in units})
    if everything:
        return files
    names = sorted({unit.name for unit in units})
    return ["-D", "AllureFormatter.hide_excluded=true",
            *[arg for name in names for arg in ("--name", "^" + re.escape(name) + r"\s*$")], *files]


def behave_executable() -> list:
    return [sys.executable, "-m", "behave"]


def write_json(path: Path, data) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(path)


def run_shard(index: int, total: int, reports: Path, *, paths=(FEATURES,), tags=None, durations_file=DURATIONS,
              behave_args=(), env=None, out=sys.stdout) -> int:
    """Runs shard `index` of `total`; returns behave's exit status (0 for an empty shard)."""
    units = collect(paths, tags)
    the_plan = plan(units, total, load_durations(durations_file))
    mine = the_plan.shards[index - 1]
    reports = _emptied_reports(reports)
    manifest = _manifest(the_plan, index, len(units), tags)
    write_json(reports / MANIFEST, manifest)  # exit_code null until behave has finished
    print(f"[shard] {index}/{total}: {len(mine)} of {len(units)} scenarios "
          f"(weight {the_plan.load(index) / 1000:.1f} s), plan {the_plan.digest}, results in {_display_path(reports)}",
          file=out, flush=True)
    started = time.monotonic()
    if not mine:
        (reports / STDERR_LOG).write_text("")
        code = 0
    else:
        code = _run_behave(mine, len(mine) == len(units), reports, total=total, tags=tags, behave_args=behave_args,
                           env=env, out=out)
    manifest.update(exit_code=code, wall_seconds=round(time.monotonic() - started, 2))
    write_json(reports / MANIFEST, manifest)
    print(f"[shard] {index}/{total}: behave exit {code}, wall {manifest['wall_seconds']:.1f} s", file=out, flush=True)
    return code


def _emptied_reports(reports: Path) -> Path:
    """The shard's reports folder, without the results of an earlier run of it (they would be merged too)."""
    reports = Path(reports).resolve()
    reports.mkdir(parents=True, exist_ok=True)
    for stale in ("allure-results", "junit"):
        shutil.rmtree(reports / stale, ignore_errors=True)
    (reports / RunTally.FILE).unlink(missing_ok=True)
    (reports / "allure-results").mkdir()
    return reports


def _manifest(the_plan: Plan, index: int, scenarios_in_plan: int, tags) -> dict:
    """shard.json: the plan's digest and this shard's scenarios; behave's exit code and wall once it has run."""
    return {
        "shard": index, "of": the_plan.total, "plan": the_plan.digest, "scenarios_in_plan": scenarios_in_plan,
        "tags": list(tags or []), "weight_ms": the_plan.load(index),
        "scenarios": [{"location": u.location, "feature": u.feature, "name": u.reported_name,
                       "weight_ms": the_plan.weight[u.key]} for u in the_plan.shards[index - 1]],
        "exit_code": None, "wall_seconds": None,
    }


def _run_behave(units: list[Unit], everything: bool, reports: Path, *, total: int, tags, behave_args, env,
                out) -> int:
    """behave on these scenarios, its reports in `reports`; its exit status."""
    run_env = dict(os.environ if env is None else env)
    run_env["PRESSLUFT_REPORTS_DIR"] = str(reports)
    if run_env.get("PRESSLUFT_BASE_URL") and total > 1:
        print("[shard] note: PRESSLUFT_BASE_URL is set; shards running at the same time share that target, "
              "so its @SERIAL scenarios may collide (docs/ci.md)", file=out, flush=True)
    tag_args = [f"--tags={expression}" for expression in tags or []]  # behave excludes what the plan left out
    command = [*behave_executable(), *behave_args, *tag_args, *shard_command(units, everything=everything)]
    return _run_teeing_stderr(command, run_env, reports / STDERR_LOG)


def _run_teeing_stderr(command: list, env: dict, log: Path) -> int:
    """behave's stdout goes straight through; its stderr (the [wave5] lines) to ours and to `log`."""
    with open(log, "w", encoding="utf-8") as saved:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True, errors="replace", bufsize=1)
        for line in process.stderr:
            sys.stderr.write(line)
            saved.write(line)
        sys.stderr.flush()
        return process.wait()


def run_all(total: int, base: Path, *, paths=(FEATURES,), tags=None, durations=DURATIONS, behave_args=(),
            history: Optional[Path] = None, report: bool = True, out=sys.stdout) -> int:
    """The CI matrix on one machine: shards 1..N at the same time (each a process with its own target; console
    output to <base>/shard-I/console.log), then merge. Exit status of the merge."""
    base = Path(base).resolve()
    base.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    processes = []
    for index in range(1, total + 1):
        folder = base / f"shard-{index}"
        folder.mkdir(exist_ok=True)
        command = [sys.executable, "-m", "tools.shard", "run", f"{index}/{total}", "--reports", str(folder),
                   "--durations", str(durations) if durations else "none"]
        command += [arg for path in paths for arg in ("--features", str(path))]
        command += [arg for expression in tags or [] for arg in ("--tags", expression)]
        if behave_args:
            command += ["--", *behave_args]
        log = open(folder / "console.log", "w")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        processes.append((index, log, subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)))
    print(f"[shard] {total} shards started, console output in {_display_path(base)}/shard-*/console.log",
          file=out, flush=True)
    for index, log, process in processes:
        code = process.wait()
        log.close()
        print(f"[shard] {index}/{total} finished: exit {code}", file=out, flush=True)
    print(f"[shard] all {total} shards: wall {time.monotonic() - started:.1f} s", file=out, flush=True)
    merged = merge([base / f"shard-{i}" for i in range(1, total + 1)], base / "merged", expect=total)
    return _report_merge(merged, base / "merged", None, history, report, out)


# --- merging ------------------------------------------------------------------------------------

@dataclass
class Merge:
    shards: dict                       # index -> manifest
    total: int
    problems: list                     # one line each
    counts: dict                       # status -> scenarios
    results: int
    proof: list = field(default_factory=list)  # what the shards proved together, per spec item, and its last line

    @property
    def failed(self) -> bool:
        return bool(self.problems) or any(self.counts.get(status) for status in FAILING)

    def verdict(self) -> dict:
        return {"verdict": "failed" if self.failed else "passed", "shards": self.total,
                "shards_found": sorted(self.shards), "results": self.results, "counts": self.counts,
                "problems": self.problems, "proof": self.proof[-1] if self.proof else None,
                "wall_seconds": {str(i): m.get("wall_seconds") for i, m in sorted(self.shards.items())}}


@dataclass(frozen=True)
class ShardFolder:
    """A shard's reports folder and the manifest (shard.json) it wrote there."""
    folder: Path
    manifest: dict

    @property
    def index(self) -> int:
        return int(self.manifest["shard"])

    @property
    def label(self) -> str:
        return f"shard {self.index}/{self.manifest['of']}"

    @property
    def scenarios(self) -> list:
        return self.manifest.get("scenarios", [])


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text())
        int(data["shard"]), int(data["of"]), str(data["plan"])
        return data
    except FileNotFoundError:
        raise ShardError(f"{folder}: no {MANIFEST} (not the reports folder of a shard)") from None
    except (ValueError, KeyError, TypeError) as error:
        raise ShardError(f"{folder}: unreadable {MANIFEST} ({error})") from None


def _results(folder: Path) -> list[dict]:
    found = []
    for path in sorted((folder / "allure-results").glob("*-result.json")):
        try:
            found.append(json.loads(path.read_text()))
        except ValueError:
            found.append({"name": path.name, "status": "broken", "unreadable": True})
    return found


def _feature_of(result: dict) -> str:
    """The feature's name: allure-behave's `feature` label, else the start of fullName ("feature: scenario")."""
    for label in result.get("labels") or []:
        if isinstance(label, dict) and label.get("name") == "feature" and label.get("value"):
            return str(label["value"])
    full, name = result.get("fullName") or "", result.get("name") or ""
    return full[:-len(name) - 2] if name and full.endswith(": " + name.strip()) else full.rpartition(": ")[0]


def merge(folders: Iterable, output: Path, expect: Optional[int] = None) -> Merge:
    """Checks the shards' manifests and results and merges them into `output`: allure-results/ (with one
    environment.properties), junit/, behave-stderr.log, created-resources.jsonl, run-summary.json and verdict.json.
    Raises ShardError only when there is nothing to merge at all."""
    shards, problems = _shards_found([Path(folder) for folder in folders])
    total = expect or max(int(shard.manifest["of"]) for shard in shards.values())
    problems += _plan_problems(shards, total, expect)
    in_order = [shard for _, shard in sorted(shards.items())]
    output = Path(output)
    _empty_result_folders(output)
    counts, results_total, properties = Counter(), 0, {}
    for shard in in_order:
        results = _results(shard.folder)
        problems += _shard_problems(shard, results)
        counts.update(result.get("status") or "unknown" for result in results)
        results_total += len(results)
        _copy_results(shard.folder / "allure-results", output / "allure-results", properties, shard.index)
        _copy_junit_files(shard, output / "junit")
    folders_in_order = [shard.folder for shard in in_order]
    for name in (STDERR_LOG, LEDGER_FILE):  # the ledger: what each shard created on its target, also when cut off
        (output / name).write_text(_joined(folders_in_order, name))
    proven = _merge_run_summaries(folders_in_order, output)
    _write_environment(output / "allure-results", properties, proven, total)
    result = Merge({index: shard.manifest for index, shard in shards.items()}, total, problems,
                   dict(sorted(counts.items())), results_total, proven.closing_lines() if proven is not None else [])
    write_json(output / "verdict.json", result.verdict())
    return result


def _shards_found(folders: list) -> tuple[dict, list]:
    """{index: ShardFolder} of the folders with a readable manifest, and a problem for every other folder and for
    a shard found twice."""
    shards, problems = {}, []
    for folder in folders:
        try:
            shard = ShardFolder(folder, read_manifest(folder))
        except ShardError as error:
            problems.append(str(error))
            continue
        if shard.index in shards:
            problems.append(f"{shard.label} found twice ({shards[shard.index].folder} and {folder})")
            continue
        shards[shard.index] = shard
    if not shards:
        raise ShardError("no shard results to merge" + (f" ({'; '.join(problems)})" if problems else ""))
    return shards, problems


def _plan_problems(shards: dict, total: int, expect: Optional[int]) -> list:
    """The shards must come from one plan, of the number of shards expected, and none may be missing."""
    plans = {(int(shard.manifest["of"]), shard.manifest["plan"]) for shard in shards.values()}
    totals = {of for of, _ in plans}
    problems = []
    if len(plans) > 1:
        problems.append("the shards come from different plans (other feature files, N, tags or durations): "
                        + ", ".join(f"{of} shards/{digest}" for of, digest in sorted(plans)))
    if expect and totals != {expect}:
        problems.append(f"expected {expect} shards, the manifests say {', '.join(map(str, sorted(totals)))}")
    return problems + [f"shard {index}/{total}: results missing" for index in range(1, total + 1)
                       if index not in shards]


def _shard_problems(shard: ShardFolder, results: list) -> list:
    """A shard whose behave did not finish, or failed, or whose scenarios are not all among its results."""
    problems = []
    code = shard.manifest.get("exit_code")
    if code is None:
        problems.append(f"{shard.label}: behave did not finish (no exit code in its {MANIFEST})")
    elif code != 0:
        problems.append(f"{shard.label}: behave exit {code}")
    missing = _without_result(shard.scenarios, results)
    if missing:
        problems.append(f"{shard.label}: no result for {len(missing)} of its {len(shard.scenarios)} "
                        f"scenarios ({'; '.join(missing[:5])}{'; …' if len(missing) > 5 else ''})")
    return problems


def _without_result(scenarios: list, results: list) -> list:
    """"feature: name" of each scenario of a manifest that none of the results stands for (one result, one)."""
    expected = Counter((scenario["feature"], scenario["name"]) for scenario in scenarios)
    for result in results:
        ident = (_feature_of(result), (result.get("name") or "").strip())
        if expected[ident]:
            expected[ident] -= 1
    return [f"{feature}: {name}" for (feature, name), left in expected.items() for _ in range(left)]


def _empty_result_folders(output: Path) -> None:
    for sub in ("allure-results", "junit"):
        shutil.rmtree(output / sub, ignore_errors=True)
        (output / sub).mkdir(parents=True)


def _joined(folders: list, name: str) -> str:
    """The text of the file `name` of every folder that has one, one after the other."""
    return "".join((folder / name).read_text(errors="replace") for folder in folders if (folder / name).is_file())


def _merge_run_summaries(folders: list, output: Path) -> Optional[RunTally]:
    """The shards' run-summary.json as one (output/run-summary.json): counts, exit status, what was proven."""
    summaries = []
    for folder in folders:
        try:
            summaries.append(json.loads((folder / RunTally.FILE).read_text()))
        except (OSError, ValueError):
            continue
    if not summaries:
        return None
    tally = RunTally.merged(summaries, coverage())
    tally.write(str(output))
    return tally


def _copy_results(source: Path, target: Path, properties: dict, index: int) -> None:
    """Copies a shard's Allure results; gathers its environment.properties into `properties` (key -> values)."""
    if not source.is_dir():
        return
    for path in sorted(source.iterdir()):
        if not path.is_file():
            continue
        if path.name == "environment.properties":
            _gather_properties(path, properties)
        elif path.name == "categories.json" or not (target / path.name).exists():
            shutil.copy2(path, target / path.name)  # every shard writes the same categories.json
        else:  # uuid names never collide; should one, keep both
            shutil.copy2(path, target / f"shard-{index}-{path.name}")


def _gather_properties(path: Path, properties: dict) -> None:
    for line in path.read_text(errors="replace").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values = properties.setdefault(key, [])
            if value not in values:
                values.append(value)


def _write_environment(results: Path, properties: dict, proven: Optional[RunTally], total: int) -> None:
    """The merged environment.properties: every shard's values of a key, and what the shards proved together."""
    if proven is not None:  # what the shards proved together, not each shard's own line joined
        properties.update({key: [value] for key, value in proven.properties().items()})
    if properties:
        (results / "environment.properties").write_text(
            "".join(f"{key}={' | '.join(values)}\n" for key, values in properties.items()) + f"shards={total}\n")


def _copy_junit_files(shard: ShardFolder, target: Path) -> None:
    names = {scenario["name"] for scenario in shard.scenarios}  # their reported names
    for xml in sorted((shard.folder / "junit").glob("*.xml")):
        _copy_junit(xml, target / f"shard-{shard.index}-{xml.name}", names)


def _copy_junit(source: Path, target: Path, names: set) -> None:
    """behave's JUnit lists the scenarios a shard did not select as skipped; leave those out (they ran, and
    are listed, in another shard). A file that cannot be parsed is copied as it is."""
    import xml.etree.ElementTree as ET

    try:
        tree = ET.parse(source)
    except ET.ParseError:
        shutil.copy2(source, target)
        return
    suites = [tree.getroot()] if tree.getroot().tag == "testsuite" else tree.getroot().findall("testsuite")
    kept = 0
    for suite in suites:
        for case in list(suite.findall("testcase")):
            if _skipped(case) and (case.get("name") or "").strip() not in names:
                suite.remove(case)
        cases = suite.findall("testcase")
        kept += len(cases)
        suite.set("tests", str(len(cases)))
        suite.set("skipped", str(sum(1 for case in cases if _skipped(case))))
    if kept:
        tree.write(target, encoding="utf-8", xml_declaration=True)


def _skipped(case) -> bool:
    return case.get("status") == "skipped" or case.find("skipped") is not None


def _report_merge(merged: Merge, output: Path, report: Optional[Path], history: Optional[Path], build: bool,
                  out=sys.stdout) -> int:
    """Prints the shards, the problems and the verdict; builds the report; the merge's exit status."""
    for index, manifest in sorted(merged.shards.items()):
        print(f"[shard] {index}/{manifest['of']}: {len(manifest.get('scenarios', []))} scenarios, "
              f"behave exit {manifest.get('exit_code')}, wall {manifest.get('wall_seconds')} s", file=out)
    for problem in merged.problems:
        print(f"[shard] problem: {problem}", file=out)
    counts = ", ".join(f"{n} {status}" for status, n in merged.counts.items()) or "no results"
    report_code = 0
    if build and merged.results:
        out.flush()
        report_code = build_report(output / "allure-results", report or output / "allure-report", history)
    for line in merged.proof:  # what the shards proved together, per spec item
        print(line, file=out)
    print(f"[shard] verdict: {'failed' if merged.failed else 'passed'} ({merged.results} results: {counts}; "
          f"{len(merged.shards)} of {merged.total} shards)", file=out)
    if report_code:
        print(f"[shard] the report could not be built (scripts/report exit {report_code})", file=out)
    return 1 if merged.failed or report_code else 0


def build_report(results: Path, report: Path, history: Optional[Path]) -> int:
    command = [str(ROOT / "scripts" / "report"), "--results", str(Path(results).resolve()),
               "--output", str(Path(report).resolve())]
    if history is not None:
        command += ["--history", str(Path(history).resolve())]
    return subprocess.run(command, cwd=ROOT).returncode


# --- durations ----------------------------------------------------------------------------------

def durations_from_results(results: Path, paths=(FEATURES,)) -> dict:
    """{unit key: seconds} from a run's Allure results (start/stop), for tools/shard_durations.json."""
    by_ident = {}
    for unit in collect(paths):
        by_ident.setdefault((unit.feature, unit.name), unit.key)
    seconds = {}
    for path in sorted(Path(results).glob("*-result.json")):
        data = json.loads(path.read_text())
        key = by_ident.get((_feature_of(data), (data.get("name") or "").strip()))
        if key and isinstance(data.get("start"), int) and isinstance(data.get("stop"), int):
            seconds[key] = round((data["stop"] - data["start"]) / 1000, 2)
    return dict(sorted(seconds.items()))


# --- command line -------------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/shard", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    common = _selection_options()

    p = sub.add_parser("plan", parents=[common], help="print which scenario runs in which shard")
    p.add_argument("total", type=int, metavar="N")
    p.add_argument("--json", action="store_true", help="the plan as JSON")

    r = sub.add_parser("run", parents=[common], help="run shard I of N (other arguments after -- go to behave)")
    r.add_argument("shard", metavar="I/N")
    r.add_argument("--reports", metavar="DIR", help="this shard's reports folder (default reports/shard-I-of-N; "
                                                    "reports is $PRESSLUFT_REPORTS_DIR when set)")

    m = sub.add_parser("merge", help="merge shards' reports folders into one report and one verdict")
    m.add_argument("folders", nargs="+", metavar="DIR", help="the shards' reports folders")
    m.add_argument("--output", metavar="DIR",
                   help="merged allure-results/, junit/, behave-stderr.log, verdict.json (default reports/merged)")
    m.add_argument("--report", metavar="DIR", help="the HTML report (default OUTPUT/allure-report)")
    m.add_argument("--history", metavar="FILE", help="Allure history file (default: scripts/report's)")
    m.add_argument("--no-report", action="store_true", help="check and merge only")
    m.add_argument("--expect", type=int, metavar="N", help="the number of shards there must be")

    a = sub.add_parser("all", parents=[common], help="run shards 1..N at the same time here, then merge "
                                                      "(the CI matrix on one machine)")
    a.add_argument("total", type=int, metavar="N")
    a.add_argument("--reports", metavar="DIR", help="shard-I/ and merged/ go here (default reports/shards)")
    a.add_argument("--history", metavar="FILE", help="Allure history file (default: scripts/report's)")
    a.add_argument("--no-report", action="store_true", help="check and merge only")

    d = sub.add_parser("durations", parents=[common], help="per-scenario seconds of a run's Allure results")
    d.add_argument("results", metavar="ALLURE_RESULTS")
    d.add_argument("--write", action="store_true", help="write them to --durations instead of printing them")
    return parser


def _selection_options() -> argparse.ArgumentParser:
    """The options of every command that reads the feature files: which scenarios, and their weights."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--features", action="append", metavar="PATH",
                        help="feature files or directories (default features/wave5)")
    common.add_argument("-t", "--tags", action="append", metavar="EXPR",
                        help="only the scenarios matching this tag expression (behave's syntax; repeatable)")
    common.add_argument("--durations", default=str(DURATIONS), metavar="FILE",
                        help="per-scenario seconds for the balance (default tools/shard_durations.json; "
                             "'none': every scenario weighs the same)")
    return common


def _durations_path(value: str) -> Optional[Path]:
    return None if value == "none" else Path(value)


def _paths(options) -> list:
    return options.features or [FEATURES]


def _optional_path(value: Optional[str]) -> Optional[Path]:
    return Path(value) if value else None


def _plan_command(options, behave_args: list) -> int:
    the_plan = plan(collect(_paths(options), options.tags), options.total,
                    load_durations(_durations_path(options.durations)))
    if options.json:
        print(json.dumps({"of": the_plan.total, "plan": the_plan.digest, "shards": [
            {"shard": i + 1, "weight_ms": the_plan.load(i + 1),
             "scenarios": [u.location for u in shard]} for i, shard in enumerate(the_plan.shards)]}, indent=1))
        return 0
    for i, shard in enumerate(the_plan.shards, start=1):
        print(f"shard {i}/{the_plan.total}: {len(shard)} scenarios, weight {the_plan.load(i) / 1000:.1f} s")
        for unit in shard:
            print(f"  {unit.location}  {unit.name}")
    return 0


def _run_command(options, behave_args: list) -> int:
    if any(a.startswith(("-t", "--tags", "-n", "--name", "-i", "--include", "-e", "--exclude")) for a in behave_args):
        raise ShardError("choose scenarios with scripts/shard's own -t (the plan must know them), "
                         "not with behave's -t/-n/-i/-e")
    index, total = parse_shard(options.shard)
    reports = _optional_path(options.reports) or reports_base() / f"shard-{index}-of-{total}"
    return run_shard(index, total, reports, paths=_paths(options), tags=options.tags,
                     durations_file=_durations_path(options.durations), behave_args=behave_args)


def _merge_command(options, behave_args: list) -> int:
    output = _optional_path(options.output) or reports_base() / "merged"
    merged = merge(options.folders, output, options.expect)
    return _report_merge(merged, output, _optional_path(options.report), _optional_path(options.history),
                         not options.no_report)


def _all_command(options, behave_args: list) -> int:
    base = _optional_path(options.reports) or reports_base() / "shards"
    return run_all(options.total, base, paths=_paths(options), tags=options.tags,
                   durations=_durations_path(options.durations), behave_args=behave_args,
                   history=_optional_path(options.history), report=not options.no_report)


def _durations_command(options, behave_args: list) -> int:
    seconds = durations_from_results(Path(options.results), _paths(options))
    if not seconds:
        raise ShardError(f"no results of these feature files in {options.results}")
    if not options.write:
        print(json.dumps({"seconds": seconds}, indent=1))
        return 0
    target = _durations_path(options.durations) or DURATIONS
    write_json(target, {"comment": "seconds per scenario of one run (scripts/shard durations "
                                   "RESULTS --write); only the shards' balance depends on it",
                        "seconds": seconds})
    print(f"[shard] {len(seconds)} durations written to {_display_path(target)}")
    return 0


COMMANDS = {"plan": _plan_command, "run": _run_command, "merge": _merge_command, "all": _all_command,
            "durations": _durations_command}


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    behave_args: list = []
    if "--" in argv:
        cut = argv.index("--")
        argv, behave_args = argv[:cut], argv[cut + 1:]
    options = _parser().parse_args(argv)
    try:
        return COMMANDS[options.command](options, behave_args)
    except ShardError as error:
        print(f"[shard] error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
