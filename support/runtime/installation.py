"""What this copy of the suite is and where its files are: a checkout of the repository, or the installed package
(pip or pipx: `pressluft-acceptance`, whose wheel carries the same files under pressluft_acceptance/suite/).

The version names the Pressluft contract the suite checks: `<release>+pressluft.<commit>` (a PEP 440 local version;
CHANGELOG.md says what each release checks). Its one home is pyproject.toml's [project] version: an installed
package reads it from its metadata (importlib.metadata), a checkout from pyproject.toml itself, so a checkout that
was never installed, or whose installed metadata is older, still says what it is.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from pathlib import Path

DISTRIBUTION = "pressluft-acceptance"
# The folder holding support/, pressluft_reference/ and contract/: a checkout's root, or site-packages.
PACKAGES = Path(__file__).resolve().parents[2]
# Where the wheel puts environment.py, steps/, features/, pyproject.toml and tools/smoke.py (pyproject.toml's
# [tool.setuptools] maps the repository's root there, so the wheel holds no second copy of them).
INSTALLED_HOME = PACKAGES / "pressluft_acceptance" / "suite"
CONTRACT_MARK = "+pressluft."


def installed() -> bool:
    """True when running from the installed package, False from a checkout (editable installs included)."""
    return (INSTALLED_HOME / "features").is_dir()


def home() -> Path:
    """The folder behave runs the suite from: features/wave5, steps/, environment.py, pyproject.toml, tools/."""
    return INSTALLED_HOME if installed() else PACKAGES


def features() -> Path:
    return home() / "features" / "wave5"


def behave_configuration_file() -> Path:
    """pyproject.toml's [tool.behave]: what `behave features/wave5` reads in a checkout's root, and what the
    installed commands read from the copy of this file the wheel ships."""
    return home() / "pyproject.toml"


@lru_cache(maxsize=1)
def version() -> str:
    if installed():
        try:
            return installed_version(DISTRIBUTION)
        except PackageNotFoundError:  # the files without their metadata (copied by hand): say so, do not guess
            return "unknown"
    with open(PACKAGES / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["version"]


def contract() -> str:
    """The Pressluft commit whose Wave 5 contract this version checks (from the version's local part)."""
    _, mark, commit = version().partition(CONTRACT_MARK)
    return commit if mark else "unknown"


def describe() -> str:
    """One line: what suite this is and what it checks (the start-up block, `--version`)."""
    return f"{DISTRIBUTION} {version()}, checking the Pressluft Wave 5 contract at {contract()}"


def git_checkout() -> bool:
    """A checkout with its git data (a worktree's .git is a file); never true of an installed package, even one
    installed into a virtual environment that lies inside some other repository."""
    return not installed() and (PACKAGES / ".git").exists()

