"""A child process the run starts: the embedded reference target (support/runtime/target.py), the server under test and
its build (support/runtime/server_process.py).

Each runs in a session of its own, so that a signal to its process group reaches its children too (a `go run`,
a wrapper script); its output is captured to a file; it is stopped with SIGTERM, then SIGKILL after a grace
period. That happens at the end of the run, and also when the run is interrupted: while any child runs, SIGINT,
SIGTERM and SIGHUP (those not ignored) stop every child first and then act as they would have (SIGINT raises
KeyboardInterrupt, SIGTERM ends the process), and an interpreter that exits without stopping them stops them
(atexit).
"""
from __future__ import annotations

import atexit
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

import psutil

DEFAULT_GRACE = 5.0
TAIL_LINES = 40
_CHUNK = 64 * 1024
_BYTES_PER_LINE = 8 * 1024  # a tail of N lines reads no more than N x 8 KiB, however long a line is
_LINE_CHARS = 400
_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def describe_exit(returncode: int) -> str:
    """`exited with status 2`, `was killed by signal SIGKILL`."""
    if returncode < 0:
        try:
            return f"was killed by signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


def read_tail(path: Path, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of a file, each cut at 400 characters; "" when there is none. Read backwards from
    the end, so a long log costs no more than its tail. Not redacted: what shows it redacts it."""
    if lines <= 0:
        return ""
    try:
        with open(path, "rb") as handle:
            position = handle.seek(0, os.SEEK_END)
            data = b""
            while position > 0 and data.count(b"\n") <= lines and len(data) < lines * _BYTES_PER_LINE:
                step = min(_CHUNK, position)
                position -= step
                handle.seek(position)
                data = handle.read(step) + data
    except OSError:
        return ""
    kept = data.decode("utf-8", "replace").splitlines()
    if position > 0 and len(kept) <= lines:
        kept = kept[1:]  # the first line read is a fragment of a longer one
    return "\n".join(line if len(line) <= _LINE_CHARS else line[:_LINE_CHARS] + " …" for line in kept[-lines:])


class ChildProcess:
    """`argv` run from `cwd` in a new session, stdout and stderr to `log_path` (stdout to a pipe instead with
    `stdout_to_pipe`, for a ready line). `on_stopped` runs once, after the process is stopped."""

    def __init__(self, argv: Sequence[str], *, cwd: str | os.PathLike, log_path: str | os.PathLike, name: str,
                 stdout_to_pipe: bool = False, env: Optional[dict] = None,
                 on_stopped: Optional[Callable[[], None]] = None):
        self.argv = list(argv)
        self.cwd = str(cwd)
        self.log_path = Path(log_path)
        self.name = name
        self.stdout_to_pipe = stdout_to_pipe
        self.env = env
        self.on_stopped = on_stopped
        self.popen: Optional[subprocess.Popen] = None
        self._stopping = False
        self._stopped = False

    def start(self) -> "ChildProcess":
        """Start it (an OSError when the command cannot be run: not found, not executable)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.popen = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.PIPE if self.stdout_to_pipe else log, stderr=log,
                                          start_new_session=True)
        _register(self)
        return self

    @property
    def pid(self) -> Optional[int]:
        return self.popen.pid if self.popen is not None else None

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def poll(self) -> Optional[int]:
        return self.popen.poll() if self.popen is not None else None

    @property
    def exited_by_itself(self) -> bool:
        """It has ended, and not because it was stopped."""
        return self.poll() is not None and not self._stopping

    def wait(self, timeout: Optional[float] = None) -> Optional[int]:
        """Its exit status, or None when it still runs after `timeout` seconds."""
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def log_tail(self, lines: int = TAIL_LINES) -> str:
        return read_tail(self.log_path, lines)

    def stop(self, grace: float = DEFAULT_GRACE) -> Optional[int]:
        """SIGTERM to its process group, SIGKILL to whatever is left of the group after `grace` seconds.
        Idempotent; called again while stopping (a second signal), it sends SIGKILL at once."""
        popen = self.popen
        if popen is None or self._stopped:
            return self.poll()
        if self._stopping:
            self._signal_group(signal.SIGKILL)
            return popen.poll()
        self._stopping = True
        try:
            if popen.poll() is None or self._group_alive():
                self._signal_group(signal.SIGTERM)
                deadline = time.monotonic() + grace
                self.wait(grace)
                while self._group_alive() and time.monotonic() < deadline:
                    time.sleep(0.05)  # the group's other processes (a wrapper's child) end too
                if popen.poll() is None or self._group_alive():
                    self._signal_group(signal.SIGKILL)
                    self.wait(grace)
            if popen.stdout is not None:
                popen.stdout.close()
        finally:
            self._stopped = True
            _unregister(self)
            if self.on_stopped is not None:
                self.on_stopped()
        return popen.returncode

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def _group_alive(self) -> bool:
        """Some process of its group, other than a zombie, still exists."""
        pgid = self.popen.pid
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        for process in psutil.process_iter(["status"]):
            try:
                if process.info["status"] != psutil.STATUS_ZOMBIE and os.getpgid(process.pid) == pgid:
                    return True
            except (OSError, psutil.Error):
                continue
        return False


# -- every child still running, and the handlers that stop them when the run is interrupted ------------------

_live: dict[int, ChildProcess] = {}
_previous_handlers: dict[int, object] = {}
_lock = threading.RLock()  # re-entrant: a signal handler runs on the main thread, maybe inside a locked section
_atexit_registered = False


def live_children() -> list[ChildProcess]:
    with _lock:
        return list(_live.values())


def stop_all(grace: float = DEFAULT_GRACE) -> None:
    for child in live_children():
        try:
            child.stop(grace)
        except Exception:  # noqa: BLE001 - stopping the others matters more than why one could not be stopped
            pass


def _register(child: ChildProcess) -> None:
    global _atexit_registered
    with _lock:
        _live[id(child)] = child
        if not _atexit_registered:
            atexit.register(stop_all)
            _atexit_registered = True
        if len(_live) == 1:
            _install_handlers()


def _unregister(child: ChildProcess) -> None:
    with _lock:
        _live.pop(id(child), None)
        if not _live:
            _restore_handlers()


def _install_handlers() -> None:
    if threading.current_thread() is not threading.main_thread() or _previous_handlers:
        return  # signal handlers can only be set on the main thread; atexit still covers the others
    for sig in _SIGNALS:
        previous = signal.getsignal(sig)
        if previous == signal.SIG_IGN:  # ignored on purpose (nohup, a background job of a script): stays so
            continue
        _previous_handlers[sig] = previous
        signal.signal(sig, _on_signal)


def _restore_handlers() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig, handler in list(_previous_handlers.items()):
        signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
    _previous_handlers.clear()


def _on_signal(signum, frame) -> None:
    previous = _previous_handlers.get(signum, signal.SIG_DFL)
    stop_all()
    _restore_handlers()
    if callable(previous):  # e.g. Python's default SIGINT handler: KeyboardInterrupt
        previous(signum, frame)
    else:  # the default action (the process ends), as if nothing had been in the way
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
