"""Pixel-index helpers shared by the frame readers (pure, numpy)."""

from __future__ import annotations

import numpy as np


def where_yx(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the true pixels of a 2-D ``mask``, in row-major order: ``np.nonzero``'s
    answer, from the flat indices (numpy's 2-D ``nonzero`` takes 0.7 ms on a 640×512 frame where the
    flat search takes 0.04 ms, bench/scenarios.py's per-frame budget being 10 ms)."""
    rows, cols = np.divmod(np.flatnonzero(mask), mask.shape[1])
    return rows, cols


def inside(xy: tuple[float, float], bbox: tuple[int, int, int, int]) -> bool:
    """Whether the point ``xy`` (x, y px) lies in the box ``bbox`` (x, y, w, h px; right and bottom
    edges excluded)."""
    x, y, w, h = bbox
    return x <= xy[0] < x + w and y <= xy[1] < y + h


def clamped(a: np.ndarray, hi: int) -> np.ndarray:
    """The integer indices ``a`` limited to 0…``hi``: ``np.clip``'s answer from two ufunc calls
    (``np.clip`` goes through a Python wrapper costing about 6 µs a call, and the ridge tracking calls
    it thousands of times a frame on arrays of a few hundred elements)."""
    return np.minimum(np.maximum(a, 0), hi)
