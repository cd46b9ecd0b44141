"""What every check is built on: the matcher of one record (or answer) built from its noun and its properties, whose
mismatch names each one that differs and knows which failure category it is (`RecordMatcher`: every matcher of the
suite is one line that makes one), `expect()`,
which turns a mismatch into a verdict with one summary line, and `shown_in()`: a "no X" claim first shows that its
listing can show an X (or is not shown on this target when the run has no X of its own there).

Each matcher checks every property its name promises against the values it was given (what the scenario asked for),
and its mismatch text reads like English.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from hamcrest.core.base_matcher import BaseMatcher
from hamcrest.core.description import Description
from hamcrest.core.string_description import StringDescription

from support.pressluft.records import RULES
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.verdicts.not_shown import NotShownHere

# (what it promises, a check of the record: None when it holds, else what was found)
Property = tuple[str, Callable[[Any], Optional[str]]]


def _article_dropped(noun: str) -> str:
    return noun.split(" ", 1)[1] if noun.split(" ", 1)[0] in ("a", "an") else noun


class RecordMatcher(BaseMatcher):
    """A matcher built from its noun and its properties: every matcher of the suite is one, made by one line of its
    domain's checks. It judges one record of the API (a dict; `of`: another kind of answer) by its properties and by
    the rules every record of its `kind` must hold (support/pressluft/records.py: how its own fields agree, the
    contract's limits); its mismatch names each property that does not hold: `the site shop (s1): status is 'cloning'
    (expected status 'active')`, or what `says(item, found)` makes of what was found. Its category is `category`, or
    `category(item)` when that depends on the item."""

    def __init__(self, noun: str, properties: Iterable[Property] = (), *, kind: Optional[str] = None,
                 title: Optional[Callable[[dict], str]] = None, of: type = dict,
                 category: Category | Callable[[Any], Category] = Category.CONTRACT_VIOLATION,
                 says: Optional[Callable[[Any, list[str]], str]] = None, described: Optional[str] = None):
        self.noun, self.properties, self.kind, self.of = noun, list(properties), kind, of
        self._title = title or (lambda record: f"{_article_dropped(noun)} {record.get('id')}")
        self._category, self._says, self._described = category, says, described

    def every_property(self) -> list[Property]:
        """Its own properties, then the rules of its kind."""
        return self.properties + (RULES[self.kind] if self.kind else [])

    def unmet(self, item: Any) -> list[tuple[str, str]]:
        """(what it promises, what was found) of each property the item does not hold."""
        if not isinstance(item, self.of):
            return [(self.noun, f"got {item!r} instead of {self.noun}")]
        return [(what, problem) for what, check in self.every_property() if (problem := check(item)) is not None]

    def differences(self, item: Any) -> list[str]:
        if not isinstance(item, self.of):
            return [f"got {item!r} instead of {self.noun}"]
        return [f"{problem} (expected {what})" for what, problem in self.unmet(item)]

    def _matches(self, item: Any) -> bool:
        return not self.unmet(item)

    def category_for(self, item: Any) -> Category:
        """Which failure category its mismatch with the item is."""
        return self._category(item) if callable(self._category) else self._category

    def reason_for(self, item: Any) -> str:
        """Its mismatch with the item, in words: a verdict's reason."""
        description = StringDescription()
        self.describe_mismatch(item, description)
        return str(description)

    def describe_to(self, description: Description) -> None:
        description.append_text(self._described or
                                f"{self.noun} with " + ", ".join(what for what, _ in self.every_property()))

    def describe_mismatch(self, item: Any, description: Description) -> None:
        if self._says is not None and isinstance(item, self.of):
            description.append_text(self._says(item, [problem for _, problem in self.unmet(item)]))
            return
        prefix = f"the {self._title(item)}: " if isinstance(item, dict) else ""
        description.append_text(prefix + "; ".join(self.differences(item)))


def a_consistent_record(kind: str) -> RecordMatcher:
    """A record of that kind that holds the rules of its kind, whatever else it is (support/pressluft/records.py)."""
    return RecordMatcher(f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}", kind=kind)


def field_is(field: str, expected: Any, label: Optional[str] = None) -> tuple:
    """A property of a record: that field has the expected value (named `label` in the mismatch)."""
    def check(record: dict) -> Optional[str]:
        value = record.get(field)
        return None if value == expected else f"{label or field} is {value!r}"
    return f"{label or field} {expected!r}", check


def fields_that_are(*expected: tuple) -> list:
    """`field_is` of each (field, value[, label]) whose value is given (None: the scenario does not say)."""
    return [field_is(*spec) for spec in expected if spec[1] is not None]


def new_value(field: str, taken: Optional[Iterable], what: str, found: str) -> list:
    """The property that the record's field is set and holds none of the `taken` values (`what` it promises; `found`:
    what a mismatch says, `{}` the value); none when the scenario gives no `taken` values."""
    if taken is None:
        return []
    taken = set(taken)
    return [(what, lambda record: None if record.get(field) and record.get(field) not in taken
             else found.format(repr(record.get(field))))]


def expect(actual: Any, matcher: BaseMatcher, *, command: str, job_id: Optional[str] = None,
           job: Optional[dict] = None, node: Optional[dict] = None, poll=None) -> Any:
    """assert_that, but a mismatch becomes a SuiteFailure with the matcher's category and English reason."""
    if matcher.matches(actual):
        return actual
    if isinstance(matcher, RecordMatcher):
        category, reason = matcher.category_for(actual), matcher.reason_for(actual)
    else:
        description = StringDescription()
        matcher.describe_mismatch(actual, description)
        category, reason = Category.CONTRACT_VIOLATION, str(description)
    expected = StringDescription()
    matcher.describe_to(expected)
    if isinstance(actual, dict) and job is None and "attempt_count" in actual:
        job = actual
    if isinstance(actual, dict) and node is None and "readiness" in actual:
        node = actual
    raise SuiteFailure(category, command, reason, job_id=job_id, job=job, node=node, poll=poll,
                       details={"expected": str(expected)})


def shown_in(listing: list, made: list[dict], *, command: str, what: str, claim: str,
             job_id: Optional[str] = None, none_made: Optional[str] = None) -> None:
    """A "no X" claim can fail only when its listing can show an X: every record this run made before (`made`: the
    fields each must be listed with, its id first) is in the listing, with those fields; a record missing, or listed
    with other fields, is evidence that the listing does not show what it should (a contract violation naming the
    record and the field, expected and found). When the run has no such record (`none_made`: why, in words), the
    claim is not shown on this target (NotShownHere), never a violation."""
    if not made:
        raise NotShownHere(f"{none_made or f'this run has no {what} of its own to look for in the {what} list'}; "
                           f"so the {what} list cannot show that {claim}", evidence=f"{command}: {len(listing)} {what}")
    by_id = {item.get("id"): item for item in listing if isinstance(item, dict)}
    problems = []
    for record in made:
        listed = by_id.get(record["id"])
        if listed is None:
            problems.append(f"{record['id']} is not listed")
            continue
        wrong = [field for field in record if listed.get(field) != record[field]]
        if wrong:
            problems.append(f"{record['id']} is listed with "
                            + ", ".join(f"{field} {listed.get(field)!r}" for field in wrong) + ", not "
                            + ", ".join(f"{field} {record[field]!r}" for field in wrong))
    if problems:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, command,
                           f"the {what} list does not show the {what} this run made ({'; '.join(problems)}), so it "
                           f"cannot show that {claim}", job_id=job_id)
