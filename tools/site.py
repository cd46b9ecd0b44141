"""scripts/publish-site: put one run's report into the living report site, keeping its history.

    scripts/publish-site --part embedded --title "Embedded reference" --results DIR [--remote origin]
                         [--branch pages-site] [--run-url URL] [--verdict FILE] [--site-out DIR] [--attempts 5]
    scripts/publish-site --part embedded --fetch-history FILE     (read only: the published history so far)

The site (what GitHub Pages serves) lives on a branch of its own, `pages-site`: one commit, no parents, holding

    index.html              the parts side by side: verdict, counts, when, which run
    <part>/                 one Allure report per part (embedded/, real-target/)
    <part>/history.jsonl    that part's Allure history (one line per run: trends and per-test history)
    <part>/summary.json     what index.html shows of it

Each publication, for one part only:
  1. fetch the branch (none yet: an empty site);
  2. hand `<part>/history.jsonl` to scripts/report, which reads it and adds this run;
  3. replace `<part>/` with the new report and the longer history, rewrite index.html (the other parts stay as
     they were);
  4. commit that tree as the branch's only commit and push it with --force-with-lease against the commit of
     step 1: when another publication got there first, start again from 1 (so no run's history line is lost).
The deploy job then uploads the branch as it is at that moment (actions/upload-pages-artifact, deploy-pages).
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Callable, Optional

from support.runtime import installation
from tools import ci_summary

ROOT = installation.home()  # the checkout these tools run in


PART = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
SITE_TITLE = "Pressluft Wave 5 acceptance"
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"


class PublishError(Exception):
    pass


def git(repo: Path, *args: str, input: Optional[bytes] = None, env: Optional[dict] = None,
        check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", "-C", str(repo), *args], input=input, capture_output=True,
                            env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise PublishError(f"git {' '.join(args[:2])} failed: "
                           f"{result.stderr.decode(errors='replace').strip().splitlines()[-1:] or ['?']}")
    return result


def fetch_site(repo: Path, remote: str, branch: str, into: Path) -> str:
    """The site as the branch has it now, unpacked into `into`; returns its commit ('' when there is none)."""
    listed = git(repo, "ls-remote", "--exit-code", "--heads", remote, branch, check=False)
    if listed.returncode == 2:
        return ""
    if listed.returncode != 0:
        raise PublishError(f"cannot list {remote}: {listed.stderr.decode(errors='replace').strip()}")
    local = "refs/pressluft/site"
    git(repo, "fetch", "--quiet", "--no-tags", remote, f"+refs/heads/{branch}:{local}")
    commit = git(repo, "rev-parse", local).stdout.decode().strip()
    archive = git(repo, "archive", "--format=tar", commit).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return commit


def history_lines(text: str) -> list[str]:
    """The lines of a history file that are JSON objects (anything else, e.g. an HTML error page, is dropped)."""
    kept = []
    for line in text.splitlines():
        try:
            if isinstance(json.loads(line), dict):
                kept.append(line)
        except ValueError:
            continue
    return kept


def read_history(path: Path) -> list[str]:
    return history_lines(path.read_text(errors="replace")) if path.is_file() else []


def fetch_history(repo: Path, remote: str, branch: str, part: str, dest: Path, out=sys.stdout) -> int:
    """Read only: the part's published history into `dest` (for a report that is not published, e.g. of a pull
    request, so that it shows the trend so far). Returns the number of runs; no site yet is 0 runs."""
    with tempfile.TemporaryDirectory(prefix="site-") as tmp:
        commit = fetch_site(repo, remote, branch, Path(tmp))
        lines = read_history(Path(tmp) / part / "history.jsonl") if commit else []
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text("".join(line + "\n" for line in lines))
    print(f"publish-site: {len(lines)} runs of the {part} history on {branch} copied to {dest}", file=out)
    return len(lines)


def build_part(results: Path, history: Path, output: Path) -> None:
    command = [str(ROOT / "scripts" / "report"), "--results", str(Path(results).resolve()),
               "--output", str(Path(output).resolve()), "--history", str(Path(history).resolve())]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise PublishError("scripts/report failed: " + (done.stderr.strip().splitlines() or ["?"])[-1])


def part_summary(results: Path, part: str, title: str, run_url: Optional[str], verdict_file: Optional[Path],
                 stderr_files: list, history_runs: int) -> dict:
    summary = ci_summary.summarise(results, stderr_files, verdict_file)
    return {"part": part, "title": title, "verdict": summary.verdict, "counts": summary.counts,
            "problems": summary.problems, "runs_in_history": history_runs, "run_url": run_url or "",
            "commit": os.environ.get("GITHUB_SHA", ""),
            "updated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def render_index(site: Path) -> str:
    rows = []
    for summary_file in sorted(site.glob("*/summary.json")):
        try:
            data = json.loads(summary_file.read_text())
        except ValueError:
            continue
        part = summary_file.parent.name
        counts = ", ".join(f"{n} {status}" for status, n in (data.get("counts") or {}).items() if n)
        run = f'<a href="{html.escape(data["run_url"])}">run</a>' if data.get("run_url") else ""
        rows.append(
            f'<tr><td><a href="{html.escape(part)}/">{html.escape(data.get("title") or part)}</a></td>'
            f'<td class="{html.escape(data.get("verdict", ""))}">{html.escape(data.get("verdict", "?"))}</td>'
            f'<td>{html.escape(counts)}</td><td>{html.escape(data.get("updated", ""))}</td>'
            f'<td>{int(data.get("runs_in_history") or 0)}</td><td>{run}</td></tr>')
    body = "\n".join(rows) or '<tr><td colspan="6">nothing published yet</td></tr>'
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{SITE_TITLE}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}}table{{border-collapse:collapse}}
td,th{{padding:.4rem .8rem;border-bottom:1px solid #ddd;text-align:left}}.passed{{color:#17803d}}
.failed{{color:#b42318;font-weight:bold}}</style></head>
<body><h1>{SITE_TITLE}</h1>
<p>The living report of the acceptance suite: one Allure report per target, each with the history of its runs.</p>
<table><thead><tr><th>target</th><th>verdict</th><th>scenarios</th><th>updated</th><th>runs in history</th>
<th></th></tr></thead>
<tbody>
{body}
</tbody></table></body></html>
"""


