"""support/ is a partial order of layers, one sub-package each: every layer stands on the layers named in STANDS_ON,
and may import those and what they stand on, in turn (function-level imports count). Nothing imports a layer above
it, and siblings (two layers neither of which stands on the other, e.g. pressluft and http) never import each other;
nothing of support/ imports steps/, environment.py, tools/, the installed commands or the reference. Each layer's
__init__ says what it holds and what it may import, and the wheel packages every layer. (Function lengths:
tests/ci/test_code_shape.py.)"""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each layer and the layers it stands on directly (what they stand on comes with them)
STANDS_ON = {
    "verdicts": (),
    "pressluft": ("verdicts",),
    "runtime": ("pressluft",),
    "http": ("verdicts",),
    "reporting": ("runtime",),
    "screenplay": ("http", "reporting"),
    "waiting": ("screenplay",),
    "checks": ("waiting",),
    "flows": ("checks",),
    "harness": ("flows",),
}
LAYERS = tuple(STANDS_ON)  # bottom first: each after every layer it stands on
FOREIGN = ("steps", "environment", "tools", "pressluft_reference", "pressluft_acceptance")


def below(layer: str, stands_on: dict = STANDS_ON) -> set[str]:
    """Every layer `layer` stands on, directly or through another: what it may import."""
    found: set[str] = set()
    for under in stands_on[layer]:
        found |= {under} | below(under, stands_on)
    return found


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


def why_not(layer: str | None, imported: str, stands_on: dict) -> str | None:
    """Why the layer (None: support/ itself) may not import the layer `imported`; None when it may."""
    if layer == imported:
        return None
    if layer is None or layer in below(imported, stands_on):
        return f"the {layer or 'support'} layer may not import {imported}, a layer above it"
    if imported not in below(layer, stands_on):
        return f"the {layer} layer may not import {imported}, its sibling (neither stands on the other)"
    return None


def violations(root: Path, stands_on: dict = STANDS_ON) -> list[str]:
    """Every import of support/ that runs back up a layer, across to a sibling or out of support/, and every module
    outside a layer."""
    found = []
    for path in sorted((root / "support").rglob("*.py")):
        place = path.relative_to(root).as_posix()
        parts = path.relative_to(root / "support").parts
        layer = parts[0] if len(parts) > 1 else None
        if layer is None and parts[0] != "__init__.py":
            found.append(f"{place}: a module outside every layer (support/<layer>/)")
        if layer is not None and layer not in stands_on:
            found.append(f"{place}: {layer}/ is no layer (LAYERS: {', '.join(stands_on)})")
            continue
        for line, module in imports(path):
            names = module.split(".")
            if names[0] in FOREIGN:
                found.append(f"{place}:{line} imports {module}: support/ never imports {names[0]}")
            elif names[0] == "support" and len(names) > 1 and names[1] in stands_on:
                why = why_not(layer, names[1], stands_on)
                if why:
                    found.append(f"{place}:{line} imports {module}: {why}")
    return found


def test_no_layer_of_support_imports_one_above_it_a_sibling_or_anything_outside_it():
    assert violations(ROOT) == []


def test_the_layers_are_a_partial_order_listed_bottom_first():
    for index, layer in enumerate(LAYERS):
        assert set(STANDS_ON[layer]) <= set(LAYERS[:index]), f"{layer} stands on a layer listed after it"
        assert layer not in below(layer), f"{layer} stands on itself"


def test_each_layer_says_what_it_holds_and_what_it_may_import():
    stated = (ROOT / "support" / "__init__.py").read_text()
    listed = re.findall(r"^\s+(\w+)/ +\(on ([\w, ]*)\)", stated, re.M)
    said = {layer: set(re.findall(r"\w+", on)) for layer, on in listed}
    assert said == {layer: set(STANDS_ON[layer]) or {"nothing"} for layer in LAYERS}, "support/__init__.py"
    for layer in LAYERS:
        folder = ROOT / "support" / layer
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text())) or ""
        modules = sorted(path.stem for path in folder.glob("*.py") if path.stem != "__init__")
        assert [module for module in modules if module not in doc] == [], f"{layer}/__init__.py names its modules"
        may = doc.partition("May import:")[2]
        assert set(re.findall(r"support\.(\w+)", may)) == below(layer), f"{layer}: {may.strip()}"


def test_the_wheel_packages_every_layer():
    with open(ROOT / "pyproject.toml", "rb") as file:
        packages = tomllib.load(file)["tool"]["setuptools"]["packages"]
    assert {f"support.{layer}" for layer in LAYERS} <= set(packages)


# -- the measures can fail ------------------------------------------------------------------------------------------
PLANTED = {"bottom": (), "left": ("bottom",), "right": ("bottom",), "top": ("left", "right")}


def _plant(root: Path, files: dict) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_an_import_that_runs_back_up_across_or_out_is_named_with_its_place(tmp_path):
    root = _plant(tmp_path, {
        "support/__init__.py": "", "support/bottom/__init__.py": "",
        "support/bottom/failure.py": "import json\n\n\ndef later():\n    from support.top.run import run\n",
        "support/left/jobs.py": "from support import bottom\nfrom tools import smoke\nfrom support.right import x\n",
        "support/right/ok.py": "from support.bottom.failure import later\nimport support.right.other\n",
        "support/top/run.py": "from support.left import jobs\nfrom support.right.ok import later\n",
        "support/loose.py": "from support import top\n", "support/misc/x.py": ""})
    assert violations(root, PLANTED) == [
        "support/bottom/failure.py:5 imports support.top.run: the bottom layer may not import top, a layer above it",
        "support/left/jobs.py:2 imports tools: support/ never imports tools",
        "support/left/jobs.py:3 imports support.right: the left layer may not import right, its sibling (neither "
        "stands on the other)",
        "support/loose.py: a module outside every layer (support/<layer>/)",
        "support/loose.py:1 imports support.top: the support layer may not import top, a layer above it",
        "support/misc/x.py: misc/ is no layer (LAYERS: bottom, left, right, top)",
    ]


def test_what_a_layer_may_import_is_everything_it_stands_on_and_nothing_beside_it():
    assert below("top", PLANTED) == {"left", "right", "bottom"}
    assert below("left", PLANTED) == {"bottom"} and below("bottom", PLANTED) == set()
    assert why_not("left", "right", PLANTED) and why_not("right", "left", PLANTED)
    assert why_not("top", "bottom", PLANTED) is None and why_not("left", "left", PLANTED) is None
