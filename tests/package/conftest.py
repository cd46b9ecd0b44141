"""The package as a user gets it: a wheel built from the repository's tracked files (as `pip install git+URL` builds
it), installed into a fresh virtual environment outside the checkout, and a directory to call its commands from."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tools.suite_runs import SuiteRun

ROOT = Path(__file__).resolve().parents[2]
# A configuration of the caller's own that must not reach the suite's runs: behave would look for these features.
CALLERS_BEHAVE_INI = "[behave]\npaths = features-of-the-caller\n"


@dataclass
class Installed:
    """The wheel, the virtual environment it was installed into, and how long each step took (seconds)."""

    wheel: Path
    venv: Path
    seconds: dict = field(default_factory=dict)

    def command(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def run(self, caller: Path, command: str, *args: str, reports: Path, timeout: float = 180, **env) -> SuiteRun:
        """An installed command, from the caller's folder, as a user's shell runs it (with these variables)."""
        result = subprocess.run([self.command(command), *args], cwd=caller, env=clean_environment(**env),
                                capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=timeout)
        return SuiteRun(result.returncode, result.stdout, result.stderr, reports, 0)

    def start(self, caller: Path, command: str, *args: str) -> subprocess.Popen:
        """An installed command left running, its stdout a pipe."""
        return subprocess.Popen([self.command(command), *args], cwd=caller, env=clean_environment(),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def names(self) -> list[str]:
        with zipfile.ZipFile(self.wheel) as wheel:
            return wheel.namelist()

    def read(self, name: str) -> bytes:
        with zipfile.ZipFile(self.wheel) as wheel:
            return wheel.read(name)


def timed(seconds: dict, step: str, command: list, **kwargs) -> subprocess.CompletedProcess:
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=240, **kwargs)
    seconds[step] = round(time.monotonic() - started, 1)
    assert result.returncode == 0, f"{step} failed: {' '.join(command)}\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
    return result


def tracked_files() -> list[str]:
    """The repository's files as a clone has them: tracked, and new ones not ignored (so a change can be tested
    before it is committed); never .venv, reports or node_modules."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    work = tmp_path_factory.mktemp("package")
    seconds: dict = {}
    source = work / "source"
    for name in tracked_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    timed(seconds, "build the wheel", [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                                       "-w", str(work / "dist"), str(source)])
    [wheel] = (work / "dist").glob("*.whl")
    venv = work / "venv"
    timed(seconds, "make a venv", [sys.executable, "-m", "venv", str(venv)])
    timed(seconds, "install the wheel", [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                                         "--disable-pip-version-check", str(wheel)])
    print(f"\npackage test set-up: {seconds}")
    return Installed(wheel, venv, seconds)


@pytest.fixture
def caller(tmp_path) -> Path:
    """A directory outside the checkout to run the commands from, with a behave configuration of its own."""
    folder = tmp_path / "caller"
    folder.mkdir()
    (folder / "behave.ini").write_text(CALLERS_BEHAVE_INI)
    return folder


def clean_environment(**extra) -> dict:
    """The environment a user's shell would give: none of our variables, nothing pointing into the checkout."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PRESSLUFT_") and k not in ("HETZNER_API_TOKEN", "PYTHONPATH", "VIRTUAL_ENV")}
    env.update(extra)
    return env
