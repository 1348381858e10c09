"""Whether a part sits on a conductor that runs out of view (``ridges.leaves``): the test that lets a
phase row count as a line's three phases without the unspanned-row margin
(``joint_hotspots.UNSPANNED_ROW_MARGIN_K``)."""

from __future__ import annotations

import numpy as np

from irpatrol.analysis.ridges import leaves


def _lead(gap: tuple[int, int] | None, top: int = 0) -> np.ndarray:
    """A 240×200 px frame at 20 °C (NETD-like noise) with a 2 px lead 2 K warmer running up from
    y = 200 to ``top``, missing over the rows ``gap`` (its apparent temperature there that of the
    ground behind it)."""
    rng = np.random.default_rng(7)
    img = (20.0 + rng.normal(0.0, 0.05, (240, 200))).astype(np.float32)
    img[top:201, 99:101] += 2.0
    if gap is not None:
        img[gap[0]: gap[1], 99:101] -= 2.0
    return img


def test_a_lead_runs_out_of_view() -> None:
    assert leaves(_lead(None), 100, 185, 90.0)


def test_a_lead_that_ends_in_the_frame_does_not_run_out() -> None:
    # a straight edge that stops within the frame (a façade's, a car's)
    assert not leaves(_lead(None, top=120), 100, 185, 90.0)


def test_a_collinear_line_beyond_a_gap_is_another_one() -> None:
    # a second edge on the same line 70 px on (a window column's next pane) does not make the first
    # run out: a lead lost where it reads as warm as the ground behind it (thermal crossover) is not
    # looked for beyond the gap either: bridging gaps of 12–36 px turned façade and street rows of
    # the shared real files (DJI M30T, M3T, H20T) into graded rows (docs/detector.md)
    assert not leaves(_lead((40, 110)), 100, 185, 90.0)
