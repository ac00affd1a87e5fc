"""How one text property turns text into tokens: ASCII folding (textAnalyzer.asciiFold, less the characters of
asciiFoldIgnore), then its tokenization; queries also drop its stopwords (textAnalyzer.stopwordPreset, or else
the collection's invertedIndexConfig.stopwords), under word tokenization.

Folding maps a letter to its ASCII base: accents and other combining marks go (é -> e), and the letters that
carry no separable mark are mapped by a table (ł -> l, ß -> ss, æ -> ae), as Weaviate's tokenizer does.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from storage.tokenize import WORD, Stopwords, count_tokens, tokenize, tokenize_with_wildcards

# Letters that Unicode decomposition leaves whole, and their ASCII spelling (Weaviate's fold table).
_LETTERS = {
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T",
    "ɨ": "i", "Ɨ": "I", "ƀ": "b", "Ƀ": "B", "ɇ": "e", "Ɇ": "E", "ɉ": "j", "Ɉ": "J", "ɍ": "r", "Ɍ": "R",
    "ɏ": "y", "Ɏ": "Y", "ⱥ": "a", "Ⱥ": "A", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ĳ": "ij", "Ĳ": "IJ",
    "ß": "ss", "ẞ": "SS", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i", "İ": "I", "ĸ": "k", "ŉ": "n",
    "ſ": "s", "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
    "ɓ": "b", "ƈ": "c", "ɗ": "d", "ƒ": "f", "ɠ": "g", "ɦ": "h", "ƙ": "k", "ɱ": "m", "ɲ": "n", "ƞ": "n",
    "ƥ": "p", "ʠ": "q", "ɽ": "r", "ʂ": "s", "ƭ": "t", "ʋ": "v", "ⱳ": "w", "ƴ": "y", "ʐ": "z",
    "Ɓ": "B", "Ƈ": "C", "Ɗ": "D", "Ƒ": "F", "Ɠ": "G", "Ƙ": "K", "Ɲ": "N", "Ƥ": "P", "Ƭ": "T", "Ʋ": "V",
    "Ƴ": "Y", "Ȥ": "Z",
}  # fmt: skip


def fold_ascii(text: str, keep: frozenset[str] = frozenset()) -> str:
    """text with each character folded to ASCII, except those in `keep` (single NFC characters, either case)."""
    if text.isascii():
        return text
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in keep or char.isascii():
            out.append(char)
        elif char in _LETTERS:
            out.append(_LETTERS[char])
        else:
            out.append("".join(c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn"))
    return "".join(out)


def ignore_set(chars: Iterable[str]) -> frozenset[str]:
    """The characters asciiFoldIgnore keeps, in both cases (Weaviate keeps É when é is listed)."""
    out: set[str] = set()
    for char in chars:
        char = unicodedata.normalize("NFC", char)
        out.update((char, char.lower(), char.upper()))
    return frozenset(c for c in out if len(c) == 1)


@dataclass(frozen=True)
class Analyzer:
    tokenization: str = WORD
    fold: bool = False
    keep: frozenset[str] = frozenset()
    stopwords: Stopwords = field(default_factory=Stopwords)

    def prepare(self, text: str) -> str:
        return fold_ascii(text, self.keep) if self.fold else text

    def tokens(self, text: str) -> list[str]:
        """The tokens a stored value is indexed under."""
        return tokenize(self.prepare(text), self.tokenization)

    def counts(self, texts: Iterable[str]) -> dict[str, int]:
        return count_tokens((self.prepare(t) for t in texts), self.tokenization)

    def pattern_tokens(self, pattern: str) -> list[str]:
        return tokenize_with_wildcards(self.prepare(pattern), self.tokenization)

    def query_tokens(self, text: str) -> list[str]:
        """The tokens a filter value or keyword query looks up: stopwords drop out under word tokenization."""
        tokens = self.tokens(text)
        return self.stopwords.remove(tokens) if self.tokenization == WORD else tokens


def property_stopwords(prop: Mapping[str, Any], inverted_config: Mapping[str, Any] | None) -> Stopwords:
    """The stopwords of one property: its textAnalyzer.stopwordPreset (which replaces the collection's
    stopwords, additions and removals included), or else the collection's."""
    config = inverted_config or {}
    preset = (prop.get("textAnalyzer") or {}).get("stopwordPreset")
    named = Stopwords.named(preset, config.get("stopwordPresets")) if preset else None
    return named if named is not None else Stopwords(config.get("stopwords"))


def analyzer_for(prop: Mapping[str, Any], inverted_config: Mapping[str, Any] | None) -> Analyzer:
    """The analyzer of a (top-level or nested) property of a collection with this invertedIndexConfig."""
    text_analyzer = prop.get("textAnalyzer") or {}
    return Analyzer(
        tokenization=prop.get("tokenization") or WORD,
        fold=bool(text_analyzer.get("asciiFold")),
        keep=ignore_set(text_analyzer.get("asciiFoldIgnore") or ()),
        stopwords=property_stopwords(prop, inverted_config),
    )
