"""A verdict of the suite (`SuiteFailure`) and its one line.

Every failed or broken scenario ends in exactly one line of this form::

    [wave5] FAIL category=<category> command="<METHOD> <path>" job_id=<id or none> reason="<reason>"

The line is stable: the same failure gives the same line on every run, once what differs from run to run by nature
is masked (`masked`: ids, run ids, ports, a preview's environment, measured durations; nothing else).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from support.verdicts.categories import Category
from support.verdicts.redaction import secrets

TAG = "[wave5]"  # what every line the suite writes to the console starts with
PREFIX = f"{TAG} FAIL"
SUMMARY_PATTERN = re.compile(
    r'^\[wave5\] FAIL category=(?P<category>[a-z_]+) command="(?P<command>[^"]*)" '
    r'job_id=(?P<job_id>\S+) reason="(?P<reason>[^"]*)"$', re.MULTILINE)


@dataclass
class PollHistory:
    """What a wait saw: how often it asked, for how long, and which states and errors came by."""

    what: str = ""
    attempts: int = 0
    elapsed: float = 0.0
    states: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    slept_for_run_after: float = 0.0

    def saw(self, state: Optional[str], error: Optional[str] = None) -> None:
        if state is not None and state not in self.states:
            self.states.append(state)
        if error and error not in self.errors:
            self.errors.append(error)

    def describe(self) -> str:
        text = f"{self.what}: {self.attempts} polls over {self.elapsed:.1f} s"
        if self.states:
            text += f"; states seen: {', '.join(self.states)}"
        if self.errors:
            text += f"; errors seen: {', '.join(self.errors)}"
        if self.slept_for_run_after:
            text += f"; slept {self.slept_for_run_after:.1f} s for run_after"
        return text


class SuiteFailure(AssertionError):
    """A verdict of the suite: which category, which request, which job, and why.

    An AssertionError, so that behave and Allure report it as a failure rather than a crash.
    """

    def __init__(self, category: Category | str, command: str, reason: str, *, job_id: Optional[str] = None,
                 job: Optional[dict] = None, poll: Optional[PollHistory] = None,
                 node: Optional[dict] = None, last_answer: Optional[str] = None,
                 details: Optional[dict] = None):
        self.category = Category(category)
        self.command = command
        self.reason = reason
        self.job_id = job_id
        self.job = job
        self.poll = poll
        self.node = node
        self.last_answer = last_answer
        self.details = details or {}
        # what behave, Allure and JUnit show of it: redacted now (a reason may name a real target's address)
        super().__init__(secrets.redact_text(summary_line(self)))

    @property
    def line(self) -> str:
        return summary_line(self)


def _one_line(text: Any) -> str:
    """One line, no double quotes, no trailing noise."""
    text = " ".join(str(text).split())
    return text.replace('"', "'")


def summary_line(failure: SuiteFailure) -> str:
    return (f'{PREFIX} category={failure.category.value} command="{_one_line(failure.command)}" '
            f'job_id={failure.job_id or "none"} reason="{_one_line(failure.reason)}"')


# What differs between two runs of the same failure by nature, and nothing else: a poll count, an attempt count, a
# timestamp or a budget in a line stays, so that two lines that differ there are not the same line.
MASKS = (
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"\bjob-\d+\b"), "<job>"),
    (re.compile(r"\bw5-[0-9a-f]{8}\b"), "<run>"),
    (re.compile(r"(?<=[\w\].]):\d{2,5}\b"), ":<port>"),
    (re.compile(r"<preview of env [0-9a-f]{8}>"), "<preview of env <id>>"),  # a preview address, its host hidden
    (re.compile(r"\b\d+\.\d+ ?s\b|\b\d+ ?ms\b"), "<duration>"),  # measured: 1.7 s, 12 ms (a budget '2 s' stays)
)


def masked(line: str, run_ids: Iterable[str] = ()) -> str:
    """The line as every run of the same failure gives it: ids, ports and measured durations masked, and the given
    run ids (a run id of another form than `w5-<8 hex>`, PRESSLUFT_RUN_ID) too."""
    for run_id in sorted(run_ids, key=len, reverse=True):
        line = line.replace(run_id, "<run>")
    for pattern, replacement in MASKS:
        line = pattern.sub(replacement, line)
    return line


def parse_summary_lines(text: str) -> list[dict]:
    """Every summary line in some output, as dicts of its four fields."""
    return [m.groupdict() for m in SUMMARY_PATTERN.finditer(text)]


def http_reason(status: int, body: Any, text: str = "") -> str:
    """`409 node_not_ready: target node is not ready: …`, or the status and a short body."""
    if isinstance(body, dict) and "code" in body:
        return f"{status} {body.get('code')}: {body.get('message', '')}".rstrip(": ")
    snippet = _one_line(text)[:120]
    return f"{status} {snippet}".strip() if snippet else str(status)
