"""scripts/ci-summary: a run's verdict in Markdown, for the CI job summary ($GITHUB_STEP_SUMMARY).

    scripts/ci-summary [--results DIR] [--stderr FILE]... [--verdict FILE] [--run-summary FILE] [--report-url URL]
                       [--artifact-url URL] [--ledger FILE] [--title TEXT] [--output FILE]

Reads the Allure results (one *-result.json per scenario) and behave's stderr, and writes: the verdict, the
number of passed, failed, broken and skipped scenarios, what the run proved per spec item (its run-summary.json,
merged by scripts/shard merge), every `[wave5] FAIL` line as behave printed it, the failed and broken scenarios,
the shards' problems (scripts/shard merge's verdict.json), the link to the report, and with --ledger what the run
created on its target (created-resources.jsonl, also of a run that was cut off).
Appends to $GITHUB_STEP_SUMMARY when that is set (or to --output), else prints.

Everything written passes through the project's redaction (support/verdicts/redaction.py) with the secrets of the
environment (PRESSLUFT_PASSWORD, PRESSLUFT_PROVIDER_TOKEN, HETZNER_API_TOKEN) and, when PRESSLUFT_BASE_URL is set,
that target's address shown as its label (PRESSLUFT_TARGET_NAME): the `[wave5]` lines never contain either, so
they come out as they are.

Exit status 0 when the summary was written (whatever the verdict: the job's verdict step decides), 1 with one
line (also in the summary) when there are no results to summarise.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from support.runtime import installation
from support.runtime.config import DEFAULT_TARGET_NAME, secret_values
from support.verdicts.redaction import SecretRegistry

ROOT = installation.home()  # the checkout these tools run in


FAIL_PREFIX = "[wave5] FAIL"
STATUSES = ("passed", "failed", "broken", "skipped")
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


class NoResults(Exception):
    pass


@dataclass
class Summary:
    counts: dict
    fail_lines: list
    failed: list                       # (status, "feature: name", first line of the message)
    problems: list = field(default_factory=list)
    unreadable: list = field(default_factory=list)
    proof: Optional[dict] = None       # run-summary.json: what the run proved per spec item, and its last line

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def verdict(self) -> str:
        bad = self.counts.get("failed", 0) + self.counts.get("broken", 0) + len(self.unreadable)
        return "failed" if bad or self.problems else "passed"


def read_results(results: Path) -> tuple[list, list]:
    if not results.is_dir():
        raise NoResults(f"no results directory {results}")
    paths = sorted(results.glob("*-result.json"))
    if not paths:
        raise NoResults(f"no Allure results in {results} (no *-result.json: did the run start?)")
    found, unreadable = [], []
    for path in paths:
        try:
            data = json.loads(path.read_text(errors="replace"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            found.append(data)
        except ValueError:
            unreadable.append(path.name)
    return found, unreadable


def fail_lines_from(stderr_files: list) -> Optional[list]:
    """Every [wave5] FAIL line of these files, in order; None when no file could be read."""
    lines, read_any = [], False
    for path in stderr_files:
        try:
            text = Path(path).read_text(errors="replace")
        except OSError:
            continue
        read_any = True
        for line in text.splitlines():
            line = ANSI.sub("", line).rstrip()
            at = line.find(FAIL_PREFIX)
            if at >= 0:
                lines.append(line[at:])
    return lines if read_any else None


def read_run_summary(path: Optional[Path]) -> Optional[dict]:
    """run-summary.json (support/reporting/tally.py RunTally; merged by scripts/shard merge), if there is a readable
    one."""
    if path is None or not Path(path).is_file():
        return None
    try:
        data = json.loads(Path(path).read_text(errors="replace"))
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("closing_line") else None


def summarise(results: Path, stderr_files: list = (), verdict_file: Optional[Path] = None,
              run_summary: Optional[Path] = None) -> Summary:
    found, unreadable = read_results(results)
    counts = {status: 0 for status in STATUSES}
    failed = []
    for result in found:
        status = result.get("status") or "unknown"
        counts[status] = counts.get(status, 0) + 1
        if status in ("failed", "broken"):
            message = ((result.get("statusDetails") or {}).get("message") or "").strip()
            full = result.get("fullName") or result.get("name") or "?"
            if result.get("name") and not full.endswith(result["name"].strip()):
                full = f"{full}: {result['name'].strip()}"
            failed.append((status, full.strip(), message.splitlines()[0] if message else ""))
    lines = fail_lines_from(list(stderr_files))
    if lines is None:  # no stderr: the same line heads the failing step's message
        lines = [message for _, _, message in failed if message.startswith(FAIL_PREFIX)]
    problems = []
    if verdict_file is not None and Path(verdict_file).is_file():
        try:
            problems = list(json.loads(Path(verdict_file).read_text()).get("problems") or [])
        except (ValueError, AttributeError):
            problems = [f"unreadable {verdict_file}"]
    return Summary(counts, lines, sorted(failed, key=lambda f: f[1]), problems, unreadable,
                   read_run_summary(run_summary))


def _fence(lines: list) -> str:
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _md(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def read_ledger(path: Optional[Path]) -> Optional[list]:
    """The resources a run created (created-resources.jsonl), described; None when there is no such file."""
    if path is None or not Path(path).is_file():
        return None
    created = []
    for line in Path(path).read_text(errors="replace").splitlines():
        try:
            item = json.loads(line)
            text = f"{item['kind']} {item['id']}" + (f" ({item['slug']})" if item.get("slug") else "")
            created.append(text + (f" - {item['note']}" if item.get("note") else ""))
        except (ValueError, KeyError, TypeError):
            continue
    return created


def render(summary: Summary, title: str, report_url: Optional[str], artifact_url: Optional[str] = None,
           created: Optional[list] = None) -> str:
    counts = {status: n for status, n in summary.counts.items() if n or status in STATUSES}
    out = [f"## {_md(title)}: {summary.verdict}", ""]
    out.append("| " + " | ".join(counts) + " | total |")
    out.append("|" + "---:|" * (len(counts) + 1))
    out.append("| " + " | ".join(str(n) for n in counts.values()) + f" | {summary.total} |")
    out.append("")
    if report_url:
        out += [f"Report: {report_url}", ""]
    if artifact_url:
        out += [f"Report and results as an artifact: {artifact_url}", ""]
    out += _proof(summary.proof)
    if summary.problems:
        out += ["### Shards", ""] + [f"- {_md(problem)}" for problem in summary.problems] + [""]
    if summary.unreadable:
        out += [f"Unreadable results (counted as broken): {', '.join(summary.unreadable)}", ""]
    if summary.fail_lines:
        fence = _fence(summary.fail_lines)
        out += [f"### `[wave5] FAIL` lines ({len(summary.fail_lines)})", "", fence, *summary.fail_lines, fence, ""]
    if summary.failed:
        out += ["### Failed and broken scenarios", ""]
        out += [f"- **{status}** {_md(name)}" + (f": {_md(message)}" if message and not message.startswith(FAIL_PREFIX)
                                                  else "") for status, name, message in summary.failed]
        out.append("")
    if created is not None:
        out += [f"### Created on the target, not deleted: {len(created)}", ""] + [f"- {_md(c)}" for c in created] + [""]
    return "\n".join(out) + "\n"


def _proof(run: Optional[dict]) -> list:
    """What the run proved, per spec item it selected: its last line, then one row per item."""
    if not run:
        return []
    out = ["### What this run proved", "", f"`{run['closing_line'].replace('`', chr(39))}`", ""]
    rows = [item for item in run.get("proof") or () if item.get("verdict") != "not selected"]
    if rows:
        out += ["| item | on this target | missing, and why |", "|---|---|---|"]
        for item in rows:
            missing = "; ".join(f"{m['part']} ({m['why']})" for m in item.get("missing") or ())
            verdict = item["verdict"] + (f" ({item['why']})" if item.get("why") and not missing else "")
            out.append(f"| {item['item']} | {_md(verdict)} | {_md(missing).replace('|', '&#124;')} |")
        out.append("")
    return out


def redactor(env=None) -> SecretRegistry:
    """The secrets of the environment, and its target's address (PRESSLUFT_BASE_URL) shown as its label."""
    env = os.environ if env is None else env
    registry = SecretRegistry(secret_values(env))
    registry.addresses.name_target((env.get("PRESSLUFT_BASE_URL") or "").strip() or None,
                                   (env.get("PRESSLUFT_TARGET_NAME") or "").strip() or DEFAULT_TARGET_NAME)
    return registry


