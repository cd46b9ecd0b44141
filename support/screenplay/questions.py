"""Questions the operator asks the API: each is a GET, says what it asks (`str(TheJob("j-1"))` is "the job j-1",
its `command` "GET /api/jobs/j-1", so a report or a verdict names what was asked), and checks its answer against the
contract schema (tolerant) and against the scope it was asked for: a question asked with an id declares the field in
which every record of its answer holds that id (`owner`: the record itself for one asked by its id, its site_id for
the environments of a site, its environment_id for the backups of an environment), so that a listing scoped to one
object holds only that object's records, every row checked, not only the one a scenario looks for. Asked `quiet`, it
is no Allure step of its own (a wait's polls, the evidence a flow lists before a request); otherwise it is one ("Look
at the job j-1", "List the jobs"). A look at a preview address is a question too (`ThePreview`): one GET, not
followed, its answer kept whole.
"""
from __future__ import annotations

from string import Formatter
from typing import Any, ClassVar, Optional

from support.http.client import Answer
from support.http.preview import PreviewAnswer
from support.pressluft import schemas
from support.reporting.narration import narrate
from support.screenplay.actor import Operator
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure


def _checked_answer(answer: Answer, schema: str, many: bool) -> Any:
    if answer.status != 200:
        raise answer.verdict("200")
    body = answer.json
    if body is None:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, answer.command, "answered 200 without a JSON body")
    return schemas.check(schema, body, command=answer.command, many=many)


class Question:
    """A GET, of the API unless it says otherwise (`answer`). A question declares its path (with the ids it is asked
    with), what it asks in words, the schema its answer fits (each item's, for a listing: `many`) and, asked with an id,
    the field of each record that must hold it (`owner`); it is asked with those ids, in their order."""

    PATH: ClassVar[str]
    SAYS: ClassVar[str]
    SCHEMA: ClassVar[str]
    MANY: ClassVar[bool]
    IDS: ClassVar[tuple]
    OWNER: ClassVar[Optional[str]]

    def __init_subclass__(cls, *, path: str, says: str, schema: Optional[str] = None, many: bool = False,
                          owner: Optional[str] = None, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.PATH, cls.SAYS, cls.SCHEMA, cls.MANY, cls.OWNER = path, says, schema, many, owner
        cls.IDS = tuple(name for _, name, _, _ in Formatter().parse(path) if name)
        if schema is not None and ((owner is None) != (not cls.IDS) or len(cls.IDS) > 1):
            raise TypeError(f"{cls.__name__}: a question asked with one id names the field that holds it (owner)")

    def __init__(self, *ids: str, quiet: bool = False):
        if len(ids) != len(self.IDS):
            raise TypeError(f"{type(self).__name__} is asked with {', '.join(self.IDS) or 'no id'}, got {ids!r}")
        self.ids = dict(zip(self.IDS, ids, strict=True))
        self.quiet = quiet

    @property
    def path(self) -> str:
        return self.PATH.format(**self.ids)

    @property
    def command(self) -> str:
        return f"GET {self.path}"

    def __str__(self) -> str:
        return self.SAYS.format(**self.ids)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self.ids.values()))}, quiet={self.quiet})"

    @property
    def title(self) -> str:
        return f"{'List' if self.MANY else 'Look at'} {self}"

    def answered_by(self, operator: Operator) -> Any:
        if self.quiet:
            return self.answer(operator)
        with narrate(self.title):
            return self.answer(operator)

    def answer(self, operator: Operator) -> Any:
        """The API's answer, checked against the schema and the scope the question was asked for."""
        return self.in_scope(_checked_answer(operator.client.get(self.path), self.SCHEMA, self.MANY))

    def in_scope(self, answer: Any) -> Any:
        """The answer, when each of its records holds the id the question was asked with in its owner field; else a
        contract_violation naming each record that does not (its id, the field, what was expected and found)."""
        if self.OWNER is None:
            return answer
        expected = self.ids[self.IDS[0]]
        records = answer if self.MANY else [answer]
        strays = [f"{record.get('id')} has {self.OWNER} {record.get(self.OWNER)!r}, expected {expected!r}"
                  for record in records if record.get(self.OWNER) != expected]
        if strays:
            what = (f"{self} is answered with another record" if not self.MANY else
                    f"{self} list a record that is not theirs" if len(strays) == 1 else
                    f"{self} list {len(strays)} records that are not theirs")
            raise SuiteFailure(Category.CONTRACT_VIOLATION, self.command, f"{what}: {strays[0]}"
                               + (f" (and {len(strays) - 1} more)" if len(strays) > 1 else ""),
                               details={"records out of scope": "\n".join(strays[:10])})
        return answer


class TheJob(Question, path="/api/jobs/{job_id}", says="the job {job_id}", schema="job", owner="id"):
    """A job, by its id."""


class TheJobs(Question, path="/api/jobs", says="the jobs", schema="job", many=True):
    """Every job Pressluft lists."""


class TheNodes(Question, path="/api/nodes", says="the nodes", schema="node", many=True):
    """Every node."""


class TheProviders(Question, path="/api/providers", says="the provider connections", schema="provider_connection",
                   many=True):
    """Every provider connection."""


class TheSites(Question, path="/api/sites", says="the sites", schema="site", many=True):
    """Every site."""


class TheSite(Question, path="/api/sites/{site_id}", says="the site {site_id}", schema="site", owner="id"):
    """A site, by its id."""


class TheEnvironments(Question, path="/api/sites/{site_id}/environments", says="the environments of the site {site_id}",
                      schema="environment", many=True, owner="site_id"):
    """The environments of a site."""


class TheEnvironment(Question, path="/api/environments/{environment_id}", says="the environment {environment_id}",
                     schema="environment", owner="id"):
    """An environment, by its id."""


class TheBackups(Question, path="/api/environments/{environment_id}/backups",
                 says="the backups of the environment {environment_id}", schema="backup", many=True,
                 owner="environment_id"):
    """The backups of an environment."""


class ThePreview(Question, path="{url}", says="the preview {url}"):
    """A look at a preview address as a browser sees it before following any redirect: one GET (support/http/preview.py
    `PreviewProbe`), its answer kept whole (status, what was got, body) for the claims on what it shows; asked like
    every question ("the preview http://…", its command "GET http://…"). `max_time`: the longest one look may take
    (a wait's budget)."""

    def __init__(self, url: str, *, quiet: bool = False, max_time: Optional[float] = None):
        super().__init__(url, quiet=quiet)
        self.max_time = max_time

    def answer(self, operator: Operator) -> PreviewAnswer:
        return operator.preview.get(self.path, max_time=self.max_time)
