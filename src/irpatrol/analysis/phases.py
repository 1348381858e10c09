"""The same part on the other phases (pure): the references T2 of :mod:`irpatrol.analysis.joints`.

The three phases of a 10 kV line run in parallel and their corresponding parts sit side by side on
the crossarm (DL/T 664-2016 §8.4 同类比较, ../shared/domain/standards.md §4.3), so the peers of a joint
are parts on parallel conductors in a row with it (:func:`phase_row`), found among the compact maxima
or by their excess along the conductor direction (:func:`parts_along`); :func:`phase_peers` is the
single-peer fallback. docs/physics.md §9.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from irpatrol.analysis.compiled import kernel
from irpatrol.analysis.pixels import clamped, where_yx
from irpatrol.analysis.ridges import (
    LINE_CONTRAST_K,
    LINE_RADII_PX,
    MAX_CANDIDATES,
    Candidate,
    direction_gap_deg,
    lines_through,
)

PARALLEL_DEG = 10.0
"""Largest difference (°) of the directions of two conductors taken as parallel phases."""
MAX_PHASE_SPACING_PX = 240.0
"""Farthest peer (px): phase spacing ≈ 0.7 m on a 10 kV crossarm is 108 px at 5 m with 1.3 mrad
pixels, and an outer phase's far peer is two spacings away. Project choice."""
SPACING_RATIO = 1.35
"""Largest ratio of the two spacings of a three-phase row (equal on the crossarm; an oblique view
foreshortens both alike, a perspective changes them by far less). Project choice."""
ROW_K_PER_PX = 0.01
"""Weight (K per px) of a row's span against the temperature difference of its two peers when
rows compete: 100 px of span count as 1 K of difference. Project choice."""
ROW_TOLERANCE = 0.2
"""Largest distance of the middle part from the line through the outer two, in spacings."""
ROW_ANGLE_DEG = 12.0
"""Least angle (°) between the row of phases and the conductors in the frame. The crossarm crosses
the line at a right angle, but a drone at crossarm height looks at the pole top nearly level: for
a camera pitched p below the horizon and yawed y from the crossarm, the two directions project (for
a pole top small against its distance) to (cos y, sin y·sin p) and (−sin y, cos y·sin p), which
make 38° at p = 20°, y = 45° and 20° at p = 10°, y = 45°, closing towards 0° as the view levels.
12° keeps the points further along a conductor (whose direction a wide part at the joint biases
by up to 10°) out of the row while taking the rows of level oblique views. Project choice; the
earlier 30° dropped such rows (their joints went unrated with no T2)."""
ALONG_THETA_DEG = np.array([-5.0, 0.0, 5.0])
"""Directions (° from the joint's conductor) in which a part on a parallel conductor is confirmed."""
PARALLEL_THETA_DEG = np.arange(-20.0, 20.1, 5.0)
"""Directions (° from the joint's conductor as measured at the joint) in which a peer's own conductor
is sought (:func:`irpatrol.analysis.joints.find_joints` reads the line test's evidence in them):
the direction measured on a short, wide part is off by up to 15–20°, so the peers' conductors are
accepted within that of it."""
PEER_MIN_EXCESS_K = 0.5
"""Least compact excess (K) of a peer: a clamp stands out from its conductor (a conductor crossing a
textured background makes weaker maxima along it). Project choice."""
MIN_PEER_OFFSET_PX = 3.0
"""Least distance (px) of a peer from the hot candidate's line: it must be on another conductor."""


def path_low(img: np.ndarray, xy: tuple[int, int], pts: np.ndarray) -> np.ndarray:
    """The lowest reading of ``img`` (°C) on the straight path from ``xy`` to each point of ``pts``
    (N×2 or more columns, x and y first, px), ends excluded: 14 samples a path."""
    x, y = xy
    f = np.linspace(0.0, 1.0, 16)[1:-1]
    px = np.rint(x + f[None, :] * (pts[:, 0:1] - x)).astype(np.intp)
    py = np.rint(y + f[None, :] * (pts[:, 1:2] - y)).astype(np.intp)
    return np.asarray(img[py, px].min(axis=1))