def assemble(site: Path, part: str, title: str, results: Path, *, run_url=None, verdict_file=None,
             stderr_files=(), build: Callable = build_part) -> dict:
    """Replaces site/<part> with a new report of `results`, its history one run longer; rewrites the index."""
    with tempfile.TemporaryDirectory(prefix="site-part-") as tmp:
        history = Path(tmp) / "history.jsonl"
        kept = read_history(site / part / "history.jsonl")
        history.write_text("".join(line + "\n" for line in kept))
        report = Path(tmp) / "report"
        build(results, history, report)
        if not (report / "index.html").is_file():
            raise PublishError("the report has no index.html")
        runs = len(read_history(history))
        shutil.rmtree(site / part, ignore_errors=True)
        shutil.copytree(report, site / part)
        shutil.copy2(history, site / part / "history.jsonl")
    summary = part_summary(results, part, title, run_url, verdict_file, list(stderr_files), runs)
    (site / part / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    (site / ".nojekyll").write_text("")
    (site / "index.html").write_text(render_index(site))
    return summary


def commit_site(repo: Path, site: Path, message: str) -> str:
    """The site's tree as one commit without parents (the branch keeps only the current site)."""
    git_dir = git(repo, "rev-parse", "--absolute-git-dir").stdout.decode().strip()
    with tempfile.TemporaryDirectory(prefix="site-index-") as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index"), "GIT_DIR": git_dir,
               "GIT_WORK_TREE": str(site)}
        for args in (["add", "--all", "--force"], ["write-tree"]):
            done = subprocess.run(["git", *args], cwd=site, env=env, capture_output=True)
            if done.returncode != 0:
                raise PublishError(f"git {args[0]} failed: {done.stderr.decode(errors='replace').strip()}")
        tree = done.stdout.decode().strip()
    ident = {"GIT_AUTHOR_NAME": os.environ.get("GIT_AUTHOR_NAME", BOT_NAME),
             "GIT_AUTHOR_EMAIL": os.environ.get("GIT_AUTHOR_EMAIL", BOT_EMAIL),
             "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME", BOT_NAME),
             "GIT_COMMITTER_EMAIL": os.environ.get("GIT_COMMITTER_EMAIL", BOT_EMAIL)}
    return git(repo, "commit-tree", tree, "-m", message, env=ident).stdout.decode().strip()


