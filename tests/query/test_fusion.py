"""Hybrid fusion: Weaviate's own fusion test table, hand-computed examples, explainScore strings."""

from __future__ import annotations

import numpy as np
import pytest

from vectordb.query.fusion import (
    KEYWORD,
    dense_name,
    format_go_float,
    fuse,
    hybrid_sets,
    ranked_fusion,
    relative_score_fusion,
)

# (weights, raw scores per set, expected fused scores, expected order of doc ids) from Weaviate's
# usecases/traverser/hybrid/fusion_test.go; doc j of each set has id j and the raw score as ranking value.
WEAVIATE_RELATIVE = [
    ([0.5, 0.5], [[1, 2, 3], [0, 1, 2]], [1, 0.5, 0], [2, 1, 0]),
    ([0.5, 0.5], [[0, 2, 0.1], [0, 0.2, 2]], [0.55, 0.525, 0], [1, 2, 0]),
    ([0.75, 0.25], [[0.5, 0.5, 0], [0, 0.01, 0.001]], [1, 0.75, 0.025], [1, 0, 2]),
    ([0.75, 0.25], [[], []], [], []),
    ([0.75, 0.25], [[1], []], [0.75], [0]),
    ([0.75, 0.25], [[], [1]], [0.25], [0]),
    ([0.75, 0.25], [[1, 2], []], [0.75, 0], [1, 0]),
    ([0.75, 0.25], [[], [1, 2]], [0.25, 0], [1, 0]),
    ([0.75, 0.25], [[1, 1], [1, 2]], [1, 0.75], [1, 0]),
    ([1], [[1, 2, 3]], [1, 0.5, 0], [2, 1, 0]),
    ([0.75, 0.25], [[1, 2, 3, 4], [1, 2, 3]], [0.75, 0.75, 0.375, 0], [3, 2, 1, 0]),
    ([0.75, 0.25, 0.1], [[1, 2, 3, 4], [1, 2, 3], [4, 5]], [0.75, 0.75, 0.475, 0], [3, 2, 1, 0]),
]


@pytest.mark.parametrize(("weights", "inputs", "scores", "order"), WEAVIATE_RELATIVE)
def test_relative_score_weaviate_table(weights, inputs, scores, order) -> None:
    sets = [
        ([(str(j), value) for j, value in enumerate(values)], weight, f"set{i}")
        for i, (values, weight) in enumerate(zip(inputs, weights, strict=True))
    ]
    fused = relative_score_fusion(sets)
    assert [key for key, _, _ in fused] == [str(j) for j in order]
    assert [score for _, score, _ in fused] == pytest.approx(scores, abs=1e-4)


def test_relative_score_explain_matches_weaviate() -> None:
    sets = [([("1", 0.5), ("2", 0.1)], 0.5, "keyword"), ([("1", 2), ("2", 1)], 0.5, "nearest")]
    # set names not starting with "vector" rank by the raw value, which is what Weaviate's unit test feeds
    fused = relative_score_fusion(sets)
    first = fused[0]
    assert first[0] == "1"
    assert "(Result Set keyword) Document 1: original score 0.5, normalized score: 0.5" in first[2]
    assert "(Result Set nearest) Document 1: original score 2, normalized score: 0.5" in first[2]


def test_relative_two_perfect_matches_score_one_and_non_match_zero() -> None:
    # both searches agree: a and b are perfect hits (distance 0, top bm25 score), c matches neither
    dense = [("a", 0.0), ("b", 0.0), ("c", 0.9)]
    sparse = [("a", 2.5, ""), ("b", 2.5, ""), ("c", 0.1, "")]
    fused = relative_score_fusion(hybrid_sets(dense, sparse, alpha=0.5))
    scores = {key: score for key, score, _ in fused}
    assert scores == {"a": pytest.approx(1.0), "b": pytest.approx(1.0), "c": pytest.approx(0.0)}
    assert [key for key, _, _ in fused] == ["a", "b", "c"]  # equal scores and values: id ascending


def _reference_relative(dense, sparse, alpha):
    """Straight min-max fusion in float64: dense ranks by 1 - distance, sparse by its score."""
    out: dict[str, float] = {}
    for hits, weight, convert in ((dense, alpha, lambda x: 1 - x), (sparse, 1 - alpha, lambda x: x)):
        values = {k: convert(v) for k, v in hits}
        if not values:
            continue
        lo, hi = min(values.values()), max(values.values())
        for k, v in values.items():
            norm = 1.0 if hi == lo else (v - lo) / (hi - lo)
            out[k] = out.get(k, 0.0) + weight * norm
    return out


