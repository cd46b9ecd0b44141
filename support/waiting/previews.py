"""Waiting for a preview address to answer 200, 301 or 302 (which answers count as reachable: support/http/preview.py),
on the one poll engine, each poll one look (ThePreview); and what a preview that never did is reported with
(`unreachable`)."""
from __future__ import annotations

from typing import Optional, Tuple

from support.http.preview import PreviewAnswer, looking_at
from support.reporting.narration import narrate
from support.screenplay.actor import Operator
from support.screenplay.questions import ThePreview
from support.verdicts.categories import Category
from support.verdicts.failure import PollHistory, SuiteFailure
from support.waiting.polling import Deadline, Outcome, StillWaiting, Wait, poll, steady_wait


def unreachable(last_answer: str, budget: float) -> str:
    """The reason of a preview that never answered: `preview answered 500 until its 30 s budget was spent`,
    `preview got connection refused until …`."""
    verb = "answered" if last_answer.isdigit() else "got"
    return f"preview {verb} {last_answer} until its {budget:g} s budget was spent"


def wait_for_preview(operator: Operator, url: str, job_id: Optional[str] = None) -> Tuple[PreviewAnswer, PollHistory]:
    """Looks at the preview (support/screenplay/questions.py ThePreview, without following redirects) until it answers
    200, 301 or 302, within the preview budget: that answer, kept whole for the claims on what it shows; one that
    never did is preview_unreachable with its last answer, naming `job_id`: the job that made what the preview shows
    (a copy's creation), the job a resume-run loop looks at."""
    settings = operator.settings
    budget = settings.budgets.preview

    def timed_out(outcome: Outcome) -> SuiteFailure:
        said = outcome.last.said
        return StillWaiting(Category.PREVIEW_UNREACHABLE, looking_at(url), outcome, last_answer=said,
                            reason=unreachable(said, outcome.deadline.budget), job_id=job_id)

    wait = Wait(what=f"preview {url}", fetch=lambda: operator.asks_for(ThePreview(url, quiet=True, max_time=budget)),
                done=lambda answer: answer.reachable, describe=lambda answer: (answer.said, None),
                timed_out=timed_out, deadline=Deadline(budget), strategy=steady_wait(settings.poll_policy, every=3.0),
                kind="preview", subject=url, policy=settings.poll_policy,
                progress=lambda answer: f"last answer {answer.said}")
    with narrate(f"Wait up to {budget:g} s for the preview {url} to answer 200, 301 or 302"):
        return poll(wait, progress=operator.progress, log=operator.waits)
