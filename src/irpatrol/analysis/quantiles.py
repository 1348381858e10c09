"""Percentiles of the readings the frame readers gather (pure, numpy): a few dozen to a few hundred
values at a time, many times a frame, where ``np.percentile``'s own overhead (0.03–0.1 ms a call)
outweighed the sort. Two forms: :func:`percentiles`, numpy's to the bit on float64 values (the
conductor readers), and :func:`sorted_percentile`, one percentile of values already sorted, in their
own type (a body's interior, :mod:`irpatrol.analysis.bodies`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def percentiles(values: np.ndarray, qs: Sequence[float]) -> list[float]:
    """The ``qs`` percentiles (0–100) of the float64 ``values`` as ``np.percentile`` gives them with
    its default (linear) method, to the bit: the sorted values at the virtual index (n − 1)·q/100,
    interpolated between its two neighbours from the nearer one (numpy's ``_lerp``); NaN when a value
    is NaN. ValueError on an empty array. (numpy interpolates float32 values in float32: convert
    them first, as the answers here are float64's.)"""
    s = np.sort(np.asarray(values, dtype=np.float64), axis=None)
    n = s.size
    if n == 0:
        raise ValueError("percentiles of an empty array")
    if math.isnan(s[-1]):  # numpy sorts NaN last, and its percentiles of them are NaN
        return [math.nan] * len(qs)
    out = []
    for q in qs:
        virtual = (n - 1) * (float(q) / 100.0)
        below = min(max(math.floor(virtual), 0), n - 1)
        above = min(below + 1, n - 1)
        gamma = virtual - below
        a, b = float(s[below]), float(s[above])
        diff = b - a
        out.append(b - diff * (1.0 - gamma) if gamma >= 0.5 else a + diff * gamma)
    return out


def sorted_percentile(ordered: np.ndarray, q: float) -> float:
    """The ``q`` th percentile (0–100) of the sorted values ``ordered``, linear between the nearest
    ranks as ``numpy.percentile``'s default method, interpolated from the lower one in the values'
    own type (float32 for a frame's readings, where numpy's result may differ in the last bit): a
    small body's statistics without numpy's per-call overhead (about 0.1 ms a call, dozens of calls
    a frame)."""
    pos = q / 100.0 * (ordered.size - 1)
    lo = int(pos)
    hi = min(lo + 1, ordered.size - 1)
    return float(ordered[lo] + (pos - lo) * (ordered[hi] - ordered[lo]))
