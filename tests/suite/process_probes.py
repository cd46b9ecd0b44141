"""Helpers of the process tests: a unique marker to put in a command line, and the live processes carrying it."""
import uuid

import psutil


def marker() -> str:
    return f"w5-marker-{uuid.uuid4().hex}"


def processes_with(mark: str) -> list[str]:
    """The command lines of the live processes (zombies aside) that carry this marker."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        try:
            if process.info["status"] != psutil.STATUS_ZOMBIE and mark in " ".join(process.info["cmdline"] or ()):
                found.append(" ".join(process.info["cmdline"]))
        except psutil.Error:
            continue
    return found
