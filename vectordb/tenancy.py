"""Tenants: no collection has multi-tenancy here (the schema refuses it), so a request naming one is refused."""

from __future__ import annotations

from typing import Any

from vectordb.errors import UserError


def check_tenant(class_name: str, tenant: Any) -> None:
    """Weaviate's answer to a tenant on a collection without multi-tenancy (a 422), or a non-string tenant."""
    if tenant is None or tenant == "":
        return
    if not isinstance(tenant, str):
        raise UserError(f"invalid 'tenant': must be a string, got {type(tenant).__name__}")
    raise UserError(f"class {class_name} has multi-tenancy disabled, but request was with tenant")
