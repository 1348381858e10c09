"""Measurement tools of a thermal viewer: spot, box, polygon and line profile.

Each returns min / max / mean (°C) over the valid pixels (NaN is "no data" and left out) and the
(x, y) pixel of the max; x grows to the right and y down, as in image coordinates. Ties for the
max go to the first pixel in row-major order (spot, box, polygon) or along the line (profile).
Coordinates outside the frame raise ParameterError.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from irpatrol.analysis.pixels import where_yx
from irpatrol.errors import ParameterError
from irpatrol.units import CelsiusArray

SPOT_PX = 3
"""Side of the measurement spot in pixels: a hot spot must span ≥ 3×3 px before its T_max is
trusted (../shared/domain/standards.md §2; Fluke: the measurement IFOV is 2–3 times the
theoretical one)."""


def half_height_part(patch: np.ndarray, row: int, col: int, level_c: float) -> np.ndarray:
    """The pixels of ``patch`` (°C) reading at least ``level_c`` connected (8-way) to the pixel
    (``row``, ``col``), as a uint8 mask: a hot spot's region at the level its outline is taken at."""
    _, comp = cv2.connectedComponents((patch >= level_c).astype(np.uint8), connectivity=8)
    return (comp == comp[row, col]).astype(np.uint8)


def spot_pixels(part: np.ndarray) -> int:
    """How many pixels of the uint8 mask ``part`` can centre a :data:`SPOT_PX` × :data:`SPOT_PX` px
    measurement spot lying wholly inside it: 0 for a speck whose reading no spot can trust."""
    return int(cv2.erode(part, np.ones((SPOT_PX, SPOT_PX), np.uint8), borderValue=0).sum())


SPOT_WIDTH_PX = SPOT_PX - 0.5
"""Least width (px) across its narrower axis of a part that holds no upright :data:`SPOT_PX` ×
:data:`SPOT_PX` px square but still holds the measurement spot (:func:`holds_spot`): a part 3 px or more
across, lying obliquely on the pixel grid, loses its corners to the half-height outline and may hold no
upright 3×3 px square. On the development seed (5550000) clamps 3.07–3.24 px across (of the generated
truth, with the optics blur of docs/physics.md §6) lying at 35–45° to the rows read 2.6–3.1 px across
their half-height outlines, and none held an upright square: their T2 was set aside (unrated, or not
reported when rising under 10 K).
Half a pixel under :data:`SPOT_PX` for the sampling of an oblique edge. A sun glint of 1–2 px (§5), or
a 1–2 px wire read along its length, stays under it. Project choice (docs/detector.md, twenty-first
pass)."""


def holds_spot(part: np.ndarray) -> bool:
    """Whether the part (uint8 mask) holds the measurement spot (:func:`spot_held`) whatever its
    direction on the pixel grid."""
    if spot_pixels(part) > 0:
        return True
    area = int(part.sum())
    if area < SPOT_PX * SPOT_PX:
        return False
    return spot_held(0, area, mask_width_px(part))


def mask_width_px(part: np.ndarray) -> float:
    """The width (px) of the mask ``part`` across its narrower principal axis (:func:`narrow_width_px`
    of the covariance of its pixel centres); 0 for an empty mask."""
    ys, xs = where_yx(part)
    if xs.size < 2:  # no pixel: no width; one: a pixel's
        return float(xs.size)
    covariance = np.cov(np.stack([xs, ys]).astype(np.float64), bias=True)
    return narrow_width_px(float(np.linalg.eigvalsh(covariance)[0]))


def narrow_width_px(least_variance_px2: float) -> float:
    """The width (px) of a region across its narrower principal axis from the variance λ (px²) of its
    pixel centres along that axis, √(12·λ + 1): a band k pixels wide has λ = (k² − 1)/12."""
    return float(np.sqrt(12.0 * max(least_variance_px2, 0.0) + 1.0))


def spot_held(spot_px: int, area_px: int, width_px: float) -> bool:
    """Whether a region holds the measurement spot (../shared/domain/standards.md §2: a hot spot
    spanning ≥ 3×3 px before its T_max is trusted), the one test for every reader: an upright
    :data:`SPOT_PX` × :data:`SPOT_PX` px square lies wholly inside it (``spot_px`` > 0 of
    :func:`spot_pixels`), or it covers at least that many pixels (``area_px``) and is at least
    :data:`SPOT_WIDTH_PX` wide across its narrower principal axis (``width_px``,
    :func:`narrow_width_px`): a part 3 px across lying obliquely on the pixel grid."""
    return spot_px > 0 or (area_px >= SPOT_PX * SPOT_PX and width_px >= SPOT_WIDTH_PX)