def _write(text: str, output: Optional[str]) -> None:
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/ci-summary", description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="reports/allure-results", help="Allure results (default %(default)s)")
    parser.add_argument("--stderr", action="append", default=None, metavar="FILE",
                        help="behave's stderr (repeatable; default behave-stderr.log beside the results, if any)")
    parser.add_argument("--verdict", metavar="FILE", help="scripts/shard merge's verdict.json "
                                                          "(default: verdict.json beside the results, if any)")
    parser.add_argument("--run-summary", metavar="FILE", help="what the run proved per spec item: its "
                                                                 "run-summary.json (default: beside the results)")
    parser.add_argument("--report-url", help="where the HTML report is")
    parser.add_argument("--artifact-url", help="the artifact holding the report and the results")
    parser.add_argument("--ledger", metavar="FILE", help="created-resources.jsonl: list what the run created")
    parser.add_argument("--title", default="Wave 5 acceptance")
    parser.add_argument("--output", default=os.environ.get("GITHUB_STEP_SUMMARY") or None,
                        help="append here (default $GITHUB_STEP_SUMMARY, else standard output)")
    return parser


def redacted(summary: Summary, secrets: SecretRegistry) -> Summary:
    """The summary with its texts redacted (before it is rendered: a target's label reads <name>, which Markdown
    must get escaped; the rendered text is redacted again)."""
    return Summary({**summary.counts}, [secrets.redact_text(line) for line in summary.fail_lines],
                   [(status, secrets.redact_text(name), secrets.redact_text(message))
                    for status, name, message in summary.failed],
                   [secrets.redact_text(problem) for problem in summary.problems], summary.unreadable,
                   summary.proof)


def main(argv=None) -> int:
    options = _parser().parse_args(argv)
    secrets = redactor()
    results = Path(options.results)
    stderr = options.stderr if options.stderr is not None else \
        [p for p in [results.parent / "behave-stderr.log"] if p.is_file()]
    verdict = Path(options.verdict) if options.verdict else results.parent / "verdict.json"
    run_summary = Path(options.run_summary) if options.run_summary else results.parent / "run-summary.json"
    try:
        summary = summarise(results, stderr, verdict, run_summary)
    except NoResults as error:
        line = secrets.redact_text(f"ci-summary: error: {error}")
        print(line, file=sys.stderr)
        if options.output:
            _write(f"## {_md(secrets.redact_text(options.title))}: no results\n\n{_md(line)}\n", options.output)
        return 1
    created = read_ledger(Path(options.ledger)) if options.ledger else None
    _write(secrets.redact_text(render(redacted(summary, secrets), secrets.redact_text(options.title),
                                      options.report_url or None, options.artifact_url or None,
                                      None if created is None else [secrets.redact_text(c) for c in created])),
           options.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
