"""Runs a smoke command (scripts/smoke-*.sh) from the repository root in a subprocess."""
from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from support.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SMOKES = {"site clone preview": "scripts/smoke-site-clone-preview.sh",
          "backup restore": "scripts/smoke-backup-restore.sh"}


@dataclass
class SmokeRun:
    command_line: str
    exit_code: int
    output: str
    elapsed: float

    def tail(self, lines: int = 30) -> str:
        """The last lines, quoted with "| " so that the smoke's own [wave5] line is not taken for ours."""
        return "\n".join(f"  | {line}" for line in self.output.splitlines()[-lines:])


def unused_local_url() -> str:
    """A loopback address where nothing listens (the port was just free)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def run_smoke_command(smoke: str, base_url: str, settings: Settings, timeout: float = 600) -> SmokeRun:
    script = SMOKES[smoke]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRESSLUFT_")}
    env.update({
        "PRESSLUFT_BASE_URL": base_url,
        "PRESSLUFT_EMAIL": settings.email,
        "PRESSLUFT_PASSWORD": settings.password,
        "PRESSLUFT_PROVIDER_ID": settings.provider_id,
        "PRESSLUFT_PROVIDER_TOKEN": settings.provider_token or "",
        "PRESSLUFT_JOB_TIMEOUT": str(settings.job_timeout),
        "PRESSLUFT_NODE_TIMEOUT": str(settings.node_timeout),
        "PRESSLUFT_PREVIEW_TIMEOUT": str(settings.preview_timeout),
        "PRESSLUFT_CONNECT_TIMEOUT": str(settings.connect_timeout),
        "PRESSLUFT_READ_TIMEOUT": str(settings.read_timeout),
    })
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pressluft-smoke-reports-") as reports:  # not ours to keep
        env["PRESSLUFT_REPORTS_DIR"] = reports
        result = subprocess.run(["bash", script], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                text=True, timeout=timeout)
    return SmokeRun(script, result.returncode, result.stdout + result.stderr, time.monotonic() - started)
