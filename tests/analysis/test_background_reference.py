"""The local background, its noise and the spot noise (OpenCV block maps, as optimised for speed)
against a plain numpy transcription of their definitions, on real frames.

The reference follows the docstrings of :func:`irpatrol.analysis.background.local_background`
and :func:`~irpatrol.analysis.background.spot_contrast` step by step: 8×8 block means by
reshaping, window medians with replicated edges, grey erosion/dilation over the window part
inside the map, the half-normal noise estimate from the negative residuals, the κ-σ clipped
second pass, and nearest-neighbour upsampling. Temperatures are float32 as in the frame; the
block statistics of the reference are float64, hence the tolerance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from irpatrol.analysis.background import (
    CLIP_SIGMA,
    HALF_NORMAL_TO_SIGMA,
    MIN_NOISE_K,
    check_frame,
    local_background,
    spot_contrast,
)
from irpatrol.radiometry import read

BLOCK = 8
TOLERANCE_K = 1e-4
"""Largest difference allowed (K): the float32 maps against the float64 reference differ by a few
float32 ulp (≈ 5e-6 K on these frames); 1e-4 K is still 500 times below the 0.05 K noise floor."""


def _pad(frame: np.ndarray) -> np.ndarray:
    h, w = frame.shape
    return np.pad(frame, ((0, -h % BLOCK), (0, -w % BLOCK)), mode="edge")


def _blocks(a: np.ndarray) -> np.ndarray:
    """Per-block view (hb, wb, 64) of a padded array."""
    hb, wb = a.shape[0] // BLOCK, a.shape[1] // BLOCK
    return a.reshape(hb, BLOCK, wb, BLOCK).transpose(0, 2, 1, 3).reshape(hb, wb, BLOCK * BLOCK)


def _windows(m: np.ndarray, k: int, mode: str, fill: float = 0.0) -> np.ndarray:
    r = k // 2
    padded = np.pad(m, r, mode="edge") if mode == "edge" else np.pad(m, r, constant_values=fill)
    return sliding_window_view(padded, (k, k)).reshape(m.shape[0], m.shape[1], k * k)


def _median(m: np.ndarray, k: int) -> np.ndarray:
    if min(m.shape) < k:
        return np.full(m.shape, np.median(m))
    return np.median(_windows(m, k, "edge"), axis=2)


def _smooth(m: np.ndarray, k: int) -> np.ndarray:
    """max(k×k median, k×k grey opening); erosion and dilation see only the map itself."""
    if min(m.shape) < k:
        return _median(m, k)
    eroded = _windows(m, k, "constant", np.inf).min(axis=2)
    opened = _windows(eroded, k, "constant", -np.inf).max(axis=2)
    return np.maximum(_median(m, k), opened)


def _noise(resid: np.ndarray, k: int) -> np.ndarray:
    """√(π/2) × mean |r| of the negative residuals per block, window median, floor."""
    b = _blocks(resid.astype(np.float64))
    neg = np.where(b < 0, b, 0.0)
    count = (b < 0).sum(axis=2)
    spread = HALF_NORMAL_TO_SIGMA * (-neg.sum(axis=2) / np.maximum(count, 1))
    return np.maximum(_median(spread, k), MIN_NOISE_K)


def _up(m: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return np.repeat(np.repeat(m, BLOCK, axis=0), BLOCK, axis=1)[: shape[0], : shape[1]]


def reference_local_background(celsius: np.ndarray, fill_c: float) -> tuple[np.ndarray, np.ndarray]:
    """(level °C, noise K), H×W, written plainly from the definition."""
    frame = _pad(np.where(np.isnan(celsius), np.float32(fill_c), celsius).astype(np.float32))
    k = 5 if min(frame.shape) >= 5 * BLOCK else 3
    level0 = _smooth(_blocks(frame.astype(np.float64)).mean(axis=2), k).astype(np.float32)
    sigma = _noise(frame - _up(level0, frame.shape), k).astype(np.float32)
    clip = _up(level0 + np.float32(CLIP_SIGMA) * sigma, frame.shape)
    level = _smooth(_blocks(np.minimum(frame, clip).astype(np.float64)).mean(axis=2), k)
    return _up(level, celsius.shape), _up(sigma, celsius.shape)


def reference_spot_noise(resid: np.ndarray) -> np.ndarray:
    """Noise (K) of the 3×3 px mean of the residual (reflected edges), H×W."""
    r = np.nan_to_num(resid.astype(np.float64), nan=0.0)
    spot = sliding_window_view(np.pad(r, 1, mode="symmetric"), (3, 3)).mean(axis=(2, 3))
    padded = _pad(spot)
    k = 5 if min(padded.shape) >= 5 * BLOCK else 3
    return _up(_noise(padded, k), resid.shape)


def _frames(samples: Path) -> list[np.ndarray]:
    out = []
    for name in ("dji_h20t_dirp.jpg", "dji_m30t_iirp.jpg", "dji_m2ea_iirp.jpg"):
        out.append(check_frame(read(samples / name).celsius))
    odd = out[0][3:-6, 1:-4].copy()  # sides not multiples of 8: padded blocks
    odd[40:60, 100:180] = np.nan  # no-data pixels
    out.append(odd)
    out.append(check_frame(np.ascontiguousarray(out[1][:30, :44])))  # too small for the 5×5 window
    return out


def test_local_background_equals_the_plain_reference(samples: Path) -> None:
    for frame in _frames(samples):
        fill = float(np.nanmedian(frame))
        got = local_background(frame, fill_c=fill)
        level, sigma = reference_local_background(frame, fill)
        assert got.level_c.shape == frame.shape and got.sigma_k.shape == frame.shape
        assert got.level_c.dtype == np.float32 and got.sigma_k.dtype == np.float32
        np.testing.assert_allclose(got.level_c, level, rtol=0, atol=TOLERANCE_K)
        np.testing.assert_allclose(got.sigma_k, sigma, rtol=0, atol=TOLERANCE_K)
        assert got.sigma_blocks is not None
        np.testing.assert_array_equal(_up(got.sigma_blocks, frame.shape), got.sigma_k)


def test_spot_noise_equals_the_plain_reference(samples: Path) -> None:
    for frame in _frames(samples):
        local = local_background(frame, fill_c=float(np.nanmedian(frame)))
        resid = frame - local.level_c
        spot, noise = spot_contrast(resid)
        r = np.nan_to_num(resid.astype(np.float64), nan=0.0)
        want_spot = sliding_window_view(np.pad(r, 1, mode="symmetric"), (3, 3)).mean(axis=(2, 3))
        np.testing.assert_allclose(spot, want_spot, rtol=0, atol=1e-4)
        np.testing.assert_allclose(noise, reference_spot_noise(resid), rtol=0, atol=TOLERANCE_K)


@pytest.mark.parametrize("seed", [0, 1])
def test_reference_agrees_on_a_noisy_synthetic_frame(seed: int) -> None:
    rng = np.random.default_rng(seed)
    frame = (20.0 + rng.normal(0.0, 0.4, (96, 120))).astype(np.float32)
    frame[40:52, 50:56] += np.float32(6.0)
    got = local_background(frame, fill_c=20.0)
    level, sigma = reference_local_background(frame, 20.0)
    np.testing.assert_allclose(got.level_c, level, rtol=0, atol=TOLERANCE_K)
    np.testing.assert_allclose(got.sigma_k, sigma, rtol=0, atol=TOLERANCE_K)
