"""The `weaviate.v1.Weaviate` servicer: authorize, translate, call Database, render. No query logic here."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import grpc

from vectordb.api import authz
from vectordb.api.deps import authorize
from vectordb.api.grpc import aggregate, batch, search
from vectordb.api.grpc.errors import ShuttingDown, status_of
from vectordb.api.grpc.pb import search_get_pb2, tenants_pb2, weaviate_pb2_grpc
from vectordb.api.grpc.reply import ReplyBuilder
from vectordb.cluster import consistency
from vectordb.database import Database
from vectordb.errors import UserError

Handler = Callable[[Database, Any, Mapping[str, str]], Any]
# weaviate.v1.ConsistencyLevel: 0 is unspecified (the default level)
_CONSISTENCY = {1: "ONE", 2: "QUORUM", 3: "ALL"}


def module_headers(metadata: Mapping[str, str]) -> dict[str, str]:
    """Metadata that carries module secrets and settings (x-openai-api-key, ...), as REST's X- headers do."""
    return {k: v for k, v in metadata.items() if k.startswith("x-") and isinstance(v, str)}


def run_search(db: Database, request: search_get_pb2.SearchRequest, headers: Mapping[str, str]
               ) -> search_get_pb2.SearchReply:
    started = time.perf_counter()

    def lookup(name: str) -> Mapping[str, Any]:
        return db.class_def(name)

    query = search.search_request(request, lookup, headers)
    results = db.search(query)
    builder = ReplyBuilder(request, lookup, lambda cls, uid, vec: _fetch(db, cls, uid, vec, query.tenant))
    return builder.reply(results, started, grouped=query.group_by is not None)


def _fetch(db: Database, class_name: str | None, object_id: str, with_vector: bool, tenant: str | None
           ) -> dict[str, Any] | None:
    """A referenced object; in a multi-tenant class, in the query's tenant."""
    tenant = tenant if class_name and db.is_multi_tenant(class_name) else None
    try:
        return db.get_object(class_name, object_id, include_vector=with_vector, tenant=tenant)
    except UserError:  # the target collection is gone
        return None


def tenants_get(db: Database, request: tenants_pb2.TenantsGetRequest, headers: Mapping[str, str]
                ) -> tenants_pb2.TenantsGetReply:
    del headers
    started = time.perf_counter()
    if request.HasField("names") and not request.names.values:
        raise UserError("must specify at least one tenant name")
    names = list(request.names.values) if request.HasField("names") else None
    reply = tenants_pb2.TenantsGetReply()
    for tenant in db.tenants(request.collection, names):
        reply.tenants.append(tenants_pb2.Tenant(
            name=tenant["name"], activity_status=tenants_pb2.TenantActivityStatus.Value(
                f"TENANT_ACTIVITY_STATUS_{tenant['activityStatus']}")))
    reply.took = time.perf_counter() - started
    return reply


def _resources(request: Any) -> list[str]:
    """What a call touches, for the adminlist's message: its collection, or each collection of a batch."""
    if hasattr(request, "objects") and not hasattr(request, "collection"):
        names = sorted({obj.collection for obj in request.objects}) or [""]
        return [authz.objects(name) for name in names]
    return [authz.objects(getattr(request, "collection", ""))]


class WeaviateService(weaviate_pb2_grpc.WeaviateServicer):
    def __init__(self, db: Database) -> None:
        self.db = db

    def _call(self, handler: Handler, request: Any, context: grpc.ServicerContext, verb: str = authz.READ) -> Any:
        metadata = {key.lower(): value for key, value in context.invocation_metadata()}
        # gRPC's worker threads are reused: the level is set for this call and put back after it.
        level = consistency.requested.set(_CONSISTENCY.get(getattr(request, "consistency_level", 0)))
        try:
            if not self.db.ready:
                raise ShuttingDown()
            user = authorize(self.db.settings, metadata.get("authorization", ""))
            if self.db.settings.adminlist_enabled:
                authz.permit(self.db.settings, user, verb, _resources(request))
            return handler(self.db, request, module_headers(metadata))
        except Exception as exc:
            code, message = status_of(exc)
            context.abort(code, message)
        finally:
            consistency.requested.reset(level)

    def Search(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802 (the RPC's name)
        return self._call(run_search, request, context)

    def BatchObjects(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        return self._call(batch.batch_objects, request, context, authz.UPDATE)

    def BatchDelete(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        return self._call(batch.batch_delete, request, context, authz.DELETE)

    def Aggregate(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        return self._call(aggregate.aggregate, request, context)

    def TenantsGet(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        return self._call(tenants_get, request, context)
