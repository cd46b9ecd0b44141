"""Pressluft's job model as the suite reads it (contract digest §3): states, error codes, retries, durations.

One home for what a job record means: which states are terminal, when a job is waiting for a retry that
Pressluft scheduled, how a job's state is named in a poll history,
and how long jobs of each type took in this run.
"""
from __future__ import annotations

import statistics
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional

from support.pressluft.times import parse_time
from support.verdicts.categories import Category
from support.verdicts.failure import PollHistory, SuiteFailure

TERMINAL = ("succeeded", "failed", "cancelled")
IN_FLIGHT = ("queued", "running")
STATES = IN_FLIGHT + TERMINAL
# The attempts the contract gives each job type (digest §3.3): a verdict on attempts is made against these,
# never against the max_attempts a job says it has.
CONTRACT_MAX_ATTEMPTS = {"node_provision": 3, "site_create": 3, "env_create": 3, "backup_create": 3,
                         "env_restore": 1}
# The error codes Pressluft retries (digest §3.5), and the job types whose every failure it forces final (§3.3).
RETRYABLE_ERRORS = ("ANSIBLE_TIMEOUT", "ANSIBLE_PLAY_ERROR", "ANSIBLE_HOST_FAILED", "ANSIBLE_HOST_UNREACHABLE",
                    "PROVIDER_ACQUISITION_TIMEOUT", "PROVIDER_API_ERROR")
NEVER_RETRIED = ("backup_create", "env_restore")


def retried(job_type: str, code: str) -> bool:
    """Whether Pressluft retries a job of that type that fails with that error code (while attempts are left)."""
    return code in RETRYABLE_ERRORS and job_type not in NEVER_RETRIED


def is_terminal(job: Any) -> bool:
    return isinstance(job, dict) and job.get("status") in TERMINAL


def in_flight(job: Any) -> bool:
    return isinstance(job, dict) and job.get("status") in IN_FLIGHT


@dataclass(frozen=True)
class ScheduledRetry:
    """A job Pressluft has scheduled to run again: queued, its last error kept, run_after ahead."""

    job_id: str
    attempt: int            # the attempts made so far
    max_attempts: int
    error_code: Optional[str]
    run_after: datetime

    def seconds_ahead(self, now: Optional[datetime] = None) -> float:
        return (self.run_after - (now or datetime.now(timezone.utc))).total_seconds()

    def describe(self) -> str:
        return f"attempt {self.attempt + 1} of {self.max_attempts} at {self.run_after.isoformat()}" + (
            f" after {self.error_code}" if self.error_code else "")


def scheduled_retry(job: Any) -> Optional[ScheduledRetry]:
    """The retry Pressluft scheduled for this job, if it is queued with a run_after and attempts left."""
    if not isinstance(job, dict) or job.get("status") != "queued":
        return None
    run_after = parse_time(job.get("run_after"))
    attempts, most = job.get("attempt_count") or 0, job.get("max_attempts") or 0
    if run_after is None or attempts < 1 or attempts >= most:
        return None
    return ScheduledRetry(str(job.get("id")), attempts, most, job.get("error_code"), run_after)


def job_state(job: dict) -> str:
    """`queued`, `running`, `queued, waiting to retry after PROVIDER_API_ERROR`, `failed`, …"""
    status = job.get("status", "unknown")
    if status == "queued" and job.get("error_code"):
        return f"queued, waiting to retry after {job['error_code']}"
    return status


def job_progress(job: Any) -> str:
    """What a progress line says of a job: its type and state, the attempt n of m, and when the next one is due.
    `env_create running, attempt 1 of 3`; `node_provision queued, waiting to retry after PROVIDER_API_ERROR,
    attempt 2 of 3 due at 12:05:00 UTC`."""
    if not isinstance(job, dict):
        return str(job)
    text = " ".join(part for part in (job.get("job_type"), job_state(job)) if part)
    attempts, most = job.get("attempt_count") or 0, job.get("max_attempts")
    retry = scheduled_retry(job)
    if retry is not None:
        return f"{text}, attempt {retry.attempt + 1} of {retry.max_attempts} due at {retry.run_after:%H:%M:%S} UTC"
    if most and attempts:
        return f"{text}, attempt {attempts} of {most}"
    return f"{text}, no attempt yet of {most}" if most and job.get("status") == "queued" else text


