"""The checks of previews: a preview answers 200, 301 or 302 (301 and 302 not followed), or another answer that is
not reachable, and shows the content it
should, with nothing a restore replaced. Each judges the answer of one look at the preview (support/screenplay/
questions.py ThePreview; the wait's last look, or the scenario's own), kept whole, through its matcher."""
from __future__ import annotations

from typing import Iterable, Optional

from support.checks.matchers import RecordMatcher, expect
from support.http.preview import PreviewAnswer
from support.screenplay.actor import Operator
from support.verdicts.categories import Category
from support.waiting.previews import wait_for_preview


def a_preview_answer(status: int, *, reachable: bool = True) -> RecordMatcher:
    """A preview answer with this status, which counts as reachable (another reachable one: a contract violation;
    one that is not: preview_unreachable); `reachable` False: one with this status, which does not count as reachable
    (any other answer: a contract violation)."""
    def status_is(answer: PreviewAnswer):
        return None if answer.status == status and answer.reachable is reachable else f"{answer.said}"
    counts = "counts as reachable" if reachable else "is not reachable"
    return RecordMatcher("a preview answer", [(f"status {status}", status_is)], of=PreviewAnswer,
                         described=f"a preview answer {status}, which {counts}",
                         says=lambda answer, _: f"the preview answered {answer.said}",
                         category=lambda answer: Category.CONTRACT_VIOLATION
                         if not reachable or isinstance(answer, PreviewAnswer) and answer.reachable
                         else Category.PREVIEW_UNREACHABLE)


def a_preview_showing(content: str, replaced: Iterable[str] = ()) -> RecordMatcher:
    """A preview answer 200 whose page shows the content, and none of the `replaced` contents (what a restore must
    have replaced, not merged with)."""
    replaced = list(replaced)

    def shows(answer: PreviewAnswer):
        return None if answer.status == 200 and content in answer.body else \
            f"the preview answered {answer.said} without the content '{content}'"

    def traces(answer: PreviewAnswer):
        found = [text for text in replaced if text in answer.body]
        return None if not found or shows(answer) else (f"the preview shows '{content}' but also "
                                                        + " and ".join(f"'{text}'" for text in found)
                                                        + ", which it should have replaced")
    return RecordMatcher("a preview answer", [(f"200 showing '{content}'", shows),
                                              ("none of " + ", ".join(f"'{text}'" for text in replaced), traces)],
                         of=PreviewAnswer, says=lambda answer, found: found[0],
                         described=f"a preview answer 200 showing '{content}'"
                         + "".join(f", not '{text}'" for text in replaced))


def preview_reachable(operator: Operator, url: str, job_id: Optional[str] = None) -> PreviewAnswer:
    """The preview answers 200, 301 or 302 within the preview budget (else preview_unreachable, its last answer, and
    `job_id`: the job that made what it shows, a copy's creation)."""
    answer, _ = wait_for_preview(operator, url, job_id)
    return answer


def preview_shows(operator: Operator, url: str, content: str, *, replaced: Iterable[str] = ()) -> None:
    """The preview answers (within the preview budget) 200 with the content, and with none of the `replaced` contents
    (what a restore must have replaced, not merged with): the answer the wait ended with, judged whole."""
    answer = preview_reachable(operator, url)
    expect(answer, a_preview_showing(content, replaced), command=answer.command)
