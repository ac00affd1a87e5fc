"""The text an object yields for a text2vec module: one test per rule of spec/modules.md section 2."""

from __future__ import annotations

import pytest

from vectordb.vectorize import (
    INVALID_PROPERTIES_MESSAGE,
    camel_split,
    can_yield_text,
    needs_revectorize,
    object_text,
    split_camel_case,
)

M = "text2vec-openai"


def prop(name: str, data_type: str, **module_settings: object) -> dict:
    out: dict = {"name": name, "dataType": [data_type]}
    if module_settings:
        out["moduleConfig"] = {M: dict(module_settings)}
    return out


def text(class_name: str, props: list[dict], values: dict, config: dict | None = None,
         lowercase: bool = False) -> str:
    return object_text(class_name, props, values, M, config if config is not None else {}, lowercase)


NO_CLASS = {"vectorizeClassName": False}


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("", []),
        ("lowercase", ["lowercase"]),
        ("MyClass", ["My", "Class"]),
        ("MyC", ["My", "C"]),
        ("HTML", ["HTML"]),
        ("PDFLoader", ["PDF", "Loader"]),
        ("SimpleXMLParser", ["Simple", "XML", "Parser"]),
        ("vimRPCPlugin", ["vim", "RPC", "Plugin"]),
        ("GL11Version", ["GL", "11", "Version"]),
        ("99Bottles", ["99", "Bottles"]),
        ("BFG9000", ["BFG", "9000"]),
        ("BöseÜberraschung", ["Böse", "Überraschung"]),
        ("Two  spaces", ["Two", "  ", "spaces"]),
        ("snake_case", ["snake", "_", "case"]),
    ],
)
def test_camel_split_matches_fatih_camelcase(word: str, parts: list[str]) -> None:
    assert camel_split(word) == parts


def test_split_camel_case_drops_single_space_parts_but_keeps_the_separator() -> None:
    assert split_camel_case("a b", False) == "a b"
    assert split_camel_case("HTTPServer", True) == "http server"


def test_properties_are_visited_in_byte_order() -> None:
    props = [prop("zeta", "text"), prop("alpha", "text"), prop("Beta", "text"), prop("_under", "text")]
    values = {"zeta": "z", "alpha": "a", "Beta": "B", "_under": "u"}
    # sort.Strings is byte order: upper case before "_" before lower case.
    expected = " ".join(values[name] for name in sorted(values, key=lambda n: n.encode()))
    assert text("Doc", props, values, NO_CLASS) == expected == "B u a z"


def test_text_array_items_are_separate_pieces() -> None:
    props = [prop("tags", "text[]"), prop("title", "text")]
    assert text("Doc", props, {"tags": ["red", "green"], "title": "T"}, NO_CLASS) == "red green T"


def test_skip_leaves_a_property_out() -> None:
    props = [prop("body", "text", skip=True), prop("title", "text", skip=False)]
    assert text("Doc", props, {"body": "secret", "title": "kept"}, NO_CLASS) == "kept"


def test_vectorize_property_name_prefixes_every_piece_with_the_split_name() -> None:
    props = [prop("bookTitle", "text", vectorizePropertyName=True),
             prop("tagList", "text[]", vectorizePropertyName=True)]
    values = {"bookTitle": "Dune", "tagList": ["sf", "classic"]}
    assert text("Doc", props, values, NO_CLASS) == "book Title Dune tag List sf tag List classic"


def test_class_name_comes_first_camel_split_and_defaults_to_on() -> None:
    props = [prop("title", "text")]
    assert text("HTTPServerLog", props, {"title": "boot"}) == "HTTP Server Log boot"
    on = {"vectorizeClassName": True}
    assert text("HTTPServerLog", props, {"title": "boot"}, on) == "HTTP Server Log boot"
    assert text("HTTPServerLog", props, {"title": "boot"}, NO_CLASS) == "boot"


def test_lowercase_flag_lowers_class_names_and_values_otherwise_text_is_sent_as_is() -> None:
    props = [prop("bookTitle", "text", vectorizePropertyName=True)]
    values = {"bookTitle": "Dune MESSIAH"}
    assert text("SciFi", props, values) == "Sci Fi book Title Dune MESSIAH"
    assert text("SciFi", props, values, lowercase=True) == "sci fi book title dune messiah"


def test_non_text_values_are_ignored_without_a_source_list() -> None:
    props = [prop("title", "text"), prop("year", "int"), prop("done", "boolean"), prop("when", "date")]
    values = {"title": "T", "year": 1965, "done": True, "when": "2020-01-02T03:04:05Z"}
    assert text("Doc", props, values, NO_CLASS) == "T"


