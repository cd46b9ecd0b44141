"""support/ is a stack of layers, one sub-package each (LAYERS, bottom first): a module imports only its own layer and
the layers below it (function-level imports count), and nothing of steps/, environment.py, tools/, the installed
commands or the reference. Each layer's __init__ says what it holds and what it may import, and the wheel packages
every layer. (Function lengths: tests/ci/test_code_shape.py.)"""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("verdicts", "pressluft", "runtime", "http", "reporting", "screenplay", "waiting", "checks", "flows", "run")
FOREIGN = ("steps", "environment", "tools", "pressluft_reference", "pressluft_acceptance")


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of the file, at any depth: `from support import checks` is support.checks."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "support":
                found += [(node.lineno, f"support.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def violations(root: Path) -> list[str]:
    """Every import of support/ that runs back up a layer or out of support/, and every module outside a layer."""
    found = []
    for path in sorted((root / "support").rglob("*.py")):
        place = path.relative_to(root).as_posix()
        parts = path.relative_to(root / "support").parts
        layer = parts[0] if len(parts) > 1 else None
        if layer is None and parts[0] != "__init__.py":
            found.append(f"{place}: a module outside every layer (support/<layer>/)")
        if layer is not None and layer not in LAYERS:
            found.append(f"{place}: {layer}/ is no layer (LAYERS: {', '.join(LAYERS)})")
            continue
        for line, module in imports(path):
            names = module.split(".")
            if names[0] in FOREIGN:
                found.append(f"{place}:{line} imports {module}: support/ never imports {names[0]}")
            elif names[0] == "support" and len(names) > 1 and names[1] in LAYERS:
                above = LAYERS.index(names[1]) > (LAYERS.index(layer) if layer else -1)
                if above:
                    found.append(f"{place}:{line} imports {module}: the {layer or 'support'} layer may not import "
                                 f"{names[1]}, a layer above it")
    return found


def test_no_layer_of_support_imports_one_above_it_or_anything_outside_it():
    assert violations(ROOT) == []


def test_each_layer_says_what_it_holds_and_what_it_may_import():
    stated = (ROOT / "support" / "__init__.py").read_text()
    assert [layer for layer in re.findall(r"^\s+(\w+)/", stated, re.M) if layer in LAYERS] == list(LAYERS)
    for index, layer in enumerate(LAYERS):
        folder = ROOT / "support" / layer
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text())) or ""
        modules = sorted(path.stem for path in folder.glob("*.py") if path.stem != "__init__")
        assert [module for module in modules if module not in doc] == [], f"{layer}/__init__.py names its modules"
        may = doc.partition("May import:")[2]
        assert set(re.findall(r"support\.(\w+)", may)) == set(LAYERS[:index]), f"{layer}: {may.strip()}"


def test_the_wheel_packages_every_layer():
    with open(ROOT / "pyproject.toml", "rb") as file:
        packages = tomllib.load(file)["tool"]["setuptools"]["packages"]
    assert {f"support.{layer}" for layer in LAYERS} <= set(packages)



# -- the measures can fail ------------------------------------------------------------------------------------------
def test_an_import_that_runs_back_up_or_out_is_named_with_its_place(tmp_path):
    files = {"support/__init__.py": "", "support/verdicts/__init__.py": "", "support/run/__init__.py": "",
             "support/verdicts/failure.py": "import json\n\n\ndef later():\n    from support.run.run import run\n",
             "support/checks/jobs.py": "from support import verdicts\nfrom tools import smoke\n",
             "support/loose.py": "from support import flows\n", "support/misc/x.py": ""}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert violations(tmp_path) == [
        "support/checks/jobs.py:2 imports tools: support/ never imports tools",
        "support/loose.py: a module outside every layer (support/<layer>/)",
        "support/loose.py:1 imports support.flows: the support layer may not import flows, a layer above it",
        f"support/misc/x.py: misc/ is no layer (LAYERS: {', '.join(LAYERS)})",
        "support/verdicts/failure.py:5 imports support.run.run: the verdicts layer may not import run, a layer above "
        "it",
    ]
