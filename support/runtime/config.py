"""Settings of a run: every PRESSLUFT_* variable is read and validated here, and nowhere else.

behave `-D NAME=value` overrides the variable of the same name. No PRESSLUFT_BASE_URL means: start the
embedded reference target on a free port for this run; PRESSLUFT_SERVER_CMD means: start that server under
test for this run instead (support/runtime/server_process.py). A bad value raises ConfigError, which the run
reports as one `[wave5] FAIL category=config_error` line.
"""
from __future__ import annotations

import math
import os
import re
import shlex
import tempfile
from dataclasses import dataclass, field, replace
from typing import Mapping, Optional, Tuple
from urllib.parse import urlsplit

from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

DEFAULT_EMAIL = "admin@pressluft.local"
DEFAULT_PASSWORD = "pressluft-dev-password"
DEFAULT_PROVIDER = "hetzner"
EMBEDDED_PROVIDER_TOKEN = "reference-fake-provider-token"
DEFAULT_CONNECT_TIMEOUT = 3.0
DEFAULT_READ_TIMEOUT = 30.0
ADAPTIVE, FIXED_2S = "adaptive", "fixed-2s"
POLL_POLICIES = (ADAPTIVE, FIXED_2S)  # how waits poll: support/waiting/polling.py
RUN_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,39}$")
# What reports, summaries and the console call a target that is not the embedded reference, never its address
DEFAULT_TARGET_NAME = "external target"
DEFAULT_REPORTS_DIR = "reports"  # PRESSLUFT_REPORTS_DIR unset: relative to where the run started
TARGET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$")
DEFAULT_SERVER_START_TIMEOUT = 60.0
PORT_PLACEHOLDER = "{port}"
# What becomes of the provider servers the run's node requests bought (support/run/provider_servers.py); unset: on-pass
# for a server under test the run started (PRESSLUFT_SERVER_CMD), never for a shared target
RELEASE_POLICIES = ("always", "on-pass", "never")
DEFAULT_HCLOUD_ENDPOINT = "https://api.hetzner.cloud/v1"


@dataclass(frozen=True)
class Budgets:
    """Seconds each kind of wait may take (a job's budget is for one attempt: see retry_ceiling)."""

    node: float       # a node's acquisition and provisioning job, then its readiness
    site: float       # site_create: the WordPress install and its reachability check
    clone: float      # env_create of a clone or staging environment
    backup: float     # backup_create
    restore: float    # env_restore, its pre-restore checkpoint included
    preview: float    # a preview address answering 200, 301 or 302

    def for_job(self, job_type: Optional[str]) -> float:
        return {"node_provision": self.node, "site_create": self.site, "env_create": self.clone,
                "backup_create": self.backup, "env_restore": self.restore}.get(job_type, self.site)

    def describe(self) -> str:
        return ", ".join(f"{name} {value:g} s" for name, value in vars(self).items())


# A real Pressluft (contract digest §4.3, §5, §7): acquisition may take the 10-minute acquisition context plus
# a 2-minute provisioning step; site and environment jobs run Ansible with a WordPress install and a
# reachability check of up to about 105 s; the spec's own job timeout is 30 minutes.
REAL_PRESSLUFT_BUDGETS = Budgets(node=900.0, site=600.0, clone=600.0, backup=600.0, restore=600.0, preview=120.0)
# The embedded reference finishes every job in well under a second.
EMBEDDED_BUDGETS = Budgets(node=60.0, site=60.0, clone=60.0, backup=60.0, restore=60.0, preview=30.0)
# The longest one job wait may take while Pressluft keeps scheduling retries (1 + 5 + 15 minutes of backoff
# plus the attempts themselves); the embedded reference retries within seconds.
REAL_PRESSLUFT_RETRY_CEILING = 3600.0
EMBEDDED_RETRY_CEILING = 120.0

