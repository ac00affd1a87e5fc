"""Values of properties the schema does not list are rendered with the type auto-schema would give them."""

from __future__ import annotations

import pytest
from google.protobuf import json_format, struct_pb2

from vectordb.api.grpc import values
from vectordb.api.grpc.pb import batch_pb2, properties_pb2
from vectordb.errors import UserError

UUID = "6f8b7e1c-3c2a-4d5e-9f00-0123456789ab"


def rendered(raw: dict, schema_props: list) -> properties_pb2.Properties:
    out = properties_pb2.Properties()
    values.fill_properties(out, raw, values.property_types(schema_props))
    return out


def test_an_unlisted_property_is_rendered_with_its_auto_schema_type() -> None:
    out = rendered(
        {
            "when": "2020-01-02T03:04:05Z",
            "other": UUID,
            "n": 3,
            "tags": ["a", UUID],
            "where": {"latitude": 52.5, "longitude": 13.4},
            "by": [{"beacon": f"weaviate://localhost/Author/{UUID}"}],
        },
        [],
    )
    fields = out.fields
    assert fields["when"].WhichOneof("kind") == "date_value"
    assert fields["other"].WhichOneof("kind") == "uuid_value"
    assert fields["n"].number_value == 3.0
    assert list(fields["tags"].list_value.text_values.values) == ["a", UUID]
    assert fields["where"].geo_value.latitude == 52.5
    assert "by" not in fields  # a reference, left out of the properties like a listed one


def test_inside_an_object_a_geo_shaped_value_stays_an_object() -> None:
    out = rendered({"meta": {"spot": {"latitude": 1.0, "longitude": 2.0}}},
                   [{"name": "meta", "dataType": ["object"], "nestedProperties": []}])
    spot = out.fields["meta"].object_value.fields["spot"]
    assert spot.WhichOneof("kind") == "object_value"
    assert spot.object_value.fields["latitude"].number_value == 1.0


def test_batch_properties_read_the_struct_as_its_json() -> None:
    raw = {"title": "t", "n": 3.0, "ok": True, "none": None, "tags": ["a", 1.5, False, None],
           "meta": {"inner": {"deep": ["x"]}, "e": []}}
    message = batch_pb2.BatchObject.Properties()
    message.non_ref_properties.CopyFrom(json_format.ParseDict(raw, struct_pb2.Struct()))
    assert values.batch_properties(message, []) == json_format.MessageToDict(message.non_ref_properties) == raw


def test_a_non_finite_number_is_the_objects_own_error() -> None:
    message = batch_pb2.BatchObject.Properties()
    message.non_ref_properties.fields["x"].number_value = float("nan")
    with pytest.raises(UserError, match="NaN or infinity"):
        values.batch_properties(message, [])
