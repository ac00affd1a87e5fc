"""Certainty/distance conversion, thresholds and nearText vector movements."""

from __future__ import annotations

import numpy as np
import pytest

from vectordb.query import distance as d


@pytest.mark.parametrize("certainty", [0.0, 0.25, 0.5, 0.9, 1.0])
def test_certainty_distance_round_trip(certainty: float) -> None:
    dist = d.certainty_to_distance(certainty)
    assert dist == pytest.approx((1 - certainty) * 2)
    assert d.distance_to_certainty(dist) == pytest.approx(certainty)


def test_certainty_matches_cosine_similarity() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=8), rng.normal(size=8)
    cos = float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))
    assert d.certainty_of(1 - cos, "cosine") == pytest.approx((1 + cos) / 2)


@pytest.mark.parametrize("metric", ["dot", "l2-squared", "manhattan", "hamming"])
def test_certainty_refused_on_other_metrics(metric: str) -> None:
    message = f"can't compute and return certainty when vector index is configured with {metric} distance"
    with pytest.raises(ValueError, match=message):
        d.certainty_of(0.3, metric)
    with pytest.raises(ValueError, match=message):
        d.max_distance({"certainty": 0.8}, "nearVector", metric)


def test_distance_allowed_on_any_metric() -> None:
    assert d.max_distance({"distance": 12.5}, "nearVector", "l2-squared") == 12.5


@pytest.mark.parametrize("operator", ["nearVector", "nearObject", "nearText"])
def test_both_thresholds_conflict(operator: str) -> None:
    with pytest.raises(ValueError, match=f"found 'certainty' and 'distance' set in {operator} which are"):
        d.max_distance({"certainty": 0.7, "distance": 0.2}, operator, "cosine")


def test_threshold_from_certainty_and_none() -> None:
    assert d.max_distance({"certainty": 0.9}, "nearVector", "cosine") == pytest.approx(0.2)
    assert d.max_distance({"vector": [1.0]}, "nearVector", "cosine") is None
    assert d.max_distance(None, "nearVector", "cosine") is None


def test_within_is_an_upper_bound() -> None:
    distances = [0.0, 0.1, 0.2, 0.2000005, 0.25, 1.0, 2.0]
    assert [x for x in distances if d.within(x, 0.2)] == [0.0, 0.1, 0.2, 0.2000005]
    # distance 0 keeps exact matches only; distance 2 keeps every cosine result
    assert [x for x in distances if d.within(x, 0)] == [0.0]
    assert all(d.within(x, 2) for x in distances)
    assert all(d.within(x, None) for x in distances)


def test_certainty_is_a_lower_bound() -> None:
    bound = d.max_distance({"certainty": 0.95}, "nearText", "cosine")
    certainties = [1.0, 0.97, 0.95, 0.94, 0.5]
    kept = [c for c in certainties if d.within(d.certainty_to_distance(c), bound)]
    assert kept == [1.0, 0.97, 0.95]


def test_combine_vectors_is_the_mean() -> None:
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(5, 16)).astype(np.float32)
    np.testing.assert_allclose(d.combine_vectors(list(vectors)), vectors.mean(axis=0), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(d.combine_vectors([[1, 2, 3]]), [1, 2, 3])


def test_combine_vectors_of_unequal_length_averages_per_position() -> None:
    np.testing.assert_allclose(d.combine_vectors([[1, 2, 3], [3, 4]]), [2, 3, 3])


def test_combine_vectors_needs_input() -> None:
    with pytest.raises(ValueError, match="empty"):
        d.combine_vectors([])


def test_move_to_formula() -> None:
    v = np.array([1.0, 0.0, 2.0])
    t = np.array([0.0, 1.0, -2.0])
    for force in (0.0, 0.3, 0.5, 1.0):
        expected = v * (1 - force / 2) + t * (force / 2)
        np.testing.assert_allclose(d.move_to(v, t, force), expected, rtol=1e-6)
    np.testing.assert_allclose(d.move_to(v, t, 1.0), (v + t) / 2)


def test_move_away_formula() -> None:
    v = np.array([1.0, 0.0, 2.0])
    t = np.array([0.0, 1.0, -2.0])
    for force in (0.0, 0.5, 1.0, 3.0):
        expected = v + (force / 2) * (v - t)
        np.testing.assert_allclose(d.move_away(v, t, force), expected, rtol=1e-6)


def test_movement_errors() -> None:
    with pytest.raises(ValueError, match="movement: force must be between 0 and 1: got 1.500000"):
        d.move_to([1, 2], [3, 4], 1.5)
    with pytest.raises(ValueError, match="movement: vector lengths don't match: got 2 and 3"):
        d.move_to([1, 2], [3, 4, 5], 0.5)
    with pytest.raises(ValueError, match=r"movement \(moveAwayFrom\): force must be 0 or positive"):
        d.move_away([1, 2], [3, 4], -0.1)
    with pytest.raises(ValueError, match=r"movement \(moveAwayFrom\): vector lengths don't match"):
        d.move_away([1, 2], [3], 0.5)


def test_movement_target_weighs_concepts_as_one_object() -> None:
    concepts = np.array([4.0, 0.0])
    objects = [np.array([0.0, 2.0]), np.array([2.0, 2.0])]
    np.testing.assert_allclose(d.movement_target(concepts, objects), [2.0, 4 / 3], rtol=1e-6)
    np.testing.assert_allclose(d.movement_target(None, objects), [1.0, 2.0])
    np.testing.assert_allclose(d.movement_target(concepts), concepts)
    with pytest.raises(ValueError, match="concepts or objects"):
        d.movement_target(None, [])
