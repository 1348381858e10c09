"""Robust background statistics of a thermal frame and the warm-equipment threshold.

The background of an aerial line image (sky, ground, vegetation) covers most pixels, so its
level and spread are estimated with the median and the median absolute deviation (MAD), which a
minority of warm equipment pixels does not move (Hampel's robust scale; σ ≈ 1.4826 × MAD for a
normal distribution, Rousseeuw & Croux 1993). Both come from one histogram of the frame, which is
invariant to any permutation of the pixels (so to rotation) and costs one pass over the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from irpatrol.errors import InputError
from irpatrol.units import CelsiusArray

MAD_TO_SIGMA = 1.4826
"""σ of a normal distribution per unit of MAD (1 / Φ⁻¹(3/4))."""
HISTOGRAM_BINS = 4096
"""Histogram bins between the frame's min and max; the statistics are exact to one bin width."""


@dataclass(frozen=True)
class Background:
    """Robust statistics of one frame.

    Attributes:
        median_c: median temperature of the whole frame (°C).
        sigma_k: robust standard deviation, 1.4826 × MAD (K).
        threshold_c: pixels above this are warm equipment (°C).
        ambient_c: median of the pixels at or below the threshold, the background-median T0 (°C).
        bin_k: histogram bin width, the resolution of the three values above (K).
    """

    median_c: float
    sigma_k: float
    threshold_c: float
    ambient_c: float
    bin_k: float


def check_frame(celsius: np.ndarray) -> CelsiusArray:
    """The frame as a C-contiguous float32 H×W array, ±inf turned into NaN ("no data", as a
    radiometric TIFF stores it); InputError when it is not 2-D or holds no valid pixel at all."""
    arr = np.asarray(celsius)
    if arr.ndim != 2 or arr.shape[0] < 2 or arr.shape[1] < 2:
        raise InputError(f"a thermal frame must be a 2-D array of at least 2×2 pixels, got shape {arr.shape}")
    arr = np.ascontiguousarray(arr, dtype=np.float32)
    finite = np.isfinite(arr)
    if not finite.all():
        if not finite.any():
            raise InputError("thermal frame holds no valid temperature (all pixels NaN or ±inf)")
        arr = np.where(finite, arr, np.float32(np.nan))
    return arr


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    cum = np.cumsum(weights)
    if cum[-1] <= 0:
        return float(values[0])
    return float(values[int(np.searchsorted(cum, cum[-1] / 2.0))])


def background(celsius: CelsiusArray, *, k_sigma: float = 3.0, min_contrast_k: float = 1.0) -> Background:
    """Median, robust σ and warm-equipment threshold of a frame (°C, K).

    Parameters
    ----------
    celsius:
        H×W float32 temperatures (°C); NaN pixels are no data and left out (see :func:`check_frame`).
    k_sigma:
        The threshold is ``median + k_sigma × σ``: 3 σ leaves about 0.13 % of a normal background
        above it (one-sided Gaussian tail).
    min_contrast_k:
        Lower bound on ``threshold − median`` (K) so that a very uniform background (σ → 0) does not
        turn its noise into equipment; 1 K is twenty times the NETD of current drone cores
        (≈ 50 mK, ../shared/domain/standards.md §1.6 note).

    Notes
    -----
    The ambient is the median of the pixels at or below the threshold only, i.e. the background
    once the warm equipment is taken out (source string ``background-median``).
    """
    valid = None if not np.isnan(celsius).any() else ~np.isnan(celsius)
    lo, hi = (float(celsius.min()), float(celsius.max())) if valid is None else (
        float(celsius[valid].min()), float(celsius[valid].max()))
    if hi - lo < 1e-6:
        return Background(lo, 0.0, lo + min_contrast_k, lo, 0.0)
    bin_k = (hi - lo) / HISTOGRAM_BINS
    mask = None if valid is None else valid.view(np.uint8)
    hist = cv2.calcHist([celsius], [0], mask, [HISTOGRAM_BINS], [lo, hi + bin_k * 1e-3]).ravel()
    centers = lo + (np.arange(HISTOGRAM_BINS) + 0.5) * bin_k
    median = _weighted_median(centers, hist)
    dist = np.abs(centers - median)
    order = np.argsort(dist, kind="stable")
    mad = _weighted_median(dist[order], hist[order])
    sigma = MAD_TO_SIGMA * mad
    threshold = median + max(k_sigma * sigma, min_contrast_k)
    below = centers <= threshold
    ambient = _weighted_median(centers[below], hist[below]) if below.any() else median
    return Background(median, sigma, threshold, ambient, bin_k)
