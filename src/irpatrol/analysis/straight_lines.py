"""Whether a point of a thermal frame lies on a straight line that crosses the frame (pure, OpenCV +
numpy): the evidence that a joint is a part of a power line rather than of the scene behind it.

A distribution conductor spans 40–100 m between poles and sags about 1 m on a 50 m span, a curvature
of 8 × sag / span² ≈ 0.003 /m: with 1.3 mrad pixels it stays within a pixel of its tangent for about
310 px either side of a joint at 5 m, 180 px at 15 m and 130 px at 30 m. So it crosses the frame as
a thin line, straight over hundreds of pixels: a ridge (warmer than what lies behind it) or a valley
(colder: sky reflected by bare metal), unbroken by the texture it passes over (docs/physics.md §1,
§6, §7). The roofs, kerbs, cars and rows of panels of a scene
show straight *edges* (one side warmer than the other) that stop within the frame, and spots whose
lines through them read no more ridge than any line beside them.

:func:`line_score` sums a ridge strength along the whole straight line through the point, each pixel
weighted by how well its own ridge direction agrees with the line (:func:`_line_sums`), and scores
the sum against those of the lines parallel to it across the frame: ``(sum − median) / (MAD_TO_SIGMA ×
MAD)``, a robust standard score. The frame's own texture sets the scale, so a line is judged against
what the scene around it holds, with no temperature threshold. Measured in docs/detector.md
(thirty-eighth pass): in front of 55 real recorded scenes (``bench/real_backgrounds.py``) the true
defects' median score was 90 and that of the scene's spots graded as defects 4.9.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from irpatrol.analysis.background import MAD_TO_SIGMA
from irpatrol.analysis.compiled import kernel

SIGMA_PX = 1.0
"""Gaussian scale (px) of the Hessian: a 10 kV conductor (10–20 mm) is 1–3 px wide at 5–30 m with
1.3 mrad pixels (docs/physics.md §7), blurred by optics of about 1 px (§6)."""
EDGE_WEIGHT = 1.0
"""Share of the gradient (over :data:`SIGMA_PX`) taken off the ridge strength. At a step edge of
height H blurred to scale σ the second derivative peaks at 0.242 H/σ², a distance σ from the edge,
where the gradient is 0.242 H/σ: taking off the gradient over σ cancels an edge's response there and
within it, while at a line's axis the gradient is nil and its response stays whole (Lindeberg, *Edge
detection and ridge detection with automatic scale selection*, IJCV 30 (1998))."""
DIRECTION_POWER = 8
"""Exponent of the cosine of the angle between a pixel's ridge direction and the line: cos⁸ halves the
weight at 23° and leaves 1 % at 56°, so texture of every direction adds little while a conductor's own
pixels, within a few degrees, add whole. Project choice."""
SPREAD_DEG = 16.0
"""The line is sought within ±16° of each direction the joint's line test gave,
:data:`STEP_DEG` apart: that direction is the best straight fit a few pixels either side of the part
(:data:`irpatrol.analysis.ridges.LINE_RADII_PX`), and at a crossarm the span conductor meets the part
at an angle to the lead, jumper or blade on its other side. Generated frames 8887070 and 77008059: a
terminal clamp and a disconnector contact whose line test read the lead below the part at 95–100°,
with the span conductor above it 15° away. Project choice, measured (docs/detector.md, thirty-eighth
pass): ±4° lost those two and one more of the check seeds' defects, ±16° none."""
STEP_DEG = 2.0
"""Direction step (°): over the 800 px a line may cross a 640×512 frame, 2° moves its far end 14 px
from its axis, so a line may fall between steps; the ±1 px offsets and the cos⁸ weight take up the
rest."""
OFFSETS_PX = (-1.0, 0.0, 1.0)
"""Offsets (px, across the line) at which the line through the point is read: the point is a joint's
warmest pixel, which may stand a pixel off its conductor's axis."""
REFERENCE_STEP_PX = 8.0
"""Spacing (px, across the line) of the parallel lines the score is taken against: about 100 lines
across a 640×512 frame, enough for a median and a median absolute deviation. Project choice; the
reference is taken in the first of the joint's directions only (one reference a joint, every direction
searched scored against it)."""
REFERENCE_ALONG_PX = 4.0
"""Spacing (px) of the samples along each reference line: the reference is a statistic of the frame's
texture, not a search for one line, so fewer samples serve (each line's sum is taken per px of line,
times the step)."""
ALONG_STEP_PX = 2.0
"""Spacing (px) of the samples along each line: a ridge blurred to 1 px is 3–4 px across, so it is
read wherever the line crosses it."""
MIN_LENGTH_SHARE = 0.25
"""Parallel lines shorter within the frame than this share of the longest are left out of the
reference: a line cutting a corner holds too few samples to be compared."""
FLAT_SCALE = 1e-6
"""Spread of the parallel lines' sums (K/px) below which the frame holds no texture at all (a generated
frame of one temperature, read through float rounding): 50 mK of sensor noise alone spreads them
over 0.2 K/px."""
MIN_SCORE = 8.0
"""Least score (robust standard deviations over the frame's parallel lines) of a joint confirmed on a
line. Project choice, measured (docs/detector.md, thirty-eighth pass): of the findings graded in front
of 55 real scenes (``bench/real_backgrounds.py``, seed 20261202) none of the 161 true defects and 60 of
the 107 spots of the scene itself scored below 8 within :data:`SPREAD_DEG` (at 9: 1 and 64); no
defect of the generated development and check seeds lost its grade."""
ALONE_MIN_SCORE = 2.0 * MIN_SCORE
"""Least score of a joint confirmed on a line when nothing else in the frame says it is equipment: no
row of alike parts on the other phases, its T2 read on its own conductor away from it
(``same-conductor``), on one neighbouring phase alone (a pair, no set), or none at all (graded by
absolute limits only). With a row, three alike parts spaced as phases corroborate the line; alone, the
line is the only evidence, so it must stand out as a conductor does: a 2 px conductor 1 K warmer or
colder than the scene behind it scores at least twice :data:`MIN_SCORE` across five shared real DJI
scenes (``tests/analysis/test_straight_lines.py``).
Measured (docs/detector.md, fortieth pass), in front of 55 real scenes (``bench/real_backgrounds.py``,
seed 20261202): the scene's own spots graded against their "conductor" scored 8.2–26 but for two
(median 13), the drawn line's true joints graded against it 11.8–14.7 at four and 18 and up at the
other 73 (median 86). Twice the bound took 15 of those 23 scene spots off the structure and 4 true
defects (now ``unrated``, marked for review when they rise 10 K); 1.5 times: 8 and 1; 2.5 times: 16
and 6; 3 times: 20 and 7. The generated seeds' defects graded right scored 31 and up (development
seed 5550000): five seeds lost none. A one-peer row's joint: one of the scene's, at 14.0 (an H20N
night frame), taken off; the true ones scored 167 in front of real scenes and 131 and up on the
development seed."""


