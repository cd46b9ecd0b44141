"""Loopback ports: a free one to start a server on, and an address where nothing listens."""
from __future__ import annotations

import socket


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unused_local_url() -> str:
    """A loopback address where nothing listens (its port was just free)."""
    return f"http://127.0.0.1:{free_port()}"
