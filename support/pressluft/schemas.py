"""Answers checked against the project's contract schemas (contract/schemas), in tolerant mode.

Tolerant of what the real Pressluft does that the contract does not forbid in spirit:
non-UUID job ids (`job-<nanos>`) and pre-restore backup ids (`pre-<env8>-<unix>`), `null`
instead of `[]` for readiness reason codes and guidance, and any order of list items.
A mismatch is a contract_violation.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from contract import load_schema
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

# Fields whose ids the real Pressluft does not always make UUIDs.
LOOSE_ID_FIELDS = {"job": {"id"}, "job_response": {"job_id"}, "backup": {"id"}}
# (schema, path to an array property) that the real Pressluft may send as null.
NULLABLE_ARRAYS = {"node": [("$defs", "NodeReadiness", "properties", "reason_codes"),
                            ("$defs", "NodeReadiness", "properties", "guidance")],
                   "provider_connection": [("properties", "guidance")]}


@lru_cache(maxsize=None)
def tolerant_schema(name: str) -> dict:
    schema = copy.deepcopy(load_schema(name))
    for field in LOOSE_ID_FIELDS.get(name, ()):
        schema["properties"][field].pop("format", None)
    for path in NULLABLE_ARRAYS.get(name, ()):
        node = schema
        for key in path[:-1]:
            node = node[key]
        node[path[-1]]["type"] = [node[path[-1]]["type"], "null"]
    return schema


@lru_cache(maxsize=None)
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(tolerant_schema(name), format_checker=FormatChecker(formats={"uuid"}))


def problems(name: str, data: Any) -> list[str]:
    """Every way `data` differs from the tolerant schema `name`, as short English lines."""
    found = []
    for error in sorted(_validator(name).iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(part) for part in error.absolute_path) or "(the answer)"
        found.append(f"{where}: {error.message}")
    return found


def check(name: str, data: Any, *, command: str, many: bool = False) -> Any:
    """Returns data when it fits the schema (each item, when `many`); otherwise a contract_violation."""
    if many:
        if not isinstance(data, list):
            raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                               f"expected a list of {name} but got {type(data).__name__}")
        found = [f"[{index}] {p}" for index, item in enumerate(data) for p in problems(name, item)]
    else:
        found = problems(name, data)
    if found:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"answer does not fit the {name} schema: {found[0]}"
                           + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""),
                           details={"schema problems": "\n".join(found[:10])})
    return data
