"""Narration: every action, question and wait is an Allure step, and what a step saw is attached to it, redacted.
A no-op when no Allure formatter is listening."""
from __future__ import annotations

import contextlib
from typing import Iterator

import allure
from allure_commons.types import AttachmentType

from support.verdicts.redaction import secrets


@contextlib.contextmanager
def narrate(title: str) -> Iterator[None]:
    """An Allure step around an action or question. An error passing through it is recorded redacted (its message
    may name the target's address: `connection refused at …`, a preview address)."""
    step = allure.step(secrets.redact_text(title))
    step.__enter__()
    try:
        yield
    except BaseException as error:
        step.__exit__(type(error), _redacted(error), error.__traceback__)
        raise
    step.__exit__(None, None, None)


def _redacted(error: BaseException) -> BaseException:
    """The error as the report may show it: of the same type (Allure names it), its message redacted."""
    shown = secrets.redact_text(str(error))
    if shown == str(error):
        return error
    try:
        stand_in = type(error).__new__(type(error))
        stand_in.args = (shown,)
        if str(stand_in) == shown:
            return stand_in
    except (TypeError, ValueError, AttributeError):
        pass
    return (AssertionError if isinstance(error, AssertionError) else RuntimeError)(shown)


def attach_text(name: str, text: str) -> None:
    allure.attach(secrets.redact_text(text) or "", name=name, attachment_type=AttachmentType.TEXT)
