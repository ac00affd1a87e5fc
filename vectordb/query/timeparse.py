"""RFC3339 timestamps to and from integer epoch nanoseconds.

Weaviate orders and aggregates dates at nanosecond precision and prints computed dates with Go's
RFC3339Nano layout (UTC, "Z", fractional seconds without trailing zeros). Python's datetime stops at
microseconds, so the fraction is handled here as an integer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NS_PER_S = 1_000_000_000


def rfc3339_to_ns(text: str) -> int:
    """Epoch nanoseconds of an RFC3339 timestamp; ValueError when the text is not one."""
    m = _RFC3339.match(text.strip())
    if not m:
        raise ValueError(f"not a RFC3339 date: {text!r} (expected e.g. 2006-01-02T15:04:05Z)")
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    fraction = int((m.group(7) or "").ljust(9, "0"))
    offset = 0
    if m.group(9):
        offset = (int(m.group(10)) * 60 + int(m.group(11))) * 60
        if m.group(9) == "-":
            offset = -offset
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as e:
        raise ValueError(f"not a RFC3339 date: {text!r} ({e})") from e
    seconds = (moment - _EPOCH) // timedelta(seconds=1) - offset
    return seconds * _NS_PER_S + fraction


def ns_to_rfc3339(ns: int) -> str:
    """Go's `time.Unix(0, ns).UTC().Format(time.RFC3339Nano)`."""
    seconds, fraction = divmod(ns, _NS_PER_S)
    moment = _EPOCH + timedelta(seconds=seconds)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction:
        text += "." + f"{fraction:09d}".rstrip("0")
    return text + "Z"
