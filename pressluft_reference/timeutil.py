"""UTC timestamps as fixed-width RFC 3339 strings, so that they also sort correctly as text in SQLite."""

from datetime import datetime, timedelta, timezone

ZERO_TIME = "0001-01-01T00:00:00Z"


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_iso() -> str:
    return iso(now())


def iso_after(seconds: float) -> str:
    return iso(now() + timedelta(seconds=seconds))


def iso_days_after(start_iso: str, days: int) -> str:
    return iso_seconds_after(start_iso, days * 86400)


def iso_seconds_after(start_iso: str, seconds: float) -> str:
    start = datetime.strptime(start_iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return iso(start + timedelta(seconds=seconds))
