"""One-line key=value logging to stderr (stdout carries only the ready line)."""

import sys
import threading

_lock = threading.Lock()


def event(name: str, **fields) -> None:
    parts = [f"event={name}"] + [f"{key}={_value(val)}" for key, val in fields.items()]
    line = " ".join(parts)
    with _lock:
        try:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):  # stderr closed by the parent: logging must never break a request
            pass


def _value(val) -> str:
    text = "null" if val is None else str(val)
    if not text or any(ch.isspace() or ch == '"' for ch in text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text
