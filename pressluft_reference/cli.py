"""Command line: parse flags, run the control plane until SIGTERM/SIGINT."""

import argparse
import os
import signal
import sqlite3
import sys
import threading
from urllib.parse import urlsplit

from .config import DEFAULT_DURATIONS, JOB_TYPES, Config
from .defects import DEFECT_NAMES
from .faults import parse_http_fault_spec
from .runtime import Runtime
from .twins import TWIN_NAMES


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _duration(text: str):
    job_type, sep, seconds = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected TYPE=SECONDS, got {text!r}")
    if job_type != "all" and job_type not in JOB_TYPES:
        raise argparse.ArgumentTypeError(f"unknown job type {job_type!r} (one of: all, {', '.join(JOB_TYPES)})")
    return job_type, _non_negative(seconds)


def _backoff(text: str):
    return tuple(_non_negative(part) for part in text.split(","))


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0: {text!r}")
    return value


def _http_faults(text: str) -> dict:
    try:
        return parse_http_fault_spec(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _non_empty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range 0-65535: {value}")
    return value


def _endpoint(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"not an http(s) URL: {text!r}")
    return text.rstrip("/")


def parse_args(argv) -> Config:
    parser = _Parser(prog="python -m pressluft_reference", description="Pressluft Wave 5 reference control plane")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--preview-host", type=_non_empty, default="127.0.0.1", metavar="NAME",
                        help="the host name preview addresses carry (it must lead to 127.0.0.1, where previews listen)")
    parser.add_argument("--port", type=_port, default=0)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--enable-faults", action="store_true")
    parser.add_argument("--job-duration", type=_duration, action="append", default=[], metavar="TYPE=SECONDS")
    parser.add_argument("--retry-backoff", type=_backoff, default=None, metavar="S1,S2,S3")
    parser.add_argument("--guard-scope", choices=("site-and-node", "site"), default="site-and-node")
    parser.add_argument("--guard-refusal-keeps-records", action="store_true",
                        help="as Pressluft at 6164b449: a site or environment creation the enqueue guard refuses "
                             "(409 conflict) leaves the records it stored before the enqueue (a product bug the suite "
                             "reports; not part of --quirks, which holds only what the suite tolerates)")
    parser.add_argument("--http-faults", type=_http_faults, default=None,
                        metavar="error_rate=R,latency_max=S,statuses=502+503,methods=GET,seed=N")
    parser.add_argument("--admin-email", type=_non_empty, default="admin@pressluft.local")
    parser.add_argument("--admin-password", type=_non_empty, default="pressluft-dev-password")
    parser.add_argument("--quirks", action="store_true",
                        help="reproduce the tolerable differences of the real implementation (job-<nanos> ids, …)")
    parser.add_argument("--defect", choices=DEFECT_NAMES, action="append", default=[], metavar="NAME",
                        help="a mutant target for proving the suite (repeatable): " + ", ".join(DEFECT_NAMES))
    parser.add_argument("--twin", choices=TWIN_NAMES, action="append", default=[], metavar="NAME",
                        help="a correct twin for proving the suite (repeatable): a target that differs only in a way "
                             "the contract allows (twins.py): " + (", ".join(TWIN_NAMES) or "none yet"))
    parser.add_argument("--hetzner-endpoint", type=_endpoint, default=None, metavar="URL",
                        help="acquire nodes through this Hetzner Cloud API (e.g. https://api.hetzner.cloud/v1) with "
                             "the token of the provider connection, instead of simulating the provider")
    parser.add_argument("--managed-key", default=None, metavar="PATH",
                        help="as Pressluft at 6164b449 with its ~/.ssh/pressluft-provider-ed25519.pub: a node is "
                             "acquired only while this public key exists, else its acquisition ends failed with "
                             "PROVIDER_ACQUISITION_UNAVAILABLE (not retried)")
    parser.add_argument("--probe-seconds", type=_non_negative, default=0.0, metavar="S",
                        help="GET /api/nodes, POST /api/sites and POST /api/sites/{id}/environments take S seconds per "
                             "provider node before they answer, as Pressluft's live SSH readiness probes do")
    args = parser.parse_args(argv)
    durations = dict(DEFAULT_DURATIONS)
    for job_type, seconds in args.job_duration:
        for name in JOB_TYPES if job_type == "all" else (job_type,):
            durations[name] = seconds
    config = Config(host=args.host, port=args.port, preview_host=args.preview_host, data_dir=args.data_dir,
                    enable_faults=args.enable_faults, durations=durations,
                    node_guard=args.guard_scope == "site-and-node", http_faults=args.http_faults,
                    guard_keeps_records=args.guard_refusal_keeps_records,
                    admin_email=args.admin_email, admin_password=args.admin_password,
                    defects=frozenset(args.defect), twins=frozenset(args.twin), quirks=args.quirks,
                    hetzner_endpoint=args.hetzner_endpoint,
                    managed_key=os.path.expanduser(args.managed_key) if args.managed_key else None,
                    probe_seconds=args.probe_seconds)
    if args.retry_backoff:
        config.backoff = args.retry_backoff
    return config


def main(argv=None) -> int:
    try:
        config = parse_args(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(f"pressluft_reference: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code or 0

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        runtime = Runtime(config)
        runtime.start()
    except (OSError, sqlite3.Error) as exc:
        print(f"pressluft_reference: error: cannot start: {exc}", file=sys.stderr)
        return 2
    print(f"pressluft_reference listening on {runtime.base_url}", flush=True)
    try:
        while not stop.wait(0.1):  # a short tick: SIGTERM is acted on within 0.1 s
            pass
    finally:
        runtime.stop()
    return 0
