"""Fixtures: the reference control plane as a real subprocess, a logged-in client, schema checks."""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "contract" / "schemas"
FAST_ARGS = ["--job-duration", "all=0.1", "--retry-backoff", "0.2,0.3,0.4"]
CREDENTIALS = {"email": "admin@pressluft.local", "password": "pressluft-dev-password"}
TERMINAL = ("succeeded", "failed", "cancelled")

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value):
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        raise ValueError(f"not RFC 3339: {value!r}")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def check_schema(name: str, instance):
    """Strict validation against contract/schemas/<name>.json (FormatChecker for uuid and date-time)."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=FORMATS).validate(instance)
    return instance


def check_error(response, status: int, code: str, message=None):
    assert response.status_code == status, (response.status_code, response.text)
    body = check_schema("error", response.json())
    assert body["code"] == code, body
    if message is not None:
        assert body["message"] == message, body
    return body


class Server:
    def __init__(self, *args, data_dir=None, faults=True, fast=True):
        self.data_dir = data_dir
        command = [sys.executable, "-m", "pressluft_reference", "--port", "0"]
        if data_dir:
            command += ["--data-dir", str(data_dir)]
        if faults:
            command.append("--enable-faults")
        if fast:
            command += FAST_ARGS
        command += list(args)
        self.stderr_path = Path(tempfile.mkstemp(prefix="pressluft_reference-test-", suffix=".log")[1])
        started = time.monotonic()
        self.proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=self.stderr_path.open("w"),
                                     text=True)
        self.ready_line = self.proc.stdout.readline().rstrip("\n")
        self.startup_seconds = time.monotonic() - started
        match = re.fullmatch(r"pressluft_reference listening on (http://127\.0\.0\.1:(\d+))", self.ready_line)
        assert match, f"no ready line: {self.ready_line!r}; stderr: {self.stderr()}"
        self.base_url, self.port = match.group(1), int(match.group(2))

    def url(self, path: str) -> str:
        return self.base_url + path

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def stop(self, sig=signal.SIGTERM, timeout=10) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            self.proc.stdout.close()

    def kill(self):
        self.proc.kill()
        self.proc.wait(10)
        self.proc.stdout.close()

    def client(self, login=True, strict=True) -> "Api":
        api = Api(self, strict)
        if login:
            api.login()
        return api


class Api:
    """A logged-in requests session with the waits the tests need."""

    def __init__(self, server: Server, strict: bool = True):
        self.server = server
        self.http = requests.Session()
        self.strict = strict  # check jobs, environments and backups against the schemas (not for --quirks ids)

    def checked(self, name: str, instance):
        return check_schema(name, instance) if self.strict else instance

    def login(self):
        response = self.http.post(self.server.url("/api/login"), json=CREDENTIALS, timeout=5)
        assert response.status_code == 200, response.text
        return response

    def get(self, path, **kwargs):
        return self.http.get(self.server.url(path), timeout=10, **kwargs)

    def post(self, path, body=None, **kwargs):
        if body is not None:
            kwargs["json"] = body
        return self.http.post(self.server.url(path), timeout=10, **kwargs)

    def delete(self, path, **kwargs):
        return self.http.delete(self.server.url(path), timeout=10, **kwargs)

    def fault(self, name, body):
        response = self.post(f"/_reference/faults/{name}", body)
        assert response.status_code == 200, response.text
        return response.json()

    def job(self, job_id) -> dict:
        response = self.get(f"/api/jobs/{job_id}")
        assert response.status_code == 200, response.text
        return self.checked("job", response.json())

    def wait_job(self, job_id, statuses=TERMINAL, timeout=10.0, predicate=None) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if job["status"] in statuses and (predicate is None or predicate(job)):
                return job
            assert time.monotonic() < deadline, f"job did not reach {statuses}: {job}"
            time.sleep(0.02)

    def jobs(self) -> list:
        return self.get("/api/jobs").json()

    def connect_provider(self, token="valid-token"):
        response = self.post("/api/providers", {"provider_id": "hetzner", "api_token": token})
        assert response.status_code == 200, response.text
        return response.json()

    def nodes(self) -> list:
        return self.get("/api/nodes").json()

    def node(self, node_id) -> dict:
        return next(node for node in self.nodes() if node["id"] == node_id)

    def create_node(self, name=None) -> tuple:
        self.connect_provider()
        body = {"provider_id": "hetzner"}
        if name:
            body["name"] = name
        response = self.post("/api/nodes", body)
        assert response.status_code == 202, response.text
        job_id = response.json()["job_id"]
        return job_id, self.job(job_id)["node_id"]

    def ready_node(self) -> str:
        """Any ready provider node (creating one when none is ready)."""
        for node in self.nodes():
            if node["readiness"]["is_ready"]:
                return node["id"]
        job_id, node_id = self.create_node()
        assert self.wait_job(job_id)["status"] == "succeeded"
        return node_id

    def create_site(self, slug=None, wait=True) -> dict:
        slug = slug or f"site-{time.monotonic_ns()}"
        response = self.post("/api/sites", {"name": f"Site {slug}", "slug": slug})
        assert response.status_code == 202, response.text
        job = self.wait_job(response.json()["job_id"]) if wait else self.job(response.json()["job_id"])
        site = self.get(f"/api/sites/{job['site_id']}").json()
        return {"job": job, "site": site, "production": self.env(site["primary_environment_id"])}

    def env(self, env_id) -> dict:
        response = self.get(f"/api/environments/{env_id}")
        assert response.status_code == 200, response.text
        return self.checked("environment", response.json())

    def create_env(self, site_id, source_id, env_type="clone", slug=None, **extra):
        body = {"name": f"Env {env_type}", "slug": slug or f"{env_type}-{time.monotonic_ns()}", "type": env_type,
                "source_environment_id": source_id, "promotion_preset": "content-protect", **extra}
        return self.post(f"/api/sites/{site_id}/environments", body)

    def backup(self, env_id, scope="full") -> dict:
        response = self.post(f"/api/environments/{env_id}/backups", {"backup_scope": scope})
        assert response.status_code == 202, response.text
        job = self.wait_job(response.json()["job_id"])
        return {"job": job, "backup": self.find_backup(env_id, job["id"])}

    def backups(self, env_id) -> list:
        response = self.get(f"/api/environments/{env_id}/backups")
        assert response.status_code == 200, response.text
        return [self.checked("backup", item) for item in response.json()]

    def find_backup(self, env_id, backup_id) -> dict:
        return next(item for item in self.backups(env_id) if item["id"] == backup_id)

    def cancel_in_flight(self):
        for job in self.jobs():
            if job["status"] in ("queued", "running"):
                self.post(f"/api/jobs/{job['id']}/cancel")


def preview(url, timeout=5.0):
    return requests.get(url, timeout=timeout, allow_redirects=False)


@pytest.fixture(scope="session")
def server():
    instance = Server()
    yield instance
    instance.stop()
    os.unlink(instance.stderr_path)


@pytest.fixture
def api(server):
    client = server.client()
    yield client
    client.delete("/_reference/faults")
    client.cancel_in_flight()


@pytest.fixture
def node_id(api):
    return api.ready_node()


@pytest.fixture
def site(api, node_id):
    created = api.create_site()
    assert created["job"]["status"] == "succeeded"
    return created


@pytest.fixture
def fresh_server(tmp_path):
    """A server of its own (for tests that stop, kill or restart it)."""
    started = []

    def start(*args, data_dir=None, **kwargs):
        instance = Server(*args, data_dir=data_dir, **kwargs)
        started.append(instance)
        return instance

    yield start
    for instance in started:
        if instance.proc.poll() is None:
            instance.kill()
        os.unlink(instance.stderr_path)
