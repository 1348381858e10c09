"""Whether a point lies on a straight line crossing the frame (``straight_lines.line_score``): the
evidence that a joint is a part of a power line, not of the scene behind it (issue 10 item 3). Read on
the real DJI frames of ../shared/data/thermal-samples, with a conductor drawn across them where one is
needed."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.analysis.joint_hotspots import REPORT_EXCESS_K, _on_a_span
from irpatrol.analysis.joints import Joint, find_joints
from irpatrol.analysis.straight_lines import ALONE_MIN_SCORE, MIN_SCORE, line_score, smoothed
from irpatrol.radiometry import read

SHAPE = (512, 640)


def _scene(samples: Path, name: str) -> np.ndarray:
    """The real frame ``name`` of the shared samples (°C, 640×512 px)."""
    return np.asarray(read(samples / name).celsius, dtype=np.float32)


def _with_conductor(img: np.ndarray, contrast_k: float) -> tuple[np.ndarray, tuple[int, int], float]:
    """``img`` with a 2 px conductor ``contrast_k`` (K) warmer (colder when negative) than what lies
    behind it, from (0, 400) to (640, 100) px, blurred as optics do (docs/physics.md §6); a point on it
    and its direction (° from the x axis towards y)."""
    mask = np.zeros(SHAPE, np.float32)
    cv2.line(mask, (0, 400), (640, 100), 1.0, 2, cv2.LINE_AA)
    out = img + contrast_k * cv2.GaussianBlur(mask, (0, 0), 0.7)
    return out.astype(np.float32), (320, 250), math.degrees(math.atan2(-300, 640)) % 180.0


@pytest.mark.parametrize("name", ["dji_m4t_iirp.jpg", "dji_m3t_iirp.jpg", "dji_xts_dirp.jpg",
                                  "dji_h20n_iirp.jpg", "dji_m30t_iirp.jpg"])
@pytest.mark.parametrize("contrast_k", [1.0, -1.0])
def test_a_conductor_across_a_real_scene_is_on_a_straight_line(samples: Path, name: str,
                                                               contrast_k: float) -> None:
    # a conductor 1 K warmer, or colder (bare metal reflecting the sky, docs/physics.md §1), than the
    # car park, river bank, solar farm, harbour or tower blocks behind it stands out of every line
    # parallel to it across the frame
    img, point, angle = _with_conductor(_scene(samples, name), contrast_k)
    with_it = line_score(smoothed(img), point, (angle,))
    assert with_it >= 2 * MIN_SCORE
    # the conductor is what stands out: without it the lines through the point score far less
    assert line_score(smoothed(_scene(samples, name)), point, (angle,)) < with_it / 2


def test_a_conductor_across_a_roof_of_pipes_and_fans_still_is(samples: Path) -> None:
    # the DJI H20T roof (issue 10's pavement frame) is full of straight pipes and rows of fans: a 1 K
    # conductor stands out of it less, but still does
    img, point, angle = _with_conductor(_scene(samples, "dji_h20t_dirp.jpg"), 1.0)
    assert line_score(smoothed(img), point, (angle,)) >= MIN_SCORE


@pytest.mark.parametrize(("contrast_k", "t2_source", "peers", "on"), [
    (1.0, "similar-component", 2, True),  # a row of three alike parts: the bound
    (1.0, "similar-component", 1, False),  # one neighbouring phase alone: a pair, no set
    (1.0, "same-conductor", 0, False),  # the line is the only evidence
    (1.0, "none", 0, False),
    (1.5, "same-conductor", 0, True),  # a line that stands out as a conductor does
])
def test_a_joint_with_no_row_of_parts_needs_a_line_that_stands_out_as_a_conductor_does(
        samples: Path, contrast_k: float, t2_source: str, peers: int, on: bool) -> None:
    # the DJI H20T roof of pipes and fans: a conductor 1 K warmer than the roof scores between the
    # bound and twice it (10.8), one 1.5 K warmer over twice it (21.5). A joint on it graded against a
    # row of two peers is on the structure at the bound; one graded against a single peer, its own
    # conductor or nothing has the line for its only evidence and needs ALONE_MIN_SCORE
    img, point, angle = _with_conductor(_scene(samples, "dji_h20t_dirp.jpg"), contrast_k)
    blurred = smoothed(img)
    score = line_score(blurred, point, (angle,))
    assert score >= MIN_SCORE
    assert (score >= ALONE_MIN_SCORE) == (contrast_k > 1.0)
    row = ((200, 306), (440, 194))[:peers]
    j = Joint(point, 40.0, 5.0, 5, angle, t2_c=None if t2_source == "none" else 25.0,
              t2_source=t2_source, peers_xy=row, line_angles_deg=(angle,))
    assert _on_a_span(lambda: blurred, j) == on


def test_the_warm_spots_of_grass_are_not_on_straight_lines(samples: Path) -> None:
    # the DJI XTR frame: a pipe rack above grass. The detector finds warm spots on lines among the
    # blades (a blade is a thin line a few tens of pixels long); few of them lie on a line that
    # crosses the frame
    img = _scene(samples, "dji_xtr_flir_core.jpg")
    t0 = float(np.median(img))
    joints = [j for j in find_joints(img, t0, 2.0, REPORT_EXCESS_K, lambda j, s: False)
              if not (j.one_way or j.in_set or j.twin_only)]
    assert len(joints) >= 10
    blurred = smoothed(img)
    on = [j for j in joints if line_score(blurred, j.xy, j.line_angles_deg or (j.angle_deg,)) >= MIN_SCORE]
    assert len(on) <= len(joints) // 3


def test_a_frame_without_texture() -> None:
    # a generated frame of one temperature: a line on it stands out of every other, and where there is
    # none, none is found
    flat = np.full(SHAPE, 20.0, np.float32)
    img, point, angle = _with_conductor(flat, 1.0)
    assert line_score(smoothed(img), point, (angle,)) == math.inf
    assert line_score(smoothed(flat), point, (angle,)) == 0.0


@settings(max_examples=15, deadline=None)
@given(st.floats(0.2, 5.0), st.floats(-30.0, 60.0))
def test_the_score_does_not_depend_on_the_temperature_scale(samples: Path, gain: float,
                                                            offset_k: float) -> None:
    # the score compares the line with the frame's own texture: a camera reading every pixel's excess
    # k times over, or a warmer day, scores the same line alike
    img, point, angle = _with_conductor(_scene(samples, "dji_m4t_iirp.jpg"), 1.0)
    points = [point, (100, 400)]
    base = [line_score(smoothed(img), p, (angle,)) for p in points]
    other = (gain * (img - 25.0) + 25.0 + offset_k).astype(np.float32)
    scaled = [line_score(smoothed(other), p, (angle,)) for p in points]
    assert np.allclose(base, scaled, rtol=1e-2, atol=1e-2)
