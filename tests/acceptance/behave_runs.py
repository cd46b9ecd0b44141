"""Helpers of the acceptance tests. Runs `behave features/wave5`, or a smoke command (scripts/smoke*), in a
subprocess and reads its verdicts: exit code, [wave5] lines, the smoke's success line, Allure results and JUnit
XML. Faulty targets are reference servers started here with --enable-faults, their faults injected over the
fault API, and handed to the suite as external targets."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

import requests
from behave.parser import parse_file

from support.diagnostics import PREFIX, parse_summary_lines
from support.target import EmbeddedTarget
from support.verdicts import SUITE_ERROR_PREFIX

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pressluft-dev-password"
EMAIL = "admin@pressluft.local"
SMOKE_SCRIPTS = {"site-clone-preview": "scripts/smoke-site-clone-preview.sh",
                 "backup-restore": "scripts/smoke-backup-restore.sh"}
SUCCESS_LINE = re.compile(r"^\[smoke\] success: (?P<what>.+) \((?P<count>\d+) scenarios? passed\)$", re.M)


@dataclass(frozen=True)
class Scenario:
    """A scenario of features/wave5 as behave names it (an outline row with its suffix), with its tags and steps."""

    name: str
    tags: frozenset
    steps: tuple

    def says(self, words: str) -> bool:
        return any(words in step for step in self.steps)


def wave5_scenarios() -> list[Scenario]:
    found = []
    for path in sorted((ROOT / "features" / "wave5").glob("*.feature")):
        feature = parse_file(str(path))
        background = [step.name for step in (feature.background.steps if feature.background else [])]
        for scenario in feature.walk_scenarios():
            found.append(Scenario(scenario.name.strip(), frozenset(scenario.effective_tags),
                                  tuple(background + [step.name for step in scenario.steps])))
    return found


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


class StandIn:
    """A small HTTP server. `html404`: not Pressluft at all. `lookalike`: signs in but is not the
    reference (so it counts as a real target). `goes_silent`: signs in like the reference and then never
    answers another request. `session_token`: the cookie a sign-in gets."""

    def __init__(self, kind: str, session_token: str = "ab" * 32):
        release = self.release = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if kind in ("lookalike", "goes_silent") and self.path == "/api/login":
                    self._send(200, b'{"success": true}', "application/json",
                               {"Set-Cookie": f"session_token={session_token}; Path=/; HttpOnly"})
                elif kind == "goes_silent":
                    release.wait()
                else:
                    self._send(404, b"<html><body>Not Found</body></html>", "text/html")

            def do_GET(self):
                if kind == "goes_silent" and self.path == "/_reference/capabilities":
                    self._send(200, b'{"implementation": "pressluft_reference", "version": "0", '
                                    b'"fault_injection": false, "faults": []}', "application/json")
                elif kind == "goes_silent":
                    release.wait()
                else:
                    self._send(404, b"<html><body>Not Found</body></html>", "text/html")

            def _send(self, status, body, content_type, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class BehaveRun:
    exit_code: int
    stdout: str
    stderr: str
    reports: Path
    elapsed: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def verdicts(self) -> list[dict]:
        return parse_summary_lines(self.stderr)

    @property
    def fail_lines(self) -> list[str]:
        """Every `[wave5] FAIL` line, as printed (also one the summary pattern would not parse)."""
        return [line for line in self.output.splitlines() if line.startswith(PREFIX)]

    @property
    def suite_errors(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith(SUITE_ERROR_PREFIX)]

    @property
    def success_lines(self) -> list[re.Match]:
        return list(SUCCESS_LINE.finditer(self.stdout + "\n" + self.stderr))

    def summary(self) -> dict:
        """run-summary.json, the tally a smoke command decides its exit status by."""
        return json.loads((self.reports / "run-summary.json").read_text())

    def results(self) -> list[dict]:
        folder = self.reports / "allure-results"
        return [json.loads(p.read_text()) for p in folder.glob("*-result.json")] if folder.exists() else []

    def result_named(self, name: str) -> dict:
        matches = [r for r in self.results() if r["name"].startswith(name)]
        assert matches, f"no Allure result named {name!r} in {[r['name'] for r in self.results()]}"
        return matches[0]

    def attachments(self, result: dict, name: str) -> list[str]:
        """The texts of a result's attachments with this name, step by step."""
        return [(self.reports / "allure-results" / attachment["source"]).read_text()
                for step in result.get("steps", []) for attachment in step.get("attachments", [])
                if attachment["name"] == name]

    def categories(self) -> list[dict]:
        return json.loads((self.reports / "allure-results" / "categories.json").read_text())

    def category_of(self, result: dict) -> Optional[str]:
        """The Allure category a result falls into, by the categories.json rules (first match wins)."""
        message = (result.get("statusDetails") or {}).get("message") or ""
        for rule in self.categories():
            if result["status"] in rule.get("matchedStatuses", []) and re.fullmatch(
                    rule.get("messageRegex", ".*"), message, flags=re.DOTALL):
                return rule["name"]
        return None

    def junit_text(self) -> str:
        return "".join(p.read_text() for p in (self.reports / "junit").glob("*.xml"))

    def everything_written(self) -> str:
        texts = [self.output]
        for folder in (self.reports / "allure-results", self.reports / "junit"):
            if folder.exists():
                texts += [p.read_text(errors="replace") for p in folder.iterdir() if p.is_file()]
        return "\n".join(texts)


