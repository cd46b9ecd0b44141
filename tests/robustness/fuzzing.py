"""Fuzzing the reference control plane with schemathesis, and the invariants that must hold afterwards.

Used by tests/robustness/test_reference_fuzzing.py (a short budget) and scripts/chaos (a larger one).
Every /api operation of contract/openapi.yaml except logout (it would end the session the fuzzer uses) is
called with schema-conforming (positive) and schema-violating (negative) inputs, path ids drawn at random
and taken from real records; each answer must not be a 5xx, and a positive input's answer must conform to
the response schema.
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Optional

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

import contract

TERMINAL = ("succeeded", "failed", "cancelled")
JOB_STATES = ("queued", "running", *TERMINAL)
EXCLUDED = {"POST /logout"}
# body fields that name a record: with real ids, the inputs get past the lookups into the deeper checks
BODY_IDS = {"source_environment_id": "environment", "backup_id": "backup"}
# which real record feeds the {id} of a path
ID_SOURCES = {"/sites/{id}": "site", "/sites/{id}/environments": "site", "/environments/{id}": "environment",
              "/environments/{id}/backups": "environment", "/environments/{id}/restore": "environment",
              "/jobs/{id}": "job", "/jobs/{id}/cancel": "job"}


@dataclass
class FuzzReport:
    inputs: int = 0
    by_operation: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)

    def failed(self, label: str, mode: str, status: Optional[int], message: str, curl: str) -> None:
        self.failures.append({"operation": label, "mode": mode, "status": status,
                              "message": " ".join(message.split())[:300], "curl": curl})


class Session:
    def __init__(self, base_url: str, email: str, password: str):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.trust_env = False
        answer = self.http.post(base_url + "/api/login", json={"email": email, "password": password}, timeout=10)
        assert answer.status_code == 200, answer.text
        self.cookie = self.http.cookies.get("session_token")

    def get(self, path: str):
        answer = self.http.get(self.base_url + path, timeout=10)
        assert answer.status_code == 200, (path, answer.status_code, answer.text)
        return answer.json()


def seed_records(api: Session) -> None:
    """A connected provider, a ready node, a site: so that fuzzed ids can hit real records."""
    api.http.post(api.base_url + "/api/providers", json={"provider_id": "hetzner", "api_token": "fuzz-token"},
                  timeout=10)
    if not any(node["readiness"]["is_ready"] for node in api.get("/api/nodes")):
        api.http.post(api.base_url + "/api/nodes", json={"provider_id": "hetzner", "name": "fuzz-node"}, timeout=10)
        wait_quiet(api)
    api.http.post(api.base_url + "/api/sites", json={"name": "Fuzz site", "slug": "fuzz-site"}, timeout=10)
    wait_quiet(api)
    for site in api.get("/api/sites"):
        api.http.post(f"{api.base_url}/api/environments/{site['primary_environment_id']}/backups",
                      json={"backup_scope": "full"}, timeout=10)
    wait_quiet(api)


def real_ids(api: Session) -> dict:
    sites = api.get("/api/sites")
    environments = [env for site in sites for env in api.get(f"/api/sites/{site['id']}/environments")]
    backups = [b for env in environments for b in api.get(f"/api/environments/{env['id']}/backups")]
    return {"site": [s["id"] for s in sites], "environment": [e["id"] for e in environments],
            "job": [j["id"] for j in api.get("/api/jobs")], "backup": [b["id"] for b in backups]}


def wait_quiet(api: Session, budget: float = 30.0) -> list:
    """Until no job is queued or running; a job that would not end is cancelled after the budget."""
    deadline = time.monotonic() + budget
    while True:
        busy = [job for job in api.get("/api/jobs") if job["status"] in ("queued", "running")]
        if not busy:
            return []
        if time.monotonic() > deadline:
            for job in busy:
                api.http.post(f"{api.base_url}/api/jobs/{job['id']}/cancel", timeout=10)
            time.sleep(0.5)
            return busy
        time.sleep(0.1)


def fuzz(base_url: str, *, email: str = "admin@pressluft.local", password: str = "pressluft-dev-password",
         examples: int = 30, seed: int = 5, report: Optional[FuzzReport] = None) -> FuzzReport:
    """Fuzz every operation in both modes with `examples` inputs each (and as many again with real ids)."""
    report = report or FuzzReport()
    api = Session(base_url, email, password)
    seed_records(api)
    ids = real_ids(api)
    schema = schemathesis.openapi.from_dict(contract.load_openapi())
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in EXCLUDED:
            continue
        source = ID_SOURCES.get(operation.path)
        variants = [None] + ([source] if source and ids.get(source) else [])
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for variant in variants:
                path_parameters = {"id": ids[variant][0]} if variant else None
                body_ids = {key: ids[kind][0] for key, kind in BODY_IDS.items() if variant and ids.get(kind)}
                _fuzz_operation(api, operation, mode, path_parameters, examples, seed, report, body_ids)
    return report


def _fuzz_operation(api: Session, operation, mode, path_parameters, examples: int, seed: int,
                    report: FuzzReport, body_ids: Optional[dict] = None) -> None:
    checks = [not_a_server_error] + ([response_schema_conformance] if mode is GenerationMode.POSITIVE else [])
    try:
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
    except Exception as exc:  # e.g. a negative strategy is impossible for an operation without inputs
        if mode is GenerationMode.NEGATIVE:
            return
        raise AssertionError(f"no strategy for {operation.label}: {exc}") from exc

    @settings(max_examples=examples, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
    @hypothesis.seed(seed)
    @given(strategy)
    def run(case):
        report.inputs += 1
        report.by_operation[operation.label] = report.by_operation.get(operation.label, 0) + 1
        if body_ids and isinstance(case.body, dict):
            case.body.update({key: value for key, value in body_ids.items() if key in case.body})
        if case.cookies is None:
            case.cookies = {}
        case.cookies["session_token"] = api.cookie  # authenticated: the fuzzing reaches the handlers
        try:
            response = case.call(base_url=api.base_url + "/api", session=api.http, timeout=15)
        except requests.RequestException as exc:
            report.failed(operation.label, mode.value, None, f"no answer: {exc!r}", case.as_curl_command())
            return
        report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=checks)
        except AssertionError as exc:
            report.failed(operation.label, mode.value, response.status_code, str(exc), case.as_curl_command())
        except Exception as exc:  # noqa: BLE001 - a failure group or a check crashing on a bad answer
            report.failed(operation.label, mode.value, response.status_code, repr(exc), case.as_curl_command())

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run()


def check_invariants(base_url: str, *, email: str = "admin@pressluft.local",
                     password: str = "pressluft-dev-password") -> list[str]:
    """After fuzzing (and the jobs have ended): every record consistent. Returns the broken invariants."""
    api = Session(base_url, email, password)
    wait_quiet(api)
    broken = []
    jobs, nodes, sites = api.get("/api/jobs"), api.get("/api/nodes"), api.get("/api/sites")
    metrics = api.get("/api/metrics")
    for job in jobs:
        if job.get("status") not in JOB_STATES:
            broken.append(f"job {job.get('id')} has status {job.get('status')!r}")
        if job.get("status") in TERMINAL and not job.get("finished_at"):
            broken.append(f"job {job['id']} is {job['status']} without finished_at")
        if job.get("status") == "succeeded" and job.get("error_code"):
            broken.append(f"job {job['id']} succeeded with error_code {job['error_code']}")
    if len({job["id"] for job in jobs}) != len(jobs):
        broken.append("duplicate job ids in GET /api/jobs")
    expected = {"jobs_running": sum(j["status"] == "running" for j in jobs),
                "jobs_queued": sum(j["status"] == "queued" for j in jobs),
                "nodes_active": sum(n["status"] == "active" for n in nodes), "sites_total": len(sites)}
    for key, value in expected.items():
        if metrics.get(key) != value:
            broken.append(f"metrics {key}={metrics.get(key)} but the lists say {value}")
    slugs = [site["slug"] for site in sites]
    if len(set(slugs)) != len(slugs):
        broken.append("two sites share a slug")
    for site in sites:
        environments = api.get(f"/api/sites/{site['id']}/environments")
        production = [env for env in environments if env.get("environment_type") == "production"]
        if not production:
            broken.append(f"site {site['id']} has no production environment")
        if site.get("primary_environment_id") not in {env["id"] for env in environments}:
            broken.append(f"site {site['id']}: primary environment {site.get('primary_environment_id')} not listed")
        if site.get("status") in ("cloning", "restoring") or any(env.get("status") in ("cloning", "restoring")
                                                                 for env in environments):
            broken.append(f"site {site['id']} is left in a transitional state with no job running")
        env_slugs = [env["slug"] for env in environments]
        if len(set(env_slugs)) != len(env_slugs):
            broken.append(f"site {site['id']} has two environments with one slug")
    for node in nodes:
        if node.get("status") == "provisioning":
            broken.append(f"node {node['id']} is left provisioning with no job running")
    return broken
