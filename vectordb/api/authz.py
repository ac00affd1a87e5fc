"""AUTHORIZATION_ADMINLIST_*: admins may do everything, read-only users may read, everyone else nothing.

Weaviate's adminlist authorizer works on a verb (C, R, U, D) and resource paths; the 403 names both, in its
wording. The verb of a REST call follows from its method, except the POSTs that only read (GraphQL, validate)
and the writes Weaviate checks as updates (batches, references, new properties).
"""

from __future__ import annotations

from collections.abc import Mapping

from vectordb.config import Settings
from vectordb.errors import Forbidden

ANONYMOUS = "anonymous"
READ, CREATE, UPDATE, DELETE = "R", "C", "U", "D"

_BY_METHOD = {"GET": READ, "HEAD": READ, "POST": CREATE, "PUT": UPDATE, "PATCH": UPDATE, "DELETE": DELETE}
# route templates whose verb is not their method's
_READS = {"/v1/graphql", "/v1/graphql/batch", "/v1/objects/validate"}
_UPDATES = {"/v1/batch/objects", "/v1/batch/references", "/v1/schema/{class_name}/properties"}
# open to every authenticated user, as in Weaviate (the clients read it when they connect)
_UNCHECKED = {"/v1/meta"}


def _class(name: str | None) -> str:
    return name[:1].upper() + name[1:] if name else "*"


def objects(class_name: str | None = None, object_id: str | None = None) -> str:
    return f"data/collections/{_class(class_name)}/shards/*/objects/{object_id or '*'}"


def collections_metadata(class_name: str | None = None) -> str:
    return f"schema/collections/{_class(class_name)}/shards/#"


def backups(class_name: str | None = None) -> str:
    return f"backups/collections/{_class(class_name)}"


def permit(settings: Settings, user: str, verb: str, resources: list[str]) -> None:
    """Raise Forbidden (403, Weaviate's message) unless the adminlist lets `user` do `verb`."""
    if not settings.adminlist_enabled or user in settings.adminlist_users:
        return
    if verb == READ and user in settings.adminlist_readonly_users:
        return
    raise Forbidden(f"adminlist: authorization, forbidden action: user '{user}' has insufficient permissions to "
                    f"{verb} [{' '.join(resources)}]")


def rest_access(method: str, route: str, params: Mapping[str, str]) -> tuple[str, list[str]] | None:
    """The verb and resources of a REST call (by its route template), or None for a call anyone may make."""
    if route in _UNCHECKED:
        return None
    method = method.upper()
    verb = _BY_METHOD.get(method, READ)
    if route in _READS:
        verb = READ
    elif (method == "POST" and route in _UPDATES) or "/references/" in route:
        verb = UPDATE
    class_name = params.get("class_name")
    if route.startswith("/v1/objects") or route.startswith("/v1/batch"):
        resources = [objects(class_name, params.get("object_id"))]
    elif route.startswith("/v1/schema"):
        resources = [collections_metadata(class_name)]
        if route.endswith("/tenants") or "/tenants/" in route:
            resources = [f"schema/collections/{_class(class_name)}/shards/*"]
    elif route.startswith("/v1/graphql"):
        resources = [objects(), collections_metadata()]
    elif route.startswith("/v1/nodes"):
        resources = ["nodes/verbosity/minimal"]
    elif route.startswith("/v1/backups"):
        resources = [backups()]
    else:
        resources = ["*"]
    return verb, resources
