"""Robust background statistics of a thermal frame and the warm-equipment threshold.

The background of an aerial line image (sky, ground, vegetation) covers most pixels, so its
level and spread are estimated with the median and the median absolute deviation (MAD), which a
minority of warm equipment pixels does not move (Hampel's robust scale; σ ≈ 1.4826 × MAD for a
normal distribution, Rousseeuw & Croux 1993). Both come from one histogram of the frame, which is
invariant to any permutation of the pixels (so to rotation) and costs one pass over the data.

A single whole-frame threshold misses parts a few kelvin above a warm, high-spread background
(the spread of the whole frame raises it), so :func:`local_background` also estimates the
background level and noise around every pixel, from 8×8 px block means: a 40 px window median
combined with a grey opening, a second pass with κ-σ clipping, and a noise estimate from the
negative residuals only (:func:`spot_contrast` does the same for the 3×3 px spot average).
Block means are exact in float64, so these maps rotate with the frame bit for bit.

Cost: all of this runs on block maps (80×64 for a 640×512 frame) except a few full-frame passes
(block sums, residuals, their negative part and count, upsampling), done with OpenCV calls and
no float64 copy of the frame (tests/analysis/test_background_reference.py checks the result
against a plain numpy transcription of the definitions).
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
    if valid is None:  # one pass for both (cv2.minMaxLoc), the same float32 values as min() and max()
        lo, hi, _, _ = cv2.minMaxLoc(celsius)
    else:
        lo, hi = float(celsius[valid].min()), float(celsius[valid].max())
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


LOCAL_BLOCK_PX = 8
"""Side of the blocks (px) the frame is averaged over before the local background is estimated.
8 px divides the usual 640×512, 640×480 and 1280×1024 frames, so a 90° rotation maps blocks onto
blocks and the estimate rotates with the frame exactly."""
LOCAL_WINDOW_BLOCKS = 5
"""Side of the local-background window in blocks (5 × 8 = 40 px): larger than a clamp at 3–10 m
(≈ 5–30 px, ../shared/domain/standards.md §2: 60–100 mm parts at 0.9–1.3 mrad), so a part never
fills more than a minority of the window and does not raise its own background."""
HALF_NORMAL_TO_SIGMA = 1.2533
"""σ per unit of the mean |x| of the negative half of a zero-mean normal distribution (√(π/2))."""
CLIP_SIGMA = 1.0
"""Second pass of the local level: pixels are clipped at level + 1 σ before the blocks are averaged
again, so a part of a few kelvin that fills part of the window pulls the level up by at most 1 σ
times its share (a κ-σ clipped background as in SExtractor, E. Bertin & S. Arnouts, A&AS 117
(1996) 393–404); on a symmetric background the clip lowers the mean by only 0.08 σ."""
MIN_NOISE_K = 0.05
"""Floor of the local noise estimate (K): about the NETD of current drone cores (≈ 50 mK,
../shared/domain/standards.md §1.6 note), so a perfectly flat background does not give σ = 0."""


@dataclass(frozen=True, eq=False)
class LocalBackground:
    """Local background level and local noise of a frame, both H×W float32.

    Attributes:
        level_c: what the frame would read at each pixel without small warm objects (°C).
        sigma_k: local robust spread of ``celsius − level_c`` (K), texture plus sensor noise.
        block_px: block size the two maps are constant over (px).
        sigma_blocks: the block map ``sigma_k`` is the upsampling of (K, one value per
            ``block_px`` × ``block_px`` block, ⌈H/block_px⌉ × ⌈W/block_px⌉), or None.
    """

    level_c: np.ndarray
    sigma_k: np.ndarray
    block_px: int
    sigma_blocks: np.ndarray | None = None


def _block_means(frame: np.ndarray, block: int, *, exact: bool = True) -> np.ndarray:
    """Block means of a float32 H×W array whose sides are multiples of ``block``.

    ``exact``: in float64, where a sum of 64 float32 values of one temperature scale is exact and
    the division by 64 too, so the result does not depend on the summation order and a rotated
    frame gives the rotated block means bit for bit (used for the level and its noise): the
    float64 sums of each row's ``block`` pixels (``cv2.reduce``: the float32 frame is read once,
    no float64 copy of it is made), then of ``block`` such sums down each block column. Else
    float32 (``cv2.resize`` INTER_AREA; the spot noise, where a last-bit difference does not
    matter)."""
    h, w = frame.shape[0] // block, frame.shape[1] // block
    if not exact:
        data = frame.astype(np.float32, copy=False)
        out: np.ndarray = cv2.resize(data, (w, h), interpolation=cv2.INTER_AREA)
        return out
    rows = cv2.reduce(np.ascontiguousarray(frame, dtype=np.float32).reshape(-1, block), 1, cv2.REDUCE_SUM,
                      dtype=cv2.CV_64F)
    sums: np.ndarray = rows.reshape(h, block, w).sum(axis=1)
    return sums / float(block * block)


def _block_counts(mask: np.ndarray, block: int) -> np.ndarray:
    """Number of true pixels per block (uint8 block map, 0 … block²) of a boolean H×W mask whose
    sides are multiples of ``block`` ≤ 15. For 8 px blocks by a popcount of each 8-pixel row
    segment; else the block mean of a 0/``block²`` uint8 image, which is that count exactly
    (integer sums, OpenCV's INTER_AREA for integer scale factors). Either costs a fraction of a
    float block mean."""
    h, w = mask.shape[0] // block, mask.shape[1] // block
    if block == 8 and mask.flags.c_contiguous:
        # each row's 8 bytes of a block (0 or 1 each) read as one uint64: its popcount is their sum
        per_row = np.bitwise_count(mask.view(np.uint64))
        counts: np.ndarray = per_row.reshape(h, block, w).sum(axis=1, dtype=np.uint8)
        return counts
    scaled = mask.view(np.uint8) * np.uint8(block * block)
    out: np.ndarray = cv2.resize(scaled, (w, h), interpolation=cv2.INTER_AREA)
    return out


def upsample_blocks(low: np.ndarray, block: int, shape: tuple[int, int]) -> np.ndarray:
    """Nearest-neighbour upsampling of a block map to ``shape`` (crop of the padded size), C-contiguous:
    each row of blocks repeated ``block`` times along x, then broadcast over its ``block`` rows (one
    copy of the output)."""
    rows = np.repeat(low, block, axis=1)[:, : shape[1]]
    full = np.broadcast_to(rows[:, None, :], (low.shape[0], block, rows.shape[1]))
    out: np.ndarray = full.reshape(low.shape[0] * block, rows.shape[1])[: shape[0]]
    return out


def min_scalar(a: np.ndarray, value: float) -> np.ndarray:
    """``np.minimum(a, value)`` for a NaN-free array, by ``cv2.min`` (a third of numpy's cost with a
    scalar operand); the result has ``a``'s dtype and shape."""
    out: np.ndarray = cv2.min(a, value)
    return out


def max_scalar(a: np.ndarray, value: float) -> np.ndarray:
    """``np.maximum(a, value)`` for a NaN-free array, by ``cv2.max`` (see :func:`min_scalar`)."""
    out: np.ndarray = cv2.max(a, value)
    return out


def _median(low: np.ndarray, k: int) -> np.ndarray:
    """k×k median of a block map (k = 3 or 5, OpenCV's float limit; replicated border); the median
    of the whole map when it is smaller than k."""
    if min(low.shape) < k:
        return np.full(low.shape, np.median(low), np.float32)
    out: np.ndarray = cv2.medianBlur(low, k)
    return out


def _smooth(low: np.ndarray, k: int) -> np.ndarray:
    """Background level of a block map: the larger of its k×k median and k×k grey opening."""
    if min(low.shape) < k:
        return _median(low, k)
    kernel = np.ones((k, k), np.uint8)
    out: np.ndarray = np.maximum(_median(low, k), cv2.dilate(cv2.erode(low, kernel), kernel))
    return out


def _noise_blocks(resid: np.ndarray, block_px: int, k: int, *, exact: bool = True) -> np.ndarray:
    """Block map of the local noise of a float32 residual (no NaN) whose sides are multiples of
    ``block_px``: per block √(π/2) × mean |r| over its negative residuals, a k×k median, floored
    at :data:`MIN_NOISE_K` (K). ``exact``: see :func:`_block_means`.

    The share of negative pixels per block is their count / block² (exact in either precision), so
    the quotient below is the mean over the negative pixels, rounded once."""
    neg = min_scalar(resid, 0.0)
    count = _block_counts(resid < 0, block_px)
    if exact:
        share64 = count.astype(np.float64) / float(block_px * block_px)
        mean64 = _block_means(neg, block_px, exact=True)
        spread = (-mean64 / np.maximum(share64, 1.0 / 64)).astype(np.float32)
    else:
        share32 = count.astype(np.float32) / np.float32(block_px * block_px)
        mean32 = _block_means(neg, block_px, exact=False)
        spread = -mean32 / np.maximum(share32, np.float32(1.0 / 64))
    spread *= np.float32(HALF_NORMAL_TO_SIGMA)
    out: np.ndarray = np.maximum(_median(spread, k), np.float32(MIN_NOISE_K))
    return out


def spot_contrast(resid: np.ndarray, *, block_px: int = LOCAL_BLOCK_PX,
                  window_blocks: int = LOCAL_WINDOW_BLOCKS) -> tuple[np.ndarray, np.ndarray]:
    """The residual averaged over the 3×3 px measurement spot (K) and its local noise (K), H×W.

    Averaging over the spot the camera needs for a trusted reading (3×3 px,
    ../shared/domain/standards.md §2) lowers sensor noise about threefold while a part at least
    that large keeps its contrast; texture correlated over several pixels is not lowered, and the
    noise is estimated on the averaged residual itself (as in :func:`local_background`), so the
    contrast-to-noise ratio stays honest for both. NaN residuals count as 0.
    """
    spot, noise = spot_contrast_blocks(resid, block_px=block_px, window_blocks=window_blocks)
    return spot, upsample_blocks(noise, block_px, spot.shape)


def spot_contrast_blocks(resid: np.ndarray, *, block_px: int = LOCAL_BLOCK_PX,
                         window_blocks: int = LOCAL_WINDOW_BLOCKS) -> tuple[np.ndarray, np.ndarray]:
    """:func:`spot_contrast` with the noise as its block map (K, ⌈H/block_px⌉ × ⌈W/block_px⌉,
    pixel (x, y) in block (x // block_px, y // block_px)), for a caller that needs it at a few
    pixels only."""
    h, w = resid.shape
    r = np.nan_to_num(resid, nan=0.0) if np.isnan(resid).any() else resid
    spot = cv2.boxFilter(r.astype(np.float32, copy=False), -1, (3, 3), borderType=cv2.BORDER_REFLECT)
    ph, pw = (-h) % block_px, (-w) % block_px
    padded = np.pad(spot, ((0, ph), (0, pw)), mode="edge") if ph or pw else spot
    k = 5 if window_blocks >= 5 and min(padded.shape) >= 5 * block_px else 3
    return spot, _noise_blocks(padded, block_px, k, exact=False)


def local_background(celsius: CelsiusArray, *, fill_c: float, block_px: int = LOCAL_BLOCK_PX,
                     window_blocks: int = LOCAL_WINDOW_BLOCKS) -> LocalBackground:
    """Local background level and noise of a frame.

    Method (all on a frame averaged over ``block_px`` blocks, then upsampled by pixel replication):

    * level: the larger of the ``window_blocks`` × ``window_blocks`` median and the grey-level
      opening (erosion then dilation, Serra 1982) with the same square. The median follows a
      textured background through its middle, where an opening alone sits on the troughs and turns
      the texture into "hot" clutter (the white top-hat failure); the opening follows the inside
      of warm structures wider than the window right up to their edges, where the median drops
      towards the cooler side. Objects smaller than about half the window move neither.
    * noise: per block, √(π/2) × the mean |r| of the negative residuals r = celsius − level (the
      negative half of a zero-mean normal has mean |r| = σ √(2/π)); warm objects only add positive
      residuals, so they do not inflate it. Then the same window median, and a floor of
      :data:`MIN_NOISE_K`.
    * then the level once more from the frame clipped at level + :data:`CLIP_SIGMA` σ, so that
      warm parts a few kelvin above a quiet background do not raise their own background.

    ``window_blocks`` is 3 or 5 (OpenCV's median filter of float images stops at 5).

    NaN pixels are replaced by ``fill_c`` (°C, e.g. the frame median). Sides that are not
    multiples of ``block_px`` are padded by edge replication at the bottom and right.

    Cost (≈ 1 ms per 640×512 frame on one core): full-frame work is limited to three exact block
    sums (``cv2.reduce`` into float64, no float64 copy of the frame), the residual, its negative
    part and sign count, the clipped frame and four upsamplings of block maps; the medians and
    openings run on the 80×64 block maps. Level and noise are both constant per block, so the clip
    level ``level + CLIP_SIGMA·σ`` is formed on the block maps and then upsampled, the same float32
    sum pixel by pixel. ``sigma_blocks`` of the result is the noise block map itself.
    """
    h, w = celsius.shape
    frame = np.where(np.isnan(celsius), np.float32(fill_c), celsius) if np.isnan(celsius).any() else celsius
    ph, pw = (-h) % block_px, (-w) % block_px
    if ph or pw:
        frame = np.pad(frame, ((0, ph), (0, pw)), mode="edge")
    k = 5 if window_blocks >= 5 and min(frame.shape) >= 5 * block_px else 3
    level_low = _smooth(_block_means(frame, block_px).astype(np.float32), k)
    sigma_low = _noise_blocks(frame - upsample_blocks(level_low, block_px, frame.shape), block_px, k)
    clip = upsample_blocks(level_low + np.float32(CLIP_SIGMA) * sigma_low, block_px, frame.shape)
    level_low = _smooth(_block_means(cv2.min(frame, clip), block_px).astype(np.float32), k)
    level = upsample_blocks(level_low, block_px, (h, w))
    return LocalBackground(level, upsample_blocks(sigma_low, block_px, (h, w)), block_px, sigma_low)
