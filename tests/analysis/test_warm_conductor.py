"""A warm conductor read in beads is one finding, not one for every bead
(``joint_hotspots._on_an_unrated_stretch``; docs/detector.md, thirty-fifth pass).

A thin loaded conductor warmed 10 K or more over T0 reads in beads along the pixel grid: where the
wire crosses a pixel's centre it reads near its own temperature, between centres it reads part sky.
Each bead is a compact maximum on a line; with no other phase in view none has a reference, and each
rising 10 K over T0 was an ``unrated`` finding marked for review. The frames below are drawn, not
generated: sub-pixel wires at 60 °C over a 2 °C sky, sampled at pixel centres after a 1.2 px blur
(four times finer drawing), so their beads read about 36 °C, 16 K over T0 = 20 °C.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from irpatrol.analysis.ridges import compact_maxima
from irpatrol.pipeline import examine

SHAPE = (256, 320)
FINE = 4
"""Drawing scale: the wires are drawn at 4× and sampled at the centre of each pixel."""
WIRE_C, SKY_C, T0_C = 60.0, 2.0, 20.0


def _wire_cover(ends: list[tuple[tuple[int, int], tuple[int, int]]], width_px: float) -> np.ndarray:
    """The share of each pixel's centre that the wires cover (0–1), each wire ``width_px`` wide between
    its two ends (x, y px)."""
    h, w = SHAPE
    fine = np.zeros((h * FINE, w * FINE), np.float32)
    for (x0, y0), (x1, y1) in ends:
        cv2.line(fine, (x0 * FINE, y0 * FINE), (x1 * FINE, y1 * FINE), 1.0,
                 thickness=max(1, round(width_px * FINE)), lineType=cv2.LINE_AA)
    return cv2.GaussianBlur(fine, (0, 0), 1.2)[FINE // 2::FINE, FINE // 2::FINE]


def _scene(ends: list[tuple[tuple[int, int], tuple[int, int]]], seed: int = 0,
           parts: tuple[tuple[int, float], ...] = ()) -> np.ndarray:
    """The wires over the sky, with a part of 4 px across at each (x px, °C) of ``parts`` on the
    first wire."""
    rng = np.random.default_rng(seed)
    cover = _wire_cover(ends, 0.75)
    img = (SKY_C + rng.normal(0.0, 0.15, SHAPE)) * (1 - cover) + WIRE_C * cover
    (x0, y0), (x1, y1) = ends[0]
    for x, part_c in parts:
        disc = np.zeros(SHAPE, np.float32)
        cv2.circle(disc, (x, round(y0 + (y1 - y0) * (x - x0) / (x1 - x0))), 2, 1.0, thickness=-1)
        img = np.where(disc > 0, part_c, img)
    return cv2.GaussianBlur(img.astype(np.float32), (0, 0), 0.7)


ONE = [((0, 90), (319, 140))]
TWO = [((0, 90), (319, 140)), ((0, 190), (319, 225))]


def _review(img: np.ndarray) -> list[tuple[int, int]]:
    ex = examine(img, device="parallel-groove-clamp", ambient_c=T0_C, ambient_source="patrol")
    assert all(f.grade == "unrated" for f in ex.hotspots)  # nothing to compare with: never graded
    return [f.hotspot.max_xy for f in ex.hotspots if f.diagnosis.review]


def _beads(img: np.ndarray) -> int:
    """How many compact maxima of the frame read 10 K over T0: the findings there were before."""
    return sum(1 for c in compact_maxima(img) if c[2] - T0_C >= 10.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_warm_wire_is_one_or_two_findings_not_one_per_bead(seed: int) -> None:
    img = _scene(ONE, seed)
    assert _beads(img) >= 10  # the wire does read in beads, each 10 K over T0
    review = _review(img)
    assert 1 <= len(review) <= 2  # still there for an analyst to look at, once
    assert all(abs(y - (90 + 50 * x / 319)) <= 3 for x, y in review)  # on the wire


def test_each_warm_wire_keeps_its_own_finding() -> None:
    review = _review(_scene(TWO))
    upper = [p for p in review if abs(p[1] - (90 + 50 * p[0] / 319)) <= 3]
    lower = [p for p in review if abs(p[1] - (190 + 35 * p[0] / 319)) <= 3]
    assert upper and lower  # the sky between them breaks the stretch
    assert len(review) == len(upper) + len(lower) <= 6


def test_a_hot_part_of_its_own_on_the_wire_keeps_its_finding() -> None:
    # two clamps on the first wire, 60 and 48 °C, where its beads read about 36 °C: the wire between
    # them is cooler than the second clamp by far more than the camera's accuracy
    review = _review(_scene(ONE, 0, parts=((80, 60.0), (240, 48.0))))
    assert any(abs(x - 80) <= 3 for x, _ in review)
    assert any(abs(x - 240) <= 3 for x, _ in review)
