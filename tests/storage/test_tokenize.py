"""Tokenization tables (Weaviate's entities/tokenizer rules) and stopword sets."""

from __future__ import annotations

import pytest

from storage.tokenize import (
    PRESETS,
    Stopwords,
    count_tokens,
    tokenize,
    tokenize_with_wildcards,
)

CASES = [
    # (tokenization, input, expected tokens)
    ("word", "The quick brown fox", ["the", "quick", "brown", "fox"]),
    (
        "word",
        "Hello, World! It's snake_case 2024-01-02",
        ["hello", "world", "it", "s", "snake", "case", "2024", "01", "02"],
    ),
    ("word", "  ", []),
    ("word", "", []),
    ("word", "!!!", []),
    ("word", "Ünïcödé ÜBER straße", ["ünïcödé", "über", "straße"]),
    ("word", "東京タワー is tall", ["東京タワー", "is", "tall"]),
    ("word", "½ price ²", ["½", "price", "²"]),  # category No counts as a number
    ("word", "e\u0301t\u00e9", ["e", "t\u00e9"]),  # a combining mark (Mn) is neither letter nor number
    ("word", "ΟΔΟΣ", ["οδοσ"]),  # Go lowercases rune by rune: no final sigma
    ("word", "İstanbul", ["istanbul"]),  # Go maps U+0130 to a plain i
    ("lowercase", "Hello, World!  FOO-bar", ["hello,", "world!", "foo-bar"]),
    ("lowercase", "", []),
    ("whitespace", "Hello, World!\tFOO-bar\n", ["Hello,", "World!", "FOO-bar"]),
    ("whitespace", "a\u00a0b\u3000c\u2028d", ["a", "b", "c", "d"]),  # Go's unicode.IsSpace set
    ("whitespace", "a\x1cb\u200bc", ["a\x1cb\u200bc"]),  # not spaces for Go (str.split would split \x1c)
    ("field", "  Senior Mechanical Engineer \n", ["Senior Mechanical Engineer"]),
    ("field", "   ", []),
    ("field", "", []),
    ("field", "a  b", ["a  b"]),
    ("trigram", "Hello World", ["hel", "ell", "llo", "low", "owo", "wor", "orl", "rld"]),
    ("trigram", "ab", []),
    ("trigram", "abc", ["abc"]),
    ("trigram", "A-b c!", ["abc"]),
    ("trigram", "Ünï", ["ünï"]),
]


@pytest.mark.parametrize(("tokenization", "text", "expected"), CASES)
def test_tokenize_table(tokenization: str, text: str, expected: list[str]) -> None:
    assert tokenize(text, tokenization) == expected


@pytest.mark.parametrize(
    ("tokenization", "text", "expected"),
    [
        ("word", "New Yo*k?", ["new", "yo*k?"]),
        ("word", "*", ["*"]),
        ("word", "a_b*", ["a", "b*"]),
        ("lowercase", "Foo* B?r", ["foo*", "b?r"]),
        ("whitespace", "Foo* B?r", ["Foo*", "B?r"]),
        ("field", " Foo* B?r ", ["Foo* B?r"]),
        ("trigram", "ab*d", ["ab*", "b*d"]),
    ],
)
def test_tokenize_with_wildcards(tokenization: str, text: str, expected: list[str]) -> None:
    assert tokenize_with_wildcards(text, tokenization) == expected


def test_unknown_and_optional_tokenizations_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown tokenization 'nope'"):
        tokenize("x", "nope")
    with pytest.raises(ValueError, match="'gse' is not available"):
        tokenize("x", "gse")


def test_count_tokens_over_array_elements() -> None:
    assert count_tokens(["the cat", "The hat", ""], "word") == {"the": 2, "cat": 1, "hat": 1}
    assert count_tokens(["a b", "a b"], "field") == {"a b": 2}


def test_english_preset_is_weaviates_list() -> None:
    expected = (
        "a an and are as at be but by for if in into is it no not of on or such that the their then there "
        "these they this to was will with"
    ).split()
    assert PRESETS["en"] == frozenset(expected)
    assert len(PRESETS["en"]) == 33
    assert PRESETS["none"] == frozenset()


def test_stopwords_default_additions_removals() -> None:
    default = Stopwords(None)
    assert default.preset == "en"
    assert default.is_stopword("the") and not default.is_stopword("fox")
    assert default.remove(tokenize("The quick brown fox", "word")) == ["quick", "brown", "fox"]

    custom = Stopwords({"preset": "en", "additions": ["fox"], "removals": ["the"]})
    assert custom.is_stopword("fox") and not custom.is_stopword("the") and custom.is_stopword("a")

    none = Stopwords({"preset": "none", "additions": ["x"]})
    assert not none.is_stopword("the") and none.is_stopword("x")


def test_unknown_stopword_preset_is_refused() -> None:
    with pytest.raises(ValueError, match="preset 'de' is not known"):
        Stopwords({"preset": "de"})
