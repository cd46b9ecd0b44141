"""In-memory fault state for the `/_reference/` API (lost on restart, cleared by DELETE).

Faults are scoped to a resource where possible; a fault without scope is global.
"""

import random
import threading
import time
from dataclasses import dataclass
from typing import Optional

from .errors import ApiError
from .jobqueue import RETRYABLE_CODES

FAULT_NAMES = ["node-readiness", "jobs", "preview", "backups", "http", "environment-content", "backup-content",
               "busy-node"]
JOB_MATCH_KEYS = ("job_type", "site_id", "environment_id", "environment_type", "node_id", "node_name",
                  "site_slug_prefix")
ENVIRONMENT_TYPES = ("production", "staging", "clone")


@dataclass
class JobPlan:
    outcome: str
    error_code: str
    error_message: str
    retryable: bool
    attempts: Optional[int]
    first_attempt: int
    hold_last_retry: bool = False
    release_at: Optional[float] = None  # a `hang` that ends by itself then (time.monotonic()); None: when cancelled
    until_read: bool = False  # a hang that ends once a client reads the job by its id (GET /api/jobs/{id})

    def fails(self, attempt: int) -> bool:
        return self.outcome == "fail" and (self.attempts is None or attempt - self.first_attempt < self.attempts)

    def holds(self, attempt: int) -> bool:
        """`hold_last_retry`: the last injected failure (the N-th of `attempts: N`) waits Pressluft's real backoff."""
        return (self.hold_last_retry and self.fails(attempt) and self.attempts is not None
                and attempt - self.first_attempt + 1 == self.attempts)


