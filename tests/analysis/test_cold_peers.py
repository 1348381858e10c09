"""The healthy phases' parts read as compact minima (``irpatrol.analysis.cold_peers``): bare metal of low
emissivity reflecting a cold sky reads below the ground behind it, while the faulty phase's same part
reads hot. Generated field frames of the development seed (the benchmark does not use it) and a drawn
frame whose numbers are stated."""

from __future__ import annotations

import numpy as np

from analysis.scenes import field_finding
from irpatrol.analysis.cold_peers import NEAR_PX, cold_minima, cold_row
from irpatrol.analysis.joints import find_joints
from irpatrol.diagnosis import diagnose
from irpatrol.simulate.scene import render


def test_healthy_clamps_colder_than_the_ground_are_the_hot_ones_peers() -> None:
    # 5552010: a clamp 17 K over the air on a warm summer ground (T0 31.6 °C); the two healthy clamps
    # reflect the sky and read 2.5 K below the ground around them, so no compact maximum marks them.
    # T2 came from the joint's own conductor, 2.6 K too warm: serious where the truth is critical
    f, truth = field_finding(5552010, "hot-joint")
    assert truth.t2_c is not None and truth.t1_c is not None
    h = f.hotspot
    assert h.t2_source == "similar-component"
    assert h.t2_c is not None and abs(h.t2_c - truth.t2_c) <= 1.0
    centres = [(bx + bw / 2, by + bh / 2) for bx, by, bw, bh in h.peer_bboxes]
    for px, py in truth.peers_xy:
        assert any(abs(cx - px) <= 4 and abs(cy - py) <= 4 for cx, cy in centres)
    want = diagnose("dlt664-2016", truth.device, hot_c=truth.t1_c, ref_c=truth.t2_c, ambient_c=truth.t0_c)
    assert f.grade == want.grade == "critical"


def test_no_cold_row_far_from_a_joint_on_a_single_line() -> None:
    # 5553008: one conductor, no other phase; minima of dark conductors 150–170 px off stood in a row
    # with the joint and gave a T2 2.7 K too cold. The nearer peer must lie within NEAR_PX
    img, truth = render(5553008, "hot-joint-single-phase")
    assert truth.xy is not None and not truth.peers_xy
    (j,) = [j for j in find_joints(img, truth.t0_c) if abs(j.xy[0] - truth.xy[0]) <= 2
            and abs(j.xy[1] - truth.xy[1]) <= 2]
    assert j.t2_source == "same-conductor"
    assert cold_row(img, cold_minima(img), j.xy, j.t1_c, j.angle_deg, 2.0) is None


def _frame_with_cold_peers(depth_k: float, spacing_px: int) -> tuple[np.ndarray, tuple[int, int]]:
    """A 200 × 400 px frame at 20 °C with a 5 × 5 px joint at 60 °C in the middle and two 5 × 5 px
    parts ``depth_k`` below the ground ``spacing_px`` to either side (a row across a vertical line)."""
    rng = np.random.default_rng(7)
    img = (20.0 + rng.normal(0.0, 0.05, (200, 400))).astype(np.float32)  # NETD 50 mK
    cx, cy = 200, 100
    img[cy - 2: cy + 3, cx - 2: cx + 3] = 60.0
    for x in (cx - spacing_px, cx + spacing_px):
        img[cy - 2: cy + 3, x - 2: x + 3] = 20.0 - depth_k
    return img, (cx, cy)


def test_a_row_of_two_cold_parts_gives_their_reading() -> None:
    img, (cx, cy) = _frame_with_cold_peers(3.0, 60)
    got = cold_row(img, cold_minima(img), (cx, cy), 60.0, 90.0, 2.0)
    assert got is not None
    row, t2 = got
    for want in (cx - 60, cx + 60):
        assert any(abs(x - want) <= 2 and abs(y - cy) <= 2 for x, y in row)
    assert abs(t2 - 17.0) < 0.1


def test_cold_parts_beyond_the_phase_spacing_make_no_row() -> None:
    img, (cx, cy) = _frame_with_cold_peers(3.0, int(NEAR_PX) + 10)
    assert cold_row(img, cold_minima(img), (cx, cy), 60.0, 90.0, 2.0) is None
