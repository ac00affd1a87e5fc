"""Object property values: every data type valid and invalid, stored forms, references, null handling."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.core._schema_fakes import FakeCatalog, settings
from vectordb.errors import UserError
from vectordb.schema import normalize_class, parse_beacon, parse_date, parse_uuid, validate_properties

UUID = "6f8b7e1c-3c2a-4d5e-9f00-0123456789ab"
OTHER = "00000000-0000-4000-8000-000000000001"


def article(*props: dict, **body: object) -> dict:
    return normalize_class(
        {"class": "Article", "properties": list(props), **body}, modules=FakeCatalog(), settings=settings()
    )


def one(dtype: str | list[str], value: object, **prop: object) -> object:
    types = dtype if isinstance(dtype, list) else [dtype]
    cls = article({"name": "p", "dataType": types, **prop})
    out, added = validate_properties(cls, {"p": value}, autoschema=False)
    assert added == []
    return out["p"]


def bad(dtype: str | list[str], value: object, *fragments: str, **prop: object) -> str:
    with pytest.raises(UserError) as info:
        one(dtype, value, **prop)
    assert info.value.status == 422
    assert info.value.message.startswith("invalid object: ")
    for fragment in fragments:
        assert fragment in info.value.message, info.value.message
    return info.value.message


# ---------------------------------------------------------------- scalars


def test_text():
    assert one("text", "hello") == "hello"
    assert one("text", "") == ""
    message = bad("text", 1.5)
    assert (
        message == "invalid object: invalid text property 'p' on class 'Article': not a string, but float64"
    )
    bad("text", ["a"], "not a string, but []interface {}")
    bad("text", {"a": 1}, "not a string, but map[string]interface {}")
    bad("text", True, "not a string, but bool")


def test_int():
    assert one("int", 3) == 3
    value = one("int", 3.0)
    assert value == 3 and isinstance(value, int)
    assert one("int", -(2**63)) == -(2**63)
    bad(
        "int",
        3.5,
        "invalid integer property 'p' on class 'Article'",
        "requires an integer, the given value is '3.5'",
    )
    bad("int", True, "requires an integer, the given value is 'true'")
    bad("int", "3", "requires an integer")
    bad("int", 2**63, "could not be converted to an int")
    bad("int", float("inf"), "requires an integer")


def test_number():
    value = one("number", 3)
    assert value == 3.0 and isinstance(value, float)
    assert one("number", -0.25) == -0.25
    bad("number", False, "invalid number property 'p'", "requires a float, the given value is 'false'")
    bad("number", "1.5", "requires a float")
    bad("number", float("nan"), "finite")


def test_boolean():
    assert one("boolean", False) is False
    bad("boolean", 1, "invalid boolean property 'p'", "not a bool, but float64")
    bad("boolean", "true", "not a bool, but string")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"),
        ("2024-01-02t03:04:05z", "2024-01-02T03:04:05Z"),
        ("2024-01-02T03:04:05+02:00", "2024-01-02T03:04:05+02:00"),
        ("2024-01-02T03:04:05-07:30", "2024-01-02T03:04:05-07:30"),
        ("2024-01-02T03:04:05+00:00", "2024-01-02T03:04:05Z"),
        ("2024-01-02T03:04:05.500Z", "2024-01-02T03:04:05.5Z"),
        ("2024-01-02T03:04:05.000Z", "2024-01-02T03:04:05Z"),
        ("2024-01-02T03:04:05.123456789+01:00", "2024-01-02T03:04:05.123456789+01:00"),
        ("0999-12-31T23:59:59Z", "0999-12-31T23:59:59Z"),
        ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
    ],
)
def test_dates_are_stored_in_canonical_rfc3339(given, stored):
    assert one("date", given) == stored


@pytest.mark.parametrize(
    "given",
    [
        "2024-01-02",
        "2024-01-02T03:04:05",
        "2024-01-02 03:04:05Z",
        "2024-13-02T03:04:05Z",
        "2023-02-29T00:00:00Z",
        "2024-01-02T25:04:05Z",
        "2024-01-02T03:04:05+24:00",
        "yesterday",
        1704164645,
    ],
)
def test_invalid_dates_are_refused(given):
    bad("date", given, "invalid date property 'p'", "requires a string with a RFC3339 formatted date")


def test_parse_date_gives_an_aware_datetime():
    assert parse_date("2024-01-02T03:04:05.25+02:00") == datetime(
        2024, 1, 2, 3, 4, 5, 250000, tzinfo=timezone(timedelta(hours=2))
    )
    assert parse_date("2024-01-02T01:04:05.25Z") == datetime(2024, 1, 2, 1, 4, 5, 250000, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_date("2024-01-02")


@pytest.mark.parametrize(
    "given",
    [
        UUID,
        UUID.upper(),
        "{" + UUID + "}",
        "urn:uuid:" + UUID,
        UUID.replace("-", ""),
        "URN:UUID:" + UUID.upper(),
    ],
)
def test_uuids_are_stored_canonical(given):
    assert one("uuid", given) == UUID
    assert parse_uuid(given) == UUID


@pytest.mark.parametrize(
    "given", ["not-a-uuid", UUID[:-1], UUID + "0", UUID.replace("-", "_"), 5, UUID[:8] + "x" + UUID[9:]]
)
def test_invalid_uuids_are_refused(given):
    bad("uuid", given, "invalid uuid property 'p'", "requires a string of UUID format")


def test_geo_coordinates():
    assert one("geoCoordinates", {"latitude": 52.37, "longitude": 4}) == {"latitude": 52.37, "longitude": 4.0}
    assert one("geoCoordinates", {"latitude": -90, "longitude": 180}) == {
        "latitude": -90.0,
        "longitude": 180.0,
    }
    bad(
        "geoCoordinates",
        {"latitude": 91, "longitude": 0},
        "invalid geoCoordinates property 'p'",
        "latitude",
        "-90 and 90",
    )
    bad("geoCoordinates", {"latitude": 0, "longitude": -181}, "longitude", "-180 and 180")
    bad("geoCoordinates", {"latitude": 0}, "missing required field 'longitude'")
    bad("geoCoordinates", {"longitude": 0}, "missing required field 'latitude'")
    bad("geoCoordinates", {"latitude": "1", "longitude": 0}, "invalid latitude: must be a number")
    bad("geoCoordinates", [1, 2], "geoCoordinates must be a map")


def test_phone_numbers_are_parsed():
    assert one("phoneNumber", {"input": "+31 20 123 4567"}) == {
        "input": "+31 20 123 4567",
        "internationalFormatted": "+31 20 123 4567",
        "countryCode": 31,
        "national": 201234567,
        "nationalFormatted": "020 123 4567",
        "valid": True,
    }
    national = one("phoneNumber", {"input": "020 1234 5678", "defaultCountry": "gb"})
    assert national["countryCode"] == 44 and national["defaultCountry"] == "GB"
    assert national["internationalFormatted"] == "+44 20 1234 5678" and national["valid"] is True
    # A client echoing back a stored phone number re-parses only input and defaultCountry.
    assert one("phoneNumber", national) == national
    assert one("phoneNumber", {"input": "+1 555 0100"})["valid"] is False


def test_invalid_phone_numbers_are_refused():
    bad(
        "phoneNumber",
        {"input": "020 1234 5678"},
        "invalid phoneNumber property 'p'",
        "defaultCountry",
        "ISO 3166-1",
    )
    bad("phoneNumber", {"input": "hello"}, "invalid phone number")
    bad("phoneNumber", {"defaultCountry": "NL"}, "missing required field 'input'")
    bad("phoneNumber", {"input": 5}, "phoneNumber.input must be a string")
    bad("phoneNumber", {"input": "+31 20 123 4567", "defaultCountry": 31}, "defaultCountry must be a string")
    bad("phoneNumber", "+31 20 123 4567", "phoneNumber must be a map")


def test_blob():
    data = base64.b64encode(b"\x00\x01binary\xff").decode()
    assert one("blob", data) == data
    for value in ["not base64!", "abc", "", "ab=c", "YQ==YQ=="]:
        bad("blob", value, "invalid blob property 'p'", "not a valid blob base64 string")
    bad("blob", 5, "not a blob base64 string, but float64")


@pytest.mark.parametrize(
    ("dtype", "given", "stored"),
    [
        ("text[]", ["a", "b"], ["a", "b"]),
        ("text[]", [], []),
        ("int[]", [1, 2.0], [1, 2]),
        ("number[]", [1, 2.5], [1.0, 2.5]),
        ("boolean[]", [True, False], [True, False]),
        ("date[]", ["2024-01-02T03:04:05.10Z"], ["2024-01-02T03:04:05.1Z"]),
        ("uuid[]", [UUID.upper()], [UUID]),
    ],
)
def test_arrays(dtype, given, stored):
    assert one(dtype, given) == stored


@pytest.mark.parametrize(
    ("dtype", "given", "fragments"),
    [
        ("text[]", "a", ["invalid text array property 'p'", "not a text array, but string"]),
        ("text[]", ["a", 1], ["invalid text array value '1'", "not a string"]),
        ("text[]", ["a", None], ["invalid text array value '<nil>'"]),
        ("int[]", [1, 1.5], ["invalid integer array property", "invalid integer array value '1.5'"]),
        ("number[]", [1, "x"], ["invalid number array value 'x'"]),
        ("boolean[]", [1], ["invalid boolean array value '1'"]),
        ("date[]", ["2024"], ["invalid date array value '2024'"]),
        ("uuid[]", ["x"], ["invalid uuid array value 'x'"]),
    ],
)
def test_invalid_arrays_are_refused(dtype, given, fragments):
    bad(dtype, given, *fragments)


# ---------------------------------------------------------------- objects


NESTED = [
    {"name": "city", "dataType": ["text"]},
    {"name": "zip", "dataType": ["int"]},
    {"name": "geo", "dataType": ["object"], "nestedProperties": [{"name": "when", "dataType": ["date"]}]},
]


def test_objects_are_validated_against_their_nested_properties():
    value = {"city": "Utrecht", "zip": 3511.0, "geo": {"when": "2024-01-02T03:04:05+00:00"}, "skipped": None}
    with pytest.raises(UserError, match="unknown property 'p.skipped'"):
        one("object", value, nestedProperties=NESTED)
    del value["skipped"]
    value["zip"] = None
    assert one("object", value, nestedProperties=NESTED) == {
        "city": "Utrecht",
        "geo": {"when": "2024-01-02T03:04:05Z"},
    }
    assert one("object[]", [{"zip": 1}, {"city": "x"}], nestedProperties=NESTED) == [
        {"zip": 1},
        {"city": "x"},
    ]


@pytest.mark.parametrize(
    ("dtype", "value", "fragments"),
    [
        ("object", "x", ["invalid object property 'p' on class 'Article'", "object must be a map"]),
        ("object", {"zip": 1.5}, ["property 'p.zip': requires an integer"]),
        (
            "object",
            {"geo": {"when": "x"}},
            ["property 'p.geo': property 'p.geo.when': requires a string with a RFC3339"],
        ),
        ("object", {"town": "x"}, ["unknown property 'p.town'"]),
        ("object[]", {"zip": 1}, ["invalid object[] property 'p'", "not an object array"]),
        ("object[]", [{"zip": 1}, {"zip": "x"}], ["invalid object '1' in array", "property 'p.zip'"]),
    ],
)
def test_invalid_objects_are_refused(dtype, value, fragments):
    bad(dtype, value, *fragments, nestedProperties=NESTED)


# ---------------------------------------------------------------- references


def test_references_are_stored_with_class_and_href():
    assert one(["Author"], [{"beacon": f"weaviate://localhost/Author/{UUID}"}]) == [
        {"beacon": f"weaviate://localhost/Author/{UUID}", "href": f"/v1/objects/Author/{UUID}"}
    ]
    # Without a class the single target class is filled in; href from a client is accepted and replaced.
    assert one(["Author"], [{"beacon": f"weaviate://localhost/{UUID.upper()}", "href": "x"}]) == [
        {"beacon": f"weaviate://localhost/Author/{UUID}", "href": f"/v1/objects/Author/{UUID}"}
    ]
    # With several target classes a class-less beacon stays class-less (the caller resolves it).
    assert one(
        ["Author", "Editor"],
        [{"beacon": f"weaviate://localhost/{UUID}"}, {"beacon": f"weaviate://localhost/editor/{OTHER}"}],
    ) == [
        {"beacon": f"weaviate://localhost/{UUID}", "href": f"/v1/objects/{UUID}"},
        {"beacon": f"weaviate://localhost/Editor/{OTHER}", "href": f"/v1/objects/Editor/{OTHER}"},
    ]
    assert one(["Author"], []) == []


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        ({"beacon": f"weaviate://localhost/Author/{UUID}"}, ["reference must be an array, but got a map"]),
        ("x", ["invalid ref type. Needs to be []map, got string"]),
        (["x"], ["should be a list of maps"]),
        ([{"href": "/v1/objects/x"}], ["'beacon' is missing"]),
        (
            [{"beacon": f"weaviate://localhost/Author/{UUID}", "extra": 1}],
            ["requires exactly 1 argument: 'beacon'"],
        ),
        ([{"beacon": 5}], ["beacon property is not a string"]),
        ([{"beacon": "http://localhost/Author/x"}], ["is not a valid beacon"]),
        ([{"beacon": "weaviate://localhost/Author/not-a-uuid"}], ["does not end in a valid UUID"]),
        ([{"beacon": f"weaviate://peer2/Author/{UUID}"}], ["only local references"]),
        (
            [{"beacon": f"weaviate://localhost/Book/{UUID}"}],
            ["points to class 'Book'", "references 'Author'"],
        ),
    ],
)
def test_invalid_references_are_refused(value, fragments):
    bad(["Author"], value, "invalid object: ", *fragments)


def test_parse_beacon():
    assert parse_beacon(f"weaviate://localhost/author/{UUID}") == ("Author", UUID)
    assert parse_beacon(f"weaviate://localhost/{UUID}") == (None, UUID)
    with pytest.raises(ValueError):
        parse_beacon(f"weaviate://localhost/A/B/{UUID}")


# ---------------------------------------------------------------- the object as a whole


def test_nulls_are_dropped_and_names_match_with_any_first_letter_case():
    cls = article({"name": "title", "dataType": ["text"]}, {"name": "count", "dataType": ["int"]})
    out, added = validate_properties(cls, {"Title": "x", "count": None, "gone": None}, autoschema=False)
    assert out == {"title": "x"} and added == []
    assert validate_properties(cls, None, autoschema=False) == ({}, [])
    assert validate_properties(cls, {}, autoschema=True) == ({}, [])


def test_unknown_property_without_auto_schema_uses_weaviates_message():
    cls = article({"name": "title", "dataType": ["text"]})
    with pytest.raises(UserError) as info:
        validate_properties(cls, {"title": "x", "Author": "y"}, autoschema=False)
    assert info.value.message == (
        "invalid object: no such prop with name 'author' found in class 'Article' in the schema. "
        "Check your schema files for which properties in this class are available"
    )


def test_properties_must_be_an_object():
    with pytest.raises(UserError, match="could not recognize object's properties"):
        validate_properties(article(), ["x"], autoschema=True)


def test_the_input_is_not_modified():
    cls = article({"name": "o", "dataType": ["object"], "nestedProperties": NESTED})
    value = {"o": {"zip": 2.0, "city": None}}
    validate_properties(cls, value, autoschema=False)
    assert value == {"o": {"zip": 2.0, "city": None}}