def push(repo: Path, remote: str, branch: str, commit: str, expected: str) -> bool:
    """True when pushed; False when the branch is no longer at `expected` (someone published meanwhile)."""
    done = git(repo, "push", "--quiet", "--porcelain", f"--force-with-lease=refs/heads/{branch}:{expected}",
               remote, f"{commit}:refs/heads/{branch}", check=False)
    if done.returncode == 0:
        return True
    text = (done.stdout + done.stderr).decode(errors="replace")
    if "stale info" in text or "rejected" in text or "fetch first" in text:
        return False
    raise PublishError(f"git push to {remote} failed: {text.strip().splitlines()[-1:] or ['?']}")


def publish(*, repo: Path, remote: str, branch: str, part: str, title: str, results: Path, run_url=None,
            verdict_file=None, stderr_files=(), attempts: int = 5, site_out: Optional[Path] = None,
            build: Callable = build_part, before_push: Optional[Callable] = None, out=sys.stdout) -> dict:
    if not PART.fullmatch(part):
        raise PublishError(f"a part is a lower-case folder name like 'embedded', not {part!r}")
    ci_summary.read_results(results)  # no results: say so before touching anything
    for attempt in range(1, attempts + 1):
        with tempfile.TemporaryDirectory(prefix="site-") as tmp:
            site = Path(tmp)
            previous = fetch_site(repo, remote, branch, site)
            summary = assemble(site, part, title, results, run_url=run_url, verdict_file=verdict_file,
                               stderr_files=stderr_files, build=build)
            commit = commit_site(repo, site, f"{part}: {summary['verdict']}, "
                                             f"{summary['runs_in_history']} runs in its history")
            if before_push is not None:
                before_push(attempt)
            if push(repo, remote, branch, commit, previous):
                if site_out is not None:
                    shutil.rmtree(site_out, ignore_errors=True)
                    shutil.copytree(site, site_out)
                print(f"publish-site: {part} published to {branch} ({commit[:12]}, {summary['verdict']}, "
                      f"{summary['runs_in_history']} runs in its history)", file=out)
                return summary
            print(f"publish-site: {branch} moved while this report was built (attempt {attempt}); again",
                  file=out)
    raise PublishError(f"{branch} kept moving; gave up after {attempts} attempts")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/publish-site", description=__doc__.splitlines()[0])
    parser.add_argument("--part", required=True, help="the site's folder for this report (embedded, real-target)")
    parser.add_argument("--title", help="its name on the index page")
    parser.add_argument("--results", help="the run's Allure results")
    parser.add_argument("--fetch-history", metavar="FILE",
                        help="only copy the part's published history to FILE (read only) and stop")
    parser.add_argument("--stderr", action="append", default=[], metavar="FILE", help="behave's stderr (repeatable)")
    parser.add_argument("--verdict", help="scripts/shard merge's verdict.json")
    parser.add_argument("--run-url", help="the CI run, linked from the index")
    parser.add_argument("--remote", default="origin")
    parser.add_argument("--branch", default="pages-site")
    parser.add_argument("--repo", default=str(ROOT), help="the git repository to work in (default this one)")
    parser.add_argument("--site-out", help="also copy the published site here")
    parser.add_argument("--attempts", type=int, default=5)
    options = parser.parse_args(argv)
    if not options.fetch_history and not (options.title and options.results):
        parser.error("--title and --results are required (unless --fetch-history)")
    try:
        if options.fetch_history:
            if not PART.fullmatch(options.part):
                raise PublishError(f"a part is a lower-case folder name like 'embedded', not {options.part!r}")
            fetch_history(Path(options.repo), options.remote, options.branch, options.part,
                          Path(options.fetch_history))
            return 0
        publish(repo=Path(options.repo), remote=options.remote, branch=options.branch, part=options.part,
                title=options.title, results=Path(options.results), run_url=options.run_url,
                verdict_file=Path(options.verdict) if options.verdict else None, stderr_files=options.stderr,
                attempts=options.attempts, site_out=Path(options.site_out) if options.site_out else None)
    except (PublishError, ci_summary.NoResults) as error:
        print(f"publish-site: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
