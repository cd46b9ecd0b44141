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
from typing import Any, Callable, Mapping, Optional, Tuple
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
# What becomes of the provider servers the run's node requests bought (support/harness/provider_servers.py); unset:
# on-pass for a server under test the run started (PRESSLUFT_SERVER_CMD), never for a shared target
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

JOB_BUDGET_VARIABLE = "PRESSLUFT_JOB_TIMEOUT"  # sets site, clone, backup and restore at once
JOB_KINDS = ("site", "clone", "backup", "restore")


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
        """The variables that give a child run (a smoke command) these settings: every variable declared `child`
        (VARIABLES), holding what these settings hold."""
        return {variable.name: variable.holding(self) for variable in VARIABLES if variable.child}


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


def _http_url(read: _Reader, name: str, default: Optional[str] = None) -> Optional[str]:
    raw = read.text(name)
    if raw is None:
        return default
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


def _target_name(read: _Reader, name: str, default: str) -> str:
    """A label for the target (checked against its address by load_settings: it must not contain its host)."""
    raw = read.text(name)
    if raw is None:
        return default
    if not TARGET_NAME.match(raw):
        raise ConfigError(f"{name} must be 1 to 40 letters, digits, spaces, dots, dashes or underscores, starting "
                          f"with a letter or digit, got '{raw}'", name)
    return raw


def _not_named_by_its_host(read: _Reader, settings: Settings) -> None:
    given = read.text("PRESSLUFT_TARGET_NAME")
    host = urlsplit(settings.base_url).hostname if settings.base_url else None
    if host and given and host.lower() in given.lower():
        raise ConfigError("PRESSLUFT_TARGET_NAME names the target by its address: choose a label that does not "
                          "contain its host", "PRESSLUFT_TARGET_NAME")


def _reports_dir(read: _Reader, name: str, default: str) -> str:
    path = read.text(name) or default
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as error:
        raise ConfigError(f"{name} is not a folder the suite can write to: '{path}' ({error.strerror})",
                          name) from None
    return path


def _run_id(read: _Reader, name: str, default: None = None) -> Optional[str]:
    raw = read.text(name)
    if raw is not None and not RUN_ID.match(raw):
        raise ConfigError(f"{name} must be 3 to 40 lower-case letters, digits or dashes, got '{raw}'", name)
    return raw


def _arguments(read: _Reader, name: str, default: tuple = ()) -> tuple:
    raw = read.text(name)
    try:
        return tuple(shlex.split(raw)) if raw else default
    except ValueError as error:
        raise ConfigError(f"{name} is not a valid argument list ({error}): '{raw}'", name) from None


def _directory(read: _Reader, name: str, default: None = None) -> str:
    raw = read.text(name)
    path = os.path.abspath(raw or os.getcwd())
    if not os.path.isdir(path):
        raise ConfigError(f"{name} is not a directory: '{raw}'", name)
    return path


def _token(read: _Reader, name: str, default: None = None) -> Optional[str]:
    """The provider token, or HETZNER_API_TOKEN."""
    return read.text(name) or read.text("HETZNER_API_TOKEN")


def _text(read: _Reader, name: str, default: Optional[str] = None) -> Optional[str]:
    return read.text(name) or default


def _lower_case(read: _Reader, name: str, default: str) -> str:
    return (read.text(name) or default).lower()


def _server_rules(settings: Settings) -> None:
    """The server under test's variables agree: nothing built without a server to run it, and a port to listen on."""
    command, build = settings.server_command, settings.server_build_command
    if command is None and build is not None:
        raise ConfigError(f"PRESSLUFT_SERVER_BUILD_CMD '{shlex.join(build)}' is set without PRESSLUFT_SERVER_CMD: "
                          "nothing would run what it builds", "PRESSLUFT_SERVER_BUILD_CMD")
    if command is not None and settings.base_url is None and not any(PORT_PLACEHOLDER in part for part in command):
        raise ConfigError("PRESSLUFT_SERVER_CMD has no {port} and PRESSLUFT_BASE_URL is not set: where will the "
                          "server listen?", "PRESSLUFT_SERVER_CMD")


