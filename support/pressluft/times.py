"""Times as Pressluft writes them: RFC 3339, Go's nanoseconds included."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Optional

_FRACTION = re.compile(r"\.(\d+)")


def parse_time(text: Optional[str]) -> Optional[datetime]:
    """RFC 3339 (Go's nanoseconds too) to an aware datetime; None for null or junk."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
