"""Which store a request names: Weaviate's answers to a tenant on a class without multi-tenancy, none on a class
with it, an unknown tenant and an inactive one (adapters/repos/db/multitenancy/validator.go), all 422s."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from vectordb.errors import UserError
from vectordb.tenants.status import COLD, HOT, name_problem

if TYPE_CHECKING:
    from vectordb.collection import Collection
    from vectordb.tenants.collection import TenantedCollection


def check_tenant(class_name: str, tenant: Any, expected: str | None = None) -> None:
    """The request's tenant fits a store of `class_name` whose tenant is `expected` (None: no multi-tenancy)."""
    if tenant is None or tenant == "":
        if expected is not None:
            raise UserError(f"class {class_name} has multi-tenancy enabled, but request was without tenant")
        return
    if not isinstance(tenant, str):
        raise UserError(f"invalid 'tenant': must be a string, got {type(tenant).__name__}")
    if expected is None:
        raise UserError(f"class {class_name} has multi-tenancy disabled, but request was with tenant")
    if tenant != expected:
        raise UserError(f"invalid 'tenant': {tenant!r} is not the tenant {expected!r} of this request")


def without_tenant(class_name: str) -> UserError:
    return UserError(f"class {class_name} has multi-tenancy enabled, but request was without tenant")


def refuse_unnamed(mt: TenantedCollection, tenant: Any, index: int) -> None:
    """Weaviate adds the tenants of a request's objects for an autoTenantCreation class before it stores any of
    them, so an object without a tenant fails the whole request."""
    if not tenant and mt.settings.get("autoTenantCreation"):
        raise UserError(f"tenant name at index {index}: empty tenant name")


@contextmanager
def tenant_store(mt: TenantedCollection, tenant: Any, *, create: bool = False) -> Iterator[Collection]:
    """The store of `tenant`, leased for the block. create: an insert, which adds an unknown tenant when the
    class has autoTenantCreation; an inactive tenant is activated first when it has autoTenantActivation."""
    if tenant is None or tenant == "":
        raise without_tenant(mt.name)
    if not isinstance(tenant, str):
        raise UserError(f"invalid 'tenant': must be a string, got {type(tenant).__name__}")
    status = mt.status(tenant)
    if status is None:
        if not (create and mt.settings.get("autoTenantCreation")):
            raise UserError(f'tenant not found: "{tenant}"')
        problem = name_problem(tenant)
        if problem is not None:
            raise UserError(f"invalid 'tenant': {problem.strip()}")
        mt.add({tenant: HOT})
    elif status == COLD:
        if not mt.settings.get("autoTenantActivation"):
            raise UserError(f"tenant not active: '{tenant}'")
        mt.activate(tenant)
    with mt.store(tenant) as store:
        yield store
