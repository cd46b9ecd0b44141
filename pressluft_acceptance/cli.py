"""The console commands (pyproject.toml's [project.scripts]), each a thin entry point into the code a checkout runs:

    pressluft-acceptance [behave arguments]           the whole suite: `behave features/wave5` in a checkout's root
    pressluft-smoke clone-preview|backup-restore ...  a closeout gate: tools/smoke.py, as scripts/smoke-*.sh run it
    pressluft-reference [flags]                       the reference control plane: python -m pressluft_reference

`--version` of each says which suite this is and which Pressluft contract it checks.
"""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Optional, Sequence

from behave.version import VERSION as BEHAVE_VERSION

from pressluft_acceptance.configured_behave import run_behave
from support.runtime import installation
from support.runtime.smoke_commands import SMOKE_COMMAND, SMOKES

# pressluft-smoke's words for the smokes, and the names tools/smoke.py (and scripts/smoke) know them by
SMOKE_NAMES = {smoke.word: name for name, smoke in SMOKES.items()}


def _arguments(argv: Optional[Sequence[str]]) -> list[str]:
    return list(sys.argv[1:] if argv is None else argv)


def _print_version(command: str) -> int:
    print(f"{command}: {installation.describe()}")
    return 0


def acceptance(argv: Optional[Sequence[str]] = None) -> int:
    args = _arguments(argv)
    if "--version" in args:
        print(f"pressluft-acceptance: {installation.describe()} (behave {BEHAVE_VERSION})")
        return 0
    return run_behave(args)


def smoke(argv: Optional[Sequence[str]] = None) -> int:
    args = _arguments(argv)
    if args[:1] == ["--version"]:
        return _print_version(SMOKE_COMMAND)
    if args and args[0] in SMOKE_NAMES:
        args[0] = SMOKE_NAMES[args[0]]
    return _smoke_module().main(args)


def reference(argv: Optional[Sequence[str]] = None) -> int:
    args = _arguments(argv)
    if "--version" in args:
        return _print_version("pressluft-reference")
    from pressluft_reference.cli import main  # its own program: imported only to run it

    return main(args)


def _smoke_module() -> ModuleType:
    """tools/smoke.py of the suite's home (a checkout's, or the copy the wheel carries), loaded from its file: the
    wheel does not install the repository's tools/ as a package of that generic name."""
    path = installation.home() / "tools" / "smoke.py"
    spec = importlib.util.spec_from_file_location("pressluft_acceptance._smoke", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pickling look a module up by its name
    spec.loader.exec_module(module)
    return module
