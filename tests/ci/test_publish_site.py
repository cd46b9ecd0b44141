"""scripts/publish-site against a local bare repository standing in for GitHub: the living report site keeps
each part's history across publications, the parts side by side, and loses no run when two publish at once."""
from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path

import pytest
from shard_fixtures import FAIL_LINE, result

from tools import site

ROOT = Path(__file__).resolve().parents[2]



pytestmark = pytest.mark.timeout(180)


def git(*args, cwd=None) -> str:
    return subprocess.run(["git", *map(str, args)], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def origin(tmp_path):
    bare = tmp_path / "origin.git"
    git("init", "--quiet", "--bare", bare)
    return bare


def clone(tmp_path, origin, name) -> Path:
    work = tmp_path / name
    git("init", "--quiet", work)
    git("remote", "add", "origin", origin, cwd=work)
    return work


def results(folder: Path, *statuses) -> Path:
    out = folder / "allure-results"
    out.mkdir(parents=True)
    for i, status in enumerate(statuses):
        data = result("Alpha", f"scenario {i}", status, FAIL_LINE if status == "failed" else "")
        (out / f"{data['uuid']}-result.json").write_text(json.dumps(data))
    return out


def published(origin: Path) -> dict:
    """The files of the branch: path -> bytes."""
    archive = subprocess.run(["git", "-C", str(origin), "archive", "--format=tar", "pages-site"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def fake_build(results_dir, history, output):
    """scripts/report's part, quickly: one history line per run, a page."""
    with open(history, "a") as handle:
        handle.write(json.dumps({"uuid": f"run-{results_dir.parent.name}"}) + "\n")
    output.mkdir(parents=True)
    (output / "index.html").write_text(f"report of {results_dir.parent.name}")


def test_history_is_kept_across_publications_and_the_parts_stay_side_by_side(tmp_path, origin):
    work = clone(tmp_path, origin, "work")
    first = results(tmp_path / "run1", "passed", "failed")
    second = results(tmp_path / "run2", "passed", "passed")
    run = dict(repo=work, remote="origin", branch="pages-site")
    site.publish(part="embedded", title="Embedded reference", results=first, run_url="https://ci/1", **run)
    summary = site.publish(part="embedded", title="Embedded reference", results=second, run_url="https://ci/2", **run)
    assert summary["runs_in_history"] == 2 and summary["verdict"] == "passed"
    site.publish(part="real-target", title="Real Pressluft", results=results(tmp_path / "real", "skipped"),
                 build=fake_build, **run)

    files = published(origin)
    history = [json.loads(line) for line in files["embedded/history.jsonl"].decode().splitlines()]
    assert len(history) == 2 and len({h["uuid"] for h in history}) == 2
    assert "real-target/history.jsonl" in files and "embedded/index.html" in files and ".nojekyll" in files
    test_results = [json.loads(v) for k, v in files.items() if k.startswith("embedded/data/test-results/")]
    assert len(test_results) == 2
    failed_before = [r for r in test_results if r["name"] == "scenario 1"][0]
    assert failed_before["history"][0]["status"] == "failed"  # the second report shows the first run
    index = files["index.html"].decode()
    assert 'href="embedded/"' in index and 'href="real-target/"' in index and "https://ci/2" in index
    assert json.loads(files["real-target/summary.json"])["counts"]["skipped"] == 1
    # the branch holds the current site only: one commit, no parents
    assert git("rev-list", "--count", "pages-site", cwd=origin).strip() == "1"


def test_two_publications_at_once_lose_no_history_line(tmp_path, origin):
    ours, theirs = clone(tmp_path, origin, "ours"), clone(tmp_path, origin, "theirs")
    run = dict(remote="origin", branch="pages-site", part="embedded", title="Embedded", build=fake_build)
    site.publish(repo=ours, results=results(tmp_path / "a", "passed"), **run)

    def someone_else_publishes(attempt):
        if attempt == 1:
            site.publish(repo=theirs, results=results(tmp_path / "b", "passed"), **run)

    out = io.StringIO()
    site.publish(repo=ours, results=results(tmp_path / "c", "passed"), before_push=someone_else_publishes, out=out,
                 **run)
    assert "moved while this report was built (attempt 1)" in out.getvalue()
    lines = published(origin)["embedded/history.jsonl"].decode().splitlines()
    assert [json.loads(line)["uuid"] for line in lines] == ["run-a", "run-b", "run-c"]


def test_a_history_file_with_garbage_keeps_its_good_lines(tmp_path):
    path = tmp_path / "history.jsonl"
    path.write_text('{"uuid": "1"}\n<html>404</html>\n[1, 2]\n{"uuid": "2"}\n')
    assert site.read_history(path) == ['{"uuid": "1"}', '{"uuid": "2"}']


def test_no_results_or_a_bad_part_is_one_line_and_exit_1(tmp_path, origin):
    work = clone(tmp_path, origin, "work")
    for args in (["--part", "embedded", "--results", tmp_path / "none"],
                 ["--part", "../up", "--results", results(tmp_path / "r", "passed")]):
        done = subprocess.run([str(ROOT / "scripts" / "publish-site"), "--repo", work, "--title", "T",
                               *map(str, args)], capture_output=True, text=True)
        assert done.returncode == 1 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert git("ls-remote", "--heads", origin, "pages-site").strip() == ""


def test_fetch_history_copies_the_published_history_read_only(tmp_path, origin):
    work = clone(tmp_path, origin, "work")
    dest = tmp_path / "out" / "history.jsonl"
    assert site.fetch_history(work, "origin", "pages-site", "embedded", dest, out=io.StringIO()) == 0  # no site
    assert dest.read_text() == ""
    run = dict(repo=work, remote="origin", branch="pages-site", part="embedded", title="E", build=fake_build)
    site.publish(results=results(tmp_path / "a", "passed"), **run)
    site.publish(results=results(tmp_path / "b", "passed"), **run)
    before = git("rev-parse", "pages-site", cwd=origin)
    done = subprocess.run([str(ROOT / "scripts" / "publish-site"), "--repo", str(work), "--part", "embedded",
                           "--fetch-history", str(dest)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["uuid"] for line in dest.read_text().splitlines()] == ["run-a", "run-b"]
    assert git("rev-parse", "pages-site", cwd=origin) == before


def test_the_command_line_takes_paths_relative_to_the_caller(tmp_path, origin):
    clone(tmp_path, origin, "work")
    results(tmp_path / "run", "passed")
    done = subprocess.run([str(ROOT / "scripts" / "publish-site"), "--repo", "work", "--part", "embedded",
                           "--title", "E", "--results", "run/allure-results", "--site-out", "site"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "embedded" / "index.html").is_file()
    assert (tmp_path / "site" / "embedded" / "history.jsonl").read_text().count("\n") == 1
