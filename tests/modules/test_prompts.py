"""Weaviate's prompt rules (modules/kit/prompts.py): interpolation, rendering of non-text values, Go's JSON."""

from __future__ import annotations

import pytest

from modules.kit import prompts


@pytest.mark.parametrize(("value", "verb_v", "json"), [
    (3.0, "3", "3"), (3.5, "3.5", "3.5"), (123456.0, "123456", "123456"), (1e6, "1e+06", "1000000"),
    (1234567.0, "1.234567e+06", "1234567"), (0.0001, "0.0001", "0.0001"), (1e-5, "1e-05", "0.00001"),
    (1e-7, "1e-07", "1e-7"), (1e21, "1e+21", "1e+21"), (-2.5, "-2.5", "-2.5"), (0.0, "0", "0"),
])
def test_floats_print_as_go_prints_them(value: float, verb_v: str, json: str) -> None:
    assert prompts.go_float(value) == verb_v and prompts.go_float(value, json_style=True) == json


def test_go_json_is_compact_sorted_html_escaped_and_keeps_non_ascii() -> None:
    assert prompts.go_json([{"b": "<a&b>", "a": 1.0, "c": "é\u2028"}, None, True]) == (
        '[{"a":1,"b":"\\u003ca\\u0026b\\u003e","c":"é\\u2028"},null,true]')


def test_properties_render_as_weaviate_renders_them() -> None:
    props = prompts.prompt_properties(
        {"t": "text", "n": 7, "f": 2.5, "ok": False, "arr": ["x", "y"], "geo": {"latitude": 1.5, "longitude": 2.0},
         "img": "aW1n", "gone": None},
        {"img": "blob"},
    )
    assert props.text == {"t": "text", "n": "7", "f": "2.5", "ok": "false", "arr": '["x","y"]',
                          "geo": '{"latitude":1.5,"longitude":2}'}
    assert props.blobs == {"img": "aW1n"}


def test_single_prompt_fills_trimmed_names_and_refuses_empty_values() -> None:
    props = prompts.PromptProperties({"title": "Dune", "empty": ""}, {})
    assert prompts.single_prompt("{title} / { title } / {title}", props) == "Dune / Dune / Dune"
    assert prompts.single_prompt("no {braces-with-dash}", props) == "no {braces-with-dash}"
    for missing in ("{empty}", "{nope}"):
        with pytest.raises(prompts.EmptyPropertyError, match="Following property has empty value"):
            prompts.single_prompt(missing, props)


def test_task_prompt_drops_empty_results_and_fills_from_the_first() -> None:
    results = [prompts.PromptProperties({"a": "1"}, {}), prompts.PromptProperties({}, {}),
               prompts.PromptProperties({"a": "2"}, {})]
    assert prompts.task_prompt("Sum {a} and {unknown}", results) == 'Sum 1 and unknown: [{"a":"1"},{"a":"2"}]'


def test_images_are_blob_properties_then_literal_ones() -> None:
    results = [prompts.PromptProperties({}, {"p": "b1", "q": "x"}), prompts.PromptProperties({}, {"p": "b2"})]
    assert prompts.images(results, ["p"], ["lit"]) == ["b1", "b2", "lit"]