@dataclass(frozen=True)
class Measurement:
    """Statistics of a measured area (°C) and the (x, y) of its hottest pixel; ``n_px`` valid pixels."""

    min_c: float
    max_c: float
    mean_c: float
    max_xy: tuple[int, int]
    n_px: int = 1


@dataclass(frozen=True, eq=False)
class LineProfile(Measurement):
    """A line measurement plus the sampled temperatures (°C) and their (x, y) pixels, in order."""

    values: np.ndarray | None = None
    xy: np.ndarray | None = None


def _frame(celsius: np.ndarray) -> CelsiusArray:
    arr = np.asarray(celsius, dtype=np.float32)
    if arr.ndim != 2:
        raise ParameterError(f"a thermal frame must be 2-D, got shape {arr.shape}")
    return arr


def _check_xy(arr: np.ndarray, x: int, y: int, what: str) -> None:
    h, w = arr.shape
    if not (0 <= x < w and 0 <= y < h):
        raise ParameterError(f"{what} ({x}, {y}) lies outside the {w}×{h} frame")


def _stats(values: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> Measurement:
    """Statistics over the valid (non-NaN) values; ParameterError when there is none."""
    valid = ~np.isnan(values)
    if not valid.any():
        raise ParameterError("the measured area holds no valid temperature (all pixels are no data)")
    v, x, y = values[valid], xs[valid], ys[valid]
    i = int(np.argmax(v))
    return Measurement(float(v.min()), float(v[i]), float(v.mean()), (int(x[i]), int(y[i])), int(v.size))


def spot(celsius: np.ndarray, x: int, y: int, *, radius: int = 0) -> Measurement:
    """A spot at pixel (x, y): the pixel itself, or the (2r+1)² square around it clipped to the frame."""
    arr = _frame(celsius)
    _check_xy(arr, x, y, "spot")
    if radius < 0:
        raise ParameterError(f"spot radius must be ≥ 0 px, got {radius}")
    h, w = arr.shape
    x0, y0 = max(0, x - radius), max(0, y - radius)
    return box(arr, (x0, y0, min(w, x + radius + 1) - x0, min(h, y + radius + 1) - y0))


def box(celsius: np.ndarray, bbox: Sequence[int]) -> Measurement:
    """The axis-aligned box (x, y, w, h) in pixels; it must lie inside the frame and be non-empty."""
    arr = _frame(celsius)
    if len(bbox) != 4:
        raise ParameterError(f"a box is (x, y, w, h), got {tuple(bbox)}")
    x, y, w, h = (int(v) for v in bbox)
    if w < 1 or h < 1:
        raise ParameterError(f"box ({x}, {y}, {w}, {h}) is empty")
    _check_xy(arr, x, y, "box corner")
    _check_xy(arr, x + w - 1, y + h - 1, "box corner")
    ys, xs = np.mgrid[y:y + h, x:x + w]
    return _stats(arr[y:y + h, x:x + w].ravel(), xs.ravel(), ys.ravel())


def polygon(celsius: np.ndarray, points: Sequence[Sequence[int]]) -> Measurement:
    """The pixels inside (and on) the closed polygon through ``points`` [(x, y), …], ≥ 3 vertices."""
    arr = _frame(celsius)
    pts = np.asarray(points, dtype=np.int32).reshape(-1, 2) if len(points) else np.empty((0, 2), np.int32)
    if len(pts) < 3:
        raise ParameterError(f"a polygon needs at least 3 vertices, got {len(pts)}")
    for x, y in pts:
        _check_xy(arr, int(x), int(y), "polygon vertex")
    mask = np.zeros(arr.shape, np.uint8)
    cv2.fillPoly(mask, [pts], 1)
    ys, xs = where_yx(mask)
    return _stats(arr[ys, xs], xs, ys)


def line_profile(celsius: np.ndarray, start: Sequence[int], end: Sequence[int]) -> LineProfile:
    """Temperatures along the straight line from ``start`` to ``end`` (x, y), both ends included.

    The line is sampled at one point per pixel step along its longer axis (max(|dx|, |dy|) + 1
    samples, nearest pixel), as a digital differential analyser draws it.
    """
    arr = _frame(celsius)
    (x0, y0), (x1, y1) = (int(v) for v in start), (int(v) for v in end)
    _check_xy(arr, x0, y0, "line start")
    _check_xy(arr, x1, y1, "line end")
    n = max(abs(x1 - x0), abs(y1 - y0)) + 1
    xs = np.rint(np.linspace(x0, x1, n)).astype(np.intp)
    ys = np.rint(np.linspace(y0, y1, n)).astype(np.intp)
    values = arr[ys, xs]
    m = _stats(values, xs, ys)
    return LineProfile(m.min_c, m.max_c, m.mean_c, m.max_xy, m.n_px, values=values.copy(),
                       xy=np.stack([xs, ys], axis=1))