BUDGET_VARIABLES = {"node": "PRESSLUFT_NODE_TIMEOUT", "site": "PRESSLUFT_SITE_TIMEOUT",
                    "clone": "PRESSLUFT_CLONE_TIMEOUT", "backup": "PRESSLUFT_BACKUP_TIMEOUT",
                    "restore": "PRESSLUFT_RESTORE_TIMEOUT", "preview": "PRESSLUFT_PREVIEW_TIMEOUT"}
JOB_BUDGET_VARIABLE = "PRESSLUFT_JOB_TIMEOUT"  # sets site, clone, backup and restore at once
JOB_KINDS = ("site", "clone", "backup", "restore")
# Every time budget a run reads, in seconds: real-target.yml lets each be set from the workflow's variables, and
# tests/ci/test_workflows.py checks that against this list (and this list against what load_settings reads).
TIME_BUDGET_VARIABLES = (*BUDGET_VARIABLES.values(), JOB_BUDGET_VARIABLE, "PRESSLUFT_RETRY_CEILING",
                         "PRESSLUFT_CONNECT_TIMEOUT", "PRESSLUFT_READ_TIMEOUT", "PRESSLUFT_SERVER_START_TIMEOUT")


class ConfigError(SuiteFailure):
    def __init__(self, reason: str, setting: str = "configuration"):
        super().__init__(Category.CONFIG_ERROR, f"read {setting}", reason)


@dataclass(frozen=True)
class Settings:
    base_url: Optional[str]
    email: str
    password: str
    provider_id: str
    provider_token: Optional[str]
    budgets: Budgets
    retry_ceiling: float
    connect_timeout: float
    read_timeout: float
    keep_data: bool
    reports_dir: str
    poll_policy: str = ADAPTIVE
    run_id: Optional[str] = None
    allow_disruptive: bool = False
    reference_args: tuple = field(default=())
    # The server under test, started by the run itself (PRESSLUFT_SERVER_*; support/runtime/server_process.py)
    server_command: Optional[Tuple[str, ...]] = None
    server_build_command: Optional[Tuple[str, ...]] = None
    server_dir: str = "."
    server_start_timeout: float = DEFAULT_SERVER_START_TIMEOUT
    release_node: Optional[str] = None    # PRESSLUFT_RELEASE_NODE as given (None: the default for the target)
    hcloud_endpoint: str = DEFAULT_HCLOUD_ENDPOINT
    target_name: str = DEFAULT_TARGET_NAME  # shown instead of the address of a target that is not the embedded one
    reports_shared: bool = False  # PRESSLUFT_REPORTS_SHARED: other processes of this run write into reports_dir too

    @property
    def embedded(self) -> bool:
        """True when the suite starts the reference target itself."""
        return self.base_url is None and self.server_command is None

    def with_base_url(self, url: str) -> "Settings":
        return replace(self, base_url=url)

    def with_budgets(self, **seconds: float) -> "Settings":
        return replace(self, budgets=replace(self.budgets, **seconds))

    def describe(self) -> dict:
        """What may be shown: never a secret."""
        return {"target": self.target_name if self.base_url else "(embedded reference target)", "account": self.email,
                "provider": self.provider_id, "provider token": "set" if self.provider_token else "unset",
                "budgets": self.budgets.describe(), "retry ceiling": f"{self.retry_ceiling:g} s",
                "poll policy": self.poll_policy}

    def as_environment(self) -> dict:
        """The variables that give a child run (a smoke command) these settings."""
        env = {"PRESSLUFT_EMAIL": self.email, "PRESSLUFT_PASSWORD": self.password,
               "PRESSLUFT_PROVIDER_ID": self.provider_id, "PRESSLUFT_PROVIDER_TOKEN": self.provider_token or "",
               "PRESSLUFT_RETRY_CEILING": f"{self.retry_ceiling:g}", "PRESSLUFT_POLL_POLICY": self.poll_policy,
               "PRESSLUFT_CONNECT_TIMEOUT": f"{self.connect_timeout:g}",
               "PRESSLUFT_READ_TIMEOUT": f"{self.read_timeout:g}", "PRESSLUFT_TARGET_NAME": self.target_name}
        if self.base_url:
            env["PRESSLUFT_BASE_URL"] = self.base_url
        for kind, name in BUDGET_VARIABLES.items():
            env[name] = f"{getattr(self.budgets, kind):g}"
        return env