def smoothed(celsius: np.ndarray) -> np.ndarray:
    """``celsius`` (°C, H×W) blurred at :data:`SIGMA_PX`: what :func:`line_score` reads, made once per
    frame."""
    return cv2.GaussianBlur(np.asarray(celsius, dtype=np.float32), (0, 0), SIGMA_PX)


@kernel
def _line_sums(g: np.ndarray, x: float, y: float, thetas: np.ndarray, offsets: np.ndarray, step: float,
               edge_weight: float, half_power: int,
               ) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover (compiled)
    """Sums of the weighted ridge strength along lines, the k-th of direction ``thetas[k]`` (rad, from
    the x axis towards y) at ``offsets[k]`` (px, across the line) from (``x``, ``y``), sampled every
    ``step`` px, and how many samples of each lie inside the frame's border. At each sample's pixel
    the 3×3 Sobel derivatives of ``g`` (the frame blurred at :data:`SIGMA_PX`) give the Hessian
    (second derivatives scaled by 4, first by 8): the ridge strength is the larger eigenvalue in
    magnitude, a ridge (warmer line) or a valley (colder line) alike, less ``edge_weight`` × the
    gradient (:data:`EDGE_WEIGHT`), floored at 0; it is weighted by the cosine of the angle between the
    ridge's direction and the line to the power ``2 × half_power`` (:data:`DIRECTION_POWER`)."""
    h, w = g.shape
    half = math.hypot(h, w)
    n_along = int(2.0 * half / step) + 1
    sums = np.zeros(len(offsets))
    counts = np.zeros(len(offsets), dtype=np.int64)
    for k in range(len(offsets)):
        ux, uy = math.cos(thetas[k]), math.sin(thetas[k])
        c2t, s2t = math.cos(2.0 * thetas[k]), math.sin(2.0 * thetas[k])
        x0 = x - uy * offsets[k] - ux * half
        y0 = y + ux * offsets[k] - uy * half
        # the stretch of the line inside the frame's border (Liang–Barsky clipping)
        t_lo, t_hi = 0.0, (n_along - 1) * step
        for p0, dp, lo, hi in ((x0, ux, 1.0, w - 2.0), (y0, uy, 1.0, h - 2.0)):
            if abs(dp) < 1e-12:
                if p0 < lo - 0.5 or p0 > hi + 0.5:
                    t_hi = -1.0
            else:
                ta, tb = (lo - 0.5 - p0) / dp, (hi + 0.5 - p0) / dp
                t_lo, t_hi = max(t_lo, min(ta, tb)), min(t_hi, max(ta, tb))
        first = max(math.ceil(t_lo / step) - 1, 0)
        last = min(int(t_hi / step) + 1, n_along - 1)
        for i in range(first, last + 1):
            px = round(x0 + ux * step * i)
            py = round(y0 + uy * step * i)
            if px < 1 or py < 1 or px > w - 2 or py > h - 2:
                continue
            counts[k] += 1
            a, b, c = g[py - 1, px - 1], g[py - 1, px], g[py - 1, px + 1]
            d, e, f = g[py, px - 1], g[py, px], g[py, px + 1]
            p, q, r = g[py + 1, px - 1], g[py + 1, px], g[py + 1, px + 1]
            hxx = 0.25 * ((a - 2 * b + c) + 2 * (d - 2 * e + f) + (p - 2 * q + r))
            hyy = 0.25 * ((a - 2 * d + p) + 2 * (b - 2 * e + q) + (c - 2 * f + r))
            hxy2 = 0.5 * (a - c - p + r)  # 2 × the mixed derivative
            gx = (c - a) + 2 * (f - d) + (r - p)
            gy = (p - a) + 2 * (q - b) + (r - c)
            diff = hxx - hyy
            root = math.sqrt(diff * diff + hxy2 * hxy2) + 1e-12
            half_trace = 0.5 * (hxx + hyy)
            strength = abs(half_trace) + 0.5 * root - edge_weight * math.sqrt(gx * gx + gy * gy) / 8.0
            if strength <= 0.0:
                continue
            # along a ridge (half_trace ≤ 0) the line runs with the larger eigenvalue's eigenvector,
            # along a valley with the other
            sign = -1.0 if half_trace > 0.0 else 1.0
            agree = 0.5 * (1.0 + sign * (diff * c2t + hxy2 * s2t) / root)
            sums[k] += strength * agree ** half_power
    return sums, counts


