"""Strict JSON request bodies: an object whose every key is known and has the right type."""

import json

from .errors import bad_request

INVALID_JSON = "invalid JSON body"


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def parse_object(raw: bytes, fields: dict, message: str = INVALID_JSON) -> dict:
    """`fields` maps each allowed key to a predicate on its value; anything else is a 400."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise bad_request(message) from None
    if not isinstance(data, dict):
        raise bad_request(message)
    for key, value in data.items():
        check = fields.get(key)
        if check is None or not check(value):
            raise bad_request(message)
    return data


def text(value) -> bool:
    """A string; like Go's decoder, null is accepted and means "not given"."""
    return value is None or isinstance(value, str)


def strict_text(value) -> bool:
    return isinstance(value, str)


def nullable_text(value) -> bool:
    return value is None or isinstance(value, str)


def integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def boolean(value) -> bool:
    return isinstance(value, bool)


def text_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def integer_list(value) -> bool:
    return isinstance(value, list) and all(integer(item) for item in value)


def blank(value) -> bool:
    return value is None or not str(value).strip()
