"""scripts/setup's choice of Python: the first CPython >= 3.11 that runs (python3.13, python3.12, python3.11,
python3), PYTHON= overrides, and one line when there is none. Run in a copy of the script, with interpreters on a
PATH of the test's own: a name that does not run (like a pyenv shim of a version not selected), one that runs a
Python too old, and wrappers of the interpreter running this test, which answer the version check and refuse to
make the venv (so the failed phase names the interpreter chosen, and no venv is made: fast)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("bash", "sh", "env", "dirname", "mktemp", "rm", "cat", "cut", "sed", "tail", "head", "tr", "sha256sum", "id")
TOO_OLD = 'import sys; sys.version_info >= (3, 11) and sys.exit(1); print("3.10.13")'


def checkout(tmp_path: Path, interpreters: dict) -> tuple[Path, dict]:
    """A checkout with only scripts/setup, and a PATH of these interpreters ({name: shell script body}) and the
    tools the script uses, no other Python."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts" / "setup", root / "scripts" / "setup")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in interpreters.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    for tool in TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHON", "VIRTUAL_ENV")}
    env["PATH"] = str(bin_dir)
    return root, env


def setup(root: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["scripts/setup"], cwd=root, env=env, capture_output=True, text=True, timeout=120)


def wrapper() -> str:
    """The running interpreter, except that `-m venv` is refused."""
    return f'[ "$1" = -m ] && {{ echo "no venv today" >&2; exit 3; }}; exec "{sys.executable}" "$@"'


def test_the_first_cpython_of_at_least_3_11_that_runs_is_chosen(tmp_path):
    root, env = checkout(tmp_path, {"python3.13": "exit 127", "python3.12": f"exec {sys.executable} -c '{TOO_OLD}'",
                                    "python3.11": wrapper(), "python3": "exit 1"})
    done = setup(root, env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == "setup: error: python venv failed: python3.11 -m venv .venv"


def test_python_overrides_the_search_and_none_found_is_one_line(tmp_path):
    root, env = checkout(tmp_path, {"python3.13": "exit 127", "python3": "exit 127"})
    done = setup(root, env)
    assert done.returncode == 1 and not (root / ".venv").exists()
    assert done.stderr.strip().splitlines() == [
        "setup: error: no CPython >= 3.11 found (tried python3.13, python3.12, python3.11, python3; "
        "set PYTHON=/path/to/python3)"]
    chosen = tmp_path / "bin" / "my-python"
    chosen.write_text(f"#!/bin/sh\n{wrapper()}\n")
    chosen.chmod(0o755)
    done = setup(root, {**env, "PYTHON": str(chosen)})
    assert done.stderr.strip().splitlines()[-1] == f"setup: error: python venv failed: {chosen} -m venv .venv"
    done = setup(root, {**env, "PYTHON": str(tmp_path / "bin" / "python3.13")})
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"setup: error: PYTHON={tmp_path / 'bin' / 'python3.13'} is not a CPython >= 3.11 that runs here"]