class Faults:
    def __init__(self, persistent_http: Optional[dict] = None):
        """`persistent_http` (from `--http-faults`) is active for the process lifetime: a reset brings it back,
        and an HTTP fault set over the API replaces it only until the next reset."""
        self._lock = threading.Lock()
        self._persistent_http = dict(persistent_http) if persistent_http else None
        self._persistent_rng = random.Random(self._persistent_http.get("seed") if self._persistent_http else None)
        self.http_counts = {"matched": 0, "failed": 0, "delayed_seconds": 0.0}
        self.reset()

    def reset(self):
        with self._lock:
            self._readiness = {}  # node id (None: every node) → reason codes
            # (site slug prefix, creation: "site" | "environment" | None for both) → reason codes the create preflight
            # of that creation sees (the node list does not)
            self._preflight = {}
            self._jobs = []  # pending job faults, each with a remaining count
            self._plans = {}  # job id → JobPlan bound at the job's claim
            self._read = set()  # ids of the jobs a client has read one by one (GET /api/jobs/{id})
            self._previews = {}  # ("environment"|"site"|"all", id) → preview behaviour
            self._backups = []
            self._busy_nodes = []  # site slug prefix, seconds, count: creations that find their node busy
            self._http = self._persistent_http
            self._rng = self._persistent_rng if self._persistent_http else random.Random()

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "node-readiness": [{"node_id": node_id, "reason_codes": codes}
                                   for node_id, codes in self._readiness.items()]
                + [{"preflight_site_slug_prefix": prefix, "preflight_creation": creation, "reason_codes": codes}
                   for (prefix, creation), codes in self._preflight.items()],
                "jobs": [dict(fault) for fault in self._jobs],
                "job-plans": {job_id: vars(plan) for job_id, plan in self._plans.items()},
                "preview": [dict(fault) for fault in self._previews.values()],
                "backups": [dict(fault) for fault in self._backups],
                "busy-node": [dict(fault) for fault in self._busy_nodes],
                "http": dict(self._http) if self._http else None,
                "http-persistent": dict(self._persistent_http) if self._persistent_http else None,
                "http-counts": dict(self.http_counts),
            }

    # node readiness
    def set_readiness(self, node_id, codes):
        self._set_codes(self._readiness, node_id, codes)

    def set_preflight_readiness(self, site_slug_prefix, codes, creation=None):
        self._set_codes(self._preflight, (site_slug_prefix, creation), codes)

    def _set_codes(self, faults: dict, key, codes):
        """Sets (or, with no codes, clears) the reason codes of one readiness fault."""
        with self._lock:
            if codes:
                faults[key] = list(codes)
            else:
                faults.pop(key, None)

    def preflight_codes(self, site_slug, creation):
        """The reason codes the create preflight of `creation` ("site", or "environment": one of the site's) of a site
        with this slug sees."""
        with self._lock:
            return next((codes for (prefix, scope), codes in self._preflight.items()
                         if site_slug and site_slug.startswith(prefix) and scope in (None, creation)), None)

    def readiness_codes(self, node_id):
        with self._lock:
            if node_id in self._readiness:
                return self._readiness[node_id]
            return self._readiness.get(None)

    # jobs
    def add_job_fault(self, fault: dict):
        with self._lock:
            self._jobs.append(fault)

    def plan_for(self, job: dict, node_name, site_slug=None, environment_type=None) -> Optional[JobPlan]:
        """The fault plan of a claimed job: bound on first sight to the oldest matching job fault (`environment_type`:
        the type of the environment the job acts on, a clone or a staging environment an env_create makes)."""
        facts = {**job, "node_name": node_name, "site_slug": site_slug, "environment_type": environment_type}
        with self._lock:
            if job["id"] in self._plans:
                return self._plans[job["id"]]
            for fault in self._jobs:
                if all(_job_matches(facts, key, value) for key, value in fault["match"].items()):
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self._jobs.remove(fault)
                    plan = self._bind(fault, job)
                    if not (plan.until_read and job["id"] in self._read):  # read already: nothing to hold
                        self._plans[job["id"]] = plan
                    return plan
        return None

    def job_read(self, job_id) -> None:
        """A client read the job by its id: a hang that waits for that (`until_read`) ends, and the job runs on."""
        with self._lock:
            self._read.add(job_id)
            plan = self._plans.get(job_id)
            if plan is not None and plan.outcome == "hang" and plan.until_read:
                del self._plans[job_id]

    def plan_active(self, job_id) -> bool:
        """Whether the job's plan still holds it (a `hang`: until cancelled, or until its release)."""
        with self._lock:
            plan = self._plans.get(job_id)
            return plan is not None and (plan.release_at is None or time.monotonic() < plan.release_at)

    def hold(self, job_id, seconds: float) -> None:
        """The job, when claimed, stays `running` for `seconds`, then runs as usual."""
        with self._lock:
            self._plans[job_id] = JobPlan("hang", "", "", False, None, 0, release_at=time.monotonic() + seconds)

    # a node busy with another operator's job just as a creation arrives (the enqueue guard refuses it)
    def add_busy_node(self, fault: dict):
        with self._lock:
            self._busy_nodes.append(fault)

    def take_busy_node(self, site_slug, peek: bool = False) -> Optional[float]:
        """The seconds another operator's job is to hold the node of this creation (of a site with this slug, or of
        an environment of it), when a busy-node fault covers it (spent, unless `peek`); None otherwise."""
        with self._lock:
            for fault in self._busy_nodes:
                if site_slug and site_slug.startswith(fault["site_slug_prefix"]):
                    if not peek:
                        fault["count"] -= 1
                        if fault["count"] <= 0:
                            self._busy_nodes.remove(fault)
                    return fault["seconds"]
        return None

    def plan(self, job_id) -> Optional[JobPlan]:
        with self._lock:
            return self._plans.get(job_id)

    @staticmethod
    def _bind(fault: dict, job: dict) -> JobPlan:
        code = fault.get("error_code") or ("PROVIDER_ACQUISITION_FAILED" if job["job_type"] == "node_provision"
                                           else "ANSIBLE_PLAY_ERROR")
        retryable = fault.get("retryable")
        return JobPlan(
            outcome=fault["outcome"], error_code=code,
            error_message=fault.get("error_message") or f"{job['job_type']} failed: injected fault {code}",
            retryable=code in RETRYABLE_CODES if retryable is None else retryable,
            attempts=fault.get("attempts"), first_attempt=job["attempt_count"],
            hold_last_retry=bool(fault.get("hold_last_retry")), until_read=bool(fault.get("until_read")))

    # previews
    def set_preview(self, fault: dict):
        with self._lock:
            self._previews[_preview_scope(fault)] = fault

    def preview_for(self, environment_id, site_id, site_slug=None, environment_type=None) -> Optional[dict]:
        """The most specific preview fault covering that environment: its own, then its site's (by id, then by the
        longest slug prefix), then every environment's; within each, one limited to its environment type first."""
        with self._lock:
            applying = [(scope, fault) for scope, fault in self._previews.items()
                        if _covers(scope, environment_id, site_id, site_slug, environment_type)]
        if not applying:
            return None
        return min(applying, key=lambda item: (PREVIEW_SCOPE_RANK[item[0][0]], item[0][2] is None,
                                               -len(item[0][1] or "")))[1]

    # backups
    def add_backup_fault(self, fault: dict):
        with self._lock:
            self._backups.append(fault)

    def take_backup(self, environment_id, site_id, site_slug=None) -> Optional[dict]:
        with self._lock:
            for fault in self._backups:
                if _in_scope(fault, environment_id, site_id, site_slug):
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self._backups.remove(fault)
                    return fault
        return None

    # http
    def set_http(self, fault: dict):
        with self._lock:
            self._http = fault
            self._rng = random.Random(fault.get("seed"))

    def apply_http(self, method: str, path: str):
        with self._lock:
            fault = self._http
            if not fault or not path.startswith(fault["path_prefix"]):
                return
            if fault["methods"] and method not in fault["methods"]:
                return
            delay = self._rng.uniform(0, fault["latency_max_seconds"]) if fault["latency_max_seconds"] else 0
            failing = self._rng.random() < fault["error_rate"]
            status = self._rng.choice(fault["statuses"])
            self.http_counts["matched"] += 1
            self.http_counts["failed"] += int(failing)
            self.http_counts["delayed_seconds"] = round(self.http_counts["delayed_seconds"] + delay, 3)
        if delay:
            time.sleep(delay)
        if failing:
            raise ApiError(status, "injected_fault", f"injected HTTP {status} (reference fault injection)")


