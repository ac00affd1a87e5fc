"""/openapi.json and /docs describe every REST route with Weaviate's shapes; bad bodies still get Weaviate's
messages in Weaviate's error shape (the models document, the routes validate)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter

from tests.conftest import Server
from vectordb.api import routes_backups, routes_batch, routes_meta, routes_objects, routes_schema
from vectordb.api.app import create_app
from vectordb.api.graphql.router import router as graphql_router
from vectordb.api.models.batch import BatchDeleteResponse, BatchReferenceResponse, ObjectsGetResponse
from vectordb.api.models.common import ErrorResponse, LinksResponse
from vectordb.api.models.graphql import GraphQLResponse
from vectordb.api.models.meta import Meta, NodesStatusResponse
from vectordb.api.models.objects import Object, ObjectsListResponse
from vectordb.api.models.schema import Class, Property, Schema, ShardStatus

ROUTERS: list[APIRouter] = [routes_meta.open_router, routes_meta.router, routes_schema.router,
                            routes_objects.router, routes_batch.router, graphql_router, routes_backups.router]
UUID1 = "00000000-0000-0000-0000-000000000001"
UUID2 = "00000000-0000-0000-0000-000000000002"


def described(model: Any, data: Any) -> None:
    """`data` fits the model, and the model names every field in it (extras are allowed in requests only)."""
    value = TypeAdapter(model).validate_python(data)
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, BaseModel):
            assert not item.model_extra, f"{type(item).__name__} does not describe {sorted(item.model_extra)}"
            stack.extend(getattr(item, name) for name in type(item).model_fields)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(v for v in item.values() if isinstance(v, BaseModel | list))


def _resolve(spec: dict, schema: dict) -> dict:
    ref = schema.get("$ref") or (schema.get("items") or {}).get("$ref")
    assert ref, schema
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_every_rest_route_is_documented_with_models(http):
    spec = http.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    routes = {(r.path, m) for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)
              and r.include_in_schema for m in r.methods}
    assert routes - documented == set()
    assert len(routes) >= 39
    with_body = 0
    for (path, method) in routes:
        op = spec["paths"][path][method.lower()]
        if "requestBody" in op:
            with_body += 1
            _resolve(spec, op["requestBody"]["content"]["application/json"]["schema"])
        for status, answer in op["responses"].items():
            if int(status) >= 400 and "content" in answer:
                assert answer["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorResponse"}, (path, method, status)
    assert with_body == 22  # every route that reads a body says which
    assert spec["paths"]["/v1/schema"]["post"]["tags"] == ["schema"]
    assert spec["paths"]["/v1/batch/objects"]["post"]["tags"] == ["batch"]
    for name in ("Class", "Property", "Object", "BatchDelete", "BatchReference", "Schema", "Meta",
                 "NodesStatusResponse", "ErrorResponse", "WhereFilter", "SingleRef"):
        assert name in spec["components"]["schemas"]
    assert "HTTPValidationError" not in str(spec)  # FastAPI's {"detail": ...} shape is never answered
    error = spec["components"]["schemas"]["ErrorResponse"]
    assert error["required"] == ["error"]
    cls = spec["components"]["schemas"]["Class"]["properties"]
    assert cls["class"]["pattern"] == "^[A-Z][_0-9A-Za-z]{0,254}$"
    # named vectors: only valid names (a fuzzer reads this and stops sending names the server must refuse)
    assert cls["vectorConfig"]["additionalProperties"] is False
    assert list(cls["vectorConfig"]["patternProperties"]) == ["^[_A-Za-z][_0-9A-Za-z]{0,229}$"]


def test_docs_page_is_served(http):
    page = http.get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text


def test_docs_need_no_key(tmp_path):
    import httpx

    from tests.conftest import make_settings
    from vectordb.database import Database

    db = Database(make_settings(tmp_path / "d", AUTHENTICATION_APIKEY_ENABLED="true",
                                AUTHENTICATION_APIKEY_ALLOWED_KEYS="k", AUTHENTICATION_APIKEY_USERS="u"))
    try:
        with Server(create_app(db)) as srv:
            assert httpx.get(f"{srv.url}/openapi.json").status_code == 200
            assert httpx.get(f"{srv.url}/v1/schema").status_code == 401
    finally:
        db.close()


def test_the_models_describe_the_real_answers(http):
    cls = {"class": "Article", "vectorizer": "none", "properties": [
        {"name": "title", "dataType": ["text"]},
        {"name": "meta", "dataType": ["object"], "nestedProperties": [{"name": "n", "dataType": ["int"]}]},
        {"name": "cites", "dataType": ["Article"]}]}
    created = http.post("/v1/schema", json=cls)
    assert created.status_code == 200
    described(Class, created.json())
    described(Schema, http.get("/v1/schema").json())
    described(Class, http.get("/v1/schema/Article").json())
    described(Property, http.post("/v1/schema/Article/properties", json={"name": "n", "dataType": ["int"]}).json())
    described(list[ShardStatus], http.get("/v1/schema/Article/shards").json())
    obj = {"class": "Article", "id": UUID1, "properties": {"title": "a", "meta": {"n": 1}}, "vector": [1.0, 0.0]}
    described(Object, http.post("/v1/objects", json=obj).json())
    batch = http.post("/v1/batch/objects", json={"objects": [{"class": "Article", "id": UUID2, "vector": [0, 1]},
                                                              {"class": "Article", "vector": [1]}]})
    described(list[ObjectsGetResponse], batch.json())
    assert [o["result"]["status"] for o in batch.json()] == ["SUCCESS", "FAILED"]
    described(Object, http.get(f"/v1/objects/Article/{UUID1}", params={"include": "vector"}).json())
    described(ObjectsListResponse, http.get("/v1/objects", params={"class": "Article"}).json())
    refs = [{"from": f"weaviate://localhost/Article/{UUID1}/cites", "to": f"weaviate://localhost/Article/{UUID2}"}]
    described(list[BatchReferenceResponse], http.post("/v1/batch/references", json=refs).json())
    described(Meta, http.get("/v1/meta").json())
    described(NodesStatusResponse, http.get("/v1/nodes", params={"output": "verbose"}).json())
    described(LinksResponse, http.get("/v1").json())
    described(GraphQLResponse, http.post("/v1/graphql", json={"query": "{ Get { Article { title } } }"}).json())
    described(GraphQLResponse, http.post("/v1/graphql", json={"query": "{ Get { Article { nope } } }"}).json())
    deleted = http.request("DELETE", "/v1/batch/objects", json={
        "match": {"class": "Article", "where": {"path": ["id"], "operator": "Equal", "valueText": UUID2}},
        "output": "verbose", "dryRun": True})
    described(BatchDeleteResponse, deleted.json())
    described(ErrorResponse, http.get("/v1/schema/Article/shards/x").json())


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/schema", b"{not json"),
    ("/v1/schema", b'{"class": 5}'),
    ("/v1/objects", b"[1, 2]"),
    ("/v1/batch/objects", b'{"objects": "x"}'),
    ("/v1/graphql", b'{"query": 1}'),
])
def test_malformed_bodies_keep_weaviates_error_shape(http, path, body):
    resp = http.post(path, content=body, headers={"Content-Type": "application/json"})
    assert resp.status_code in (400, 422)
    answer = resp.json()
    assert set(answer) == {"error"} and answer["error"][0]["message"]


def test_a_declared_parameter_fastapi_refuses_is_answered_in_weaviates_shape(db):
    import httpx

    app = create_app(db)

    @app.get("/probe")
    async def probe(n: int) -> dict:
        return {"n": n}

    with Server(app) as srv:
        resp = httpx.get(f"{srv.url}/probe", params={"n": "x"})
    assert resp.status_code == 422
    message = resp.json()["error"][0]["message"]
    assert message.startswith("invalid param 'n':") and "detail" not in resp.json()
