"""The child processes of a run (support/runtime/child_process.py): a session of their own, output to a file, stopped
with SIGTERM then SIGKILL (the whole process group), also when the run is interrupted or exits; bounded,
redacted log tails. Real, small processes; each is found again (or not) by a unique marker in its command line."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from process_probes import marker, processes_with

import support.runtime.child_process as child_process
from support.runtime.child_process import ChildProcess, read_tail

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


def wait_for(condition, tries: int = 200) -> bool:
    """True once `condition()` holds (checked every 50 ms, at most `tries` times)."""
    for _ in range(tries):
        if condition():
            return True
        time.sleep(0.05)
    return condition()


# -- log tails ---------------------------------------------------------------------------------------------------

def test_a_log_tail_is_bounded_and_cut_and_read_from_the_end(tmp_path):
    log = tmp_path / "server.log"
    lines = [f"line {n}" for n in range(100_000)] + ["x" * 5000, "last"]
    log.write_text("\n".join(lines) + "\n")
    tail = read_tail(log, 40).splitlines()
    assert len(tail) == 40 and tail[0] == "line 99962" and tail[-1] == "last"
    assert tail[-2] == "x" * 400 + " …"
    assert read_tail(log, 200_000).splitlines()[:2] == ["line 0", "line 1"]  # as much as asked for
    assert read_tail(tmp_path / "missing.log") == "" and read_tail(log, 0) == ""


def test_a_tail_of_one_endless_line_is_bounded_too(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("y" * 2_000_000)
    assert read_tail(log, 3) == ""  # only a fragment of the one line within reach: nothing to show
    log.write_text("y" * 2_000_000 + "\nend\n")
    assert read_tail(log, 1) == "end"


# -- child processes -----------------------------------------------------------------------------------------------

def test_stop_reaches_the_whole_process_group(tmp_path):
    mark = marker()
    child = ChildProcess(["sh", "-c", f"{PY} -c 'import time; time.sleep(120)' {mark} & echo started; wait", mark],
                         cwd=tmp_path, log_path=tmp_path / "child.log", name="a wrapper").start()
    child_process_seen = wait_for(lambda: len(processes_with(mark)) == 2)
    assert child_process_seen, processes_with(mark)
    child.stop(grace=5)
    assert processes_with(mark) == [] and not child.running
    assert child not in child_process.live_children()


def test_a_child_that_ignores_sigterm_is_killed_after_the_grace_period(tmp_path):
    mark = marker()
    script = ("import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
              "print('ignoring', flush=True); time.sleep(120)")
    child = ChildProcess([PY, "-c", script, mark], cwd=tmp_path, log_path=tmp_path / "child.log",
                         name="stubborn").start()
    assert wait_for(lambda: "ignoring" in child.log_tail())
    assert child.stop(grace=0.5) == -signal.SIGKILL
    assert processes_with(mark) == []


def test_the_signal_handlers_are_there_only_while_a_child_runs(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    child = ChildProcess([PY, "-c", "import time; time.sleep(60)"], cwd=tmp_path, log_path=tmp_path / "c.log",
                         name="sleeper").start()
    try:
        assert signal.getsignal(signal.SIGTERM) is child_process._on_signal
    finally:
        child.stop()
    assert signal.getsignal(signal.SIGTERM) == before


GUARDED = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    from support.runtime.child_process import ChildProcess, live_children
    child = ChildProcess([sys.executable, "-c", "import time; time.sleep(120)", os.environ["MARK"]], cwd=".",
                         log_path="child.log", name="guarded").start()
    print("ready", flush=True)
    if {how!r} == "exit":
        sys.stdin.readline()
        sys.exit(0)  # without stopping it: atexit does
    try:
        time.sleep(120)
    except KeyboardInterrupt:
        print("interrupted with", len(live_children()), "children left", flush=True)
""")


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGHUP", "exit"])
def test_a_run_that_is_interrupted_or_exits_stops_its_children(tmp_path, how):
    mark = marker()  # in the child's command line only, not in the guarded process's
    process = subprocess.Popen([PY, "-c", GUARDED.format(root=str(ROOT), how=how)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=tmp_path, env={**os.environ, "MARK": mark})
    assert process.stdout.readline().strip() == "ready"
    assert len(processes_with(mark)) == 1
    if how != "exit":
        process.send_signal(getattr(signal, how))
    out, _ = process.communicate("\n", timeout=60)
    assert processes_with(mark) == []
    expected = {"SIGTERM": -signal.SIGTERM, "SIGHUP": -signal.SIGHUP, "SIGINT": 0, "exit": 0}[how]
    assert process.returncode == expected
    if how == "SIGINT":  # KeyboardInterrupt as usual, after the children were stopped
        assert "interrupted with 0 children left" in out
