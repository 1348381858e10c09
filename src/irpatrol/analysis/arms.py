"""A part's arms: the ways a line leaves it, and whether the same part elsewhere shows one of them
(pure, numpy over the line test of :mod:`irpatrol.analysis.ridges`).

A parallel-groove clamp sits on a conductor that runs straight through it, so the same part on
another phase sits on a line parallel to the joint's (``joints._on_parallel_lines``). A drop-out
fuse's upper contact joins two members instead: the lead comes down to it and the fuse tube leaves
it 20–30° off the lead's line (in the development frames' views). On the hot phase both members read
as lines, the tube heated by the contact. On a healthy phase the tube may read like the pole or
ground behind it, so no straight line runs through the contact; the lead still shows as a line one
way. Development frame 5559004: the hot contact's ways run at 100–135° (down its tube) and 265–305°
(up its lead; °, image axes, from +x towards +y); each healthy contact shows a line at 255–300° only.
The structure's repetition (:func:`irpatrol.analysis.phase_shift.shift_row`, match 0.20–0.38) placed
both within 6 px of the generated contacts. Before this test they were set aside and the 85 °C fuse
went unrated.

A line one way is common: a conductor that vanishes against the sky, the edge of a crossarm. So
:func:`shows_an_arm` asks more than a line: the direction *and* the side of one of the joint's own
ways, at a part lying across the joint's line. A row along the joint's own conductor is that
conductor further on, not another phase. Development frames 5552030 and 5553049: the repetition put
both "phases" 73–233 px along the joint's own conductor (2.5–3.5° off its line). Both show a line
one way in the joint's direction, but they are not another phase.
"""

from __future__ import annotations

import numpy as np

from irpatrol.analysis.phase_shift import ROW_OFF_LINE_DEG
from irpatrol.analysis.ridges import ANGLES, LINE_RADII_PX, MIN_RIDGE_SAMPLES, direction_gap_deg, line_sides

WAYS = 2 * ANGLES
"""Directions of a way from a point, over 360° in the line test's steps (5°,
:data:`irpatrol.analysis.ridges.STEP_DEG`)."""
ARM_STEPS = 4
"""How many steps (5° each) a part's way may turn from the joint's and still be the same
arm: 20°, as for a peer's conductor parallel to the joint's
(:data:`irpatrol.analysis.phases.PARALLEL_THETA_DEG`: the direction measured at a short, wide part is
off by up to 15–20°)."""


def ways(img: np.ndarray, pts: np.ndarray, border: np.ndarray) -> np.ndarray:
    """The line test's ridge samples one way (int, P×R×:data:`WAYS`) for P points ``pts`` (P×2 px) at each
    radius of :data:`irpatrol.analysis.ridges.LINE_RADII_PX`. Way k leaves the point at k·5° (image
    axes). ``border``: :func:`irpatrol.analysis.ridges.padded` of ``img``."""
    out = []
    for radius in LINE_RADII_PX:
        per_side, _ = line_sides(img, pts, radius, border=border)  # (P, A, 2): the way back from θ, along θ
        out.append(np.concatenate([per_side[..., 1], per_side[..., 0]], axis=1))
    return np.stack(out, axis=1)


def arms(joint_ways: np.ndarray) -> np.ndarray:
    """The joint's arms (bool :data:`WAYS`) from its :func:`ways` (R×WAYS): at each radius, the ways
    with the most ridge samples, where they reach :data:`irpatrol.analysis.ridges.MIN_RIDGE_SAMPLES`."""
    best = joint_ways.max(axis=1, keepdims=True)
    return ((joint_ways == best) & (best >= MIN_RIDGE_SAMPLES)).any(axis=0)


def across(xy: tuple[int, int], line_angles_deg: tuple[float, ...], pts: tuple[tuple[int, int], ...]) -> bool:
    """Whether each of ``pts`` (px) lies across the joint's line from the joint at ``xy``: its direction
    from the joint is at least :data:`irpatrol.analysis.phase_shift.ROW_OFF_LINE_DEG` from each of
    ``line_angles_deg`` (°, [0, 180)), as the shift that placed it is from the first (a wide part's
    line directions differ by radius, ``joints.Joint.line_angles_deg``)."""
    for x, y in pts:
        seen = np.degrees(np.arctan2(y - xy[1], x - xy[0])) % 180.0
        if any(direction_gap_deg(seen, a) < ROW_OFF_LINE_DEG for a in line_angles_deg):
            return False
    return True


def shows_an_arm(img: np.ndarray, xy: tuple[int, int], line_angles_deg: tuple[float, ...],
                 pts: tuple[tuple[int, int], ...], border: np.ndarray) -> bool:
    """Whether each of ``pts`` (px), the same part on the other phases as placed for a joint at ``xy``
    whose line runs at ``line_angles_deg`` (°), lies across that line (:func:`across`) and shows a line
    one way within :data:`ARM_STEPS` of one of the joint's :func:`arms`, on the same side, at some
    radius of the line test (module docstring). ``border``: :func:`irpatrol.analysis.ridges.padded`."""
    if not pts or not across(xy, line_angles_deg, pts):
        return False
    found = ways(img, np.array([xy, *pts], dtype=np.float64), border)
    own = arms(found[0])
    if not own.any():
        return False
    turn = np.arange(-ARM_STEPS, ARM_STEPS + 1)
    near = np.zeros(WAYS, dtype=bool)
    near[(np.flatnonzero(own)[:, None] + turn[None, :]).ravel() % WAYS] = True
    return bool(((found[1:] >= MIN_RIDGE_SAMPLES) & near).any(axis=(1, 2)).all())