def load_settings(env: Mapping[str, str] | None = None, userdata: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every variable VARIABLES declares, each with its parser and its default (against the embedded
    reference when neither PRESSLUFT_BASE_URL nor PRESSLUFT_SERVER_CMD is set, else against a real Pressluft); then
    the rules between them. A bad value raises ConfigError (category config_error)."""
    read = _Reader(os.environ if env is None else env, userdata or {})
    embedded = read.text("PRESSLUFT_BASE_URL") is None and read.userdata.get(
        "PRESSLUFT_SERVER_CMD", read.env.get("PRESSLUFT_SERVER_CMD")) is None
    job = read.seconds(JOB_BUDGET_VARIABLE, 0.0) or None
    values: dict = {"budgets": {}}
    for variable in VARIABLES:
        if variable.field is None:
            continue
        default = variable.default(embedded)
        if job is not None and variable.field in {f"budgets.{kind}" for kind in JOB_KINDS}:
            default = job
        if variable.field == "server_dir" and values.get("server_command") is None:
            values["server_dir"] = os.getcwd()  # read only for a server under test
            continue
        value = variable.parse(read, variable.name, default)
        if variable.field.startswith("budgets."):
            values["budgets"][variable.field.removeprefix("budgets.")] = value
        else:
            values[variable.field] = value
    settings = Settings(**{**values, "budgets": Budgets(**values["budgets"])})
    _server_rules(settings)
    _not_named_by_its_host(read, settings)
    return settings


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


# -- every variable, declared once ------------------------------------------------------------------------------
def _seconds(read: _Reader, name: str, default: float) -> float:
    return read.seconds(name, default)


def _flag(read: _Reader, name: str, default: bool = False) -> bool:
    return read.flag(name)


def _command(read: _Reader, name: str, default: None = None) -> Optional[Tuple[str, ...]]:
    return read.command(name)


def _one_of(*choices: str) -> Callable[[_Reader, str, Optional[str]], Optional[str]]:
    def parse(read: _Reader, name: str, default: Optional[str]) -> Optional[str]:
        return read.choice(name, choices, default)
    return parse


def _words(value: Any) -> str:
    """A value as --help and the docs say it, and as a child run's variable holds it."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "1" if value else "0"
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Variable:
    """A PRESSLUFT_* variable, declared once: its name, what it means, how it is read and checked (`parse(read, name,
    default)`: a ConfigError naming it when its value is bad), its default against the embedded reference and against
    a real Pressluft (`defaults`), the setting it fills (`field`: a Settings field, `budgets.<kind>` for a budget;
    None: a rule of load_settings reads it), whether a child run (a smoke command) is given it (`child`), and its
    defaults in words where they are not plain values (`shown`), and what the docs add to its meaning (`note`). The help
text (`embedded`, `real`, `meaning`), the
    budgets CI sets (`TIME_BUDGET_VARIABLES`), a child's environment (Settings.as_environment) and the docs' table
    (`variables_table`) are made from these declarations."""

    name: str
    meaning: str
    parse: Callable[[_Reader, str, Any], Any]
    defaults: tuple = (None, None)
    field: Optional[str] = None
    child: bool = False
    shown: Optional[tuple[str, str]] = None
    note: str = ""     # what the docs' table says besides its meaning (why its default is so, where to read more)

    def default(self, embedded: bool) -> Any:
        return self.defaults[0 if embedded else 1]

    @property
    def embedded(self) -> str:
        """Its default against the embedded reference (no PRESSLUFT_BASE_URL, no PRESSLUFT_SERVER_CMD), in words."""
        return self.shown[0] if self.shown else _words(self.defaults[0])

    @property
    def real(self) -> str:
        """Its default against a real Pressluft, in words."""
        return self.shown[1] if self.shown else _words(self.defaults[1])

    def holding(self, settings: Settings) -> str:
        """What the variable holds to give a child run these settings (unset: empty)."""
        owner, _, attribute = self.field.rpartition(".")
        value = getattr(getattr(settings, owner) if owner else settings, attribute)
        return "" if value is None else _words(value)


def _both(value: Any) -> tuple:
    return value, value


def _budget(name: str, kind: str, meaning: str, note: str = "") -> Variable:
    return Variable(name, meaning, _seconds, (getattr(EMBEDDED_BUDGETS, kind), getattr(REAL_PRESSLUFT_BUDGETS, kind)),
                    f"budgets.{kind}", child=True, note=note)


VARIABLES = (
    Variable("PRESSLUFT_BASE_URL", "a running Pressluft to test (http(s)://host[:port])", _http_url, field="base_url",
             child=True, shown=("unset: the embedded reference", "the Pressluft under test")),
    Variable("PRESSLUFT_EMAIL", "the operator account's email", _text, _both(DEFAULT_EMAIL), "email", child=True),
    Variable("PRESSLUFT_PASSWORD", "the operator account's password", _text, _both(DEFAULT_PASSWORD), "password",
             child=True, shown=_both("the dev account's")),
    Variable("PRESSLUFT_PROVIDER_ID", "the provider to connect and acquire nodes from", _lower_case,
             _both(DEFAULT_PROVIDER), "provider_id", child=True),
    Variable("PRESSLUFT_PROVIDER_TOKEN", "the provider's API token (or HETZNER_API_TOKEN)", _token,
             field="provider_token", child=True, shown=("a fake token", "none: required")),
    _budget("PRESSLUFT_NODE_TIMEOUT", "node", "seconds for a node's acquisition job, and again for its readiness",
            "on a real Pressluft, Hetzner's 10-minute acquisition context and the 2-minute provisioning step"),
    _budget("PRESSLUFT_SITE_TIMEOUT", "site", "seconds for one attempt of site_create",
            "the WordPress install and its reachability check"),
    _budget("PRESSLUFT_CLONE_TIMEOUT", "clone", "seconds for one attempt of env_create (clone or staging)"),
    _budget("PRESSLUFT_BACKUP_TIMEOUT", "backup", "seconds for one attempt of backup_create"),
    _budget("PRESSLUFT_RESTORE_TIMEOUT", "restore", "seconds for one attempt of env_restore",
            "its pre-restore checkpoint included"),
    _budget("PRESSLUFT_PREVIEW_TIMEOUT", "preview", "seconds a preview may take to answer 200, 301 or 302",
            "Pressluft's own check allows about 105 s"),
    Variable(JOB_BUDGET_VARIABLE, "sets the site, clone, backup and restore budgets at once", _seconds,
             note="a specific one wins"),
    Variable("PRESSLUFT_RETRY_CEILING", "the longest one job wait may last while Pressluft schedules retries",
             _seconds, (EMBEDDED_RETRY_CEILING, REAL_PRESSLUFT_RETRY_CEILING), "retry_ceiling", child=True,
             note="a real Pressluft's 1 + 5 + 15 minutes of backoff and the attempts"),
    Variable("PRESSLUFT_CONNECT_TIMEOUT", "seconds to connect, per request", _seconds,
             _both(DEFAULT_CONNECT_TIMEOUT), "connect_timeout", child=True),
    Variable("PRESSLUFT_READ_TIMEOUT", "seconds to read an answer, per request (plus 30 s per provider node for the "
             "calls that make Pressluft probe its nodes)", _seconds, _both(DEFAULT_READ_TIMEOUT), "read_timeout",
             child=True, note="see [slow answers](#slow-answers-pressluft-probes-its-nodes-first)"),
    Variable("PRESSLUFT_ALLOW_DISRUPTIVE", "1 runs the scenarios that change state the operator shares", _flag,
             _both(False), "allow_disruptive"),
    Variable("PRESSLUFT_RUN_ID", "the run id every name of the run carries", _run_id, field="run_id",
             shown=_both("a new w5-<8 hex>")),
    Variable("PRESSLUFT_REPORTS_DIR", "where reports go", _reports_dir, _both(DEFAULT_REPORTS_DIR), "reports_dir",
             note="the Allure results, JUnit XML, wait log, run summary and the list of created resources, each run "
                  "emptying them of an earlier run's files first, nothing else; a relative one is relative to the "
                  "directory the run started in"),
    Variable("PRESSLUFT_REPORTS_SHARED", "1: other processes of this run write into the same reports folder", _flag,
             _both(False), "reports_shared", note="scripts/parallel sets it for its workers, so that a run does not "
                                                  "empty the folder at its start"),
    Variable("PRESSLUFT_TARGET_NAME", "what reports and the console call a target other than the embedded one",
             _target_name, _both(DEFAULT_TARGET_NAME), "target_name", child=True,
             shown=("(not used)", DEFAULT_TARGET_NAME),
             note="1 to 40 letters, digits, spaces, `.`, `_`, `-`; never its address, nor its host"),
    Variable("PRESSLUFT_POLL_POLICY", "adaptive or fixed-2s (the bash smokes' schedule)", _one_of(*POLL_POLICIES),
             _both(ADAPTIVE), "poll_policy", child=True, note="see [docs/performance.md](performance.md)"),
    Variable("PRESSLUFT_KEEP_DATA", "1 keeps the embedded reference's data and log", _flag, _both(False), "keep_data",
             shown=("0", "(not used)")),
    Variable("PRESSLUFT_REFERENCE_ARGS", "extra arguments of the embedded reference", _arguments, _both(()),
             "reference_args", shown=("none", "(not used)")),
    Variable("PRESSLUFT_SERVER_CMD", "a server under test to start on {port}, wait for and stop", _command,
             field="server_command", shown=("unset", "unset: no server is started"),
             note="a command line split like a shell would, and no shell runs it; without `{port}` it needs "
                  "`PRESSLUFT_BASE_URL`"),
    Variable("PRESSLUFT_SERVER_BUILD_CMD", "run once before the server starts", _command,
             field="server_build_command", note="needs `PRESSLUFT_SERVER_CMD`"),
    Variable("PRESSLUFT_SERVER_DIR", "where both server commands run", _directory, field="server_dir",
             shown=_both("the current directory"),
             note="by default the one `pressluft-smoke` or `scripts/smoke-*.sh` was called from"),
    Variable("PRESSLUFT_SERVER_START_TIMEOUT", "seconds the server may take to answer GET /", _seconds,
             _both(DEFAULT_SERVER_START_TIMEOUT), "server_start_timeout"),
    Variable("PRESSLUFT_RELEASE_NODE", "always, on-pass or never: delete the provider server the run's node bought",
             _one_of(*RELEASE_POLICIES), field="release_node",
             shown=("(not used: nothing is bought)", "on-pass with PRESSLUFT_SERVER_CMD, else never"),
             note="`always` deleted at the end, `on-pass` deleted when the run passed and kept after a failure, "
                  "`never` kept: [details](#what-a-gate-run-costs-and-leaves-behind)"),
    Variable("PRESSLUFT_HCLOUD_ENDPOINT", "the Hetzner Cloud API the run releases servers through", _http_url,
             _both(DEFAULT_HCLOUD_ENDPOINT), "hcloud_endpoint", shown=("(not used)", DEFAULT_HCLOUD_ENDPOINT),
             note="a test points it at a fake on loopback"),
)
# The variables of the budgets, by kind; every variable read as seconds: real-target.yml lets each be set from the
# workflow's variables (tests/ci/test_workflows.py checks it against this list)
BUDGET_VARIABLES = {variable.field.removeprefix("budgets."): variable.name for variable in VARIABLES
                    if (variable.field or "").startswith("budgets.")}
TIME_BUDGET_VARIABLES = tuple(variable.name for variable in VARIABLES if variable.parse is _seconds)


def variables_table() -> str:
    """The docs' table of every variable (docs/real-target.md#variables), made from VARIABLES: `python -m
    support.runtime.config` prints it."""
    rows = ["| variable | default: embedded reference | default: real Pressluft | meaning |", "|---|---|---|---|"]
    rows += [f"| `{variable.name}` | {variable.embedded} | {variable.real} | {variable.meaning}"
             + (f"; {variable.note}" if variable.note else "") + " |" for variable in VARIABLES]
    return "\n".join(rows)


if __name__ == "__main__":
    print(variables_table())
