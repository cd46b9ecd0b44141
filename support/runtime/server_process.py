"""The server under test, started by the run itself: what Pressluft's own scripts/smoke-*.sh do around their flow.

PRESSLUFT_SERVER_BUILD_CMD runs first, once (its output in <reports>/server-build.log); a failure is a config_error
naming the command, with the tail of its output. Then PRESSLUFT_SERVER_CMD is started from PRESSLUFT_SERVER_DIR
with `{port}` replaced by a free port (or by the port of PRESSLUFT_BASE_URL, where it will listen then), its
stdout and stderr captured to <reports>/server.log, and GET / is polled until an HTTP answer comes, bounded by
PRESSLUFT_SERVER_START_TIMEOUT. A server that exits meanwhile, or never answers, is target_unavailable with its
exit status and log tail. Stopping it (SIGTERM, then SIGKILL), also when the run is interrupted, is
support/runtime/child_process.py's.
"""
from __future__ import annotations

import os
import shlex
import time
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import urlsplit

import requests

from support.pressluft.jobs import CREATE_MANAGED_KEY, MANAGED_KEY
from support.runtime.child_process import DEFAULT_GRACE, TAIL_LINES, ChildProcess, describe_exit, read_tail
from support.runtime.config import PORT_PLACEHOLDER, ConfigError, Settings
from support.runtime.ports import free_port, local_url
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.verdicts.redaction import secrets

# The settings of a server under test: a run that hands its server to other processes (workers) drops them
SERVER_VARIABLES = ("PRESSLUFT_SERVER_CMD", "PRESSLUFT_SERVER_BUILD_CMD", "PRESSLUFT_SERVER_DIR",
                    "PRESSLUFT_SERVER_START_TIMEOUT")
SERVER_LOG = "server.log"
BUILD_LOG = "server-build.log"
POLL_INTERVAL = 0.1  # seconds between two GET / while the server starts


def command_line(argv: Sequence[str]) -> str:
    return secrets.redact_text(shlex.join(argv)) or ""


def _last_lines(tail: str, count: int = 3, limit: int = 300) -> str:
    """The last few non-empty lines of a tail, as one line for a verdict's reason."""
    lines = [line.strip() for line in tail.splitlines() if line.strip()][-count:]
    text = " | ".join(lines)
    return text if len(text) <= limit else "…" + text[-limit:]


def _cannot_run(setting: str, argv: Sequence[str], cwd: str, exc: OSError) -> ConfigError:
    if isinstance(exc, FileNotFoundError):
        why = "was not found"
    elif isinstance(exc, PermissionError):
        why = "is not executable"
    else:
        why = f"cannot be run ({exc.strerror or exc})"
    return ConfigError(f"{setting}: '{argv[0]}' {why} (run from {cwd})", setting)


def require_managed_key(command: Sequence[str]) -> None:
    """Pressluft acquires its nodes with the managed key pair ~/.ssh/pressluft-provider-ed25519 of the host it runs on,
    and nothing in Pressluft creates it: without it every acquisition ends PROVIDER_ACQUISITION_UNAVAILABLE. The server
    the run starts runs here, as this user: no public key there is a set-up problem, said before anything starts."""
    key = Path(os.path.expanduser(MANAGED_KEY + ".pub"))
    if not key.is_file():
        configured = command_line(command).replace(shlex.quote(PORT_PLACEHOLDER), PORT_PLACEHOLDER)
        raise SuiteFailure(Category.SERVER_SETUP, configured,
                           f"no managed provider key {key} on this host, where the server under test runs: Pressluft "
                           f"acquires its nodes with it and nothing creates it; create it with `{CREATE_MANAGED_KEY}` "
                           "and run again")


