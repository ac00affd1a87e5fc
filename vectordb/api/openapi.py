"""/openapi.json and /docs: every REST route described with the models of vectordb/api/models.

Routes read their bodies themselves (JSON or msgpack, Weaviate's messages), so a body model is documented through
`openapi_extra` rather than as a FastAPI body parameter, which would validate it FastAPI's way.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Response
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, TypeAdapter

from vectordb import __version__
from vectordb.api.models.common import ErrorResponse

REF = "#/components/schemas/{model}"
_SCHEMAS: dict[str, dict[str, Any]] = {}  # every model named by some route, filled as the routes are declared

_ERRORS = {
    400: "the request is malformed (a parameter or body that cannot be read)",
    401: "API keys are on and the request has no valid `Authorization: Bearer <key>`",
    403: "AUTHORIZATION_ADMINLIST_* does not let the user do this",
    404: "no such collection or object",
    413: "the body is larger than VECTORDB_MAX_REQUEST_BODY_BYTES",
    422: "the body or a parameter is invalid; the message names the field at fault",
    500: "an error of the server or of a module's provider",
}
DEFAULT_ERRORS = (401, 422, 500)
BODY_ERRORS = (400, 401, 413, 422, 500)


def schema_of(annotation: Any) -> dict[str, Any]:
    """The JSON schema of a model (as a reference to its component) or of a list of models."""
    schema = TypeAdapter(annotation).json_schema(ref_template=REF)
    _SCHEMAS.update(schema.pop("$defs", {}))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        _SCHEMAS[annotation.__name__] = schema
        return {"$ref": REF.format(model=annotation.__name__)}
    return schema


def _json(annotation: Any) -> dict[str, Any]:
    return {"application/json": {"schema": schema_of(annotation)}}


def doc(
    *,
    body: Any = None,
    ok: Any = None,
    status: int = 200,
    ok_text: str = "done",
    errors: tuple[int, ...] = DEFAULT_ERRORS,
    parameters: list[dict[str, Any]] | None = None,
    body_text: str | None = None,
    empty: dict[int, str] | None = None,
) -> dict[str, Any]:
    """Keyword arguments for a route decorator: its request body, its answer, its error answers, and `empty`:
    other answers without a body (a 404 of a GET, a 503 of ready)."""
    responses: dict[int | str, dict[str, Any]] = {status: {"description": ok_text}}
    if ok is not None:
        responses[status]["content"] = _json(ok)
    for code in errors:
        responses[code] = {"description": _ERRORS[code], "content": _json(ErrorResponse)}
    for code, text in (empty or {}).items():
        responses[code] = {"description": text}
    extra: dict[str, Any] = {}
    if body is not None:
        extra["requestBody"] = {"required": True, "content": _json(body)}
        if body_text:
            extra["requestBody"]["description"] = body_text
    if parameters:
        extra["parameters"] = parameters
    # an answer without a model has no body: a plain Response class keeps FastAPI from documenting a JSON one
    no_body = {} if ok is not None else {"response_class": Response}
    return {"status_code": status, "responses": responses, "openapi_extra": extra or None, **no_body}


def query_parameter(name: str, description: str, **schema: Any) -> dict[str, Any]:
    """A query parameter a route reads from `request.query_params` itself (`class` is a Python keyword)."""
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string", **schema}}


def _weaviate_422s(schema: dict[str, Any]) -> None:
    """FastAPI documents its own 422 shape for routes with parameters; the error handlers answer Weaviate's."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if "HTTPValidationError" in str(operation.get("responses", {}).get("422")):
                operation["responses"]["422"] = {"description": _ERRORS[422], "content": _json(ErrorResponse)}
    for name in ("HTTPValidationError", "ValidationError"):
        schema["components"]["schemas"].pop(name, None)


def install_openapi(app: FastAPI) -> None:
    """Serve /openapi.json (built once, at its first request) and /docs."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title="vectordb",
                version=__version__,
                summary="Weaviate's REST API (/v1), served by vectordb",
                description="Bodies are JSON; `POST /v1/batch/objects` also takes msgpack "
                            "(`Content-Type: application/msgpack`). Errors are `{\"error\": [{\"message\": ...}]}`.",
                routes=app.routes,
            )
            components = schema.setdefault("components", {})
            components.setdefault("schemas", {}).update(_SCHEMAS)
            _weaviate_422s(schema)
            components["securitySchemes"] = {"apiKey": {"type": "http", "scheme": "bearer",
                                                        "description": "AUTHENTICATION_APIKEY_ALLOWED_KEYS"}}
            # optional: the key is needed only when API keys are on and anonymous access is off
            schema["security"] = [{}, {"apiKey": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
