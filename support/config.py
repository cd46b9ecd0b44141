"""Settings of a run, from PRESSLUFT_* environment variables (behave `-D NAME=value` may override them).

No PRESSLUFT_BASE_URL means: start the embedded reference target on a free port for this run.
PRESSLUFT_SERVER_CMD means: start that server under test for this run instead (support/server_process.py).
"""
from __future__ import annotations

import math
import os
import shlex
from dataclasses import dataclass, replace
from typing import Mapping, Optional, Tuple
from urllib.parse import urlsplit

from support.diagnostics import Category, SuiteFailure

DEFAULT_EMAIL = "admin@pressluft.local"
DEFAULT_PASSWORD = "pressluft-dev-password"
DEFAULT_PROVIDER = "hetzner"
EMBEDDED_PROVIDER_TOKEN = "reference-fake-provider-token"
# Budgets (seconds) of the original bash smokes: a job 180 s, node readiness 60 s, preview 20 x 3 s.
DEFAULT_JOB_TIMEOUT = 180.0
DEFAULT_NODE_TIMEOUT = 240.0
DEFAULT_PREVIEW_TIMEOUT = 60.0
DEFAULT_CONNECT_TIMEOUT = 3.0
DEFAULT_READ_TIMEOUT = 30.0
# The bash smokes wait 30 x 1 s for `pressluft dev` to answer GET /; a `go run` may take longer to compile.
DEFAULT_SERVER_START_TIMEOUT = 60.0
PORT_PLACEHOLDER = "{port}"


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
    job_timeout: float
    node_timeout: float
    preview_timeout: float
    connect_timeout: float
    read_timeout: float
    keep_data: bool
    reports_dir: str
    # The server under test, started by the run itself (PRESSLUFT_SERVER_*; support/server_process.py)
    server_command: Optional[Tuple[str, ...]] = None
    server_build_command: Optional[Tuple[str, ...]] = None
    server_dir: str = "."
    server_start_timeout: float = DEFAULT_SERVER_START_TIMEOUT

    @property
    def embedded(self) -> bool:
        """True when the suite starts the reference target itself."""
        return self.base_url is None and self.server_command is None

    def with_base_url(self, url: str) -> "Settings":
        return replace(self, base_url=url)

    def describe(self) -> dict:
        """What may be shown: never a secret."""
        return {"base_url": self.base_url or "(embedded reference target)", "email": self.email,
                "provider_id": self.provider_id, "provider_token": "set" if self.provider_token else "unset",
                "job_timeout": self.job_timeout, "node_timeout": self.node_timeout,
                "preview_timeout": self.preview_timeout, "connect_timeout": self.connect_timeout}


def _lookup(name: str, env: Mapping[str, str], userdata: Mapping[str, str]) -> Optional[str]:
    value = userdata.get(name, env.get(name))
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _budget(name: str, default: float, env, userdata) -> float:
    raw = _lookup(name, env, userdata)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got '{raw}'", name) from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{name} must be a positive number of seconds, got '{raw}'", name)
    return value


def _base_url(env, userdata) -> Optional[str]:
    raw = _lookup("PRESSLUFT_BASE_URL", env, userdata)
    if raw is None:
        return None
    try:
        parts = urlsplit(raw)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        raise ConfigError(f"PRESSLUFT_BASE_URL is not a valid URL: '{raw}'", "PRESSLUFT_BASE_URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"PRESSLUFT_BASE_URL must be an http(s) URL with a host, got '{raw}'",
                          "PRESSLUFT_BASE_URL")
    if parts.query or parts.fragment:
        raise ConfigError(f"PRESSLUFT_BASE_URL must not carry a query or fragment, got '{raw}'",
                          "PRESSLUFT_BASE_URL")
    del port
    return raw.rstrip("/")


def _command(name: str, env, userdata) -> Optional[Tuple[str, ...]]:
    """A command line, split like a shell would (no shell runs it). Set but empty is a config_error."""
    raw = userdata.get(name, env.get(name))
    if raw is None:
        return None
    try:
        argv = tuple(shlex.split(str(raw)))
    except ValueError as exc:
        raise ConfigError(f"{name} cannot be split into words ({exc}): '{raw}'", name) from None
    if not argv:
        raise ConfigError(f"{name} is set but empty: give a command line, or unset it", name)
    return argv