class ServerUnderTest:
    def __init__(self, settings: Settings, *, grace: float = DEFAULT_GRACE):
        assert settings.server_command, "no PRESSLUFT_SERVER_CMD"
        self.command = tuple(settings.server_command)
        self.build_command = tuple(settings.server_build_command or ())
        self.directory = settings.server_dir
        self.start_timeout = settings.server_start_timeout
        self.listen_url = settings.base_url  # where it will listen, when PRESSLUFT_BASE_URL says so
        reports = Path(settings.reports_dir).resolve()
        self.log_path = reports / SERVER_LOG
        self.build_log_path = reports / BUILD_LOG
        self.grace = grace
        self.argv: list[str] = list(self.command)
        self.base_url: Optional[str] = None
        self.child: Optional[ChildProcess] = None

    # -- start ---------------------------------------------------------------------------------------------------

    def start(self) -> str:
        """Build (once), start, and wait until GET / answers. Returns the base URL; a SuiteFailure otherwise, and
        then nothing of it is left running."""
        require_managed_key(self.command)
        if self.build_command:
            self.build()
        self.base_url, port = self._where()
        self.argv = [part.replace(PORT_PLACEHOLDER, str(port)) for part in self.command]
        if self.listen_url is not None and _answers_http(self.base_url):
            raise ConfigError(f"something already answers at {self.base_url} before PRESSLUFT_SERVER_CMD was started "
                              "(a server left over from an earlier run?)", "PRESSLUFT_BASE_URL")
        self.child = ChildProcess(self.argv, cwd=self.directory, log_path=self.log_path, name="the server under test")
        try:
            self.child.start()
        except OSError as exc:
            self.child = None
            raise _cannot_run("PRESSLUFT_SERVER_CMD", self.argv, self.directory, exc) from None
        try:
            self._wait_until_it_answers()
        except BaseException:
            self.stop()
            raise
        return self.base_url

    def build(self) -> None:
        build = ChildProcess(self.build_command, cwd=self.directory, log_path=self.build_log_path,
                             name="the build of the server under test")
        try:
            build.start()
        except OSError as exc:
            raise _cannot_run("PRESSLUFT_SERVER_BUILD_CMD", self.build_command, self.directory, exc) from None
        try:
            status = build.wait()
        finally:
            build.stop(self.grace)  # anything the build left running in its group
        if status != 0:
            tail = secrets.redact_text(build.log_tail()) or ""
            raise SuiteFailure(Category.CONFIG_ERROR, command_line(self.build_command),
                               f"PRESSLUFT_SERVER_BUILD_CMD {describe_exit(status)}"
                               + (f": {_last_lines(tail)}" if tail else " and printed nothing"),
                               details={"build log": str(self.build_log_path), "build output (tail)": tail})

    def _where(self) -> tuple[str, int]:
        if self.listen_url is None:
            port = free_port()
            return local_url(port), port
        parts = urlsplit(self.listen_url)
        return self.listen_url, parts.port or (443 if parts.scheme == "https" else 80)

    def _wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        session = requests.Session()
        session.trust_env = False
        try:
            while True:
                status = self.child.poll()
                if status is not None:
                    self._fail(f"{describe_exit(status)} before it answered GET /")
                if _answers_http(self.base_url, session):
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._fail(f"did not answer GET {self.base_url}/ within {self.start_timeout:g} s "
                               "(PRESSLUFT_SERVER_START_TIMEOUT)")
                self.child.wait(min(POLL_INTERVAL, remaining))  # a sleep that ends when the server exits
        finally:
            session.close()

    def _fail(self, what: str) -> None:
        self.stop()
        tail = self.log_tail()
        last = _last_lines(tail, count=1)
        raise SuiteFailure(Category.TARGET_UNAVAILABLE, self.command_line,
                           f"the server under test {what}" + (f"; its log ends: {last}" if last else
                                                              "; its log is empty"),
                           details={"server log": str(self.log_path), "server log (tail)": tail})

    # -- during and after the run ---------------------------------------------------------------------------------

    def log_tail(self, lines: int = TAIL_LINES) -> str:
        """The end of its log, redacted (the file itself is the server's own output, as it wrote it)."""
        return secrets.redact_text(read_tail(self.log_path, lines)) or ""

    @property
    def log_title(self) -> str:
        """The heading of its log tail in a diagnosis: where the whole log is, and whether the server still runs."""
        status = self.child.poll() if self.child is not None else None
        gone = f"the server {describe_exit(status)}; " if status is not None else ""
        return f"server log (tail; {gone}all of it in {self.log_path})"

    def explain(self, failure: SuiteFailure) -> SuiteFailure:
        """A failure seen after the server ended by itself (it crashed, or exited) is that: target_unavailable,
        with its exit status and the end of its log; what the scenario saw stays in the details."""
        if self.child is None or not self.child.exited_by_itself:
            return failure
        last = _last_lines(self.log_tail(), count=1)
        return SuiteFailure(Category.TARGET_UNAVAILABLE, self.command_line,
                            f"the server under test {describe_exit(self.child.poll())} during the run"
                            + (f"; its log ends: {last}" if last else ""),
                            job_id=failure.job_id, job=failure.job, poll=failure.poll, node=failure.node,
                            last_answer=failure.last_answer,
                            details={**failure.details, "what the scenario saw": failure.line})

    @property
    def command_line(self) -> str:
        """The command it was started with ({port} filled in), redacted."""
        return command_line(self.argv)

    def stop(self) -> Optional[int]:
        return self.child.stop(self.grace) if self.child is not None else None


def _answers_http(base_url: str, session: Optional[requests.Session] = None) -> bool:
    """Any HTTP answer to GET / (Pressluft has no health endpoint; the bash smokes poll its dashboard)."""
    getter = session or requests.Session()
    if session is None:
        getter.trust_env = False
    try:
        getter.get(base_url + "/", timeout=(1.0, 2.0), allow_redirects=False)
        return True
    except requests.RequestException:
        return False
    finally:
        if session is None:
            getter.close()
