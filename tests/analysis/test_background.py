"""Histogram median / MAD against numpy's exact values, and the warm-equipment threshold."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.analysis.background import MAD_TO_SIGMA, background


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16), level=st.floats(-30.0, 60.0), noise=st.floats(0.05, 5.0),
       hot_fraction=st.floats(0.0, 0.2))
def test_median_and_mad_match_numpy_within_two_bins(seed: int, level: float, noise: float,
                                                    hot_fraction: float) -> None:
    rng = np.random.default_rng(seed)
    frame = rng.normal(level, noise, (60, 80)).astype(np.float32)
    hot = rng.random(frame.shape) < hot_fraction
    frame[hot] += np.float32(40.0)
    bg = background(frame)
    median = float(np.median(frame))
    mad = float(np.median(np.abs(frame - median)))
    assert bg.median_c == pytest.approx(median, abs=2 * bg.bin_k)
    assert bg.sigma_k == pytest.approx(MAD_TO_SIGMA * mad, abs=4 * bg.bin_k * MAD_TO_SIGMA)
    assert bg.threshold_c >= bg.median_c + 1.0
    assert bg.ambient_c <= bg.threshold_c


def test_hot_minority_does_not_move_the_threshold_much() -> None:
    rng = np.random.default_rng(1)
    frame = rng.normal(20.0, 0.5, (100, 100)).astype(np.float32)
    clean = background(frame)
    frame[:10, :] += 30.0  # 10 % of the frame is hot equipment
    dirty = background(frame)
    assert abs(dirty.median_c - clean.median_c) < 0.1
    assert abs(dirty.threshold_c - clean.threshold_c) < 0.3
    assert dirty.ambient_c == pytest.approx(20.0, abs=0.1)


def test_uniform_frame_threshold_is_the_minimum_contrast() -> None:
    bg = background(np.full((8, 8), 12.5, np.float32), min_contrast_k=1.5)
    assert (bg.median_c, bg.sigma_k, bg.threshold_c, bg.ambient_c) == (12.5, 0.0, 14.0, 12.5)
