"""Percentiles of the readings the frame readers gather (pure, numpy): a few dozen to a few hundred
float64 values at a time, many times a frame, where ``np.percentile``'s own overhead (0.03–0.1 ms a
call) outweighed the sort."""

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
