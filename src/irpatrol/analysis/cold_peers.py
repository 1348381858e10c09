"""The same part on the other phases where it reads colder than its surroundings (pure, numpy/OpenCV).

A hot joint's peers — the same clamp, contact or fuse on the two healthy phases (DL/T 664-2016 §8.4
relative method, ../shared/domain/standards.md §4.3) — are looked for first as compact *maxima*
(:func:`irpatrol.analysis.phases.phase_row`). Bare or weathered metal of low emissivity (ε 0.2–0.6)
reflects the sky, and a clear sky reads 10–30 K below the air (docs/physics.md §1): a healthy clamp at
its conductor's temperature then reads *below* the ground or pole behind it, a compact **minimum**, while
the faulty phase's clamp — the same hardware under the same sky — reads hot because its heat outweighs
the reflection. The apparent temperatures of the same part on the three phases are still like for
like (same emissivity, same reflected sky), which is what the relative method compares, so such a
row gives T2 although it lies below T0 (the rule of :func:`irpatrol.analysis.joints.find_joints` that
sets aside a reference colder than the air does not apply to it).

On the development seed (5550000), of the 67 defects with two healthy phases in view but without a right
reference (bench/misses.py classes ``T2-off`` and ``no-T2``), 24 had both healthy peers 1–20 K below the
ring around them (their hottest 3×3 px against the ring's median, 6–9 px out).

The row is the same geometric row as for maxima (collinear, evenly spaced, across the conductor, the two
peers alike within the camera's accuracy). Three guards keep chance minima out, measured on the
development seed, the false-defect bases 44000000 and 33000000 and the shared real frames
(docs/detector.md, ninth pass):

* the joint rises at least :data:`irpatrol.analysis.phase_shift.SHIFT_MIN_RISE_K` over T0 (the caller
  checks): below the low-rise guard any difference beyond the camera's accuracy grades a part
  "general — provisional", and cold specks of a dark conductor then made defects of healthy clamps;
* the nearer peer lies within :data:`NEAR_PX`: a cold wire crossing warmer ground or a pole makes
  compact minima anywhere along the line;
* nothing alike follows beyond the row's ends (:func:`_goes_on`): a crossarm carries three phases.

The route is tried last, where no row of maxima, no located row and no set stood, before the joint's
own conductor (:func:`irpatrol.analysis.joints.find_joints`).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from irpatrol.analysis.phase_shift import beyond_row
from irpatrol.analysis.phases import PEER_MIN_EXCESS_K, SPACING_RATIO, distances_px, phase_row
from irpatrol.analysis.ridges import Candidate, compact_maxima

Minimum = Candidate
"""A compact minimum: (x, y px, reading °C, depth K below everything on a ring around it, pyramid level)."""

NEAR_PX = 120.0
"""Farthest (px) the nearer of two cold peers may lie from the joint: phases stand 0.4–0.7 m apart on a
10 kV crossarm (docs/physics.md §7), 108 px at 5 m with 1.3 mrad pixels. Farther rows of minima were
points of dark conductors where they cross warmer ground (development frames 5553008, 5553022,
5553027, single-phase scenes with no other phase). Project choice."""


def _spot_c(img: np.ndarray, x: int, y: int) -> float:
    """The coldest mean (°C) of a 3×3 px spot (the measurement spot, ../shared/domain/standards.md §2)
    centred within ±1 px of (x, y): a minimum found on a coarser scale lies anywhere on its part, up to
    its edge, where the spot centred on it takes in the ground as well; the single coldest pixel would
    carry the noise's extreme."""
    h, w = img.shape
    patch = np.asarray(img[max(0, y - 2): min(h, y + 3), max(0, x - 2): min(w, x + 3)], dtype=np.float64)
    if min(patch.shape) < 3:
        return float(patch.mean())
    return float(sliding_window_view(patch, (3, 3)).mean(axis=(2, 3)).min())


def _goes_on(minima: list[Minimum], xy: tuple[int, int], row: tuple[tuple[int, int], tuple[int, int]],
             alike_k: float) -> bool:
    """Whether a further minimum reading like the row's two (within ``alike_k`` K) stands one row step
    beyond either end of the row of the joint at ``xy`` and its two cold peers ``row`` (px), within the
    slack of :data:`irpatrol.analysis.phases.SPACING_RATIO` (0.35 of a step), as
    :func:`irpatrol.analysis.bodies.row_triples` asks of a row of bodies: a 10 kV crossarm carries three
    phases, while the cold windscreens of a queue of cars, a facade's windows or a fence go on (on the
    shared DJI XT-S highway frame a car's lamp 14 K over the road and two windscreens made a
    `critical` clamp without this test)."""
    pts = np.array([xy, *row], dtype=np.float64)
    ends = np.stack(beyond_row(pts))
    step = float(np.hypot(*(ends[1] - ends[0]))) / 4.0
    level = min(t for x, y, t, _, _ in minima if (x, y) in row)
    slack = (SPACING_RATIO - 1.0) * step
    return any(abs(t - level) <= alike_k and min(distances_px((x, y), ends)) <= slack
               for x, y, t, _, _ in minima)


def cold_minima(celsius: np.ndarray) -> list[Minimum]:
    """The compact minima of ``celsius`` (°C) at least :data:`irpatrol.analysis.phases.PEER_MIN_EXCESS_K`
    deep: :func:`irpatrol.analysis.ridges.compact_maxima` of the negated frame, readings turned back."""
    img = np.asarray(celsius, dtype=np.float32)
    return [(x, y, -t, e, level) for x, y, t, e, level in compact_maxima(-img) if e >= PEER_MIN_EXCESS_K]


def cold_row(celsius: np.ndarray, minima: list[Minimum], xy: tuple[int, int], t1_c: float, angle_deg: float,
             alike_k: float) -> tuple[tuple[tuple[int, int], tuple[int, int]], float] | None:
    """The row of two cold peers (:func:`cold_minima` ``minima``) of the joint at ``xy`` (px, T1
    ``t1_c`` °C, its conductor at ``angle_deg``) and its T2 (°C): the row
    :func:`irpatrol.analysis.phases.phase_row` takes with the peers alike within ``alike_k`` (K), the
    nearer within :data:`NEAR_PX`, not going on beyond its ends (:func:`_goes_on`); each peer read over
    its coldest 3×3 px spot (:func:`_spot_c`), the two alike within ``alike_k``, T2 the cooler. None
    when no such row stands."""
    row = phase_row(minima, xy[0], xy[1], t1_c, angle_deg, None, alike_k)
    if row is None or min(distances_px(xy, row)) > NEAR_PX:
        return None
    if _goes_on(minima, xy, row, alike_k):
        return None
    img = np.asarray(celsius)
    reads = [_spot_c(img, x, y) for x, y in row]
    if abs(reads[0] - reads[1]) > alike_k:
        return None
    return row, min(reads)
