"""Objects nest at most MAX_NESTING_DEPTH levels, in a value and in a schema: deeper input is a 422 naming the
property, never a RecursionError, and a schema at the limit still renders for everyone."""

from __future__ import annotations

import httpx
import pytest

from tests.core._schema_fakes import FakeCatalog, settings
from vectordb.errors import UserError
from vectordb.schema import MAX_NESTING_DEPTH, normalize_class, update_class, validate_properties

DEEPEST = 5000  # far beyond the interpreter's recursion limit


def nested_value(levels: int, leaf: object = "x") -> dict:
    """{"a": {"a": ... {"leaf": leaf}}} with `levels` objects in all."""
    value: dict = {"leaf": leaf}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def nested_schema(levels: int) -> dict:
    """A property definition whose objects nest `levels` deep (the innermost holds one text)."""
    prop: dict = {"name": "leaf", "dataType": ["text"]}
    for i in range(levels):
        prop = {"name": "p" if i == levels - 1 else "a", "dataType": ["object"], "nestedProperties": [prop]}
    return prop


def thing(**body: object) -> dict:
    return normalize_class({"class": "Thing", **body}, modules=FakeCatalog(), settings=settings())


def refused(fn, *args, fragment: str, **kwargs) -> None:
    with pytest.raises(UserError) as info:
        fn(*args, **kwargs)
    assert info.value.status == 422
    assert fragment in info.value.message, info.value.message


LIMIT_MESSAGE = f"nests objects deeper than {MAX_NESTING_DEPTH} levels"


def test_auto_schema_takes_values_up_to_the_limit_and_names_the_property_beyond():
    out, added = validate_properties(thing(), {"p": nested_value(MAX_NESTING_DEPTH)}, autoschema=True)
    assert out["p"] == nested_value(MAX_NESTING_DEPTH) and added[0]["name"] == "p"
    for levels in (MAX_NESTING_DEPTH + 1, DEEPEST):
        refused(validate_properties, thing(), {"p": nested_value(levels)}, autoschema=True,
                fragment=f"invalid object: property 'p' {LIMIT_MESSAGE}")


@pytest.mark.parametrize("value", [
    nested_value(DEEPEST),
    [nested_value(DEEPEST)],
    nested_value(DEEPEST, leaf=[[1]]),
])
def test_too_deep_values_are_refused_whatever_the_property_type(value):
    deep_list: list = [1]
    for _ in range(DEEPEST):
        deep_list = [deep_list]
    text = thing(properties=[{"name": "t", "dataType": ["text"]}])
    for props in ({"t": value}, {"t": deep_list}):
        refused(validate_properties, text, props, autoschema=False, fragment=f"property 't' {LIMIT_MESSAGE}")


def test_schemas_nest_up_to_the_limit():
    created = thing(properties=[nested_schema(MAX_NESTING_DEPTH)])
    assert created["properties"][0]["name"] == "p"
    for levels in (MAX_NESTING_DEPTH + 1, DEEPEST):
        refused(thing, properties=[nested_schema(levels)], fragment=f"property 'p' {LIMIT_MESSAGE}")


def test_free_form_settings_are_bounded_too():
    refused(thing, moduleConfig={"generative-openai": nested_value(DEEPEST)},
            fragment=f"class 'Thing': moduleConfig {LIMIT_MESSAGE}")
    refused(update_class, thing(), {"class": "Thing", "vectorIndexConfig": nested_value(DEEPEST)},
            fragment=f"class 'Thing': vectorIndexConfig {LIMIT_MESSAGE}")


def test_embedded_insert_of_a_deep_object_is_a_422(db):
    for body in ({"class": "Deep", "properties": {"p": nested_value(1000)}},
                 {"class": "Deep", "id": nested_value(1000)}):
        with pytest.raises(UserError) as info:
            db.insert_object(body)
        assert info.value.status == 422


def test_over_http_deep_objects_are_refused_and_the_schema_still_renders(http: httpx.Client):
    assert http.post("/v1/objects", json={"class": "Ok", "properties": {"p": nested_value(MAX_NESTING_DEPTH)}}
                     ).status_code == 200
    resp = http.post("/v1/objects", json={"class": "Ok", "properties": {"q": nested_value(MAX_NESTING_DEPTH + 1)}})
    assert resp.status_code == 422 and f"property 'q' {LIMIT_MESSAGE}" in resp.json()["error"][0]["message"]
    deep = '{"a":' * 130 + "1" + "}" * 130
    batch = http.post("/v1/batch/objects", headers={"content-type": "application/json"},
                      content='{"objects":[{"class":"Ok","properties":{"r":' + deep + "}}]}")
    assert batch.status_code == 200, batch.text
    assert LIMIT_MESSAGE in batch.json()[0]["result"]["errors"]["error"][0]["message"]
    schema = http.get("/v1/schema")
    assert schema.status_code == 200
    assert [p["name"] for p in schema.json()["classes"][0]["properties"]] == ["p"]
    gql = http.post("/v1/graphql", json={"query": "{Get{Ok{_additional{id}}}}"})
    assert gql.status_code == 200 and len(gql.json()["data"]["Get"]["Ok"]) == 1


def test_the_readme_states_the_limit():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"Objects nest at most {MAX_NESTING_DEPTH} levels deep" in readme