def _run(tmp_path: Path, command: list, env: Optional[dict], timeout: float) -> BehaveRun:
    reports = tmp_path / "reports"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSLUFT_") and k != "HETZNER_API_TOKEN"}
    full_env.update({"PRESSLUFT_REPORTS_DIR": str(reports)})
    full_env.update(env or {})
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL)
    return BehaveRun(result.returncode, result.stdout, result.stderr, reports, time.monotonic() - started)


def run_behave(tmp_path: Path, *args: str, env: Optional[dict] = None, timeout: float = 240) -> BehaveRun:
    return _run(tmp_path, [sys.executable, "-m", "behave", *args], env, timeout)


def run_smoke(tmp_path: Path, smoke: str, *args: str, env: Optional[dict] = None, script: bool = True,
              timeout: float = 240) -> BehaveRun:
    """A smoke command as an operator runs it from the repository root: `bash scripts/smoke-<smoke>.sh [args]`,
    or with script=False `scripts/smoke <smoke> [args]`; its reports under tmp_path/reports."""
    command = ["bash", SMOKE_SCRIPTS[smoke], *args] if script else [str(ROOT / "scripts" / "smoke"), smoke, *args]
    return _run(tmp_path, command, env, timeout)


class FaultyTarget:
    """A reference target of our own, with its fault API and a signed-in API session for reading back."""

    def __init__(self, extra_args=(), enable_faults=True):
        self.target = EmbeddedTarget(extra_args=extra_args, enable_faults=enable_faults)
        self.url = self.target.start()
        self.api = requests.Session()
        self.api.trust_env = False
        answer = self.api.post(self.url + "/api/login", json={"email": EMAIL, "password": PASSWORD}, timeout=5)
        assert answer.status_code == 200, answer.text

    def fault(self, route: str, body: dict) -> None:
        answer = requests.post(f"{self.url}/_reference/faults/{route}", json=body, timeout=5)
        assert answer.status_code in (200, 201, 204), answer.text

    def get(self, path: str):
        answer = self.api.get(self.url + path, timeout=5)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def get_faults(self) -> dict:
        answer = requests.get(f"{self.url}/_reference/faults", timeout=5)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def jobs(self, **match) -> list[dict]:
        return [job for job in self.get("/api/jobs") if all(job.get(k) == v for k, v in match.items())]

    def env(self, **extra) -> dict:
        return {"PRESSLUFT_BASE_URL": self.url, **extra}

    def sites(self, slug_prefix: str = "") -> list[dict]:
        return [site for site in self.get("/api/sites") if (site.get("slug") or "").startswith(slug_prefix)]

    def environments(self, site_id: str) -> list[dict]:
        return self.get(f"/api/sites/{site_id}/environments")

    def stop(self):
        self.target.stop()


def only_verdict(run: BehaveRun) -> dict:
    verdicts = run.verdicts
    assert len(verdicts) == 1 and len(run.fail_lines) == 1, \
        f"expected one [wave5] FAIL line, got {len(run.fail_lines)}:\n{run.stderr[-3000:]}"
    return verdicts[0]


def new_run_id() -> str:
    """A run id of the suite's own form (w5-<8 hex>), to give a smoke and to scope its faults by."""
    return f"w5-{uuid.uuid4().hex[:8]}"


def assert_no_secrets(run: BehaveRun, *secrets: str) -> None:
    written = run.everything_written()
    for secret in (PASSWORD, *secrets):
        assert secret not in written, f"a secret reached the output or the reports: {secret[:4]}…"
