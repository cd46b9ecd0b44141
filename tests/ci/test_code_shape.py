"""Code a newcomer can read: no function longer than 40 lines (from its def line to the last line of its body,
docstring and nested functions included) in the folders of FOLDERS. A folder joins the list once it keeps the limit."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 40
FOLDERS = ("tools", "support")


def long_functions(folder: Path, limit: int = LIMIT) -> list[str]:
    """'path:line name: N lines' of every function (a method by its class, a nested one by its outer function) in
    the Python files under `folder` that is longer than `limit` lines."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        where = path.relative_to(folder.parent).as_posix()
        for name, node in _functions(ast.parse(path.read_text(), filename=str(path))):
            lines = node.end_lineno - node.lineno + 1
            if lines > limit:
                found.append(f"{where}:{node.lineno} {name}: {lines} lines")
    return found


def _functions(node: ast.AST, prefix: str = ""):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if not isinstance(child, ast.ClassDef):
                yield prefix + child.name, child
            yield from _functions(child, f"{prefix}{child.name}.")
        else:
            yield from _functions(child, prefix)


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_function_is_longer_than_the_limit(folder):
    found = long_functions(ROOT / folder)
    assert not found, f"split these functions of {folder}/ by what they do:\n" + "\n".join(found)


def test_a_long_function_is_named_with_its_class_and_its_length(tmp_path):
    body = "".join(f"        x{i} = {i}\n" for i in range(LIMIT - 1))
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "module.py").write_text(
        "def short():\n    pass\n\n\nclass Thing:\n    @property\n    def long(self):\n" + body
        + "        def inner():\n            pass\n")
    assert long_functions(tmp_path / "code") == [f"code/module.py:7 Thing.long: {LIMIT + 2} lines"]
    assert long_functions(tmp_path / "code", limit=LIMIT + 2) == []
