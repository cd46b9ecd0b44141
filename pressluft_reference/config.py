"""Run-time settings of the reference control plane."""

from dataclasses import dataclass, field
from typing import Optional

# Every job type, with the total duration of one attempt in seconds (jobs with several phases split it evenly).
# This is the one list of job types: jobtypes.HANDLERS must cover exactly these (checked at import).
DEFAULT_DURATIONS = {
    "node_provision": 0.2,
    "site_create": 0.1,
    "env_create": 0.1,
    "backup_create": 0.1,
    "env_restore": 0.15,
}
JOB_TYPES = tuple(DEFAULT_DURATIONS)
DEFAULT_BACKOFF = (0.2, 0.4, 0.8)
PRESSLUFT_BACKOFF = (60.0, 300.0, 900.0)  # the real worker's delays before retry 1, 2, 3… (digest §3.2)


def backoff_after(schedule: tuple, attempt: int) -> float:
    """The delay after failed attempt `attempt` (1-based); the schedule's last value repeats."""
    return schedule[min(max(attempt, 1), len(schedule)) - 1]


@dataclass
class Config:
    host: str = "127.0.0.1"
    preview_host: str = "127.0.0.1"  # the host preview_url names; the previews listen on 127.0.0.1 whatever it is
    port: int = 0
    data_dir: Optional[str] = None
    enable_faults: bool = False
    durations: dict = field(default_factory=lambda: dict(DEFAULT_DURATIONS))
    backoff: tuple = DEFAULT_BACKOFF
    poll_interval: float = 0.02
    node_guard: bool = True  # --guard-scope site turns it off (a deviation, for parallel acceptance runs)
    # --guard-refusal-keeps-records: as 6164b449, a creation the guard refuses leaves its records (jobqueue.py)
    guard_keeps_records: bool = False
    max_parallel_jobs: int = 32  # generous: jobs held by a "hang" fault keep their thread until cancelled

    # --http-faults: an HTTP fault active for the whole process lifetime (survives DELETE /_reference/faults)
    http_faults: Optional[dict] = None
    admin_email: str = "admin@pressluft.local"
    admin_password: str = "pressluft-dev-password"
    defects: frozenset = frozenset()  # --defect NAME: mutant targets for proving the suite (defects.py)
    twins: frozenset = frozenset()  # --twin NAME: correct twins, targets the suite must pass (twins.py)
    quirks: bool = False  # --quirks: the tolerable differences of the real implementation (IMPL), docs
    # --hetzner-endpoint URL: acquire nodes and check credentials through that Hetzner Cloud API (hetzner.py)
    hetzner_endpoint: Optional[str] = None
    # --managed-key PATH: as Pressluft at 6164b449, acquire nodes only while that public key exists (jobtypes.py)
    managed_key: Optional[str] = None
    # --probe-seconds S: the listing and the create preflights take S s per provider node (routes/common.py)
    probe_seconds: float = 0.0