@pytest.mark.parametrize("alpha", [0.0, 0.25, 0.5, 0.75, 1.0])
def test_relative_against_reference(alpha: float) -> None:
    rng = np.random.default_rng(int(alpha * 100))
    keys = [f"doc{i:02d}" for i in range(30)]
    dense = sorted(
        ((k, float(rng.uniform(0, 2))) for k in rng.choice(keys, 20, replace=False)), key=lambda h: h[1]
    )
    sparse = sorted(
        ((k, float(rng.uniform(0, 9))) for k in rng.choice(keys, 15, replace=False)), key=lambda h: -h[1]
    )
    fused = fuse(hybrid_sets(dense, sparse, alpha), "relativeScoreFusion")
    expected = _reference_relative(dense if alpha > 0 else [], sparse if alpha < 1 else [], alpha)
    assert {k: s for k, s, _ in fused} == pytest.approx(expected, abs=1e-6)
    scores = [s for _, s, _ in fused]
    assert scores == sorted(scores, reverse=True)


def test_ranked_fusion_hand_computed() -> None:
    dense = [("a", 0.1), ("b", 0.2), ("c", 0.3)]
    sparse = [("c", 3.0, ""), ("a", 1.0, "")]
    fused = ranked_fusion(hybrid_sets(dense, sparse, alpha=0.75))
    expected = {
        "a": 0.75 / 60 + 0.25 / 61,
        "b": 0.75 / 61,
        "c": 0.75 / 62 + 0.25 / 60,
    }
    assert {k: s for k, s, _ in fused} == pytest.approx(expected, rel=1e-6)
    assert [k for k, _, _ in fused] == sorted(expected, key=lambda k: -expected[k])


def test_ranked_fusion_explain_lines() -> None:
    dense = [("a", 0.1), ("b", 0.2)]
    sparse = [("b", 3.0, "BM25F_b"), ("a", 1.0, "BM25F_a")]
    fused = {k: e for k, _, e in ranked_fusion(hybrid_sets(dense, sparse, alpha=0.75))}
    c_dense = str(np.float32(0.75 / 60))  # numpy's shortest float32 text, as Go prints float32
    c_sparse = str(np.float32(0.25 / 61))
    assert fused["a"] == (
        f"\nHybrid (Result Set vector,hybridVector) Document a contributed {c_dense} to the score"
        f"\nHybrid (Result Set keyword,bm25) Document a contributed {c_sparse} to the score"
    )


def test_ranked_ties_break_on_ranking_value_then_id() -> None:
    # same ranks in mirrored order give equal scores; the last set's raw value decides, then the id
    set1 = [("x", 0.5), ("y", 0.5)]
    set2 = [("y", 0.5), ("x", 0.5)]
    fused = ranked_fusion([(set1, 0.5, "keyword"), (set2, 0.5, "keyword2")])
    assert [k for k, _, _ in fused] == ["x", "y"]
    set2 = [("y", 0.9), ("x", 0.5)]
    fused = ranked_fusion([(set1, 0.5, "keyword"), (set2, 0.5, "keyword2")])
    assert [k for k, _, _ in fused] == ["y", "x"]


def test_relative_explain_chains_sets_and_keeps_prior_explain() -> None:
    dense = [("a", 0.0), ("b", 1.0)]
    sparse = [("a", 2.0, "BM25F_a"), ("b", 1.0, "BM25F_b")]
    fused = {k: e for k, _, e in relative_score_fusion(hybrid_sets(dense, sparse, alpha=0.75))}
    assert fused["a"] == (
        "BM25F_a\nHybrid (Result Set keyword,bm25) Document a: original score 2, normalized score: 0.25"
        " - \nHybrid (Result Set vector,hybridVector) Document a: original score 1, normalized score: 0.75"
    )


def test_hybrid_sets_order_and_skipping() -> None:
    dense, sparse = [("a", 0.1)], [("a", 1.0)]
    sets = hybrid_sets(dense, sparse, 0.3, "nearVector")
    assert [(w, n) for _, w, n in sets] == [(0.3, dense_name("nearVector")), (pytest.approx(0.7), KEYWORD)]
    assert [n for _, _, n in hybrid_sets(dense, sparse, 1.0)] == ["vector,hybridVector"]
    assert [n for _, _, n in hybrid_sets(dense, sparse, 0.0)] == ["keyword,bm25"]


def test_unknown_fusion_type() -> None:
    with pytest.raises(ValueError, match="unknown fusionType 'rrf'"):
        fuse([], "rrf")


@pytest.mark.parametrize(
    ("value", "bits", "text"),
    [
        (0.5, 32, "0.5"),
        (2.0, 32, "2"),
        (0.1, 32, "0.1"),
        (1 / 60, 32, "0.016666668"),
        (100000.0, 64, "100000"),
        (1e6, 64, "1e+06"),
        (1234567.0, 64, "1.234567e+06"),
        (0.0001, 64, "0.0001"),
        (0.00001, 64, "1e-05"),
        (-3.25, 64, "-3.25"),
        (0.0, 32, "0"),
    ],
)
def test_format_go_float(value: float, bits: int, text: str) -> None:
    assert format_go_float(value, bits) == text