class _Reader:
    """Reads variables from behave's userdata first, then the environment; blank counts as unset."""

    def __init__(self, env: Mapping[str, str], userdata: Mapping[str, str]):
        self.env, self.userdata = env, userdata

    def text(self, name: str) -> Optional[str]:
        value = self.userdata.get(name, self.env.get(name))
        if value is None:
            return None
        value = str(value).strip()
        return value or None

    def seconds(self, name: str, default: float) -> float:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a number of seconds, got '{raw}'", name) from None
        if not math.isfinite(value) or value <= 0:
            raise ConfigError(f"{name} must be a positive number of seconds, got '{raw}'", name)
        return value

    def flag(self, name: str) -> bool:
        raw = self.text(name)
        if raw is None:
            return False
        if raw.lower() in ("1", "true", "yes"):
            return True
        if raw.lower() in ("0", "false", "no"):
            return False
        raise ConfigError(f"{name} must be 1 or 0 (true/false, yes/no), got '{raw}'", name)

    def command(self, name: str) -> Optional[Tuple[str, ...]]:
        """A command line, split like a shell would (no shell runs it). Set but empty is a config_error."""
        raw = self.userdata.get(name, self.env.get(name))
        if raw is None:
            return None
        try:
            argv = tuple(shlex.split(str(raw)))
        except ValueError as error:
            raise ConfigError(f"{name} cannot be split into words ({error}): '{raw}'", name) from None
        if not argv:
            raise ConfigError(f"{name} is set but empty: give a command line, or unset it", name)
        return argv

    def choice(self, name: str, choices: tuple, default: str) -> str:
        raw = self.text(name)
        if raw is None:
            return default
        if raw not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}, got '{raw}'", name)
        return raw


def _base_url(read: _Reader) -> Optional[str]:
    return _http_url(read, "PRESSLUFT_BASE_URL")


def _http_url(read: _Reader, name: str) -> Optional[str]:
    raw = read.text(name)
    if raw is None:
        return None
    # The value is not repeated in these lines: it is the address a report must never show (verdicts/redaction.py).
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError(f"{name} is not a valid URL (its port is not a number from 0 to 65535)", name) from None
    if parts.scheme not in ("http", "https"):
        raise ConfigError(f"{name} must be an http(s) URL with a host: it does not start with http:// or https://",
                          name)
    if not parts.hostname:
        raise ConfigError(f"{name} must be an http(s) URL with a host: it has none", name)
    if parts.query or parts.fragment:
        raise ConfigError(f"{name} must not carry a query or fragment (?… or #…)", name)
    return raw.rstrip("/")


def _target_name(read: _Reader, base_url: Optional[str]) -> str:
    name = "PRESSLUFT_TARGET_NAME"
    raw = read.text(name)
    if raw is None:
        return DEFAULT_TARGET_NAME
    if not TARGET_NAME.match(raw):
        raise ConfigError(f"{name} must be 1 to 40 letters, digits, spaces, dots, dashes or underscores, starting "
                          f"with a letter or digit, got '{raw}'", name)
    host = urlsplit(base_url).hostname if base_url else None
    if host and host.lower() in raw.lower():
        raise ConfigError(f"{name} names the target by its address: choose a label that does not contain its host",
                          name)
    return raw


def _budgets(read: _Reader, defaults: Budgets) -> Budgets:
    job = read.seconds(JOB_BUDGET_VARIABLE, 0.0) or None
    values = {}
    for kind, name in BUDGET_VARIABLES.items():
        fallback = job if job is not None and kind in JOB_KINDS else getattr(defaults, kind)
        values[kind] = read.seconds(name, fallback)
    return Budgets(**values)