# Error codes with which a job says the server under test is not set up to do it, not that the product failed
# (digest addendum): what to do about each. Not retried by Pressluft; a verdict of the set-up (exit 2).
MANAGED_KEY = "~/.ssh/pressluft-provider-ed25519"
CREATE_MANAGED_KEY = f"ssh-keygen -t ed25519 -f {MANAGED_KEY} -N ''"
SETUP_REMEDIES = {
    "PROVIDER_ACQUISITION_UNAVAILABLE": (
        "the control plane cannot acquire nodes: it needs the provider token connected and its managed public key "
        f"{MANAGED_KEY}.pub on its own host (nothing in Pressluft creates it); create it with `{CREATE_MANAGED_KEY}`, "
        "connect the provider token, and run again"),
}


def job_reason(job: dict) -> str:
    """Why a job that did not succeed ended so: `ANSIBLE_HOST_FAILED: wp core install failed`, `no error_code: …`;
    `job ended cancelled` (a cancel clears the error fields), `job ended failed without error_code`. A set-up code
    says what to do (SETUP_REMEDIES)."""
    code, message = job.get("error_code"), job.get("error_message")
    if code or message:
        reason = f"{code or 'no error_code'}: {message or ''}".rstrip(": ")
        return f"{reason} (the set-up of the server under test: {SETUP_REMEDIES[code]})" if ends_for_setup(job) \
            else reason
    return f"job ended {job.get('status')}" + (" without error_code" if job.get("status") == "failed" else "")


def ends_for_setup(job: Any) -> bool:
    """The job ended failed with a code that blames the set-up of the server under test, not the product."""
    return isinstance(job, dict) and job.get("status") == "failed" and job.get("error_code") in SETUP_REMEDIES


def category_of(job: Any) -> Category:
    """The category of a job that did not succeed: failed (server_setup when its code says the server is not set
    up for it), cancelled, or still in flight (a timeout)."""
    if ends_for_setup(job):
        return Category.SERVER_SETUP
    status = job.get("status") if isinstance(job, dict) else None
    return {"failed": Category.JOB_FAILED, "cancelled": Category.JOB_CANCELLED, "queued": Category.JOB_TIMEOUT,
            "running": Category.JOB_TIMEOUT}.get(status, Category.CONTRACT_VIOLATION)


def require_success(job: dict, *, command: str, history: Optional[PollHistory] = None) -> dict:
    """A succeeded job passes; failed is job_failed, cancelled is job_cancelled."""
    if job.get("status") == "succeeded":
        return job
    raise SuiteFailure(category_of(job), command, job_reason(job), job_id=job.get("id"), job=job, poll=history)


class DurationModel:
    """How long the jobs of each type took in this run (finished_at - started_at of their last attempt)."""

    def __init__(self, keep: int = 7):
        self.keep = keep
        self._seen: dict = {}
        self._lock = threading.Lock()

    def observe(self, job: Any) -> None:
        if not isinstance(job, dict) or job.get("status") != "succeeded":
            return
        started, finished = parse_time(job.get("started_at")), parse_time(job.get("finished_at"))
        if started is None or finished is None or finished < started:
            return
        with self._lock:
            seen = self._seen.setdefault(job.get("job_type"), [])
            seen.append((finished - started).total_seconds())
            del seen[:-self.keep]

    def expected(self, job_type: Optional[str]) -> Optional[float]:
        with self._lock:
            seen = self._seen.get(job_type)
            return statistics.median(seen) if seen else None

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()

