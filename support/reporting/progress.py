"""Progress lines of long waits: an observer of the poll engine (support/waiting/polling.py).

A wait that has lasted SHOW_AFTER seconds prints what it sees, one line per change (the state, the attempt n of m,
the next retry due at, the time spent against the budget and the ceiling); while nothing changes, a quiet line at
most every QUIET_EVERY seconds; and one line when it ends. Shorter waits print nothing. Plain lines, no carriage
returns, on the real standard error (past behave's capture), terminal or not:

    [wave5] waiting for job 9c1e…: env_create running, attempt 1 of 3; 5 s spent of 600 s (budget 600 s,
            ceiling 3600 s)
    [wave5] waiting for job 9c1e…: env_create queued, waiting to retry after ANSIBLE_HOST_FAILED, attempt 2 of 3
            due at 12:05:00 UTC; 41 s spent of 941 s (budget 600 s, ceiling 3600 s)
    [wave5] still waiting for job 9c1e…: <the same as above>; 101 s spent of 941 s (budget 600 s, ceiling 3600 s)
    [wave5] done waiting for job 9c1e…: env_create succeeded, attempt 2 of 3 after 412 s

(each one line on the console). "N s spent of M s": the time the wait has taken, and where its deadline is now
(the budget, moved later for a retry Pressluft scheduled, never past the ceiling).
"""
from __future__ import annotations

import sys
import threading
from typing import Callable, Optional

from support.verdicts.failure import TAG

SHOW_AFTER = 5.0     # seconds a wait runs before it shows progress: shorter waits stay silent
QUIET_EVERY = 60.0   # while nothing changes, a line at most this often


def _seconds(value: float) -> str:
    return f"{value:.0f} s"


class Watch:
    """One wait, as the progress lines follow it: told what each poll saw, ticked while the wait sleeps."""

    def __init__(self, lines: "ProgressLines", what: str, deadline):
        self.lines, self.what, self.deadline = lines, what, deadline
        self.seen: Optional[str] = None
        self.shown: Optional[str] = None      # what the last line said was seen
        self.last_line_at: Optional[float] = None
        self.polls = 0

    @property
    def showing(self) -> bool:
        return self.last_line_at is not None

    def _spent(self) -> str:
        deadline = self.deadline
        spent = f"{_seconds(deadline.elapsed())} spent of {_seconds(deadline.at - deadline.start)}"
        if deadline.ceiling > deadline.budget:
            return f"{spent} (budget {deadline.budget:g} s, ceiling {deadline.ceiling:g} s)"
        return f"{spent} budget"

    def _line(self, verb: str, seen: str) -> None:
        self.lines.write(f"{TAG} {verb} {self.what}: {seen}; {self._spent()}")
        self.shown, self.last_line_at = seen, self.deadline.elapsed()

    def saw(self, seen: str, *, final: bool = False) -> None:
        """After a poll: a line when the wait is long enough to show and what it sees has changed (the poll that
        ends the wait says it in the end line instead)."""
        self.polls += 1
        self.seen = seen
        if final:
            return
        if self.showing and seen != self.shown:
            self._line("waiting for", seen)
        else:
            self.tick()

    def tick(self) -> None:
        """Between polls (and after one that saw no change): the first line once SHOW_AFTER has passed, then a
        quiet line when the last is QUIET_EVERY old."""
        if self.seen is None:
            return
        elapsed = self.deadline.elapsed()
        if not self.showing:
            if elapsed >= self.lines.show_after:
                self._line("waiting for", self.seen)
        elif elapsed - self.last_line_at >= self.lines.quiet_every:
            self._line("still waiting for", self.seen)

    def next_line_in(self) -> float:
        """Seconds until a line may be due while nothing changes (a long sleep is cut there)."""
        if self.seen is None:  # nothing seen yet, nothing to say
            return float("inf")
        elapsed = self.deadline.elapsed()
        if not self.showing:
            return max(0.0, self.lines.show_after - elapsed)
        return max(0.0, self.last_line_at + self.lines.quiet_every - elapsed)

    def sleep(self, sleep: Callable[[float], None], seconds: float) -> None:
        """Sleeps `seconds`, in slices that end when a line is due, so a long sleep (until a retry Pressluft
        scheduled minutes ahead) is not silent."""
        left = seconds
        while left > 0:
            step = min(left, max(self.next_line_in(), 0.001))
            sleep(step)
            left -= step
            self.tick()

    def ended(self, outcome: str) -> None:
        """The last line, only for a wait that showed progress: how it ended and after how long."""
        if self.showing:
            self.lines.write(f"{TAG} {'done waiting' if outcome == 'done' else 'gave up waiting'} for "
                             f"{self.what}: {self.seen} after {_seconds(self.deadline.elapsed())}")


class ProgressLines:
    """Where the lines go (the real stderr by default) and when a wait shows them."""

    def __init__(self, write: Optional[Callable[[str], None]] = None, show_after: float = SHOW_AFTER,
                 quiet_every: float = QUIET_EVERY):
        self._write = write
        self.show_after, self.quiet_every = show_after, quiet_every
        self._lock = threading.Lock()

    def watch(self, what: str, deadline) -> Watch:
        return Watch(self, what, deadline)

    def write(self, line: str) -> None:
        from support.verdicts.redaction import secrets  # a preview address or a reason never carries one, but be sure

        text = secrets.redact_text(line) or ""
        with self._lock:
            if self._write is not None:
                self._write(text)
                return
            stream = sys.__stderr__
            if stream is not None:
                stream.write(text + "\n")
                stream.flush()

