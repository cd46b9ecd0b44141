"""Times as Pressluft writes them: RFC 3339 date-times (Go's RFC3339Nano: `Z` or an offset, fractional seconds of
any length), and the one order of records the suite may rely on: the order of their creation (`by_creation`), never
the order a listing gives them in (the contract promises none)."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Optional

from rfc3339_validator import validate_rfc3339

_FRACTION = re.compile(r"\.(\d+)")
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def is_rfc3339(text: object) -> bool:
    """An RFC 3339 date-time (section 5.6, `t` and `z` in either case): what the schemas' `date-time` format
    accepts."""
    return isinstance(text, str) and bool(validate_rfc3339(text.upper()))


def parse_time(text: Optional[str]) -> Optional[datetime]:
    """RFC 3339 (Go's nanoseconds too) to an aware datetime; None for null, junk or any other form of a time
    (`2026-02-22 10:00:00` is not RFC 3339, though Python would read it)."""
    if not is_rfc3339(text):
        return None
    text = text.upper().replace("Z", "+00:00")
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def by_creation(record: dict) -> tuple:
    """A sort key of records in the order they were created: their created_at as a time (not as text: `…:00Z` and
    `…:00.5Z` do not sort as text), then their id, so that records of the same moment keep one order whatever
    order the listing gave them in. A record without a readable created_at sorts first."""
    return parse_time(record.get("created_at")) or _EARLIEST, str(record.get("id"))


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