def _reports_dir(read: _Reader) -> str:
    name = "PRESSLUFT_REPORTS_DIR"
    path = read.text(name) or DEFAULT_REPORTS_DIR
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as error:
        raise ConfigError(f"{name} is not a folder the suite can write to: '{path}' ({error.strerror})",
                          name) from None
    return path


def _run_id(read: _Reader) -> Optional[str]:
    name = "PRESSLUFT_RUN_ID"
    raw = read.text(name)
    if raw is not None and not RUN_ID.match(raw):
        raise ConfigError(f"{name} must be 3 to 40 lower-case letters, digits or dashes, got '{raw}'", name)
    return raw


def _reference_args(read: _Reader) -> tuple:
    name = "PRESSLUFT_REFERENCE_ARGS"
    raw = read.text(name)
    try:
        return tuple(shlex.split(raw)) if raw else ()
    except ValueError as error:
        raise ConfigError(f"{name} is not a valid argument list ({error}): '{raw}'", name) from None


def _server_dir(read: _Reader) -> str:
    name = "PRESSLUFT_SERVER_DIR"
    raw = read.text(name)
    path = os.path.abspath(raw or os.getcwd())
    if not os.path.isdir(path):
        raise ConfigError(f"{name} is not a directory: '{raw}'", name)
    return path


def _server(read: _Reader, base_url: Optional[str]) -> dict:
    command = read.command("PRESSLUFT_SERVER_CMD")
    build = read.command("PRESSLUFT_SERVER_BUILD_CMD")
    start_timeout = read.seconds("PRESSLUFT_SERVER_START_TIMEOUT", DEFAULT_SERVER_START_TIMEOUT)
    if command is None and build is not None:
        raise ConfigError(f"PRESSLUFT_SERVER_BUILD_CMD '{shlex.join(build)}' is set without PRESSLUFT_SERVER_CMD: "
                          "nothing would run what it builds", "PRESSLUFT_SERVER_BUILD_CMD")
    if command is not None and base_url is None and not any(PORT_PLACEHOLDER in part for part in command):
        raise ConfigError("PRESSLUFT_SERVER_CMD has no {port} and PRESSLUFT_BASE_URL is not set: where will the "
                          "server listen?", "PRESSLUFT_SERVER_CMD")
    return {"server_command": command, "server_build_command": build,
            "server_dir": _server_dir(read) if command is not None else os.getcwd(),
            "server_start_timeout": start_timeout}