def line_score(blurred: np.ndarray, xy: tuple[int, int], angles_deg: tuple[float, ...]) -> float:
    """The best score of a straight line through ``xy`` (px) within :data:`SPREAD_DEG` of one of
    ``angles_deg`` (° from the x axis towards y; the first is the reference's) and :data:`OFFSETS_PX` of
    the point, against the lines parallel to it across the frame (see the module's docstring);
    ``blurred``: the frame as :func:`smoothed` gives it. ``inf`` when the frame's parallel lines read all
    alike and this one reads more (a generated frame without texture)."""
    h, w = blurred.shape
    half = math.hypot(h, w)
    edge = EDGE_WEIGHT / SIGMA_PX
    x, y = float(xy[0]), float(xy[1])

    def integrals(angles: np.ndarray, offsets: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
        # one line per (direction, offset); per px of line, whatever the sampling step
        sums, counts = _line_sums(blurred, x, y, np.radians(angles), offsets, step, edge,
                                  DIRECTION_POWER // 2)
        return sums * step, counts

    reach = np.arange(-half, half + REFERENCE_STEP_PX, REFERENCE_STEP_PX)
    sums, counts = integrals(np.full(len(reach), angles_deg[0]), reach, REFERENCE_ALONG_PX)
    kept = sums[counts >= MIN_LENGTH_SHARE * counts.max()]
    median = float(np.median(kept))
    scale = MAD_TO_SIGMA * float(np.median(np.abs(kept - median)))
    directions = np.array(list(dict.fromkeys(
        round(a + step) for a in angles_deg
        for step in np.arange(-SPREAD_DEG, SPREAD_DEG + STEP_DEG / 2, STEP_DEG))), dtype=np.float64)
    own = np.asarray(OFFSETS_PX, dtype=np.float64)
    lines = integrals(np.repeat(directions, len(own)), np.tile(own, len(directions)), ALONG_STEP_PX)
    top = float(lines[0].max())
    if scale > FLAT_SCALE:
        return (top - median) / scale
    return math.inf if top - median > FLAT_SCALE else 0.0


def on_a_straight_line(blurred: np.ndarray, xy: tuple[int, int], angles_deg: tuple[float, ...],
                       least: float = MIN_SCORE) -> bool:
    """Whether ``xy`` (px) lies on a straight line crossing the frame in one of ``angles_deg``:
    :func:`line_score` at least ``least`` (:data:`MIN_SCORE`, or :data:`ALONE_MIN_SCORE` for a joint
    nothing else shows to be equipment); ``blurred``: the frame as :func:`smoothed` gives it."""
    return line_score(blurred, xy, angles_deg) >= least
