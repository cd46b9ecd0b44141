"""Starts and stops the embedded reference target, a separate process the suite only talks to over HTTP."""
from __future__ import annotations

import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from support.diagnostics import Category, SuiteFailure

READY_LINE = re.compile(r"pressluft_reference listening on (http://\S+)")
COMMAND = "start the embedded reference target"


class EmbeddedTarget:
    """`python -m pressluft_reference --host 127.0.0.1 --port 0 --enable-faults --data-dir <tmp>`."""

    def __init__(self, *, keep_data: bool = False, startup_timeout: float = 20.0, cwd: Optional[str] = None,
                 extra_args: tuple = (), enable_faults: bool = True):
        self.keep_data = keep_data
        self.enable_faults = enable_faults
        self.startup_timeout = startup_timeout
        self.cwd = cwd or str(Path(__file__).resolve().parents[1])
        self.extra_args = tuple(extra_args)
        self.work_dir = Path(tempfile.mkdtemp(prefix="pressluft-w5-"))
        self.data_dir = self.work_dir / "data"
        self.log_path = self.work_dir / "reference.log"
        self.process: Optional[subprocess.Popen] = None
        self.base_url: Optional[str] = None
        self.last_log_tail = ""

    def start(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pressluft_reference", "--host", "127.0.0.1", "--port", "0",
                   *(["--enable-faults"] if self.enable_faults else []), "--data-dir", str(self.data_dir),
                   *self.extra_args]
        log = open(self.log_path, "ab")
        try:
            self.process = subprocess.Popen(command, cwd=self.cwd, stdout=subprocess.PIPE, stderr=log,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            log.close()
        self.base_url = self._read_ready_line()
        return self.base_url

    def _read_ready_line(self) -> str:
        assert self.process and self.process.stdout
        deadline = time.monotonic() + self.startup_timeout
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        buffer = b""
        try:
            while time.monotonic() < deadline:
                if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    continue
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:  # stdout closed: the process is ending
                    try:
                        self.process.wait(timeout=max(0.5, deadline - time.monotonic()))
                    except subprocess.TimeoutExpired:
                        pass
                    break
                buffer += chunk
                match = READY_LINE.search(buffer.decode("utf-8", "replace"))
                if match:
                    return match.group(1).rstrip("/")
        finally:
            selector.close()
        exit_code = self.process.poll() if self.process else None
        why = (f"exited with status {exit_code}" if exit_code is not None
               else f"printed no ready line within {int(self.startup_timeout)} s")
        self.stop()
        tail = self.last_log_tail
        raise SuiteFailure(Category.TARGET_UNAVAILABLE, COMMAND, f"the embedded reference target {why}",
                           details={"reference log (tail)": tail})

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return self.last_log_tail
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = 5.0) -> None:
        process = self.process
        self.last_log_tail = self.log_tail()
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=grace)
        if process is not None and process.stdout:
            process.stdout.close()
        if not self.keep_data:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def __enter__(self) -> "EmbeddedTarget":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
