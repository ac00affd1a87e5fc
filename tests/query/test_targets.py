"""Combining several target vectors' distances (Weaviate's combination methods)."""

from __future__ import annotations

import numpy as np
import pytest

from vectordb.errors import UserError
from vectordb.query.targets import combine, weights_for
from vectordb.spaces import VectorSpace

TABLE = np.array([[0.1, 0.5, 0.9], [0.4, 0.2, 0.0]])  # two targets x three candidates


def test_each_method():
    ones = np.ones(2)
    assert combine(TABLE, "sum", ones) == pytest.approx([0.5, 0.7, 0.9])
    assert combine(TABLE, "average", ones) == pytest.approx([0.25, 0.35, 0.45])
    assert combine(TABLE, "minimum", ones) == pytest.approx([0.1, 0.2, 0.0])
    assert combine(TABLE, "manualWeights", np.array([2.0, 0.5])) == pytest.approx([0.4, 1.1, 1.8])
    # normalised per target: [0, .5, 1] and [1, .5, 0]
    assert combine(TABLE, "relativeScore", np.array([1.0, 3.0])) == pytest.approx([3.0, 2.0, 1.0])
    with pytest.raises(UserError, match="unknown combination"):
        combine(TABLE, "median", ones)


def test_weighted_methods_need_every_weight():
    spaces = [VectorSpace(n, None, {}, "hnsw", {}) for n in ("a", "b")]
    assert weights_for(spaces, {"method": "sum"}).tolist() == [1.0, 1.0]
    given = {"method": "manualWeights", "weights": [{"target": "a", "weight": 2}, {"target": "b", "weight": 3}]}
    assert weights_for(spaces, given).tolist() == [2.0, 3.0]
    with pytest.raises(UserError, match="missing \\['b'\\]"):
        weights_for(spaces, {"method": "relativeScore", "weights": [{"target": "a", "weight": 1}]})