def _job_matches(facts: dict, key: str, value: str) -> bool:
    if key == "site_slug_prefix":  # jobs without a site never match
        return facts["site_slug"] is not None and facts["site_slug"].startswith(value)
    return facts.get(key) == value


PREVIEW_SCOPE_RANK = {"environment": 0, "site": 1, "site_slug_prefix": 2, "all": 3}


def _covers(scope: tuple, environment_id, site_id, site_slug, environment_type) -> bool:
    kind, key, only_type = scope
    if only_type is not None and only_type != environment_type:
        return False
    if kind == "environment":
        return key == environment_id
    if kind == "site":
        return key == site_id
    if kind == "site_slug_prefix":
        return site_slug is not None and site_slug.startswith(key)
    return True


def _preview_scope(fault: dict) -> tuple:
    """(kind, id or prefix, environment type or None): a fault set again with the same scope replaces the old one."""
    if fault.get("environment_id"):
        return "environment", fault["environment_id"], None
    if fault.get("site_id"):
        return "site", fault["site_id"], fault.get("environment_type")
    if fault.get("site_slug_prefix"):
        return "site_slug_prefix", fault["site_slug_prefix"], fault.get("environment_type")
    return "all", None, fault.get("environment_type")


def _in_scope(fault: dict, environment_id, site_id, site_slug=None) -> bool:
    if fault.get("environment_id"):
        return fault["environment_id"] == environment_id
    if fault.get("site_id"):
        return fault["site_id"] == site_id
    if fault.get("site_slug_prefix"):
        return site_slug is not None and site_slug.startswith(fault["site_slug_prefix"])
    return True


HTTP_SPEC_KEYS = ("error_rate", "latency_max", "statuses", "methods", "path_prefix", "seed")


def parse_http_fault_spec(text: str) -> dict:
    """`--http-faults error_rate=0.2,latency_max=1.0,statuses=502+503,methods=GET,seed=7[,path_prefix=/api/]`
    → the body of an HTTP fault (as `POST /_reference/faults/http` takes it). Raises ValueError."""
    fault = {"error_rate": 0.0, "statuses": [503], "latency_max_seconds": 0.0, "methods": [],
             "path_prefix": "/api/", "seed": None}
    for part in filter(None, (item.strip() for item in text.split(","))):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in HTTP_SPEC_KEYS:
            raise ValueError(f"expected KEY=VALUE with KEY one of {', '.join(HTTP_SPEC_KEYS)}, got {part!r}")
        try:
            if key == "error_rate":
                fault["error_rate"] = float(value)
            elif key == "latency_max":
                fault["latency_max_seconds"] = float(value)
            elif key == "statuses":
                fault["statuses"] = [int(status) for status in value.split("+")]
            elif key == "methods":
                fault["methods"] = [method.upper() for method in value.split("+") if method]
            elif key == "seed":
                fault["seed"] = int(value)
            else:
                fault["path_prefix"] = value
        except ValueError:
            raise ValueError(f"bad value for {key}: {value!r}") from None
    if not 0 <= fault["error_rate"] <= 1:
        raise ValueError("error_rate must be between 0 and 1")
    if not 0 <= fault["latency_max_seconds"] <= 60:
        raise ValueError("latency_max must be between 0 and 60 seconds")
    if not fault["statuses"] or not all(400 <= status <= 599 for status in fault["statuses"]):
        raise ValueError("statuses must be 4xx or 5xx codes joined by '+'")
    if not fault["path_prefix"].startswith("/"):
        raise ValueError("path_prefix must start with '/'")
    return fault
