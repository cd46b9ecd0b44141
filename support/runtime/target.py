"""Starts and stops the embedded reference target, a separate process the suite only talks to over HTTP."""
from __future__ import annotations

import os
import re
import selectors
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from support.runtime import installation
from support.runtime.child_process import DEFAULT_GRACE, TAIL_LINES, ChildProcess, read_tail
from support.runtime.ports import LOOPBACK
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

READY_LINE = re.compile(r"pressluft_reference listening on (http://\S+)")
COMMAND = "start the embedded reference target"
USAGE_ERROR = 2  # python -m pressluft_reference: bad flags
# A node's acquisition a little longer than the reference's 0.3 s: the run's site creation tried while its first node
# is acquired (support/harness/preflight_proof.py) is answered within a few hundredths of a second of the node request,
# and its evidence is read within 0.6 s even on a loaded machine (flags given later, e.g. PRESSLUFT_REFERENCE_ARGS, win)
NODE_PROVISION_SECONDS = 0.6


class EmbeddedTarget:
    """`python -m pressluft_reference --host 127.0.0.1 --port 0 --enable-faults --data-dir <tmp>`."""

    def __init__(self, *, keep_data: bool = False, startup_timeout: float = 20.0, cwd: Optional[str] = None,
                 extra_args: tuple = (), enable_faults: bool = True):
        self.keep_data = keep_data
        self.enable_faults = enable_faults
        self.startup_timeout = startup_timeout
        # `python -m pressluft_reference` runs from the folder holding it (and support/): a checkout's root, or the
        # site-packages it was installed into (also one that is not on this interpreter's path: pip --target)
        self.cwd = cwd or str(installation.PACKAGES)
        self.extra_args = tuple(extra_args)
        self.work_dir = Path(tempfile.mkdtemp(prefix="pressluft-w5-"))
        self.data_dir = self.work_dir / "data"
        self.log_path = self.work_dir / "reference.log"
        self.child: Optional[ChildProcess] = None
        self.base_url: Optional[str] = None
        self.last_log_tail = ""

    @property
    def process(self) -> Optional[subprocess.Popen]:
        return self.child.popen if self.child is not None else None

    def start(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pressluft_reference", "--host", LOOPBACK, "--port", "0",
                   *(["--enable-faults"] if self.enable_faults else []), "--data-dir", str(self.data_dir),
                   "--job-duration", f"node_provision={NODE_PROVISION_SECONDS:g}", *self.extra_args]
        # stdout (the ready line) to a pipe, the log (stderr) to the file
        self.child = ChildProcess(command, cwd=self.cwd, log_path=self.log_path, name="the embedded reference target",
                                  stdout_to_pipe=True, on_stopped=self._after_stop).start()
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
        if exit_code == USAGE_ERROR and self.extra_args:  # it refused the flags the user gave it
            refusal = next((line for line in reversed(tail.splitlines()) if "error:" in line), tail.strip())
            raise SuiteFailure(Category.CONFIG_ERROR, "read PRESSLUFT_REFERENCE_ARGS",
                               f"PRESSLUFT_REFERENCE_ARGS '{shlex.join(self.extra_args)}' were refused by the embedded "
                               f"reference target: {refusal}", details={"reference log (tail)": tail})
        raise SuiteFailure(Category.TARGET_UNAVAILABLE, COMMAND, f"the embedded reference target {why}",
                           details={"reference log (tail)": tail})

    def log_tail(self, lines: int = TAIL_LINES) -> str:
        if not self.log_path.exists():
            return self.last_log_tail
        return read_tail(self.log_path, lines)

    @property
    def running(self) -> bool:
        return self.child is not None and self.child.running

    def stop(self, grace: float = DEFAULT_GRACE) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds (support/runtime/child_process.py); then its work dir goes."""
        if self.child is not None:
            self.child.stop(grace)
        else:
            self._after_stop()

    def _after_stop(self) -> None:
        self.last_log_tail = self.log_tail()
        if not self.keep_data:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def __enter__(self) -> "EmbeddedTarget":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