def _server_dir(env, userdata) -> str:
    raw = _lookup("PRESSLUFT_SERVER_DIR", env, userdata)
    path = os.path.abspath(raw or os.getcwd())
    if not os.path.isdir(path):
        raise ConfigError(f"PRESSLUFT_SERVER_DIR is not a directory: '{raw}'", "PRESSLUFT_SERVER_DIR")
    return path


def load_settings(env: Mapping[str, str] | None = None, userdata: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings; a bad value raises ConfigError (category config_error)."""
    env = os.environ if env is None else env
    userdata = userdata or {}
    job_timeout = _budget("PRESSLUFT_JOB_TIMEOUT", DEFAULT_JOB_TIMEOUT, env, userdata)
    node_default = max(DEFAULT_NODE_TIMEOUT, job_timeout + 60.0)
    email = _lookup("PRESSLUFT_EMAIL", env, userdata) or DEFAULT_EMAIL
    password = _lookup("PRESSLUFT_PASSWORD", env, userdata) or DEFAULT_PASSWORD
    token = _lookup("PRESSLUFT_PROVIDER_TOKEN", env, userdata) or _lookup("HETZNER_API_TOKEN", env, userdata)
    base_url = _base_url(env, userdata)
    server_command = _command("PRESSLUFT_SERVER_CMD", env, userdata)
    server_build_command = _command("PRESSLUFT_SERVER_BUILD_CMD", env, userdata)
    server_start_timeout = _budget("PRESSLUFT_SERVER_START_TIMEOUT", DEFAULT_SERVER_START_TIMEOUT, env, userdata)
    if server_command is None and server_build_command is not None:
        raise ConfigError("PRESSLUFT_SERVER_BUILD_CMD is set without PRESSLUFT_SERVER_CMD: nothing would run what "
                          "it builds", "PRESSLUFT_SERVER_BUILD_CMD")
    if server_command is not None and base_url is None and not any(PORT_PLACEHOLDER in part
                                                                    for part in server_command):
        raise ConfigError("PRESSLUFT_SERVER_CMD has no {port} and PRESSLUFT_BASE_URL is not set: where will the "
                          "server listen?", "PRESSLUFT_SERVER_CMD")
    return Settings(
        base_url=base_url,
        email=email,
        password=password,
        provider_id=(_lookup("PRESSLUFT_PROVIDER_ID", env, userdata) or DEFAULT_PROVIDER).lower(),
        provider_token=token,
        job_timeout=job_timeout,
        node_timeout=_budget("PRESSLUFT_NODE_TIMEOUT", node_default, env, userdata),
        preview_timeout=_budget("PRESSLUFT_PREVIEW_TIMEOUT", DEFAULT_PREVIEW_TIMEOUT, env, userdata),
        connect_timeout=_budget("PRESSLUFT_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT, env, userdata),
        read_timeout=_budget("PRESSLUFT_READ_TIMEOUT", DEFAULT_READ_TIMEOUT, env, userdata),
        keep_data=_lookup("PRESSLUFT_KEEP_DATA", env, userdata) in ("1", "true", "yes"),
        reports_dir=_lookup("PRESSLUFT_REPORTS_DIR", env, userdata) or "reports",
        server_command=server_command,
        server_build_command=server_build_command,
        server_dir=_server_dir(env, userdata) if server_command is not None else os.getcwd(),
        server_start_timeout=server_start_timeout,
    )


def require_provider_token(settings: Settings, target_is_reference: bool) -> Settings:
    """A real Pressluft needs the operator's provider token; the reference accepts a fixed fake one."""
    if settings.provider_token:
        return settings
    if target_is_reference:
        return replace(settings, provider_token=EMBEDDED_PROVIDER_TOKEN)
    raise ConfigError("no provider token: set PRESSLUFT_PROVIDER_TOKEN (or HETZNER_API_TOKEN) for a real target",
                      "PRESSLUFT_PROVIDER_TOKEN")
