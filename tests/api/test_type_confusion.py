"""Type-confused input at every REST route and GraphQL argument: a 4xx in Weaviate's shape, never a 5xx, and the
keep-alive connection survives (the next request goes over the same socket)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import msgpack
import pytest

from tests.conftest import Server, make_settings
from vectordb.api.app import create_app
from vectordb.database import Database

ID = "00000000-0000-0000-0000-000000000001"
ID2 = "00000000-0000-0000-0000-000000000002"
CONFUSED = [None, [None, None], {"a": {}}, -1, 2**70, 1.5, True, "x"]

CLASS = {"class": "Thing", "vectorizer": "none", "description": "d",
         "properties": [{"name": "title", "dataType": ["text"], "tokenization": "word", "indexFilterable": True},
                        {"name": "obj", "dataType": ["object"],
                         "nestedProperties": [{"name": "a", "dataType": ["int"]}]},
                        {"name": "rel", "dataType": ["Thing"]}],
         "vectorIndexConfig": {"distance": "cosine", "ef": 10},
         "invertedIndexConfig": {"bm25": {"k1": 1.2, "b": 0.75}, "stopwords": {"preset": "en", "additions": ["x"]}},
         "multiTenancyConfig": {"enabled": False}, "replicationConfig": {"factor": 1}}
OBJ = {"class": "Thing", "id": ID2, "properties": {"title": "hi", "obj": {"a": 1}}, "vector": [1.0, 0.0]}
WHERE = {"operator": "And", "operands": [{"path": ["title"], "operator": "Equal", "valueText": "hi"}]}
REF = {"beacon": f"weaviate://localhost/Thing/{ID}"}
BATCH_REF = {"from": f"weaviate://localhost/Thing/{ID}/rel", "to": f"weaviate://localhost/Thing/{ID}"}
GQL = {"query": "{Get{Thing{title}}}", "variables": {}, "operationName": None}

ROUTES = [
    ("POST", "/v1/schema", CLASS),
    ("PUT", "/v1/schema/Thing", CLASS),
    ("POST", "/v1/schema/Thing/properties", {"name": "extra", "dataType": ["text"], "tokenization": "word"}),
    ("POST", "/v1/objects", OBJ),
    ("POST", "/v1/objects/validate", OBJ),
    ("PUT", f"/v1/objects/Thing/{ID}", OBJ),
    ("PATCH", f"/v1/objects/Thing/{ID}", OBJ),
    ("PATCH", f"/v1/objects/{ID}", OBJ),
    ("POST", "/v1/batch/objects", {"objects": [OBJ]}),
    ("DELETE", "/v1/batch/objects", {"match": {"class": "Thing", "where": WHERE}, "output": "verbose",
                                     "dryRun": True}),
    ("POST", "/v1/batch/references", [BATCH_REF]),
    ("POST", f"/v1/objects/Thing/{ID}/references/rel", REF),
    ("PUT", f"/v1/objects/Thing/{ID}/references/rel", [REF]),
    ("DELETE", f"/v1/objects/Thing/{ID}/references/rel", REF),
    ("POST", "/v1/graphql", GQL),
    ("POST", "/v1/graphql/batch", [GQL]),
]

QUERIES = [
    "/v1/objects?limit=x", "/v1/objects?limit=-1", "/v1/objects?limit=99999999999999999999", "/v1/objects?offset=-5",
    "/v1/objects?class=Thing&after=zzz", "/v1/objects?sort=title&order=up", "/v1/objects?sort=nope",
    "/v1/objects?class=%00", "/v1/objects?tenant=%FF", "/v1/objects?limit=1e3", f"/v1/objects/Thing/{ID}?include=x",
    "/v1/nodes?output=weird", "/v1/nodes/lower", "/v1/schema/Thing/shards?x=1", f"/v1/objects/Thing/{'x' * 40}",
    "/v1/objects/%FF/1", "/v1/schema/%00", f"/v1/objects/{ID}/references/%FF", f"/v1/objects/Nope/{ID}",
]

# Each Get/Aggregate argument given a value of the wrong kind, or a right kind the core must refuse.
GRAPHQL_ARGUMENTS = [
    "limit: -1", "limit: 2147483648", "offset: -1", "after: \"zzz\"",
    "where: {operator: And, operands: []}", "where: {operator: Equal, path: [], valueText: \"x\"}",
    "where: {operator: Equal, path: [\"nope\"], valueInt: 1}", "where: {operator: Like, path: [\"title\"]}",
    "where: {operator: Equal, path: [\"rel\", \"Thing\", \"title\"], valueText: \"x\"}",
    "where: {operator: WithinGeoRange, path: [\"title\"], valueGeoRange: {geoCoordinates: {latitude: 1, "
    "longitude: 1}, distance: {max: -1}}}",
    "nearVector: {vector: []}", "nearVector: {vector: [1, 2, 3]}", "nearObject: {id: \"x\"}",
    "nearText: {concepts: [\"a\"]}", "bm25: {query: \"x\", properties: [\"nope^x\"]}",
    "hybrid: {query: \"x\", alpha: 5}", "hybrid: {query: \"x\", vector: [1, 2, 3]}",
    "hybrid: {query: \"x\", fusionType: nope}",
    "sort: [{path: []}]", "sort: [{path: [\"nope\"]}]", "groupBy: {path: [\"nope\"], groups: -1, objectsPerGroup: 0}",
    "tenant: \"t\"", "nearVector: {vector: [1, 0]}, bm25: {query: \"x\"}",
]
AGGREGATE_ARGUMENTS = [
    "groupBy: [\"nope\"]", "nearVector: {vector: [1, 2, 3]}", "where: {operator: Or}",
    "hybrid: {query: \"x\", alpha: -1}", "tenant: \"t\"",
]
# Odd, but answered as Weaviate answers them (no error): only no fault is asked of these.
ODD_BUT_VALID = [
    "Get{Thing(autocut: -1){title}}", "Get{Thing(nearVector: {vector: [1, 0], distance: -5}){title}}",
    "Get{Thing(nearVector: {vector: [1, 0], certainty: 7}){title}}", "Get{Thing(bm25: {query: \"\"}){title}}",
    "Aggregate{Thing(objectLimit: -1){meta{count}}}", "Aggregate{Thing(limit: -1){meta{count}}}",
]


def field_paths(body: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    children = body.items() if isinstance(body, dict) else enumerate(body) if isinstance(body, list) else ()
    for key, child in children:
        yield from field_paths(child, (*prefix, key))


def replaced(body: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    out = copy.deepcopy(body)
    cursor = out
    for key in path[:-1]:
        cursor = cursor[key]
    cursor[path[-1]] = value
    return out


class Client:
    """One keep-alive connection; every answer is checked, and the socket must stay the same."""

    def __init__(self, url: str, **headers: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30, headers=headers)
        self.port: int | None = None
        self.failures: list[str] = []

    def send(self, method: str, path: str, what: str, **kw: Any) -> httpx.Response | None:
        try:
            resp = self.http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            self.failures.append(f"{method} {path} {what}: {exc!r}")
            self.port = None
            return None
        port = resp.extensions["network_stream"].get_extra_info("socket").getsockname()[1]
        if self.port is not None and port != self.port:
            self.failures.append(f"{method} {path} {what}: the connection was dropped before this request")
        self.port = port
        if resp.status_code >= 500:
            self.failures.append(f"{method} {path} {what}: {resp.status_code} {resp.text[:200]}")
        elif resp.status_code >= 400 and method != "HEAD" and resp.content:
            body = resp.json()
            if not (isinstance(body, dict) and isinstance(body.get("error"), list) and body["error"][0]["message"]):
                self.failures.append(f"{method} {path} {what}: not Weaviate's error shape: {resp.text[:200]}")
        elif path.startswith("/v1/graphql") and resp.status_code == 200:
            answers = resp.json() if isinstance(resp.json(), list) else [resp.json()]
            for answer in answers:
                for error in answer.get("errors") or []:
                    if error["message"].startswith("internal error"):
                        self.failures.append(f"{method} {path} {what}: {error['message']}")
        return resp


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Database]]:
    db = Database(make_settings(tmp_path_factory.mktemp("confused") / "data"))
    with Server(create_app(db)) as server:
        yield server.url, db
    db.close()


def reset(client: Client) -> None:
    client.send("DELETE", "/v1/schema/Thing", "reset")
    client.send("POST", "/v1/schema", "reset", json=CLASS)
    client.send("POST", "/v1/objects", "reset", json={"class": "Thing", "id": ID, "properties": {"title": "hi"},
                                                      "vector": [1, 0]})


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_confused_bodies(served, method: str, path: str, body: Any) -> None:
    client = Client(served[0])
    reset(client)
    for field in field_paths(body):
        for value in CONFUSED:
            sent = json.dumps(replaced(body, field, value))
            resp = client.send(method, path, f"{'.'.join(map(str, field)) or 'body'}={value!r}", content=sent,
                               headers={"content-type": "application/json"})
            if resp is not None and resp.status_code < 300 and "/schema" in path:
                reset(client)
    assert client.failures == []


MSGPACK_BODIES = [
    {1: "a"}, {"objects": [{1: 2}]}, {"objects": [{"class": "Thing", "properties": {"title": b"x"}}]},
    {"objects": [{"class": msgpack.ExtType(5, b"xx")}]},
    {"objects": [{"class": "Thing", "properties": {"title": msgpack.Timestamp(1, 0)}}]},
    {"objects": [{"class": "Thing", "id": b"\xff", "properties": {}}]}, msgpack.ExtType(1, b""), b"raw",
    {"class": [None, None]},
]
RAW_BODIES = [b"\xff\xfe", b"[" * 100_000, b'{"a":' * 5000, b"1e400", b"123456789012345678901234567890",
              b'"\\ud800"', b"null", b"true", b"[]", b"{}"]


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in ROUTES], ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_confused_msgpack_and_raw_bodies(served, method: str, path: str) -> None:
    client = Client(served[0])
    reset(client)
    for payload in MSGPACK_BODIES:
        client.send(method, path, f"msgpack {payload!r}", content=msgpack.packb(payload, use_bin_type=True),
                    headers={"content-type": "application/msgpack"})
    for raw in RAW_BODIES:
        client.send(method, path, f"raw {raw[:20]!r}", content=raw, headers={"content-type": "application/json"})
    assert client.failures == []


def test_msgpack_refusals_name_the_field(served) -> None:
    client = Client(served[0])
    reset(client)
    named_fields = ("body.objects.0", "body.objects.0.properties.title", "body.objects.0.class")
    bytes_property = {"objects": [{"class": "Thing", "properties": {"vector": b"\0" * 8}}]}
    cases = [*zip(MSGPACK_BODIES[1:4], named_fields, strict=True), (bytes_property, "body.objects.0.properties.vector")]
    for payload, named in cases:
        resp = client.send("POST", "/v1/batch/objects", "msgpack", content=msgpack.packb(payload, use_bin_type=True),
                           headers={"content-type": "application/msgpack"})
        assert resp is not None and resp.status_code == 422 and named in resp.json()["error"][0]["message"]
    assert client.failures == []


def test_query_strings_and_paths(served) -> None:
    client = Client(served[0])
    reset(client)
    for target in QUERIES:
        for method in ("GET", "HEAD", "DELETE"):
            client.send(method, target, "query")
    assert client.failures == []


def test_graphql_arguments(served) -> None:
    client = Client(served[0])
    reset(client)
    for argument in GRAPHQL_ARGUMENTS:
        query = f"{{Get{{Thing({argument}){{title _additional{{id distance score}}}}}}}}"
        resp = client.send("POST", "/v1/graphql", argument, json={"query": query})
        assert resp is not None and resp.json().get("errors"), (argument, resp.json())
        assert "badly formed" not in resp.json()["errors"][0]["message"], argument  # Python's text, not ours
    for argument in AGGREGATE_ARGUMENTS:
        query = f"{{Aggregate{{Thing({argument}){{meta{{count}} title{{count}}}}}}}}"
        resp = client.send("POST", "/v1/graphql", argument, json={"query": query})
        assert resp is not None and resp.json().get("errors"), (argument, resp.json())
    for query in ODD_BUT_VALID:
        client.send("POST", "/v1/graphql", query, json={"query": f"{{{query}}}"})
    for variables in ([1], "x", {"n": {"a": 1}}):
        client.send("POST", "/v1/graphql", f"variables={variables!r}",
                    json={"query": "query($n: Int){Get{Thing(limit: $n){title}}}", "variables": variables})
    assert client.failures == []


def test_patch_with_a_list_as_class_keeps_the_connection(served) -> None:
    client = Client(served[0])
    reset(client)
    resp = client.send("PATCH", f"/v1/objects/{ID}", "class", json={"class": [None, None]})
    assert resp is not None and resp.status_code == 422
    assert resp.json()["error"][0]["message"] == 'class in body must be of type string: "array"'
    resp = client.send("POST", "/v1/objects/validate", "properties", json={"class": "Thing", "properties": [1]})
    assert resp is not None and resp.status_code == 422 and "properties" in resp.json()["error"][0]["message"]
    assert client.send("GET", "/v1/.well-known/live", "after") is not None
    assert client.failures == []


def test_non_ascii_bearer_token(tmp_path) -> None:
    db = Database(make_settings(tmp_path / "data", AUTHENTICATION_APIKEY_ENABLED="true",
                                AUTHENTICATION_APIKEY_ALLOWED_KEYS="sécret-key", AUTHENTICATION_APIKEY_USERS="me"))
    try:
        with Server(create_app(db)) as server:
            for token, status in ((b"\xe9", 401), (b"\xc3\xa9", 401), (b"\x01", 401), (b"key with spaces", 401),
                                  ("sécret-key".encode("latin-1"), 200)):
                client = Client(server.url)
                resp = client.send("GET", "/v1/meta", f"token {token!r}", headers={"authorization": b"Bearer " + token})
                assert resp is not None and resp.status_code == status, token
                assert client.send("GET", "/v1/.well-known/live", "after") is not None
                assert client.failures == []
    finally:
        db.close()


def test_an_unexpected_fault_is_a_500_without_its_text_and_keeps_the_connection(served) -> None:
    url, db = served
    client = Client(url)
    original = db.meta

    def broken() -> dict:
        raise RuntimeError("secret internals /srv/data/xyz")

    db.meta = broken
    try:
        resp = client.http.get("/v1/meta")
    finally:
        db.meta = original
    assert resp.status_code == 500
    message = resp.json()["error"][0]["message"]
    assert message.startswith("internal error") and "secret internals" not in message and "RuntimeError" not in message
    port = resp.extensions["network_stream"].get_extra_info("socket").getsockname()[1]
    after = client.http.get("/v1/.well-known/live")
    assert after.extensions["network_stream"].get_extra_info("socket").getsockname()[1] == port
