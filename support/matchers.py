"""Small named PyHamcrest matchers whose mismatch text reads like English.

Each matcher also knows which failure category a mismatch belongs to, so that `expect()` can turn
it into a verdict with one summary line.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from hamcrest import assert_that
from hamcrest.core.base_matcher import BaseMatcher
from hamcrest.core.description import Description
from hamcrest.core.string_description import StringDescription

from support.diagnostics import Category, SuiteFailure, job_reason


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
    """A matcher of one record (a dict) of the API; anything else is described as not being one."""

    noun = "a record"

    def describe_mismatch(self, item: Any, description: Description) -> None:
        if not isinstance(item, dict):
            description.append_text(f"got {item!r} instead of {self.noun}")
            return
        self.describe_record_mismatch(item, description)

    def describe_record_mismatch(self, record: dict, description: Description) -> None:
        raise NotImplementedError


def _codes(readiness: Optional[dict]) -> list:
    return list((readiness or {}).get("reason_codes") or [])


# -- jobs ----------------------------------------------------------------------------------------
class _JobThatEnded(_RecordMatcher):
    noun = "a job"

    def __init__(self, status: str):
        self.status = status

    def _matches(self, job) -> bool:
        return isinstance(job, dict) and job.get("status") == self.status

    def describe_to(self, description: Description) -> None:
        description.append_text(f"a job that {self.status}" if self.status == "succeeded"
                                else f"a job that ended {self.status}")

    def describe_record_mismatch(self, job, description: Description) -> None:
        name = f"the {job.get('job_type') or 'job'} job {job.get('id')}"
        status = job.get("status")
        if status == "failed":
            description.append_text(f"{name} ended failed with {job_reason(job)}")
        elif status == "cancelled":
            description.append_text(f"{name} ended cancelled")
        elif status == "succeeded":
            description.append_text(f"{name} succeeded")
        else:
            description.append_text(f"{name} is still {status}")

    def category_for(self, job) -> Category:
        status = job.get("status") if isinstance(job, dict) else None
        return {"failed": Category.JOB_FAILED, "cancelled": Category.JOB_CANCELLED,
                "queued": Category.JOB_TIMEOUT, "running": Category.JOB_TIMEOUT}.get(
                    status, Category.CONTRACT_VIOLATION)

    def reason_for(self, job) -> str:
        if isinstance(job, dict) and job.get("status") in ("failed", "cancelled") and self.status == "succeeded":
            return job_reason(job) if job.get("error_code") else f"job ended {job.get('status')}"
        return super().reason_for(job)


def a_job_that_succeeded() -> VerdictMatcher:
    return _JobThatEnded("succeeded")


def a_job_that_ended(status: str) -> VerdictMatcher:
    return _JobThatEnded(status)


class _FailedJobWithError(_RecordMatcher):
    noun = "a job"

    def __init__(self, code: str, message: Optional[str]):
        self.code, self.message = code, message

    def _matches(self, job) -> bool:
        return (isinstance(job, dict) and job.get("status") == "failed" and job.get("error_code") == self.code
                and (self.message is None or job.get("error_message") == self.message)
                and bool(job.get("finished_at"))
                and job.get("attempt_count", 0) <= job.get("max_attempts", 0))

    def describe_to(self, description: Description) -> None:
        description.append_text(f"a job that ended failed with {self.code}"
                                + (f": {self.message}" if self.message else "")
                                + ", finished, within its allowed attempts")

    def describe_record_mismatch(self, job, description: Description) -> None:
        description.append_text(
            f"the job {job.get('id')} is {job.get('status')} with {job.get('error_code')}: "
            f"{job.get('error_message')}, finished_at={job.get('finished_at')}, "
            f"attempt {job.get('attempt_count')} of {job.get('max_attempts')}")

    def category_for(self, job) -> Category:
        return _JobThatEnded("failed").category_for(job) if isinstance(job, dict) and job.get(
            "status") != "failed" else Category.CONTRACT_VIOLATION


def a_failed_job_with_error(code: str, message: Optional[str] = None) -> VerdictMatcher:
    return _FailedJobWithError(code, message)


# -- nodes ---------------------------------------------------------------------------------------
class _ReadyNode(_RecordMatcher):
    noun = "a node"
    category = Category.NODE_NOT_READY

    def __init__(self, ready: bool = True):
        self.ready = ready

    def _matches(self, node) -> bool:
        if not isinstance(node, dict):
            return False
        readiness = node.get("readiness") or {}
        if self.ready:
            return readiness.get("is_ready") is True and not _codes(readiness)
        return readiness.get("is_ready") is False and bool(_codes(readiness))

    def describe_to(self, description: Description) -> None:
        description.append_text("a ready node with no outstanding reason codes" if self.ready
                                else "a node reported not ready, with reason codes")

    def describe_record_mismatch(self, node, description: Description) -> None:
        readiness = node.get("readiness") or {}
        codes = ", ".join(_codes(readiness)) or "no reason codes"
        state = "ready" if readiness.get("is_ready") else "not ready"
        description.append_text(f"the node {node.get('name')} ({node.get('id')}) is {state} "
                                f"with {codes}, status {node.get('status')}")

    def category_for(self, node) -> Category:
        return Category.NODE_NOT_READY if self.ready else Category.CONTRACT_VIOLATION


def a_ready_node() -> VerdictMatcher:
    return _ReadyNode(True)


def a_node_not_ready() -> VerdictMatcher:
    return _ReadyNode(False)


# -- backups -------------------------------------------------------------------------------------
class _CompletedBackup(_RecordMatcher):
    noun = "a backup"

    def _matches(self, backup) -> bool:
        return (isinstance(backup, dict) and backup.get("status") == "completed"
                and isinstance(backup.get("checksum"), str) and backup["checksum"].startswith("sha256:")
                and len(backup["checksum"]) > len("sha256:")
                and isinstance(backup.get("size_bytes"), int) and backup["size_bytes"] > 0)

    def describe_to(self, description: Description) -> None:
        description.append_text("a completed backup with a sha256 checksum and a positive size")

    def describe_record_mismatch(self, backup, description: Description) -> None:
        description.append_text(f"the backup {backup.get('id')} is {backup.get('status')} with checksum "
                                f"{backup.get('checksum')!r} and size {backup.get('size_bytes')!r}")


def a_completed_backup_with_integrity_data() -> VerdictMatcher:
    return _CompletedBackup()


# -- environments --------------------------------------------------------------------------------
class _EnvironmentWithStatus(_RecordMatcher):
    noun = "an environment"

    def __init__(self, status: str, node_id: Optional[str]):
        self.status, self.node_id = status, node_id

    def _matches(self, env) -> bool:
        return (isinstance(env, dict) and env.get("status") == self.status
                and (self.node_id is None or env.get("node_id") == self.node_id))

    def describe_to(self, description: Description) -> None:
        description.append_text(f"an environment that is {self.status}"
                                + (f" on node {self.node_id}" if self.node_id else ""))

    def describe_record_mismatch(self, env, description: Description) -> None:
        description.append_text(f"the environment {env.get('slug')} ({env.get('id')}) is {env.get('status')} "
                                f"on node {env.get('node_id')}")


def an_environment_that_is(status: str, on_node: Optional[str] = None) -> VerdictMatcher:
    return _EnvironmentWithStatus(status, on_node)


# -- error answers -------------------------------------------------------------------------------
class _ErrorEnvelope(VerdictMatcher):
    """An answer (support.client.Answer) with this status and error code, naming some words."""

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


__all__ = ["assert_that", "expect", "a_job_that_succeeded", "a_job_that_ended", "a_failed_job_with_error",
           "a_ready_node", "a_node_not_ready", "a_completed_backup_with_integrity_data",
           "an_environment_that_is", "an_error_envelope_with_code"]
