"""Small named PyHamcrest matchers whose mismatch text reads like English.

Each matcher checks every property its name promises against the values it was given (what the scenario
asked for), names each property that differs in its mismatch text, and knows which failure category a
mismatch belongs to, so that `expect()` can turn it into a verdict with one summary line.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Optional

from hamcrest import assert_that
from hamcrest.core.base_matcher import BaseMatcher
from hamcrest.core.description import Description
from hamcrest.core.string_description import StringDescription

from support.http.preview import REACHABLE_PREVIEW_STATUSES
from support.pressluft.jobs import CONTRACT_MAX_ATTEMPTS, category_of, job_reason
from support.pressluft.readiness import (
    GUIDANCE,
    NOT_READY_PREFIX,
    PENDING_HOST,
    in_priority_order,
    named_in,
    readiness_words,
    reason_codes,
    refusal_message,
)
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

SHA256_CHECKSUM = re.compile(r"^sha256:[0-9a-f]{64}$")


class VerdictMatcher(BaseMatcher):
    """A matcher that can say which failure category a mismatch is."""

    category = Category.CONTRACT_VIOLATION

    def category_for(self, item: Any) -> Category:
        return self.category

    def reason_for(self, item: Any) -> str:
        description = StringDescription()
        self.describe_mismatch(item, description)
        return str(description)


class _RecordMatcher(VerdictMatcher):
    """A matcher of one record (a dict) of the API by a list of (what, check) properties; the mismatch text
    says which of them differ."""

    noun = "a record"

    def properties(self) -> list[tuple[str, Callable[[dict], Optional[str]]]]:
        """(what the property is, a check returning None when it holds, else what was found)."""
        raise NotImplementedError

    def title(self, record: dict) -> str:
        return f"{self.noun[2:] if self.noun.startswith('a ') else self.noun} {record.get('id')}"

    def differences(self, record: Any) -> list[str]:
        if not isinstance(record, dict):
            return [f"got {record!r} instead of {self.noun}"]
        found = []
        for what, check in self.properties():
            problem = check(record)
            if problem is not None:
                found.append(f"{problem} (expected {what})")
        return found

    def _matches(self, record: Any) -> bool:
        return not self.differences(record)

    def describe_to(self, description: Description) -> None:
        description.append_text(f"{self.noun} with " + ", ".join(what for what, _ in self.properties()))

    def describe_mismatch(self, record: Any, description: Description) -> None:
        problems = self.differences(record)
        prefix = f"the {self.title(record)}: " if isinstance(record, dict) else ""
        description.append_text(prefix + "; ".join(problems))


def _is(field: str, expected: Any, label: Optional[str] = None) -> tuple:
    def check(record: dict) -> Optional[str]:
        value = record.get(field)
        return None if value == expected else f"{label or field} is {value!r}"
    return f"{label or field} {expected!r}", check


# -- jobs ----------------------------------------------------------------------------------------
class _JobThatSucceeded(VerdictMatcher):
    def _matches(self, job) -> bool:
        return isinstance(job, dict) and job.get("status") == "succeeded"

    def describe_to(self, description: Description) -> None:
        description.append_text("a job that succeeded")

    def describe_mismatch(self, job, description: Description) -> None:
        if not isinstance(job, dict):
            description.append_text(f"got {job!r} instead of a job")
            return
        name = f"the {job.get('job_type') or 'job'} job {job.get('id')}"
        status = job.get("status")
        if status == "failed":
            description.append_text(f"{name} ended failed with {job_reason(job)}")
        elif status == "cancelled":
            description.append_text(f"{name} ended cancelled")
        else:
            description.append_text(f"{name} is still {status}")

    def category_for(self, job) -> Category:
        return category_of(job)

    def reason_for(self, job) -> str:
        if isinstance(job, dict) and job.get("status") in ("failed", "cancelled"):
            return job_reason(job)
        return super().reason_for(job)


def a_job_that_succeeded() -> VerdictMatcher:
    return _JobThatSucceeded()


ATTEMPT_RULES = {
    # the sentence's words → (what it means, given the attempts the contract allows; the check of the job)
    "without a retry": ("one attempt, no retry", lambda job, allowed: job.get("attempt_count") == 1),
    "after its single allowed attempt": (
        "one attempt, the only one the contract allows (max_attempts {allowed})",
        lambda job, allowed: allowed == 1 and job.get("attempt_count") == 1 == job.get("max_attempts")),
    "after all its allowed attempts": (
        "the {allowed} attempts the contract allows (max_attempts {allowed}), each retry scheduled with a run_after",
        lambda job, allowed: job.get("attempt_count") == allowed == job.get("max_attempts")
        and (allowed == 1 or bool(job.get("run_after")))),
}


class _JobOf(_RecordMatcher):
    """A job by the fields that say which job it is: its type, and the node, site and environment it belongs to."""

    noun = "a job"

    def __init__(self, job_type: str, where: dict):
        self.job_type, self.where = job_type, where

    def title(self, job: dict) -> str:
        return f"{job.get('job_type') or 'job'} job {job.get('id')}"

    def properties(self):
        return [_is("job_type", self.job_type)] + [_is(field, value) for field, value in self.where.items()]


def a_job_of(job_type: str, **where) -> VerdictMatcher:
    """A job of that type that belongs where the scenario put it (node_id, site_id, environment_id = …)."""
    return _JobOf(job_type, where)


class _FailedJob(_JobOf):
    def __init__(self, job_type: str, where: dict, code: str, message: Optional[str], attempts: Optional[str]):
        super().__init__(job_type, where)
        self.code, self.message, self.attempts = code, message, attempts
        self.allowed = CONTRACT_MAX_ATTEMPTS[job_type]

    def properties(self):
        allowed = self.allowed
        found = super().properties() + [_is("status", "failed"), _is("error_code", self.code)]
        if self.message is not None:
            found.append(_is("error_message", self.message))
        found.append(("finished_at set", lambda job: None if job.get("finished_at") else "finished_at is null"))
        found.append((f"at most the {allowed} attempts the contract gives {self.job_type}",
                      lambda job: None if (job.get("attempt_count") or 0) <= allowed
                      else f"attempt {job.get('attempt_count')} of {job.get('max_attempts')}"))
        if self.attempts is not None:
            what, rule = ATTEMPT_RULES[self.attempts]
            found.append((what.format(allowed=allowed), lambda job: None if rule(job, allowed) else
                          f"attempt {job.get('attempt_count')} of {job.get('max_attempts')}, "
                          f"run_after {job.get('run_after')!r}"))
        return found

    def category_for(self, job) -> Category:
        if isinstance(job, dict) and job.get("status") in ("queued", "running"):
            return Category.JOB_TIMEOUT
        return Category.CONTRACT_VIOLATION


def a_job_that_ended_failed(code: str, message: Optional[str] = None, *, job_type: str,
                            attempts: Optional[str] = None, **where) -> VerdictMatcher:
    """Failed with that code (and message), finished, a job of that type belonging where `where` says, within
    the attempts the contract gives the type; `attempts`: one of ATTEMPT_RULES' phrases, as the feature text
    says it."""
    return _FailedJob(job_type, where, code, message, attempts)


class _JobOfRequest(_RecordMatcher):
    """The job a request queued, as the scenario knows it: its type, its site, its environment (or, for a
    creation, an environment that did not exist before) and its node."""

    noun = "a job"

    def __init__(self, job_type: str, site: Optional[str], environment: Optional[str], node: Optional[str],
                 new_environment_not_in: Optional[Iterable[str]]):
        self.job_type, self.site, self.environment, self.node = job_type, site, environment, node
        self.existing = None if new_environment_not_in is None else set(new_environment_not_in)

    def title(self, job: dict) -> str:
        return f"{job.get('job_type') or 'job'} job {job.get('id')}"

    def properties(self):
        found = [_is("job_type", self.job_type)]
        if self.site is not None:
            found.append(_is("site_id", self.site, "site"))
        if self.environment is not None:
            found.append(_is("environment_id", self.environment, "environment"))
        if self.existing is not None:
            existing = self.existing
            found.append(("a new environment",
                          lambda job: None if job.get("environment_id") and job.get("environment_id") not in existing
                          else f"it names the environment {job.get('environment_id')!r}, one that existed before"))
        if self.node is not None:
            found.append(_is("node_id", self.node, "node"))
        return found


def a_job_of_the_request(job_type: str, *, site: Optional[str] = None, environment: Optional[str] = None,
                         node: Optional[str] = None, new_environment_not_in: Optional[Iterable[str]] = None
                         ) -> VerdictMatcher:
    return _JobOfRequest(job_type, site, environment, node, new_environment_not_in)


# -- nodes ---------------------------------------------------------------------------------------
def _real_host(node: dict) -> Optional[str]:
    """None when hostname and public_ip both hold the address acquisition gave the node."""
    found = [f"{field} is {node.get(field)!r}" for field in ("hostname", "public_ip")
             if not isinstance(node.get(field), str) or not node[field].strip() or node[field] == PENDING_HOST]
    return "; ".join(found) or None


class _Node(_RecordMatcher):
    noun = "a node"

    def __init__(self, ready: Optional[bool], name: Optional[str]):
        self.ready, self.name = ready, name  # ready None: only which node it is

    def title(self, node: dict) -> str:
        return f"node {node.get('name')} ({node.get('id')})"

    def properties(self):
        def readiness(node):
            return None if (node.get("readiness") or {}).get("is_ready") is self.ready else \
                f"it is {readiness_words(node)}"

        def codes(node):
            listed = reason_codes(node)
            if self.ready:
                return f"it lists {', '.join(listed)}" if listed else None
            return None if listed else "it names no reason code"

        found = [] if self.name is None else [_is("name", self.name)]
        found.append(("a provider-acquired node (is_local false)",
                      lambda node: None if node.get("is_local") is False else f"is_local is {node.get('is_local')!r}"))
        if self.ready is None:
            return found
        if self.ready:
            return found + [("readiness is_ready true", readiness), ("no outstanding reason codes", codes),
                            _is("status", "active"),
                            (f"a host acquisition gave it (hostname and public_ip, not blank, not {PENDING_HOST})",
                             _real_host)]
        return found + [("readiness is_ready false", readiness), ("reason codes saying why", codes)]

    def category_for(self, node) -> Category:
        if self.ready and isinstance(node, dict) and not (node.get("readiness") or {}).get("is_ready"):
            return Category.NODE_NOT_READY
        return Category.CONTRACT_VIOLATION


def a_ready_node(name: Optional[str] = None) -> VerdictMatcher:
    """Ready with no reason code, and ready in fact: a provider node, active, on the host acquisition gave it
    (and named `name` when given)."""
    return _Node(True, name)


def a_node_not_ready(name: Optional[str] = None) -> VerdictMatcher:
    return _Node(False, name)


def a_provider_node_named(name: str) -> VerdictMatcher:
    """The provider node of that name, ready or not."""
    return _Node(None, name)


# -- backups -------------------------------------------------------------------------------------
def _sha256(backup: dict) -> Optional[str]:
    checksum = backup.get("checksum")
    return None if isinstance(checksum, str) and SHA256_CHECKSUM.match(checksum) else f"checksum is {checksum!r}"


def _positive_size(backup: dict) -> Optional[str]:
    size = backup.get("size_bytes")
    return None if isinstance(size, int) and not isinstance(size, bool) and size > 0 else f"size_bytes is {size!r}"


class _CompletedBackup(_RecordMatcher):
    noun = "a backup"

    def __init__(self, scope: Optional[str], environment_id: Optional[str]):
        self.scope, self.environment_id = scope, environment_id

    def properties(self):
        found = [_is("status", "completed")]
        if self.scope is not None:
            found.append(_is("backup_scope", self.scope))
        if self.environment_id is not None:
            found.append(_is("environment_id", self.environment_id))
        found += [("a checksum of sha256: and 64 hex digits", _sha256), ("a positive size_bytes", _positive_size)]
        return found


def a_completed_backup(*, scope: Optional[str] = "full", of: Optional[str] = None) -> VerdictMatcher:
    """Completed, with that scope, of that environment, with a sha256 checksum and a positive size."""
    return _CompletedBackup(scope, of)


# -- environments --------------------------------------------------------------------------------
class _Environment(_RecordMatcher):
    noun = "an environment"

    def __init__(self, status: str, type: Optional[str], source: Optional[str], node: Optional[str],
                 preview_other_than: Optional[Iterable[str]], site: Optional[str] = None, slug: Optional[str] = None):
        self.status, self.type, self.source, self.node = status, type, source, node
        self.preview_other_than = None if preview_other_than is None else set(preview_other_than)
        self.site, self.slug = site, slug

    def title(self, env: dict) -> str:
        return f"environment {env.get('slug')} ({env.get('id')})"

    def properties(self):
        found = []
        if self.slug is not None:
            found.append(_is("slug", self.slug))
        if self.site is not None:
            found.append(_is("site_id", self.site, "site"))
        found.append(_is("status", self.status))
        if self.type is not None:
            found.append(_is("environment_type", self.type))
        if self.source is not None:
            found.append(_is("source_environment_id", self.source, "source environment"))
        if self.node is not None:
            found.append(_is("node_id", self.node, "node"))
        if self.preview_other_than is not None:
            others = self.preview_other_than
            found.append(("a preview address of its own",
                          lambda env: None if env.get("preview_url") and env.get("preview_url") not in others
                          else f"its preview address is {env.get('preview_url')!r}, another environment's"))
        return found


def an_environment(status: str, *, type: Optional[str] = None, source: Optional[str] = None,
                   node: Optional[str] = None, preview_other_than: Optional[Iterable[str]] = None,
                   site: Optional[str] = None, slug: Optional[str] = None) -> VerdictMatcher:
    """`preview_other_than`: the preview addresses of the other environments (its source's among them)."""
    return _Environment(status, type, source, node, preview_other_than, site, slug)


def an_environment_that_is(status: str, on_node: Optional[str] = None, *, type: Optional[str] = None,
                           site: Optional[str] = None) -> VerdictMatcher:
    return _Environment(status, type, None, on_node, None, site)


# -- sites ---------------------------------------------------------------------------------------
class _Site(_RecordMatcher):
    noun = "a site"

    def __init__(self, status: str, slug: Optional[str]):
        self.status, self.slug = status, slug

    def title(self, site: dict) -> str:
        return f"site {site.get('slug')} ({site.get('id')})"

    def properties(self):
        return ([_is("slug", self.slug)] if self.slug is not None else []) + [_is("status", self.status)]


def a_site_that_is(status: str, *, slug: Optional[str] = None) -> VerdictMatcher:
    return _Site(status, slug)


# -- previews ------------------------------------------------------------------------------------
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


# -- error answers -------------------------------------------------------------------------------
class _ErrorEnvelope(VerdictMatcher):
    """An answer (support.http.client.Answer) with this status and error code, naming some words."""

    def __init__(self, code: str, status: Optional[int], naming: Iterable[str]):
        self.code, self.status, self.naming = code, status, list(naming)

    def _body(self, answer) -> dict:
        body = getattr(answer, "json", answer)
        return body if isinstance(body, dict) else {}

    def _missing(self, answer) -> list:
        body = self._body(answer)
        message = body.get("message") or ""
        listed = ((body.get("details") or {}).get("reason_codes")) if isinstance(body.get("details"), dict) else None
        missing = [word for word in self.naming if word not in message]
        if listed is not None:
            missing += [f"{word} (in details.reason_codes)" for word in self.naming if word not in listed]
        return missing

    def _matches(self, answer) -> bool:
        body = self._body(answer)
        status_ok = self.status is None or getattr(answer, "status", None) == self.status
        return status_ok and body.get("code") == self.code and not self._missing(answer)

    def describe_to(self, description: Description) -> None:
        text = f"an error answer {self.status or ''} {self.code}".replace("  ", " ")
        if self.naming:
            text += " naming " + ", ".join(self.naming)
        description.append_text(text)

    def describe_mismatch(self, answer, description: Description) -> None:
        body = self._body(answer)
        status = getattr(answer, "status", "?")
        text = f"the answer was {status} {body.get('code', '(no error code)')}"
        if body.get("message"):
            text += f": {body['message']}"
        missing = self._missing(answer) if body.get("code") == self.code else []
        if missing:
            text += f", which does not name {', '.join(missing)}"
        description.append_text(text)


def an_error_envelope_with_code(code: str, *, status: Optional[int] = None,
                                naming: Iterable[str] = ()) -> VerdictMatcher:
    return _ErrorEnvelope(code, status, naming)


def not_ready_message_differences(message: str, codes: Iterable[str]) -> list[str]:
    """How a node_not_ready message differs from the contract's for these codes: every code the node reports and
    no other, in the contract's priority order, each with its guidance, and nothing more (digest §2.3, §4.2)."""
    expected = in_priority_order(codes)
    named, rest = named_in(message)
    if not named:
        return [f"it does not name reason codes after '{NOT_READY_PREFIX.strip()}'"]
    found = []
    missing = [code for code in expected if code not in named]
    extra = [code for code in named if code not in expected]
    if missing:
        found.append(f"it does not name {', '.join(missing)}")
    if extra:
        found.append(f"it names {', '.join(extra)}, which the node does not report")
    if not missing and not extra and named != expected:
        found.append(f"it names {', '.join(named)}, not in the contract's order {', '.join(expected)}")
    unguided = [code for code in expected if code in GUIDANCE and GUIDANCE[code] not in rest]
    if unguided:
        found.append(f"it gives no guidance for {', '.join(unguided)}")
    if not found and message != refusal_message(expected):
        found.append(f"it says more than the reason codes and their guidance (expected '{refusal_message(expected)}')")
    return found


class _NodeNotReadyRefusal(VerdictMatcher):
    """A 409 node_not_ready answer naming exactly the node's reason codes, as the contract words them."""

    def __init__(self, codes: Iterable[str]):
        self.codes = in_priority_order(codes)

    def differences(self, answer) -> list[str]:
        body = getattr(answer, "json", answer)
        body = body if isinstance(body, dict) else {}
        status = getattr(answer, "status", None)
        if status != 409 or body.get("code") != "node_not_ready":
            return ["it is not a 409 node_not_ready refusal"]
        found = not_ready_message_differences(body.get("message") or "", self.codes)
        details = body.get("details")
        listed = details.get("reason_codes") if isinstance(details, dict) else None
        if isinstance(details, dict) and "reason_codes" in details and listed != self.codes:
            found.append(f"its details.reason_codes are {listed!r}, not {self.codes!r}")
        return found

    def _matches(self, answer) -> bool:
        return not self.differences(answer)

    def describe_to(self, description: Description) -> None:
        description.append_text(f"a 409 node_not_ready answer: '{refusal_message(self.codes)}'")

    def describe_mismatch(self, answer, description: Description) -> None:
        body = getattr(answer, "json", answer)
        body = body if isinstance(body, dict) else {}
        text = f"the answer was {getattr(answer, 'status', '?')} {body.get('code', '(no error code)')}"
        if body.get("message"):
            text += f": {body['message']}"
        description.append_text(text + ": " + "; ".join(self.differences(answer)))


def a_node_not_ready_refusal(codes: Iterable[str]) -> VerdictMatcher:
    return _NodeNotReadyRefusal(codes)


# -- the verdict ---------------------------------------------------------------------------------
def expect(actual: Any, matcher: BaseMatcher, *, command: str, job_id: Optional[str] = None,
           job: Optional[dict] = None, node: Optional[dict] = None, poll=None) -> Any:
    """assert_that, but a mismatch becomes a SuiteFailure with the matcher's category and English reason."""
    if matcher.matches(actual):
        return actual
    if isinstance(matcher, VerdictMatcher):
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


__all__ = ["assert_that", "expect", "a_job_that_succeeded", "a_job_that_ended_failed", "a_job_of_the_request",
           "a_ready_node", "a_node_not_ready", "a_completed_backup", "an_environment", "an_environment_that_is",
           "a_site_that_is", "a_preview_answer", "an_error_envelope_with_code", "a_node_not_ready_refusal",
           "not_ready_message_differences", "a_job_of", "a_provider_node_named", "ATTEMPT_RULES"]
