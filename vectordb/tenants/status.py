"""Tenant names and activity statuses as Weaviate validates them (entities/schema/validation.go,
usecases/schema/tenant.go): its messages, its HOT / COLD names in answers, the newer names accepted as input."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from vectordb.errors import UserError

HOT, COLD, FROZEN = "HOT", "COLD", "FROZEN"
# Newer clients send these; Weaviate stores and answers with the older names.
_INPUT_NAMES = {"ACTIVE": HOT, "INACTIVE": COLD, "OFFLOADED": FROZEN}
_NAME = re.compile(r"^[A-Za-z0-9\-_]{1,64}$")
# Weaviate's cap on one update request (AddTenants has none).
MAX_UPDATE = 100


def name_problem(name: Any) -> str | None:
    if not isinstance(name, str) or name == "":
        return "empty tenant name" if name in ("", None) else f"tenant name must be a string, got {name!r}"
    if not _NAME.match(name):
        return (
            f" '{name}' is not a valid tenant name. should only contain alphanumeric characters (a-z, A-Z, 0-9), "
            "underscore (_), and hyphen (-), with a length between 1 and 64 characters"
        )
    return None


def parse_tenants(body: Any, *, adding: bool) -> dict[str, str]:
    """The tenants of a POST (adding) or PUT body: name -> HOT | COLD, in request order."""
    if not isinstance(body, list):
        raise UserError("the body must be a JSON array of tenants: [{\"name\": ..., \"activityStatus\": ...}]")
    if not adding and len(body) > MAX_UPDATE:
        raise UserError(
            "maximum number of tenants allowed to be updated simultaneously is 100. Please reduce the number "
            "of tenants in your request and try again"
        )
    out: dict[str, str] = {}
    bad: list[str] = []
    for i, item in enumerate(body):
        if not isinstance(item, Mapping):
            raise UserError(f"tenant at index {i} must be an object with 'name' and 'activityStatus'")
        name = item.get("name")
        problem = name_problem(name)
        if problem is not None or not isinstance(name, str):
            raise UserError(f"tenant name at index {i}: {problem}")
        if name in out:
            raise UserError(f"tenant name {name} existed multiple times")
        raw = item.get("activityStatus")
        status = _INPUT_NAMES.get(raw, raw) if isinstance(raw, str) else raw
        if status in (HOT, COLD) or (adding and status in (None, "")):
            out[name] = status or HOT
        elif status == FROZEN:
            # No offload module exists here, so a frozen tenant could not be brought back.
            raise UserError("can't offload tenants, because offload-s3 module is not enabled")
        else:
            bad.append(f"invalid activity status '{raw if raw is not None else ''}' for tenant \"{name}\"")
    if bad:
        raise UserError(", ".join(bad))
    return out


def parse_names(body: Any) -> list[str]:
    """The body of DELETE /tenants: a list of names."""
    if not isinstance(body, list):
        raise UserError("the body must be a JSON array of tenant names")
    for i, name in enumerate(body):
        if not isinstance(name, str) or name == "":
            raise UserError(f"empty tenant name at index {i}")
    return list(dict.fromkeys(body))
