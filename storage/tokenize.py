"""Text tokenization and stopwords, matching Weaviate's tokenizer rule for rule.

The same functions tokenize values when they are indexed and filter or query text when it is searched, so a
value and a query for it always agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

WORD = "word"
LOWERCASE = "lowercase"
WHITESPACE = "whitespace"
FIELD = "field"
TRIGRAM = "trigram"
TOKENIZATIONS = (WORD, LOWERCASE, WHITESPACE, FIELD, TRIGRAM)
# Segmenters for Chinese, Japanese and Korean need dictionaries this project does not ship.
OPTIONAL_TOKENIZATIONS = ("gse", "gse_ch", "kagome_ja", "kagome_kr")

# A run of Unicode letters and numbers; Python's \w is exactly "letter, number or underscore" and the
# underscore is a separator for Weaviate.
_ALNUM_RUN = re.compile(r"[^\W_]+")
# Like _ALNUM_RUN, but keeps the Like wildcards inside tokens.
_ALNUM_WILDCARD_RUN = re.compile(r"(?:[^\W_]|[?*])+")
# The exact set Go's unicode.IsSpace accepts; str.split() would also split on \x1c-\x1f.
_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_NON_SPACE_RUN = re.compile(f"[^{_SPACE}]+")
_TRIM = re.compile(f"^[{_SPACE}]+|[{_SPACE}]+$")


def _lower(text: str) -> str:
    """Lowercase rune by rune as Go does.

    Python's lower() turns U+0130 into two code points and applies the Greek final-sigma rule; Go maps
    each rune on its own, so those two cases are mapped first.
    """
    if text.isascii():
        return text.lower()
    return text.replace("\u0130", "i").replace("\u03a3", "\u03c3").lower()


def _trigrams(joined: str) -> list[str]:
    return [joined[i : i + 3] for i in range(len(joined) - 2)]


def tokenize(text: str, tokenization: str) -> list[str]:
    """Split text into index tokens the way the property's tokenization says. Empty tokens are dropped."""
    # Lowercasing maps letters to letters and leaves separators alone, so it can precede the split.
    if tokenization == WORD:
        return _ALNUM_RUN.findall(_lower(text))
    if tokenization == LOWERCASE:
        return _NON_SPACE_RUN.findall(_lower(text))
    if tokenization == WHITESPACE:
        return _NON_SPACE_RUN.findall(text)
    if tokenization == FIELD:
        trimmed = _TRIM.sub("", text)
        return [trimmed] if trimmed else []
    if tokenization == TRIGRAM:
        return _trigrams(_lower("".join(_ALNUM_RUN.findall(text))))
    raise ValueError(_unknown(tokenization))


def tokenize_with_wildcards(text: str, tokenization: str) -> list[str]:
    """Tokenize a Like pattern: `?` and `*` stay inside tokens instead of splitting them."""
    if tokenization == WORD:
        return [_lower(t) for t in _ALNUM_WILDCARD_RUN.findall(text)]
    if tokenization == TRIGRAM:
        return _trigrams("".join(_lower(t) for t in _ALNUM_WILDCARD_RUN.findall(text)))
    return tokenize(text, tokenization)


def count_tokens(texts: Iterable[str], tokenization: str) -> dict[str, int]:
    """Token -> occurrences over all texts (a text[] value is tokenized element by element)."""
    counts: dict[str, int] = {}
    for text in texts:
        for token in tokenize(text, tokenization):
            counts[token] = counts.get(token, 0) + 1
    return counts


def _unknown(tokenization: str) -> str:
    if tokenization in OPTIONAL_TOKENIZATIONS:
        return (
            f"tokenization {tokenization!r} is not available in this server; "
            f"use one of {', '.join(TOKENIZATIONS)}"
        )
    return f"unknown tokenization {tokenization!r}; use one of {', '.join(TOKENIZATIONS)}"


EN_PRESET = "en"
NO_PRESET = "none"
# Weaviate's English preset (adapters/repos/db/inverted/stopwords/presets.go).
PRESETS: dict[str, frozenset[str]] = {
    EN_PRESET: frozenset(
        (
            "a an and are as at be but by for if in into is it no not of on or such that the their then "
            "there these they this to was will with"
        ).split()
    ),
    NO_PRESET: frozenset(),
}


class Stopwords:
    """The stopword set of a collection: a preset, plus additions, minus removals.

    `config` is invertedIndexConfig.stopwords ({"preset", "additions", "removals"}); a missing preset means
    the default "en".
    """

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        preset = config.get("preset") or EN_PRESET
        if preset not in PRESETS:
            raise ValueError(
                f"invertedIndexConfig.stopwords.preset {preset!r} is not known; "
                f"use one of {', '.join(PRESETS)}"
            )
        words = set(PRESETS[preset])
        words.update(config.get("additions") or ())
        words.difference_update(config.get("removals") or ())
        self.preset = preset
        self.words = frozenset(words)

    @classmethod
    def named(cls, name: str, user_presets: Mapping[str, Iterable[str]] | None = None) -> Stopwords | None:
        """A preset by name as a property's textAnalyzer.stopwordPreset names it: the collection's own
        invertedIndexConfig.stopwordPresets first (a user-defined "en" replaces the built-in), then the
        built-in presets; None when neither has it."""
        words = (user_presets or {}).get(name)
        if words is None and name not in PRESETS:
            return None
        found = cls({"preset": name if words is None else NO_PRESET})
        if words is not None:
            found.preset, found.words = name, frozenset(words)
        return found

    def is_stopword(self, token: str) -> bool:
        return token in self.words

    def remove(self, tokens: Iterable[str]) -> list[str]:
        return [t for t in tokens if t not in self.words]
