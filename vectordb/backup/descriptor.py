"""A backup's descriptor (backup_config.json) and a restore's (restore_config.json), and the statuses.

The backup descriptor is written when the backup starts and again as it moves on; the one saying SUCCESS is
written last, after every class archive is stored. A restore takes only a backup whose descriptor says
SUCCESS, so a backup that failed, was cancelled or was killed halfway is never restored from.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from vectordb.errors import UserError

BACKUP_FILE = "backup_config.json"
RESTORE_FILE = "restore_config.json"
FORMAT = "vectordb-backup-1"
NODE = "node1"

STARTED, TRANSFERRING, TRANSFERRED, FINALIZING = "STARTED", "TRANSFERRING", "TRANSFERRED", "FINALIZING"
SUCCESS, FAILED, CANCELLING, CANCELED = "SUCCESS", "FAILED", "CANCELLING", "CANCELED"
FINAL = (SUCCESS, FAILED, CANCELED)

_ID = re.compile(r"[a-z0-9_-]+")
ZERO_TIME = "0001-01-01T00:00:00.000Z"  # Weaviate's completedAt of an operation still running


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def check_id(backup_id: str) -> None:
    if not _ID.fullmatch(backup_id):
        raise UserError(f"invalid backup id: '{backup_id}' allowed characters are lowercase, 0-9, _, -")


def encode(descriptor: dict[str, Any]) -> bytes:
    return json.dumps(descriptor, sort_keys=True).encode()


def decode(raw: bytes | None, home: str) -> dict[str, Any] | None:
    """The descriptor, None when there is none; a damaged one is a 422 naming where it is."""
    if raw is None:
        return None
    try:
        found = json.loads(raw)
    except ValueError as exc:
        raise UserError(f"corrupted backup file at {home}: {exc}") from exc
    if not isinstance(found, dict) or not isinstance(found.get("status"), str):
        raise UserError(f"corrupted backup file at {home}: it is not a backup descriptor")
    return found


def class_names(descriptor: dict[str, Any]) -> list[str]:
    return [entry["name"] for entry in descriptor.get("classes") or []]


def size_gib(descriptor: dict[str, Any]) -> float:
    return float(descriptor.get("preCompressionSizeBytes") or 0) / (1 << 30)
