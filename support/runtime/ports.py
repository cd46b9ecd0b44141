"""Loopback ports: a free one to start a server on, and an address where nothing listens."""
from __future__ import annotations

import socket

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def local_url(port: int) -> str:
    return f"http://{LOOPBACK}:{port}"


def unused_local_url() -> str:
    """A loopback address where nothing listens (its port was just free)."""
    return local_url(free_port())
