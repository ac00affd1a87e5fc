"""Parsers for the string formats property values use: RFC3339 dates, UUIDs and reference beacons."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

from vectordb.schema._common import upper_first

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)
_HEX = re.compile(r"^[0-9a-fA-F]{32}$")
_BEACON = re.compile(r"^weaviate://([^/]+)/(?:([^/]+)/)?([^/]+)$")


def _match_date(value: str) -> tuple[datetime, str, str]:
    """-> (aware datetime, fraction digits as given, offset text) or ValueError."""
    m = _RFC3339.match(value)
    if not m:
        raise ValueError(f"'{value}' is not an RFC3339 date such as 2006-01-02T15:04:05Z")
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    fraction = (m.group(7) or "")[:9]
    if m.group(8):
        offset = timedelta(0)
    else:
        off_h, off_m = int(m.group(10)), int(m.group(11))
        if off_h > 23 or off_m > 59:
            raise ValueError(f"'{value}' has an invalid time zone offset")
        offset = timedelta(hours=off_h, minutes=off_m) * (-1 if m.group(9) == "-" else 1)
    micros = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        parsed = datetime(year, month, day, hour, minute, second, micros, tzinfo=timezone(offset))
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a valid date: {exc}") from exc
    return parsed, fraction, "Z" if offset == timedelta(0) else value[-6:]


def parse_date(value: str) -> datetime:
    """An RFC3339 string (Go's time.RFC3339 parser rules) as an aware datetime; ValueError otherwise."""
    return _match_date(value)[0]


def normalize_date(value: str) -> str:
    """The canonical stored form of an RFC3339 date, as Go prints it with RFC3339Nano: the given offset kept
    ("Z" for UTC), fractional seconds without trailing zeros (up to nanoseconds)."""
    parsed, fraction, offset = _match_date(value)
    fraction = fraction.rstrip("0")
    p = parsed
    stamp = f"{p.year:04d}-{p.month:02d}-{p.day:02d}T{p.hour:02d}:{p.minute:02d}:{p.second:02d}"
    return stamp + (f".{fraction}" if fraction else "") + offset


def could_be_date(value: str) -> bool:
    try:
        _match_date(value)
    except ValueError:
        return False
    return True


def parse_uuid(value: str) -> str:
    """The canonical lower-case form of a UUID in any form Go's uuid.Parse takes (36 chars, 32 hex digits,
    {braced} or urn:uuid:); ValueError otherwise."""
    text = value
    if len(text) == 45 and text[:9].lower() == "urn:uuid:":
        text = text[9:]
    elif len(text) == 38 and text[0] == "{" and text[-1] == "}":
        text = text[1:-1]
    if len(text) == 36:
        if any(text[i] != "-" for i in (8, 13, 18, 23)):
            raise ValueError(f"'{value}' is not a UUID")
        text = text.replace("-", "")
    if not _HEX.match(text):
        raise ValueError(f"'{value}' is not a UUID")
    return str(uuid.UUID(hex=text))


def could_be_uuid(value: str) -> bool:
    try:
        parse_uuid(value)
    except ValueError:
        return False
    return True


def parse_beacon(beacon: str) -> tuple[str | None, str]:
    """weaviate://localhost/<Class>/<uuid> or weaviate://localhost/<uuid> -> (Class or None, uuid)."""
    m = _BEACON.match(beacon)
    if not m:
        raise ValueError(
            f"'{beacon}' is not a valid beacon; use weaviate://localhost/<Class>/<uuid> or weaviate://localhost/<uuid>"
        )
    peer, class_name, target = m.groups()
    if peer != "localhost":
        raise ValueError(
            f"beacon '{beacon}' points to peer '{peer}': only local references (localhost) are supported"
        )
    try:
        target = parse_uuid(target)
    except ValueError as exc:
        raise ValueError(f"beacon '{beacon}' does not end in a valid UUID") from exc
    return (upper_first(class_name) if class_name else None), target


def make_ref(class_name: str | None, target: str) -> dict:
    """A reference as stored and returned: {"beacon", "href"}, with the class when it is known."""
    if class_name:
        return {
            "beacon": f"weaviate://localhost/{class_name}/{target}",
            "href": f"/v1/objects/{class_name}/{target}",
        }
    return {"beacon": f"weaviate://localhost/{target}", "href": f"/v1/objects/{target}"}
