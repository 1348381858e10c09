"""Measurement tools on constructed arrays with known statistics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.analysis import box, line_profile, polygon, spot
from irpatrol.errors import ParameterError


@pytest.fixture
def ramp() -> np.ndarray:
    """T = x + 100·y (°C) on a 20×30 frame: every pixel's value encodes its position."""
    yy, xx = np.mgrid[0:20, 0:30]
    return (xx + 100 * yy).astype(np.float32)


def test_spot_single_pixel_and_square(ramp: np.ndarray) -> None:
    m = spot(ramp, 7, 3)
    assert (m.min_c, m.max_c, m.mean_c, m.max_xy, m.n_px) == (307.0, 307.0, 307.0, (7, 3), 1)
    sq = spot(ramp, 7, 3, radius=1)
    assert (sq.min_c, sq.max_c, sq.mean_c, sq.max_xy, sq.n_px) == (206.0, 408.0, 307.0, (8, 4), 9)
    corner = spot(ramp, 0, 0, radius=2)
    assert corner.n_px == 9 and corner.max_xy == (2, 2)


def test_box_statistics(ramp: np.ndarray) -> None:
    m = box(ramp, (2, 5, 4, 3))
    assert (m.min_c, m.max_c, m.max_xy, m.n_px) == (502.0, 705.0, (5, 7), 12)
    assert m.mean_c == pytest.approx(np.mean(ramp[5:8, 2:6]))


def test_polygon_triangle_pixels(ramp: np.ndarray) -> None:
    m = polygon(ramp, [(0, 0), (10, 0), (0, 10)])
    assert m.n_px == 66  # pixels (x, y) with x + y ≤ 10
    assert (m.min_c, m.max_c, m.max_xy) == (0.0, 1000.0, (0, 10))


def test_line_profile_diagonal(ramp: np.ndarray) -> None:
    p = line_profile(ramp, (0, 0), (9, 9))
    assert p.values is not None and p.xy is not None
    assert p.n_px == 10 and p.values.tolist() == [101.0 * i for i in range(10)]
    assert (p.max_c, p.max_xy, p.min_c) == (909.0, (9, 9), 0.0)


def test_hot_pixel_position_found_by_every_tool() -> None:
    frame = np.full((40, 50), 20.0, np.float32)
    frame[12, 33] = 80.0
    assert spot(frame, 33, 12).max_xy == (33, 12)
    assert box(frame, (30, 10, 6, 6)).max_xy == (33, 12)
    assert polygon(frame, [(30, 10), (40, 10), (40, 20), (30, 20)]).max_xy == (33, 12)
    assert line_profile(frame, (33, 0), (33, 39)).max_xy == (33, 12)


def test_no_data_pixels_are_left_out(ramp: np.ndarray) -> None:
    holes = ramp.copy()
    holes[5, 9] = np.nan
    m = box(holes, (7, 3, 3, 3))
    assert (m.max_c, m.max_xy, m.n_px) == (508.0, (8, 5), 8)
    assert m.mean_c == pytest.approx((np.sum(ramp[3:6, 7:10]) - 509.0) / 8)
    with pytest.raises(ParameterError):
        spot(holes, 9, 5)


@settings(max_examples=40, deadline=None)
@given(x0=st.integers(0, 29), y0=st.integers(0, 19), x1=st.integers(0, 29), y1=st.integers(0, 19))
def test_line_profile_ends_and_length(x0: int, y0: int, x1: int, y1: int) -> None:
    yy, xx = np.mgrid[0:20, 0:30]
    ramp = (xx + 100 * yy).astype(np.float32)
    p = line_profile(ramp, (x0, y0), (x1, y1))
    assert p.xy is not None and p.values is not None
    assert tuple(p.xy[0]) == (x0, y0) and tuple(p.xy[-1]) == (x1, y1)
    assert p.n_px == max(abs(x1 - x0), abs(y1 - y0)) + 1
    assert p.min_c <= p.mean_c <= p.max_c == p.values.max()


@pytest.mark.parametrize(
    "call",
    [
        lambda a: spot(a, 30, 0),
        lambda a: spot(a, 0, 0, radius=-1),
        lambda a: box(a, (25, 0, 10, 2)),
        lambda a: box(a, (0, 0, 0, 3)),
        lambda a: box(a, (0, 0, 3)),
        lambda a: polygon(a, [(0, 0), (5, 5)]),
        lambda a: polygon(a, [(0, 0), (5, 5), (99, 0)]),
        lambda a: line_profile(a, (0, 0), (0, 20)),
    ],
)
def test_out_of_frame_or_malformed_raises(ramp: np.ndarray, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterError):
        call(ramp)
