"""Autocut: keep the results before the N-th jump in their scores or distances (Weaviate's algorithm).

The values are normalised onto the diagonal of the unit square (x = rank / (n - 1), y = the value rescaled so
the first is 0 and the last is 1); a jump shows up as a local maximum of `y - x`. The arithmetic runs in
float32, as Weaviate's does, so borderline inputs cut at the same place.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def autocut(values: Sequence[float], cut: int) -> int:
    """How many leading results to keep. `cut <= 0` disables autocut (everything is kept)."""
    n = len(values)
    if cut <= 0 or n <= 1:
        return n
    y = np.asarray(values, dtype=np.float32)
    step = np.float32(1) / (np.float32(n) - np.float32(1))
    x = np.arange(n, dtype=np.float32) * step
    # equal first and last values give 0/0 = NaN; every comparison below is then false and all is kept
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = (y - y[0]) / (y[n - 1] - y[0]) - x

    extrema = 0
    for i in range(1, n):
        if i == n - 1:
            # the last point has no right neighbour: compare with the two before it
            peak = diff[i] > diff[i - 1] and (i < 2 or diff[i] > diff[i - 2])
        else:
            peak = diff[i] > diff[i - 1] and diff[i] > diff[i + 1]
        if peak:
            extrema += 1
            if extrema >= cut:
                return i
    return n
