"""Waiting for a preview address to answer 200, 301 or 302, on the one poll engine; and what a preview that never
did is reported with (`unreachable`)."""
from __future__ import annotations

from typing import Tuple

from support.http.preview import REACHABLE_PREVIEW_STATUSES, looking_at
from support.reporting.narration import narrate
from support.screenplay.actor import Operator
from support.verdicts.categories import Category
from support.verdicts.failure import PollHistory, SuiteFailure
from support.waiting.polling import Deadline, Outcome, StillWaiting, Wait, poll, steady_wait


def unreachable(last_answer: str, budget: float) -> str:
    """The reason of a preview that never answered: `preview answered 500 until its 30 s budget was spent`,
    `preview got connection refused until …`."""
    verb = "answered" if last_answer.isdigit() else "got"
    return f"preview {verb} {last_answer} until its {budget:g} s budget was spent"


def wait_for_preview(operator: Operator, url: str) -> Tuple[int, PollHistory]:
    """GET without following redirects until 200, 301 or 302, within the preview budget; the last answer is kept for
    the verdict."""
    settings = operator.settings
    budget = settings.budgets.preview

    def fetch() -> tuple:
        status, last, _ = operator.preview.get(url, max_time=budget)
        return status, last

    def timed_out(outcome: Outcome) -> SuiteFailure:
        answer = outcome.last[1]
        return StillWaiting(Category.PREVIEW_UNREACHABLE, looking_at(url), outcome, last_answer=answer,
                            reason=unreachable(answer, outcome.deadline.budget))

    wait = Wait(what=f"preview {url}", fetch=fetch, done=lambda result: result[0] in REACHABLE_PREVIEW_STATUSES,
                describe=lambda result: (result[1], None), timed_out=timed_out, deadline=Deadline(budget),
                strategy=steady_wait(settings.poll_policy, every=3.0), kind="preview", subject=url,
                policy=settings.poll_policy, progress=lambda result: f"last answer {result[1]}")
    with narrate(f"Wait up to {budget:g} s for the preview {url} to answer 200, 301 or 302"):
        (status, _), history = poll(wait)
    return status, history