def test_source_list_picks_exactly_those_properties_ignores_skip_and_takes_non_text_values() -> None:
    props = [
        prop("title", "text", skip=True),
        prop("body", "text"),
        prop("year", "int"),
        prop("price", "number"),
        prop("big", "number"),
        prop("done", "boolean"),
        prop("when", "date"),
        prop("scores", "number[]"),
        prop("flags", "boolean[]"),
        prop("meta", "object"),
        prop("dates", "date[]"),
    ]
    values = {
        "title": "Dune",
        "body": "not listed",
        "year": 1965,
        "price": 9.0,
        "big": 1234567.0,
        "done": True,
        "when": "2020-01-02T03:04:05.123+02:00",
        "scores": [1.5, 2.0],
        "flags": [False, True],
        "meta": {"b": 1.0, "a": "<x>"},
        "dates": ["2020-01-02T03:04:05Z"],
    }
    listed = ["title", "year", "price", "big", "done", "when", "scores", "flags", "meta", "dates"]
    config = {"vectorizeClassName": False, "properties": listed}
    # Byte order: big, dates, done, flags, meta, price, scores, title, when, year. Numbers print as Go's %v,
    # dates as RFC3339 in whole seconds, objects as Go's JSON; date[] is dropped as Weaviate drops it.
    assert text("Doc", props, values, config) == (
        '1.234567e+06 true false true {"a":"\\u003cx\\u003e","b":1} 9 1.5 2 Dune '
        "2020-01-02T03:04:05+02:00 1965"
    )


def test_source_list_with_nothing_collected_does_not_fall_back_to_the_class_name() -> None:
    props = [prop("title", "text")]
    assert text("Doc", props, {}, {"vectorizeClassName": False, "properties": ["title"]}) == ""


def test_fallback_to_the_class_name_when_nothing_is_collected() -> None:
    props = [prop("title", "text", skip=True), prop("year", "int")]
    assert text("BookReview", props, {"title": "x", "year": 3}, NO_CLASS) == "Book Review"
    assert text("BookReview", props, {}, NO_CLASS, lowercase=True) == "book review"


def test_missing_and_null_values_contribute_nothing() -> None:
    props = [prop("a", "text"), prop("b", "text")]
    assert text("Doc", props, {"a": None, "b": "x"}, NO_CLASS) == "x"


def test_properties_missing_from_the_class_definition_are_judged_by_value() -> None:
    assert text("Doc", [], {"note": "hi", "tags": ["a", "b"], "n": 3}, NO_CLASS) == "hi a b"


def test_a_property_missing_from_the_class_is_typed_as_auto_schema_would_create_it() -> None:
    # A date or uuid string becomes a date / uuid property, which is not text: left out without a source list;
    # with one the date comes in RFC3339 (a uuid never does). A list of references is no text either.
    uuid = "6f8b7e1c-3c2a-4d5e-9f00-0123456789ab"
    beacons = [{"beacon": f"weaviate://localhost/Author/{uuid}"}]
    values = {"note": "hi", "when": "2020-01-02T03:04:05.5Z", "other": uuid, "by": beacons}
    assert text("Doc", [], values, NO_CLASS) == "hi"
    listed = {"vectorizeClassName": False, "properties": ["note", "when", "other", "by"]}
    assert text("Doc", [], values, listed) == "hi 2020-01-02T03:04:05Z"


def test_can_yield_text_true_cases() -> None:
    cls = {"class": "Doc", "properties": [prop("title", "text")]}
    assert can_yield_text(cls, M, {"vectorizeClassName": True})
    assert can_yield_text({"class": "Doc", "properties": []}, M, {})  # class name default is on
    assert can_yield_text(cls, M, NO_CLASS)
    assert can_yield_text({"class": "Doc", "properties": [prop("tags", "text[]")]}, M, NO_CLASS)
    numbers = {"class": "Doc", "properties": [prop("year", "int")]}
    assert can_yield_text(numbers, M, {"vectorizeClassName": False, "properties": ["year"]})


@pytest.mark.parametrize(
    ("properties", "config"),
    [
        ([], NO_CLASS),
        ([prop("title", "text", skip=True)], NO_CLASS),
        ([prop("year", "int"), prop("when", "date"), prop("geo", "geoCoordinates")], NO_CLASS),
        ([prop("title", "text")], {"vectorizeClassName": False, "properties": ["other"]}),
        ([prop("picture", "blob")], {"vectorizeClassName": False, "properties": ["picture"]}),
    ],
)
def test_can_yield_text_false_cases(properties: list[dict], config: dict) -> None:
    assert not can_yield_text({"class": "Doc", "properties": properties}, M, config)


def test_refusal_message_says_how_to_fix_it() -> None:
    assert "not excluded from indexing" in INVALID_PROPERTIES_MESSAGE
    assert "vectorizeClassName" in INVALID_PROPERTIES_MESSAGE


def test_needs_revectorize_only_when_the_text_changes() -> None:
    props = [prop("title", "text"), prop("year", "int"), prop("note", "text", skip=True)]
    old = {"title": "Dune", "year": 1965, "note": "a"}
    args = ("Doc", props)
    assert not needs_revectorize(*args, old, {**old, "year": 1966, "note": "b"}, M, {}, False)
    assert needs_revectorize(*args, old, {**old, "title": "Dune Messiah"}, M, {}, False)
    assert needs_revectorize(*args, None, old, M, {}, False)
