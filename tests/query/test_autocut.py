"""Autocut against the cases in Weaviate's own test table (entities/autocut/autocut_test.go)."""

from __future__ import annotations

import pytest

from vectordb.query.autocut import autocut

WEAVIATE_CASES = [
    ([], 1, 0),
    ([2], 1, 1),
    ([2, 1.95, 1.9, 0.2, 0.1, 0.1, -1], 1, 3),
    ([2, 1.95, 1.9, 0.2, 0.1, 0.1, -2], 2, 6),
    ([5, 1, 1, 1, 1, 0, 0], 1, 1),
    ([5, 1, 1, 1, 1, 0, 0], 2, 5),
    ([0.298, 0.260, 0.169, 0.108, 0.108, 0.104, 0.093], 1, 3),
    ([0.5, 0.32, 0.31, 0.30, 0.29, 0.15], 1, 1),
    ([0.5, 0.32, 0.31, 0.30, 0.29, 0.15, 0.15, 0.15], 2, 5),
    ([1.0, 0.98, 0.95, 0.9, 0.88, 0.87, 0.80, 0.79], 1, 3),
    ([1.0, 0.98, 0.95, 0.9, 0.88, 0.87, 0.80, 0.79], 2, 6),
    ([1.0, 0.98, 0.95, 0.9, 0.88, 0.87, 0.80, 0.79], 3, 8),
    ([0.586835, 0.5450372, 0.34137487, 0.30482167, 0.2753393], 1, 2),
    ([0.36663342, 0.33818772, 0.045160502, 0.045160501], 1, 2),
]


@pytest.mark.parametrize(("values", "cut", "expected"), WEAVIATE_CASES)
def test_weaviate_cases(values: list[float], cut: int, expected: int) -> None:
    assert autocut(values, cut) == expected


def test_disabled_keeps_everything() -> None:
    values = [2, 1.95, 1.9, 0.2, 0.1, 0.1, -1]
    assert autocut(values, 0) == len(values)
    assert autocut(values, -1) == len(values)


def test_flat_values_keep_everything() -> None:
    # first == last: normalisation divides by zero, no jump is found
    assert autocut([0.5, 0.5, 0.5, 0.5], 1) == 4


def test_two_values_keep_both() -> None:
    assert autocut([0.1, 0.9], 1) == 2


def test_ascending_distances_cut_at_jump() -> None:
    # distances grow; the big jump after the third result is the first cut
    assert autocut([0.10, 0.11, 0.12, 0.80, 0.81, 0.82], 1) == 3
