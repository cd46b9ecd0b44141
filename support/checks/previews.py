"""The checks of previews: a preview answers 200, 301 or 302 (301 and 302 not followed), and shows the content it
should, with nothing a restore replaced."""
from __future__ import annotations

from typing import Iterable

from hamcrest.core.description import Description

from support.checks.matchers import VerdictMatcher, expect
from support.http.preview import REACHABLE_PREVIEW_STATUSES, looking_at
from support.screenplay.actor import Operator
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.waiting.previews import wait_for_preview


class _PreviewAnswer(VerdictMatcher):
    """A preview answer (status or None, what was got) with this status, which counts as reachable."""

    def __init__(self, status: int):
        self.status = status

    def _matches(self, answer) -> bool:
        return answer[0] == self.status and self.status in REACHABLE_PREVIEW_STATUSES

    def describe_to(self, description: Description) -> None:
        description.append_text(f"a preview answer {self.status}, which counts as reachable")

    def describe_mismatch(self, answer, description: Description) -> None:
        description.append_text(f"the preview answered {answer[1]}")

    def category_for(self, answer) -> Category:
        return Category.CONTRACT_VIOLATION if answer[0] in REACHABLE_PREVIEW_STATUSES \
            else Category.PREVIEW_UNREACHABLE


def a_preview_answer(status: int) -> VerdictMatcher:
    return _PreviewAnswer(status)


def preview_reachable(operator: Operator, url: str) -> int:
    status, _ = wait_for_preview(operator, url)
    return status


def preview_answered(answer: tuple, status: int, url: str) -> None:
    expect(answer, a_preview_answer(status), command=looking_at(url))


def preview_shows(operator: Operator, url: str, content: str, *, replaced: Iterable[str] = ()) -> None:
    """The preview answers 200 with the content, and with none of the `replaced` contents (what a restore must
    have replaced, not merged with)."""
    wait_for_preview(operator, url)
    status, last, body = operator.preview.get(url)
    if status != 200 or content not in body:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, looking_at(url),
                           f"the preview answered {last} without the content '{content}'")
    traces = [text for text in replaced if text in body]
    if traces:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, looking_at(url),
                           f"the preview shows '{content}' but also " + " and ".join(f"'{text}'" for text in traces)
                           + ", which it should have replaced")
