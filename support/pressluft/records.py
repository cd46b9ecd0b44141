"""What a record of each kind must hold by itself and by the contract, whatever a scenario asked for: a ready node is
active on a real host; a job's times run in order and it never takes more attempts than the contract gives its type,
whether it succeeded or failed; a backup completes after it was created; an environment changes after it was made.

The shape of a record (its fields, their types and formats: RFC 3339 date-times, uuids) is the schemas' (`schemas`),
checked on every answer as it is read. These rules are what a schema cannot say: how a record's fields agree with
each other and with the contract's limits. Each is `(what it promises, check(record) -> None when it holds, else
what was found)`, the form of a matcher's property, and the matchers of support/checks/ apply the rules of a kind
(`RULES[kind]`) wherever they judge a record of it, on the success and the failure path.
"""
from __future__ import annotations

from itertools import pairwise
from typing import Callable, Optional

from support.pressluft.jobs import CONTRACT_MAX_ATTEMPTS
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
             _within_contract_attempts)],
    "backup": [("completed_at (when set) not before created_at",
                lambda backup: in_order(backup, "created_at", "completed_at"))],
    "environment": [("updated_at not before created_at", lambda env: in_order(env, "created_at", "updated_at"))],
}


def problems(kind: str, record: dict) -> list[str]:
    """Every rule of that kind the record breaks: `what was found (expected what the rule promises)`."""
    found = []
    for what, check in RULES[kind]:
        problem = check(record)
        if problem is not None:
            found.append(f"{problem} (expected {what})")
    return found
