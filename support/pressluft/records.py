"""What a record of each kind must hold by itself and by the contract, whatever a scenario asked for: a ready node is
active on a real host; a job's times run in order, its end is recorded exactly when it ended, one that succeeded or
failed ran, and it never takes more attempts than the contract gives its type, whether it succeeded or failed; a
backup completes after it was created, and one that completed says when; an environment changes after it was made,
and has a source exactly when it is a copy (a clone or staging environment, not production).

The shape of a record (its fields, their types and formats: RFC 3339 date-times, uuids) is the schemas' (`schemas`),
checked on every answer as it is read. These rules are what a schema cannot say: how a record's fields agree with
each other and with the contract's limits. Each is `(what it promises, check(record) -> None when it holds, else
what was found)`, the form of a matcher's property, and the matchers of support/checks/ apply the rules of a kind
(`RULES[kind]`) wherever they judge a record of it, on the success and the failure path.
"""
from __future__ import annotations

from itertools import pairwise
from typing import Callable, Optional

from support.pressluft.jobs import CONTRACT_MAX_ATTEMPTS, in_flight, is_terminal
from support.pressluft.readiness import PENDING_HOST, is_ready
from support.pressluft.times import parse_time

Rule = tuple[str, Callable[[dict], Optional[str]]]


def real_host(node: dict) -> Optional[str]:
    """None when hostname and public_ip both hold the address acquisition gave the node (not blank, not
    pending.provider); else what they hold."""
    found = [f"{field} is {node.get(field)!r}" for field in ("hostname", "public_ip")
             if not isinstance(node.get(field), str) or not node[field].strip() or node[field] == PENDING_HOST]
    return "; ".join(found) or None


def _ready_only_when_active(node: dict) -> Optional[str]:
    if not is_ready(node) or node.get("status") == "active":
        return None
    return f"it is reported ready with status {node.get('status')!r}"


def _ready_only_on_a_real_host(node: dict) -> Optional[str]:
    problem = real_host(node) if is_ready(node) else None
    return f"it is reported ready while its {problem}" if problem else None


def in_order(record: dict, *fields: str) -> Optional[str]:
    """None when each of the fields that is set holds a time no earlier than the one before it that is set (a field
    that is not set is skipped); else the first pair out of order."""
    times = [(field, record.get(field), parse_time(record.get(field))) for field in fields if record.get(field)]
    for (earlier, text, moment), (later, later_text, later_moment) in pairwise(times):
        if moment is not None and later_moment is not None and later_moment < moment:
            return f"its {later} {later_text!r} is before its {earlier} {text!r}"
    return None


def _job_times(job: dict) -> Optional[str]:
    return in_order(job, "created_at", "started_at", "finished_at") or in_order(job, "created_at", "updated_at")


def _finished_exactly_when_ended(job: dict) -> Optional[str]:
    if is_terminal(job) and not job.get("finished_at"):
        return f"it is {job.get('status')} without a finished_at"
    if in_flight(job) and job.get("finished_at"):
        return f"it is {job.get('status')} with a finished_at {job.get('finished_at')!r}"
    return None


def _claimed(job: dict) -> Optional[str]:
    """A job running, or one that succeeded or failed, was claimed by a worker: an attempt counted, a start recorded
    (one queued, or cancelled while queued, need not have run)."""
    if job.get("status") not in ("running", "succeeded", "failed"):
        return None
    if not isinstance(job.get("attempt_count"), int) or job["attempt_count"] < 1 or not job.get("started_at"):
        return (f"it is {job.get('status')} at attempt {job.get('attempt_count')!r} with started_at "
                f"{job.get('started_at')!r}")
    return None


def _completed_with_its_time(backup: dict) -> Optional[str]:
    return "it is completed without a completed_at" if backup.get("status") == "completed" and \
        not backup.get("completed_at") else None


def _source_exactly_for_a_copy(env: dict) -> Optional[str]:
    copy, source = env.get("environment_type") in ("clone", "staging"), env.get("source_environment_id")
    if copy and not source:
        return f"it is a {env.get('environment_type')} without a source environment"
    if env.get("environment_type") == "production" and source:
        return f"it is a production with the source environment {source!r}"
    return None


def _within_contract_attempts(job: dict) -> Optional[str]:
    allowed = CONTRACT_MAX_ATTEMPTS.get(job.get("job_type"))
    attempts = job.get("attempt_count")
    if allowed is None or not isinstance(attempts, int) or attempts <= allowed:
        return None
    return (f"it {job.get('status')} at attempt {attempts}, more than the {allowed} the contract gives "
            f"{job.get('job_type')} (max_attempts {job.get('max_attempts')})")


RULES: dict[str, list[Rule]] = {
    "node": [("a ready node active", _ready_only_when_active),
             (f"a ready node on the host acquisition gave it (hostname and public_ip, not blank, not {PENDING_HOST})",
              _ready_only_on_a_real_host)],
    "job": [("its times in order: created_at, started_at, finished_at (those set); updated_at not before created_at",
             _job_times),
            ("no more attempts than the contract gives its job type, whether it succeeded or failed",
             _within_contract_attempts),
            ("a finished_at exactly when it ended (succeeded, failed or cancelled), none while queued or running",
             _finished_exactly_when_ended),
            ("one running, succeeded or failed was claimed: at least one attempt, a started_at", _claimed)],
    "backup": [("completed_at (when set) not before created_at",
                lambda backup: in_order(backup, "created_at", "completed_at")),
               ("a completed backup says when it completed (completed_at)", _completed_with_its_time)],
    "environment": [("updated_at not before created_at", lambda env: in_order(env, "created_at", "updated_at")),
                    ("a source environment exactly when it is a copy (clone or staging), none for production",
                     _source_exactly_for_a_copy)],
}


def problems(kind: str, record: dict) -> list[str]:
    """Every rule of that kind the record breaks: `what was found (expected what the rule promises)`."""
    found = []
    for what, check in RULES[kind]:
        problem = check(record)
        if problem is not None:
            found.append(f"{problem} (expected {what})")
    return found