def separate(img: np.ndarray, joint: tuple[int, int, float], pts: np.ndarray) -> np.ndarray:
    """Whether each point of ``pts`` (N×3: x, y, T °C) is a part of its own, not another maximum of
    the joint's own flat top: the reading (``img``, best 3×3-dilated so a path grazing a part's edge
    is no dip) dips by at least :data:`LINE_CONTRAST_K` below the cooler of the two somewhere on the
    straight path between them (:func:`path_low`)."""
    x, y, t1 = joint
    return path_low(img, (x, y), pts) <= np.minimum(pts[:, 2], t1) - LINE_CONTRAST_K


def phase_row(cands: list[Candidate], x: int, y: int, t1_c: float,
              angle_deg: float, img: np.ndarray | None = None, alike_k: float | None = None,
              ) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The same part on the two other phases of the joint at (x, y): two compact maxima P, Q (any
    of ``cands``, confirmed on a line or not — against warm ground a conductor may not show while its
    clamps do) that form a row with the joint: collinear within :data:`ROW_TOLERANCE` of the spacing,
    equally spaced within :data:`SPACING_RATIO`, the row across the conductor direction by at least
    :data:`ROW_ANGLE_DEG`, within :data:`MAX_PHASE_SPACING_PX` (T2 is then the cooler of the two:
    the healthiest phase, so a second faulty phase does not hide the first). The corresponding parts of the
    three phases sit side by side on the crossarm (DL/T 664-2016 §8.4, ../shared/domain/standards.md
    §4.3). With ``img``, each peer must be a part of its own (:func:`separate`). With ``alike_k`` (K),
    the two peers must read alike within it: healthy phases carry the same load, so two healthy parts
    differ by no more than the camera's accuracy; two parts that differ more are not a healthy pair of
    phases (on the real frames seen so far: warm spots of roofs and pipes in a row by chance), and a
    reference taken from them would be a guess. The best pair, or None."""
    a = np.array([(c[0], c[1], c[2]) for c in cands], dtype=np.float64).reshape(-1, 3)
    a = a[(np.hypot(a[:, 0] - x, a[:, 1] - y) >= 3.0)
          & (np.hypot(a[:, 0] - x, a[:, 1] - y) <= MAX_PHASE_SPACING_PX)]
    if img is not None and len(a):
        a = a[separate(img, (x, y, t1_c), a)]
    if len(a) < 2:
        return None
    th = np.deg2rad(angle_deg)
    i, j = _best_row_kernel(a, float(x), float(y), float(np.cos(th)), float(np.sin(th)),
                            alike_k is not None, float(alike_k or 0.0), SPACING_RATIO, ROW_TOLERANCE,
                            float(np.cos(np.deg2rad(ROW_ANGLE_DEG))), ROW_K_PER_PX)
    if i < 0:
        return None
    return (int(a[i, 0]), int(a[i, 1])), (int(a[j, 0]), int(a[j, 1]))


@kernel
def _best_row_kernel(a: np.ndarray, x: float, y: float, cos_th: float, sin_th: float, alike: bool,
                     alike_k: float, spacing_ratio: float, tolerance: float, cos_row_max: float,
                     k_per_px: float) -> tuple[int, int]:  # pragma: no cover (compiled)
    """The pair (i < j) of peers ``a`` (N×3: x, y px, T °C) that :func:`phase_row` takes, or (−1, −1),
    compiled: per pair, the three sides of the triangle with the joint at (x, y), the middle part's
    distance from the outer two's line, the row's direction against the conductor's (``cos_th``,
    ``sin_th``) and the cost, the first of the least in the order of ``np.triu_indices``; the peers
    must read alike within ``alike_k`` K when ``alike``. The pairs of 30 candidates were 435-long
    numpy arrays through some forty operations (a sixth of a frame's time); the arithmetic here is
    theirs, element by element, so is the answer."""
    best, best_i, best_j = np.inf, -1, -1
    for i in range(a.shape[0]):
        bx, by = a[i, 0] - x, a[i, 1] - y
        dab = np.hypot(bx, by)
        for j in range(i + 1, a.shape[0]):
            cx, cy = a[j, 0] - x, a[j, 1] - y
            dac, dbc = np.hypot(cx, cy), np.hypot(a[j, 0] - a[i, 0], a[j, 1] - a[i, 1])
            # the longest side (the first of equals in the order bc, ac, ab) spans the outer two
            span, rx, ry = dbc, a[j, 0] - a[i, 0], a[j, 1] - a[i, 1]
            if dac > span:
                span, rx, ry = dac, cx, cy
            if dab > span:
                span, rx, ry = dab, bx, by
            short = min(dbc, dac, dab)
            other = max(min(dbc, dac), min(max(dbc, dac), dab))  # the middle one of the three
            off = abs(bx * cy - by * cx) / max(span, 1e-9)
            cos_row = abs(rx * cos_th + ry * sin_th) / max(span, 1e-9)
            if not (short >= 3.0 and other <= spacing_ratio * short and off <= tolerance * short
                    and cos_row <= cos_row_max):
                continue
            gap = abs(a[i, 2] - a[j, 2])
            if alike and not gap <= alike_k:
                continue
            # the best row: the two peers most alike (healthy phases carry the same load), then the
            # tightest; among rows of peers that read alike, the warmest pair: the parts that stand out
            # on the other phases' conductors, not points of the conductors, insulators or ground beside
            cost = gap + k_per_px * span
            if alike:
                cost = cost - min(a[i, 2], a[j, 2])
            if cost < best:
                best, best_i, best_j = cost, i, j
    return best_i, best_j


def along_axis(img: np.ndarray, xy: np.ndarray, angle_deg: float) -> np.ndarray:
    """Whether each point of ``xy`` (N×2 px) is the peak of a part elongated along ``angle_deg``: at
    2–4 px from it the readings along that direction exceed those across it by ≥
    :data:`LINE_CONTRAST_K` (a clamp lies along its conductor; a warm patch of the ground is no
    longer one way than the other)."""
    if not len(xy):
        return np.zeros(0, bool)
    h, w = img.shape
    th = np.deg2rad(angle_deg)
    u, n = np.array([np.cos(th), np.sin(th)]), np.array([-np.sin(th), np.cos(th)])
    a = np.array([2.0, 3.0, 4.0])[:, None, None] * np.array([-1.0, 1.0])[None, :, None]  # (3, 2, 1)

    def mean_at(v: np.ndarray) -> np.ndarray:
        p = xy[None, None, :, :] + a[..., None] * v  # (3, 2, N, 2)
        px = clamped(np.rint(p[..., 0]).astype(np.intp), w - 1)
        py = clamped(np.rint(p[..., 1]).astype(np.intp), h - 1)
        return img[py, px].mean(axis=1)  # (3, N)

    return (mean_at(u) - mean_at(n)).max(axis=0) >= LINE_CONTRAST_K


def parts_along(img: np.ndarray, x: int, y: int, angle_deg: float, border: np.ndarray | None = None,
                ) -> tuple[list[Candidate], float]:
    """Parts on conductors parallel to the joint's (x, y, T °C, excess K, 0), for :func:`phase_row`:
    the local maxima within :data:`MAX_PHASE_SPACING_PX` of the excess *along* the conductor
    direction, B = T − max(T(p ± r·u)) for r = 6 and 12 px (a clamp on a bare conductor reads warmer
    than the low-emissivity wire on both sides of it even where both are darker than the ground
    behind), B ≥ :data:`PEER_MIN_EXCESS_K`, on a thin ridge in that direction (±5°); and the joint's own
    B (K, the largest within ±1 px of ``(x, y)``)."""
    h, w = img.shape
    th = np.deg2rad(angle_deg)
    ux, uy = np.cos(th), np.sin(th)
    r0 = int(MAX_PHASE_SPACING_PX) + 13
    x0, y0, x1, y1 = max(0, x - r0), max(0, y - r0), min(w, x + r0 + 1), min(h, y + r0 + 1)
    win = cv2.copyMakeBorder(img[y0:y1, x0:x1], 12, 12, 12, 12, cv2.BORDER_REPLICATE)
    core = win[12:-12, 12:-12]
    excess = []  # OpenCV's element-wise max and subtract on float32: numpy's answers in half the time
    for r in (6.0, 12.0):
        dx, dy = round(r * ux), round(r * uy)
        hh, ww = core.shape
        a = win[12 + dy: 12 + dy + hh, 12 + dx: 12 + dx + ww]
        b = win[12 - dy: 12 - dy + hh, 12 - dx: 12 - dx + ww]
        excess.append(cv2.subtract(core, cv2.max(a, b)))
    best = cv2.max(*excess)
    own = float(best[max(0, y - y0 - 1): y - y0 + 2, max(0, x - x0 - 1): x - x0 + 2].max())
    peak = (best >= PEER_MIN_EXCESS_K) & (best >= cv2.dilate(best, np.ones((5, 5), np.uint8)))
    ys, xs = where_yx(peak)
    if not len(ys):
        return [], own
    keep = np.argsort(-best[ys, xs])[: 2 * MAX_CANDIDATES]
    ys, xs = ys[keep], xs[keep]
    pts = np.stack([xs + x0, ys + y0], axis=1).astype(np.float64)
    near = ALONG_THETA_DEG
    ok = np.zeros(len(pts), bool)
    for radius in LINE_RADII_PX:
        todo = ~ok
        if not todo.any():
            break
        o, _ = lines_through(img, pts[todo], radius, np.deg2rad(angle_deg + near), border)
        ok[np.nonzero(todo)[0]] = o
    return [(int(px), int(py), float(img[int(py), int(px)]), float(best[int(py) - y0, int(px) - x0]), 0)
            for (px, py), k in zip(pts, ok, strict=True) if k], own


def _sides(pts: np.ndarray) -> np.ndarray:
    """The sides (px) of the triangle of three points (3×2), each opposite the vertex of its index."""
    return np.array([np.hypot(*(pts[1] - pts[2])), np.hypot(*(pts[0] - pts[2])),
                     np.hypot(*(pts[0] - pts[1]))])


def unevenness(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    """The ratio of the longer to the shorter spacing of three parts in a row (1 when even; the
    quantity :func:`in_row` bounds by :data:`SPACING_RATIO`)."""
    short = np.sort(_sides(np.array([a, b, c], dtype=np.float64)))[:2]
    return float(short[1]) / max(float(short[0]), 1e-9)


def in_row(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> bool:
    """Whether three parts (x, y px) stand in a row as the phases of a crossarm do: the two shorter
    sides of the triangle within :data:`SPACING_RATIO` of each other (≥ 3 px), the middle part within
    :data:`ROW_TOLERANCE` of a spacing from the line through the outer two (the geometry of
    :func:`phase_row`, without the conductor direction)."""
    pts = np.array([a, b, c], dtype=np.float64)
    d = _sides(pts)
    k = int(np.argmax(d))  # the vertex opposite the longest side is the middle part
    short = np.sort(d)[:2]
    outer = [i for i in range(3) if i != k]
    u = pts[outer[1]] - pts[outer[0]]
    v = pts[k] - pts[outer[0]]
    off = abs(u[0] * v[1] - u[1] * v[0]) / max(float(d[k]), 1e-9)
    return bool(short[0] >= 3.0 and short[1] <= SPACING_RATIO * short[0] and off <= ROW_TOLERANCE * short[0])


SAME_LINE_SHARE = 0.7
"""Share of the path from a joint to a candidate peer that must read as a thin ridge for the two to be
on one conductor (a conductor is straight; between two phases the path crosses the background)."""


def off_own_line(img: np.ndarray, xy: tuple[int, int], cands: list[Candidate],
                 ) -> list[Candidate]:
    """Those of ``cands`` that are not on the joint's own conductor: on the straight path from the
    joint at ``xy`` to the candidate, fewer than :data:`SAME_LINE_SHARE` of the samples (from 6 px
    off either end, 2 px apart) stand ≥ :data:`LINE_CONTRAST_K` above or below both sides 3–4 px
    across (the path's 3×3 neighbourhood, so a line off it by a pixel still counts). A part further
    along the same conductor is not the same part on another phase, whatever the direction measured
    at the joint (a wide part can bias it by 10–20°)."""
    h, w = img.shape
    if not cands:
        return []
    across = np.array([-4.0, -3.0, 3.0, 4.0])
    near = np.array([(ox, oy) for ox in (-1, 0, 1) for oy in (-1, 0, 1)], dtype=np.intp)
    # all candidates at once: paths padded to the longest, samples 6 px from either end, 2 px apart
    dx = np.array([c[0] - xy[0] for c in cands], dtype=np.float64)
    dy = np.array([c[1] - xy[1] for c in cands], dtype=np.float64)
    dist = np.hypot(dx, dy)
    n = np.maximum(np.ceil(((dist - 6.0) - 6.0) / 2.0), 0.0).astype(np.intp)  # len(np.arange(6, dist - 6, 2))
    steps = 6.0 + 2.0 * np.arange(max(int(n.max()), 1), dtype=np.float64)
    valid = np.arange(len(steps))[None, :] < n[:, None]  # (K, M)
    safe = np.where(dist > 0, dist, 1.0)
    ux, uy = (dx / safe)[:, None], (dy / safe)[:, None]
    cx, cy = xy[0] + steps[None, :] * ux, xy[1] + steps[None, :] * uy  # (K, M)
    sx = clamped(np.rint(cx[..., None] - across * uy[..., None]).astype(np.intp), w - 1)
    sy = clamped(np.rint(cy[..., None] + across * ux[..., None]).astype(np.intp), h - 1)
    side = img[sy, sx]  # (K, M, 4)
    left, right = 0.5 * (side[..., 0] + side[..., 1]), 0.5 * (side[..., 2] + side[..., 3])
    my = clamped(np.rint(cy).astype(np.intp)[..., None] + near[:, 1], h - 1)
    mx = clamped(np.rint(cx).astype(np.intp)[..., None] + near[:, 0], w - 1)
    mid = img[my, mx]  # (K, M, 9)
    hi, lo = mid.max(axis=2), mid.min(axis=2)
    bright = np.minimum(hi - left, hi - right) >= LINE_CONTRAST_K
    dark = np.minimum(left - lo, right - lo) >= LINE_CONTRAST_K
    share = ((bright | dark) & valid).sum(axis=1) / np.maximum(n, 1)
    keep = (n < 4) | (share < SAME_LINE_SHARE)
    return [c for c, k in zip(cands, keep.tolist(), strict=True) if k]


def phase_peers(joints: Sequence[Any], i: int) -> tuple[int, ...]:
    """Indices of the confirmed candidates that may be the same part on another phase of
    ``joints[i]``: on a parallel line (:data:`PARALLEL_DEG`), off its line by ≥
    :data:`MIN_PEER_OFFSET_PX` and in a direction at least :data:`ROW_ANGLE_DEG` off the conductor
    (a 5° direction error would put the same conductor 8 px off the line 90 px away), within
    :data:`MAX_PHASE_SPACING_PX`, not hotter; the nearest two."""
    j = joints[i]
    th = np.deg2rad(j.angle_deg)
    ux, uy = np.cos(th), np.sin(th)
    found: list[tuple[float, int]] = []
    for k, o in enumerate(joints):
        if k == i or o.t1_c > j.t1_c:
            continue
        dang = direction_gap_deg(o.angle_deg, j.angle_deg)
        dx, dy = o.xy[0] - j.xy[0], o.xy[1] - j.xy[1]
        dist = float(np.hypot(dx, dy))
        across = abs(-uy * dx + ux * dy)
        off_line = max(MIN_PEER_OFFSET_PX, np.sin(np.deg2rad(ROW_ANGLE_DEG)) * dist)
        if dang <= PARALLEL_DEG and across >= off_line and dist <= MAX_PHASE_SPACING_PX:
            found.append((dist, k))
    return tuple(k for _, k in sorted(found)[:2])
