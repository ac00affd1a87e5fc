"""Like patterns against a reference matcher, including the patterns that made a regex backtrack for minutes."""

from __future__ import annotations

import random

import pytest

from storage.wildcard import compile_like


def reference(pattern: str, text: str) -> bool:
    """Dynamic programming over (pattern prefix, text prefix): obviously right, quadratic, fine for short inputs."""
    row = [True] + [False] * len(text)
    for p in pattern:
        if p == "*":
            new = [row[0]]
            for j in range(1, len(text) + 1):
                new.append(new[j - 1] or row[j])
        else:
            new = [False] + [row[j - 1] and (p == "?" or p == text[j - 1]) for j in range(1, len(text) + 1)]
        row = new
    return row[-1]


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("", "", True),
        ("", "a", False),
        ("*", "", True),
        ("?", "", False),
        ("a*", "abc", True),
        ("*c", "abc", True),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("ab*ab", "ab", False),  # first and last segments may not overlap
        ("ab*ab", "abab", True),
        ("*a?a*", "xaya", True),
        ("*?b?*", "ab", False),
        ("*??*", "é", False),
        ("δ*", "δέλτα", True),
        ("**a**", "a", True),
        ("new*york", "new york", True),
    ],
)
def test_cases(pattern: str, text: str, expected: bool) -> None:
    assert compile_like(pattern)(text) is expected
    assert reference(pattern, text) is expected


def test_agrees_with_reference_on_random_inputs() -> None:
    rng = random.Random(7)
    for _ in range(20000):
        pattern = "".join(rng.choice("ab?*") for _ in range(rng.randint(0, 7)))
        text = "".join(rng.choice("ab") for _ in range(rng.randint(0, 9)))
        assert compile_like(pattern)(text) is reference(pattern, text), (pattern, text)


def test_backtracking_patterns_are_answered() -> None:
    # A regex took minutes here (polynomial in the text length, one power per star), holding the GIL.
    text = "a" * 200_000
    assert compile_like("*a*a*a*a*a*b")(text) is False
    assert compile_like("*a?a*a?a*a?a*b?")(text) is False
    assert compile_like("*a*a*a*a*a*")(text) is True
