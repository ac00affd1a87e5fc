"""Keys never reach the access log: uvicorn's access lines keep only the query values known to be harmless.

A client may send a key in the query string (`?api_key=...`, `?X-Openai-Api-Key=...`, a bare `?sk-...`). The
parameters Weaviate's REST API defines carry names, limits and ids, so their values stay readable; every other
value, and every item without a name, is replaced before the line is formatted. Headers (where module keys
belong) are never part of an access line.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote_plus

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "[redacted]"
# Weaviate's REST query parameters (its OpenAPI spec): none of them carries a secret.
KEPT_PARAMETERS = frozenset(
    {"after", "class", "consistency_level", "include", "limit", "node_name", "offset", "order", "output", "sort",
     "tenant"}
)


def redact_target(target: str) -> str:
    """The request target with every query value outside KEPT_PARAMETERS replaced."""
    path, sep, query = target.partition("?")
    if not sep:
        return target
    items = []
    for item in query.split("&"):
        name, eq, value = item.partition("=")
        if not eq:
            items.append(item if not item or unquote_plus(item).lower() in KEPT_PARAMETERS else REDACTED)
        elif unquote_plus(name).lower() in KEPT_PARAMETERS:
            items.append(item)
        else:
            items.append(f"{name}={REDACTED}")
    return f"{path}?{'&'.join(items)}"


class RedactQueryValues(logging.Filter):
    """Rewrites the request target of uvicorn's access records: (client, method, target, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        return True


def install_access_log_redaction() -> None:
    """Once per process: uvicorn's access logger filters every record (a logging config keeps logger filters)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactQueryValues) for f in logger.filters):
        logger.addFilter(RedactQueryValues())
