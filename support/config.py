"""Settings of a run, from PRESSLUFT_* environment variables (behave `-D NAME=value` may override them).

No PRESSLUFT_BASE_URL means: start the embedded reference target on a free port for this run.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from typing import Mapping, Optional
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

    @property
    def embedded(self) -> bool:
        """True when the suite starts the reference target itself."""
        return self.base_url is None

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


def load_settings(env: Mapping[str, str] | None = None, userdata: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings; a bad value raises ConfigError (category config_error)."""
    env = os.environ if env is None else env
    userdata = userdata or {}
    job_timeout = _budget("PRESSLUFT_JOB_TIMEOUT", DEFAULT_JOB_TIMEOUT, env, userdata)
    node_default = max(DEFAULT_NODE_TIMEOUT, job_timeout + 60.0)
    email = _lookup("PRESSLUFT_EMAIL", env, userdata) or DEFAULT_EMAIL
    password = _lookup("PRESSLUFT_PASSWORD", env, userdata) or DEFAULT_PASSWORD
    token = _lookup("PRESSLUFT_PROVIDER_TOKEN", env, userdata) or _lookup("HETZNER_API_TOKEN", env, userdata)
    return Settings(
        base_url=_base_url(env, userdata),
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
    )


def require_provider_token(settings: Settings, target_is_reference: bool) -> Settings:
    """A real Pressluft needs the operator's provider token; the reference accepts a fixed fake one."""
    if settings.provider_token:
        return settings
    if target_is_reference:
        return replace(settings, provider_token=EMBEDDED_PROVIDER_TOKEN)
    raise ConfigError("no provider token: set PRESSLUFT_PROVIDER_TOKEN (or HETZNER_API_TOKEN) for a real target",
                      "PRESSLUFT_PROVIDER_TOKEN")
