"""The same part on another phase shows one of the joint's own arms (irpatrol.analysis.arms)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from irpatrol.analysis.arms import across, arms, shows_an_arm, ways
from irpatrol.analysis.phase_shift import ROW_OFF_LINE_DEG
from irpatrol.analysis.ridges import padded

JOINT = (60, 70)
PEERS = ((130, 70), (200, 70))


def _arm(img: np.ndarray, at: tuple[int, int], deg: float, length: float, c: float) -> None:
    """A 2 px line at ``c`` °C from ``at`` (px), ``length`` px the way ``deg`` (°, image axes)."""
    end = (round(at[0] + length * np.cos(np.deg2rad(deg))), round(at[1] + length * np.sin(np.deg2rad(deg))))
    cv2.line(img, at, end, c, 2)


def _frame(peer_way_deg: float) -> np.ndarray:
    """Ground at 20 °C with 50 mK noise; a fuse contact at :data:`JOINT` whose lead leaves up and left
    (240°) and its tube down and left (115°), both 3 K over the ground near the hot contact; at each of
    :data:`PEERS` one member only, 1.5 K under the ground, leaving the way ``peer_way_deg``."""
    rng = np.random.default_rng(11)
    img = (20.0 + rng.normal(0.0, 0.05, (140, 240))).astype(np.float32)
    _arm(img, JOINT, 240.0, 50.0, 23.0)
    _arm(img, JOINT, 115.0, 50.0, 23.0)
    cv2.circle(img, JOINT, 2, 60.0, -1)
    for p in PEERS:
        _arm(img, p, peer_way_deg, 50.0, 18.5)
    return img


def test_the_joints_arms_are_its_two_members_each_one_way() -> None:
    img = _frame(115.0)
    own = arms(ways(img, np.array([JOINT], dtype=np.float64), padded(img))[0])
    degrees = np.flatnonzero(own) * 5
    assert any(abs(d - 240) <= 10 for d in degrees) and any(abs(d - 115) <= 10 for d in degrees)
    assert not any(abs(d - 60) <= 10 or abs(d - 295) <= 10 for d in degrees)  # no way back along either


def test_a_healthy_part_showing_one_member_the_joints_way_shows_an_arm() -> None:
    img = _frame(115.0)
    assert shows_an_arm(img, JOINT, (115.0,), PEERS, padded(img))


@pytest.mark.parametrize("peer_way_deg", [295.0, 180.0, 20.0])
def test_a_line_another_way_or_back_the_other_side_is_no_arm(peer_way_deg: float) -> None:
    # 295°: the tube's line, but leaving the part on the other side (the joint's lead leaves at 240°);
    # 180° and 20°: no way of the joint's
    img = _frame(peer_way_deg)
    assert not shows_an_arm(img, JOINT, (115.0,), PEERS, padded(img))


def test_a_part_along_the_joints_own_line_is_not_across_it() -> None:
    # the parts within ROW_OFF_LINE_DEG of the joint's line (here 0°), whichever way: its own conductor
    assert across(JOINT, (115.0,), PEERS)
    off = ROW_OFF_LINE_DEG - 1.0
    c, s = np.cos(np.deg2rad(off)), np.sin(np.deg2rad(off))
    along = tuple((round(JOINT[0] + r * c), round(JOINT[1] - r * s)) for r in (70.0, 140.0))
    assert not across(JOINT, (0.0,), along)
    assert not across(JOINT, (115.0, 0.0), PEERS)
    img = _frame(115.0)
    assert not shows_an_arm(img, JOINT, (0.0,), along, padded(img))  # each shows the 115° arm
