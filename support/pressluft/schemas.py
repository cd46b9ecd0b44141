"""Answers checked against the project's contract schemas (contract/schemas), in tolerant mode, with a format checker
that checks what the contract declares: every `date-time` is an RFC 3339 date-time (`Z` or an offset, fractional
seconds of any length: Go's RFC3339Nano; jsonschema checks it with the pinned rfc3339-validator, and without that
package it would accept anything, so building the checker fails instead), every `uuid` is a uuid, and every `uri` (a
preview address) an absolute URI (RFC 3986, with the pinned rfc3986-validator; the same holds without it).

Tolerant of what the real Pressluft (6164b449) does that the contract does not forbid in spirit, and of nothing
more: a job's id may be IMPL's `job-<unix-nanos>` (also in a 202's `job_id`) and a backup's id a pre-restore
checkpoint's `pre-<env_id[:8]>-<unix seconds>` (digest §3.1, §6.1; every other id the contract declares a uuid is
checked as one), `null` instead of `[]` for readiness reason codes and guidance, and any order of list items.
A mismatch is a contract_violation.
"""
from __future__ import annotations

import copy
import re
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from contract import load_schema
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

JOB_ID = "uuid or job-<unix-nanos>"
CHECKPOINT_ID = "uuid or pre-<env8>-<unix-seconds>"
_QUIRK_FORMS = {JOB_ID: re.compile(r"^job-[0-9]+$"), CHECKPOINT_ID: re.compile(r"^pre-[0-9a-f]{8}-[0-9]+$")}
# The id fields the real Pressluft does not always make UUIDs, and the format (above) each is checked with instead.
QUIRK_IDS = {"job": {"id": JOB_ID}, "job_response": {"job_id": JOB_ID}, "backup": {"id": CHECKPOINT_ID}}
# (schema, path to an array property) that the real Pressluft may send as null.
NULLABLE_ARRAYS = {"node": [("$defs", "NodeReadiness", "properties", "reason_codes"),
                            ("$defs", "NodeReadiness", "properties", "guidance")],
                   "provider_connection": [("properties", "guidance")]}


def _format_checker() -> FormatChecker:
    """uuid, date-time and uri as the contract declares them (a KeyError here: rfc3339-validator or rfc3986-validator
    is not installed), and the two quirk forms of an id, each a uuid or that one other form."""
    checker = FormatChecker(formats=("uuid", "date-time", "uri"))
    for name, form in _QUIRK_FORMS.items():
        checker.checks(name)(lambda value, form=form: not isinstance(value, str) or bool(form.match(value))
                             or checker.conforms(value, "uuid"))
    return checker


FORMATS = _format_checker()


@lru_cache(maxsize=None)
def tolerant_schema(name: str) -> dict:
    schema = copy.deepcopy(load_schema(name))
    for field, form in QUIRK_IDS.get(name, {}).items():
        schema["properties"][field]["format"] = form
    for path in NULLABLE_ARRAYS.get(name, ()):
        node = schema
        for key in path[:-1]:
            node = node[key]
        node[path[-1]]["type"] = [node[path[-1]]["type"], "null"]
    return schema


@lru_cache(maxsize=None)
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(tolerant_schema(name), format_checker=FORMATS)


def problems(name: str, data: Any) -> list[str]:
    """Every way `data` differs from the tolerant schema `name`, as short English lines."""
    found = []
    for error in sorted(_validator(name).iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(part) for part in error.absolute_path) or "(the answer)"
        found.append(f"{where}: {error.message}")
    return found


def _record_named(name: str, index: int, item: Any) -> str:
    """A record of a listing as a problem names it: `the backup b-1 (item 0)`, or `item 0` without an id."""
    record_id = item.get("id") if isinstance(item, dict) else None
    return f"the {name} {record_id} (item {index})" if isinstance(record_id, str) and record_id else f"item {index}"


def check(name: str, data: Any, *, command: str, many: bool = False) -> Any:
    """Returns data when it fits the schema (each item, when `many`); otherwise a contract_violation."""
    if many:
        if not isinstance(data, list):
            raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                               f"expected a list of {name} but got {type(data).__name__}")
        found = [f"{_record_named(name, index, item)}: {problem}" for index, item in enumerate(data)
                 for problem in problems(name, item)]
    else:
        found = problems(name, data)
    if found:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"answer does not fit the {name} schema: {found[0]}"
                           + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""),
                           details={"schema problems": "\n".join(found[:10])})
    return data