def load_settings(env: Mapping[str, str] | None = None, userdata: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; a bad value raises ConfigError (category config_error)."""
    read = _Reader(os.environ if env is None else env, userdata or {})
    base_url = _base_url(read)
    server = _server(read, base_url)
    embedded = base_url is None and server["server_command"] is None
    token = read.text("PRESSLUFT_PROVIDER_TOKEN") or read.text("HETZNER_API_TOKEN")
    return Settings(
        base_url=base_url,
        email=read.text("PRESSLUFT_EMAIL") or DEFAULT_EMAIL,
        password=read.text("PRESSLUFT_PASSWORD") or DEFAULT_PASSWORD,
        provider_id=(read.text("PRESSLUFT_PROVIDER_ID") or DEFAULT_PROVIDER).lower(),
        provider_token=token,
        budgets=_budgets(read, EMBEDDED_BUDGETS if embedded else REAL_PRESSLUFT_BUDGETS),
        retry_ceiling=read.seconds("PRESSLUFT_RETRY_CEILING",
                                   EMBEDDED_RETRY_CEILING if embedded else REAL_PRESSLUFT_RETRY_CEILING),
        connect_timeout=read.seconds("PRESSLUFT_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT),
        read_timeout=read.seconds("PRESSLUFT_READ_TIMEOUT", DEFAULT_READ_TIMEOUT),
        keep_data=read.flag("PRESSLUFT_KEEP_DATA"),
        reports_dir=_reports_dir(read),
        poll_policy=read.choice("PRESSLUFT_POLL_POLICY", POLL_POLICIES, ADAPTIVE),
        run_id=_run_id(read),
        allow_disruptive=read.flag("PRESSLUFT_ALLOW_DISRUPTIVE"),
        reference_args=_reference_args(read),
        release_node=read.choice("PRESSLUFT_RELEASE_NODE", RELEASE_POLICIES, None),
        hcloud_endpoint=_http_url(read, "PRESSLUFT_HCLOUD_ENDPOINT") or DEFAULT_HCLOUD_ENDPOINT,
        target_name=_target_name(read, base_url),
        reports_shared=read.flag("PRESSLUFT_REPORTS_SHARED"),
        **server,
    )


def reports_dir_requested(env: Mapping[str, str] | None = None, userdata: Mapping[str, str] | None = None
                          ) -> Optional[str]:
    """PRESSLUFT_REPORTS_DIR as given (unvalidated), for the Allure formatter that opens before the run."""
    return _Reader(os.environ if env is None else env, userdata or {}).text("PRESSLUFT_REPORTS_DIR")


def reports_shared_requested(env: Mapping[str, str] | None = None, userdata: Mapping[str, str] | None = None) -> bool:
    """PRESSLUFT_REPORTS_SHARED as given, for the Allure formatter that opens before the run (a bad value counts as
    not shared here; the run reports it as its config_error)."""
    try:
        return _Reader(os.environ if env is None else env, userdata or {}).flag("PRESSLUFT_REPORTS_SHARED")
    except ConfigError:
        return False


SECRET_VARIABLES = ("PRESSLUFT_PASSWORD", "PRESSLUFT_PROVIDER_TOKEN", "HETZNER_API_TOKEN")


def secret_values(env: Mapping[str, str] | None = None) -> list[str]:
    """The secrets the environment holds (for redacting output that did not come from a run, e.g. in CI)."""
    env = os.environ if env is None else env
    return [env[name] for name in SECRET_VARIABLES if env.get(name)]


def require_provider_token(settings: Settings, target_is_reference: bool) -> Settings:
    """A real Pressluft needs the operator's provider token; the reference accepts a fixed fake one."""
    if settings.provider_token:
        return settings
    if target_is_reference:
        return replace(settings, provider_token=EMBEDDED_PROVIDER_TOKEN)
    raise ConfigError("no provider token: set PRESSLUFT_PROVIDER_TOKEN (or HETZNER_API_TOKEN) for a real target",
                      "PRESSLUFT_PROVIDER_TOKEN")


# -- every variable, its meaning and its defaults (for --help of the smoke commands: tools/smoke.py) -----------
@dataclass(frozen=True)
class Variable:
    name: str
    meaning: str
    embedded: str   # its default against the embedded reference (no PRESSLUFT_BASE_URL, no PRESSLUFT_SERVER_CMD)
    real: str       # its default against a real Pressluft


def _budget_variable(kind: str, meaning: str) -> Variable:
    return Variable(BUDGET_VARIABLES[kind], meaning, f"{getattr(EMBEDDED_BUDGETS, kind):g}",
                    f"{getattr(REAL_PRESSLUFT_BUDGETS, kind):g}")


VARIABLES = (
    Variable("PRESSLUFT_BASE_URL", "a running Pressluft to test (http(s)://host[:port])",
             "unset: the embedded reference", "the Pressluft under test"),
    Variable("PRESSLUFT_EMAIL", "the operator account's email", DEFAULT_EMAIL, DEFAULT_EMAIL),
    Variable("PRESSLUFT_PASSWORD", "the operator account's password", "the dev account's", "the dev account's"),
    Variable("PRESSLUFT_PROVIDER_ID", "the provider to connect and acquire nodes from", DEFAULT_PROVIDER,
             DEFAULT_PROVIDER),
    Variable("PRESSLUFT_PROVIDER_TOKEN", "the provider's API token (or HETZNER_API_TOKEN)", "a fake token",
             "none: required"),
    _budget_variable("node", "seconds for a node's acquisition job, and again for its readiness"),
    _budget_variable("site", "seconds for one attempt of site_create"),
    _budget_variable("clone", "seconds for one attempt of env_create (clone or staging)"),
    _budget_variable("backup", "seconds for one attempt of backup_create"),
    _budget_variable("restore", "seconds for one attempt of env_restore"),
    _budget_variable("preview", "seconds a preview may take to answer 200, 301 or 302"),
    Variable(JOB_BUDGET_VARIABLE, "sets the site, clone, backup and restore budgets at once", "unset", "unset"),
    Variable("PRESSLUFT_RETRY_CEILING", "the longest one job wait may last while Pressluft schedules retries",
             f"{EMBEDDED_RETRY_CEILING:g}", f"{REAL_PRESSLUFT_RETRY_CEILING:g}"),
    Variable("PRESSLUFT_CONNECT_TIMEOUT", "seconds to connect, per request", f"{DEFAULT_CONNECT_TIMEOUT:g}",
             f"{DEFAULT_CONNECT_TIMEOUT:g}"),
    Variable("PRESSLUFT_READ_TIMEOUT", "seconds to read an answer, per request (plus 30 s per provider node for the "
             "calls that make Pressluft probe its nodes)", f"{DEFAULT_READ_TIMEOUT:g}",
             f"{DEFAULT_READ_TIMEOUT:g}"),
    Variable("PRESSLUFT_ALLOW_DISRUPTIVE", "1 runs the scenarios that change state the operator shares", "0", "0"),
    Variable("PRESSLUFT_RUN_ID", "the run id every name of the run carries", "a new w5-<8 hex>",
             "a new w5-<8 hex>"),
    Variable("PRESSLUFT_REPORTS_DIR", "where reports go", DEFAULT_REPORTS_DIR, DEFAULT_REPORTS_DIR),
    Variable("PRESSLUFT_REPORTS_SHARED", "1: other processes of this run write into the same reports folder",
             "0", "0"),
    Variable("PRESSLUFT_TARGET_NAME", "what reports and the console call a target other than the embedded one",
             "(not used)", DEFAULT_TARGET_NAME),
    Variable("PRESSLUFT_POLL_POLICY", "adaptive or fixed-2s (the bash smokes' schedule)", POLL_POLICIES[0],
             POLL_POLICIES[0]),
    Variable("PRESSLUFT_KEEP_DATA", "1 keeps the embedded reference's data and log", "0", "(not used)"),
    Variable("PRESSLUFT_REFERENCE_ARGS", "extra arguments of the embedded reference", "none", "(not used)"),
    Variable("PRESSLUFT_SERVER_CMD", "a server under test to start on {port}, wait for and stop", "unset",
             "unset: no server is started"),
    Variable("PRESSLUFT_SERVER_BUILD_CMD", "run once before the server starts", "unset", "unset"),
    Variable("PRESSLUFT_SERVER_DIR", "where both server commands run", "the current directory",
             "the current directory"),
    Variable("PRESSLUFT_SERVER_START_TIMEOUT", "seconds the server may take to answer GET /",
             f"{DEFAULT_SERVER_START_TIMEOUT:g}", f"{DEFAULT_SERVER_START_TIMEOUT:g}"),
    Variable("PRESSLUFT_RELEASE_NODE", "always, on-pass or never: delete the provider server the run's node bought",
             "(not used: nothing is bought)", "on-pass with PRESSLUFT_SERVER_CMD, else never"),
    Variable("PRESSLUFT_HCLOUD_ENDPOINT", "the Hetzner Cloud API the run releases servers through",
             "(not used)", DEFAULT_HCLOUD_ENDPOINT),
)
