"""Hot joints as the local excess over the line structure they sit on (pure, OpenCV + numpy).

A thermographer reads an aerial frame of a pole top by the structure: conductors are thin long
ridges (brighter or darker than the sky or the ground behind them), the clamps and joints sit on
them, and a bad joint is a *compact* maximum on its conductor whose heat falls off along it over a
few fin lengths (docs/physics.md §3). The three phases run in parallel, so the same part on another
phase sits on a parallel conductor close by. This module follows that reading:

1. **Compact maxima** (:func:`compact_excess`): a pixel's excess over the hottest pixel on a ring
   around it, E_r = T − max_ring_r(T), at ring radii of :data:`RING_PX` px on a max-pooled pyramid
   (each level halves the resolution, so the radii are 5, 10, 20, 40 px at full resolution and a
   thin conductor survives the pooling). Along a conductor the ring meets the same conductor, so
   E ≤ 0 there; on a joint the ring meets the conductor beyond the joint's heat, so E is the
   joint's local excess (a white top-hat with a ring element). Candidates: connected regions of
   E ≥ :data:`MIN_EXCESS_K`, the strongest :data:`MAX_CANDIDATES`.
2. **On a line** (:func:`line_through`): along some direction the candidate must continue both
   ways as a thin ridge — profiles across that direction at 1–3 ring radii from the candidate show
   a line at least :data:`LINE_CONTRAST_K` off both sides on most samples. Roofs, roads, vehicles,
   trees, sky and glints are not thin ridges through the candidate: they are never graded
   (issue 10 item 3). The ridge's own temperature beyond 2 ring radii is the conductor's T.
3. **T2** (:func:`phase_peers`): the same part on another phase — confirmed candidates on parallel
   lines (within :data:`PARALLEL_DEG`) offset across the line and within :data:`PEER_RADII` ring
   radii, not hotter; T2 is the lowest of the nearest two (the healthiest phase). Else the same
   conductor away from the joint, else none (the caller reports it unrated).

Everything is a temperature difference or a geometric relation, so a uniform offset changes no
result and no frame size or scenario is assumed. Cost: a few ring dilations (< 2 ms) and numpy
sampling of ≤ :data:`MAX_CANDIDATES` candidates, ≈ 5 ms for a 640×512 frame on one core.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field

import cv2
import numpy as np

RING_PX = 5
"""Ring radius (px) at each pyramid level: 5, 10, 20, 40 px at full resolution. A clamp of 0.2 m
with a heat tail of ≈ 1.5 fin lengths (λ ≈ 0.16 m, docs/physics.md §3) spans ≈ 0.35 m each side of
its peak: 27 px at 5 m, 9 px at 15 m, 4.5 px at 30 m with 1.3 mrad pixels, so the radii cover the
5–30 m of a drone inspection."""
LEVELS = 4
"""Pyramid levels (full resolution and three 2×2 max-pooled halvings)."""
MIN_EXCESS_K = 0.3
"""Least compact excess (K) of a candidate: six times the NETD of a 50 mK core (docs/physics.md §6),
so sensor noise alone never makes one. Grading decides what is a defect, not this."""
MAX_CANDIDATES = 30
"""Candidates examined per frame, strongest excess first (bounds the time on a busy frame)."""
MAX_JUDGED = 8
"""Confirmed joints, hottest first, for which T2 is sought (the rest serve as peers only): a pole
top carries a few dozen parts, of which the hottest few are the ones worth grading."""
LINE_CONTRAST_K = 0.3
"""Least difference (K) between a ridge sample and the background on each side of it: ten times the
NETD of a 50 mK core. Project choice."""
PROFILE_HALF_PX = 4
"""Half length (px) of a profile across the line: a 10 kV conductor (10–20 mm) is 1–3 px wide at
5–30 m with 1.3 mrad pixels, so its sides are 3–4 px from its axis."""
ANGLES = 36
"""Directions tried for the line (5° apart)."""
LINE_SAMPLES = 8
"""Profiles per side of a candidate, spread over 1–3 ring radii from it."""
MIN_RIDGE_SAMPLES = 5
"""Profiles (of :data:`LINE_SAMPLES`) per side that must show a ridge of one sign."""
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
ROW_ANGLE_DEG = 20.0
"""Least angle (°) between the row of phases and the conductors: the crossarm crosses the line."""
LINE_RADII_PX = (4.0, 8.0, 12.0)
"""Radii (px) of the line test, tried in turn: its samples lie at 1–3 radii from the candidate, past
the part itself (a 0.2 m clamp is 31 px long at 5 m, 5 px at 30 m); at most 36 px away, beyond which
a 5° direction step misses a 2 px line by more than its width. Project choice."""
FAR_MAX_PX = 160.0
"""How far (px) a joint's conductor is followed for its own temperature: 1 m at 5 m with 1.3 mrad
pixels, six fin lengths (λ ≈ 0.16 m, docs/physics.md §3)."""
FAR_HALF_DISTANCES = 4.0
"""Readings from this many half-way distances on are the conductor's own: with d½ ≥ λ·ln 2 they lie
beyond 2.8 λ, where the excess has fallen below 6 %."""
FAR_MIN_SAMPLES = 6
TRACK_SEGMENT_PX = 12
"""Length (px) of the segments in which a conductor is followed; a segment with a ridge on fewer than
a third of its steps ends it (it left the structure, crossed a background of its own temperature,
or ended)."""
"""Least ridge readings for the conductor's own temperature."""
MAX_ALONG = 3
"""Joints, hottest first, for which parts on parallel conductors are also sought by their excess
along the conductor (:func:`parts_along`) and, failing a phase, the conductor is followed
(:func:`conductor_far`); bounds the time per frame. A cooler joint without a phase row among the
confirmed parts stays without T2."""
ALONG_THETA_DEG = np.array([-5.0, 0.0, 5.0])
"""Directions (° from the joint's conductor) in which a part on a parallel conductor is confirmed."""
PEER_MIN_EXCESS_K = 0.5
"""Least compact excess (K) of a peer: a clamp stands out from its conductor (a conductor crossing a
textured background makes weaker maxima along it). Project choice."""
MIN_PEER_OFFSET_PX = 3.0
"""Least distance (px) of a peer from the hot candidate's line: it must be on another conductor."""


@dataclass(frozen=True, eq=False)
class Joint:
    """A compact maximum confirmed on a line. Temperatures °C, positions px (x, y), angle in degrees
    [0, 180) from the x axis towards y (the conductor's). ``t2_c``/``t2_source``: the reference
    found (``similar-component``: the cooler of the other phases at ``peers_xy``; ``same-conductor``;
    ``none``)."""

    xy: tuple[int, int]
    t1_c: float
    excess_k: float
    radius_px: int
    angle_deg: float
    t2_c: float | None = None
    t2_source: str = "none"
    peers_xy: tuple[tuple[int, int], ...] = field(default=())


def _pool(img: np.ndarray) -> np.ndarray:
    h, w = img.shape
    pooled = cv2.dilate(img, np.ones((2, 2), np.uint8), anchor=(0, 0), borderType=cv2.BORDER_REPLICATE)
    return np.ascontiguousarray(pooled[: h - h % 2: 2, : w - w % 2: 2])


def _ring(r: int) -> np.ndarray:
    k = np.zeros((2 * r + 1, 2 * r + 1), np.uint8)
    cv2.circle(k, (r, r), r, 1, 1)
    return k


def compact_maxima(celsius: np.ndarray) -> list[tuple[int, int, float, float, int]]:
    """(x, y, T1 °C, E K, level) of the compact maxima of a frame, strongest excess first, at most
    :data:`MAX_CANDIDATES` (module docstring, step 1). At each pyramid level a candidate is a local
    maximum (3×3) with E = T − max_ring(T) ≥ :data:`MIN_EXCESS_K`; it is placed at the hottest
    full-resolution pixel of its pooled block and kept at the lowest level it shows at (its compact
    scale), with the largest E over the levels."""
    img = np.asarray(celsius, dtype=np.float32)
    ring, box3 = _ring(RING_PX), np.ones((3, 3), np.uint8)
    rows: list[np.ndarray] = []
    cur = img
    for k in range(LEVELS):
        if min(cur.shape) < 2 * RING_PX + 1:
            break
        e = cur - cv2.dilate(cur, ring, borderType=cv2.BORDER_REPLICATE)
        ys, xs = np.nonzero((e >= MIN_EXCESS_K) & (cur >= cv2.dilate(cur, box3)))
        keep = np.argsort(-e[ys, xs])[:MAX_CANDIDATES]
        ys, xs = ys[keep], xs[keep]
        s = 2 ** k
        if s > 1 and len(ys):
            blocks = img[: cur.shape[0] * s, : cur.shape[1] * s].reshape(cur.shape[0], s, cur.shape[1], s)
            arg = blocks[ys, :, xs, :].reshape(len(ys), -1).argmax(axis=1)
            fy, fx = ys * s + arg // s, xs * s + arg % s
        else:
            fy, fx = ys, xs
        rows.append(np.stack([fx, fy, e[ys, xs], np.full(len(ys), k)], axis=1).astype(np.float64))
        cur = _pool(cur)
    if not rows:
        return []
    pts = np.concatenate(rows)
    pts = pts[np.lexsort((-pts[:, 2], pts[:, 3]))]  # lowest level first, strongest first
    reach = 2.0 ** pts[:, 3] + 1.0
    close = (np.abs(pts[:, None, 0] - pts[None, :, 0]) <= reach[:, None]) & \
            (np.abs(pts[:, None, 1] - pts[None, :, 1]) <= reach[:, None])
    alive = np.ones(len(pts), bool)
    best_e = pts[:, 2].copy()
    for i in range(len(pts)):
        if alive[i]:
            later = close[i] & alive & (np.arange(len(pts)) > i)
            best_e[i] = max(best_e[i], float(pts[later, 2].max(initial=-np.inf)))
            alive[later] = False
    out = [(int(p[0]), int(p[1]), float(img[int(p[1]), int(p[0])]), float(e_), int(p[3]))
           for p, e_ in zip(pts[alive], best_e[alive], strict=True)]
    out.sort(key=lambda c: -c[3])
    return out[:MAX_CANDIDATES]


_THETA = np.deg2rad(np.arange(ANGLES) * (180.0 / ANGLES))
_OFFS = np.arange(-PROFILE_HALF_PX, PROFILE_HALF_PX + 1, dtype=np.float64)


_PAD = int(3 * LINE_RADII_PX[-1]) + PROFILE_HALF_PX + 2


@functools.lru_cache(maxsize=64)
def _offsets_cached(radius: float, width: int, theta: tuple[float, ...]) -> np.ndarray:
    return _offsets(radius, width, np.array(theta))


def _offsets(radius: float, width: int, theta: np.ndarray = _THETA) -> np.ndarray:
    """Linear offsets (A, 2, S, P) of the line-test samples around a pixel of a padded image of
    row length ``width``: direction, side, sample along, offset across."""
    ux, uy = np.cos(theta), np.sin(theta)
    along = np.array([-1.0, 1.0])[None, :, None, None] * (radius * np.linspace(1.0, 3.0, LINE_SAMPLES))[
        None, None, :, None]
    dx = np.rint(along * ux[:, None, None, None] - _OFFS * uy[:, None, None, None]).astype(np.int64)
    dy = np.rint(along * uy[:, None, None, None] + _OFFS * ux[:, None, None, None]).astype(np.int64)
    return dy * width + dx


_PADDED: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _padded(img: np.ndarray) -> np.ndarray:
    """``img`` with an edge-replicated border of :data:`_PAD` px, kept for the last frame (one
    frame is tested many times)."""
    hit = _PADDED.get(id(img))
    if hit is not None and hit[0] is img:
        return hit[1]
    padded = cv2.copyMakeBorder(img, _PAD, _PAD, _PAD, _PAD, cv2.BORDER_REPLICATE)
    _PADDED.clear()
    _PADDED[id(img)] = (img, padded)
    return padded


def lines_through(img: np.ndarray, xy: np.ndarray, radius: float,
                  theta: np.ndarray = _THETA) -> tuple[np.ndarray, np.ndarray]:
    """For C points ``xy`` (C×2 px): whether a thin ridge runs through each both ways at 1–3
    ``radius`` px from it (bool C) and its direction (° C). Module docstring, step 2. Samples
    beyond the frame repeat its edge (a flat profile: no ridge)."""
    padded = _padded(img)
    width = padded.shape[1]
    base = (xy[:, 1].astype(np.int64) + _PAD) * width + xy[:, 0].astype(np.int64) + _PAD
    offsets = _offsets_cached(float(radius), width, tuple(float(t) for t in theta))
    p = padded.ravel()[base[:, None, None, None, None] + offsets[None]]  # (C, A, 2, S, P)
    left, right = p[..., :2].mean(axis=4), p[..., -2:].mean(axis=4)
    mid = p[..., PROFILE_HALF_PX - 1: PROFILE_HALF_PX + 2]
    dev = np.abs(mid - 0.5 * (left + right)[..., None])
    centre = np.take_along_axis(mid, dev.argmax(axis=4)[..., None], axis=4)[..., 0]
    cl, cr = centre - left, centre - right
    ridge = (cl * cr > 0) & (np.minimum(np.abs(cl), np.abs(cr)) >= LINE_CONTRAST_K)
    per_side = np.maximum((ridge & (cl > 0)).sum(axis=3), (ridge & (cl < 0)).sum(axis=3))  # (C, A, 2)
    score = per_side.min(axis=2)
    # among directions with the most ridge samples, the one with the strongest ridge (a wide part at
    # the candidate lets several directions reach the line; the conductor's own keeps it centred)
    contrast = np.where(ridge, np.minimum(np.abs(cl), np.abs(cr)), 0.0).sum(axis=(2, 3))
    a = np.argmax(score * 1e6 + np.minimum(contrast, 1e5), axis=1)
    return score[np.arange(len(a)), a] >= MIN_RIDGE_SAMPLES, np.rad2deg(theta[a])


def separate(img: np.ndarray, joint: tuple[int, int, float], pts: np.ndarray) -> np.ndarray:
    """Whether each point of ``pts`` (N×3: x, y, T °C) is a part of its own, not another maximum of
    the joint's own flat top: the reading (``img``, best 3×3-dilated so a path grazing a part's edge
    is no dip) dips by at least :data:`LINE_CONTRAST_K` below the cooler of the two somewhere on the
    straight path between them."""
    x, y, t1 = joint
    f = np.linspace(0.0, 1.0, 16)[1:-1]
    px = np.rint(x + f[None, :] * (pts[:, 0:1] - x)).astype(np.intp)
    py = np.rint(y + f[None, :] * (pts[:, 1:2] - y)).astype(np.intp)
    low = img[py, px].min(axis=1)
    return low <= np.minimum(pts[:, 2], t1) - LINE_CONTRAST_K


def phase_row(cands: list[tuple[int, int, float, float, int]], x: int, y: int, t1_c: float,
              angle_deg: float, img: np.ndarray | None = None,
              ) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The same part on the two other phases of the joint at (x, y): two compact maxima P, Q (any
    of ``cands``, confirmed on a line or not — against warm ground a conductor may not show while its
    clamps do) that form a row with the joint: collinear within :data:`ROW_TOLERANCE` of the spacing,
    equally spaced within :data:`SPACING_RATIO`, the row across the conductor direction by at least
    :data:`ROW_ANGLE_DEG`, within :data:`MAX_PHASE_SPACING_PX` (T2 is then the cooler of the two:
    the healthiest phase, so a second faulty phase does not hide the first). The corresponding parts of the
    three phases sit side by side on the crossarm (DL/T 664-2016 §8.4, ../shared/domain/standards.md
    §4.3). With ``img``, each peer must be a part of its own (:func:`separate`). The best pair, or None."""
    a = np.array([(c[0], c[1], c[2]) for c in cands], dtype=np.float64).reshape(-1, 3)
    a = a[(np.hypot(a[:, 0] - x, a[:, 1] - y) >= 3.0)
          & (np.hypot(a[:, 0] - x, a[:, 1] - y) <= MAX_PHASE_SPACING_PX)]
    if img is not None and len(a):
        a = a[separate(img, (x, y, t1_c), a)]
    if len(a) < 2:
        return None
    i, j = np.triu_indices(len(a), 1)
    pa = np.array([x, y], dtype=np.float64)
    pb, pc = a[i, :2], a[j, :2]
    dab, dac, dbc = np.hypot(*(pb - pa).T), np.hypot(*(pc - pa).T), np.hypot(*(pc - pb).T)
    dists = np.stack([dbc, dac, dab], axis=1)  # the side opposite A, B, C
    span = dists.max(axis=1)
    other = np.sort(dists, axis=1)[:, :2]
    cross = np.abs((pb - pa)[:, 0] * (pc - pa)[:, 1] - (pb - pa)[:, 1] * (pc - pa)[:, 0])
    off = cross / np.maximum(span, 1e-9)  # the middle part's distance from the outer two's line
    ends = np.argmax(dists, axis=1)  # the vertex opposite the span is the middle one
    verts = np.stack([np.broadcast_to(pa, pb.shape), pb, pc], axis=1)
    outer = np.array([[1, 2], [0, 2], [0, 1]])[ends]
    row = verts[np.arange(len(i)), outer[:, 1]] - verts[np.arange(len(i)), outer[:, 0]]
    th = np.deg2rad(angle_deg)
    cos_row = np.abs(row @ np.array([np.cos(th), np.sin(th)])) / np.maximum(span, 1e-9)
    good = ((other[:, 0] >= 3.0)
            & (other[:, 1] <= SPACING_RATIO * other[:, 0]) & (off <= ROW_TOLERANCE * other[:, 0])
            & (cos_row <= np.cos(np.deg2rad(ROW_ANGLE_DEG))))
    if not good.any():
        return None
    # the best row: the two peers most alike (healthy phases carry the same load), then the tightest
    k = int(np.argmin(np.where(good, np.abs(a[i, 2] - a[j, 2]) + ROW_K_PER_PX * span, np.inf)))
    return (int(pb[k, 0]), int(pb[k, 1])), (int(pc[k, 0]), int(pc[k, 1]))


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
        px = np.clip(np.rint(p[..., 0]).astype(np.intp), 0, w - 1)
        py = np.clip(np.rint(p[..., 1]).astype(np.intp), 0, h - 1)
        return img[py, px].mean(axis=1)  # (3, N)

    return (mean_at(u) - mean_at(n)).max(axis=0) >= LINE_CONTRAST_K


def parts_along(img: np.ndarray, x: int, y: int, angle_deg: float,
                ) -> list[tuple[int, int, float, float, int]]:
    """Parts on conductors parallel to the joint's (x, y, T °C, excess K, 0), for :func:`phase_row`:
    the local maxima within :data:`MAX_PHASE_SPACING_PX` of the excess *along* the conductor
    direction, B = T − max(T(p ± r·u)) for r = 6 and 12 px (a clamp on a bare conductor reads warmer
    than the low-emissivity wire on both sides of it even where both are darker than the ground
    behind), B ≥ :data:`PEER_MIN_EXCESS_K`, on a thin ridge in that direction (±5°)."""
    h, w = img.shape
    th = np.deg2rad(angle_deg)
    ux, uy = np.cos(th), np.sin(th)
    r0 = int(MAX_PHASE_SPACING_PX) + 13
    x0, y0, x1, y1 = max(0, x - r0), max(0, y - r0), min(w, x + r0 + 1), min(h, y + r0 + 1)
    win = cv2.copyMakeBorder(img[y0:y1, x0:x1], 12, 12, 12, 12, cv2.BORDER_REPLICATE)
    core = win[12:-12, 12:-12]
    best = np.full(core.shape, -np.inf, np.float32)
    for r in (6.0, 12.0):
        dx, dy = round(r * ux), round(r * uy)
        hh, ww = core.shape
        a = win[12 + dy: 12 + dy + hh, 12 + dx: 12 + dx + ww]
        b = win[12 - dy: 12 - dy + hh, 12 - dx: 12 - dx + ww]
        best = np.maximum(best, core - np.maximum(a, b))
    peak = (best >= PEER_MIN_EXCESS_K) & (best >= cv2.dilate(best, np.ones((5, 5), np.uint8)))
    ys, xs = np.nonzero(peak)
    if not len(ys):
        return []
    keep = np.argsort(-best[ys, xs])[: 2 * MAX_CANDIDATES]
    ys, xs = ys[keep], xs[keep]
    pts = np.stack([xs + x0, ys + y0], axis=1).astype(np.float64)
    near = ALONG_THETA_DEG
    ok = np.zeros(len(pts), bool)
    for radius in LINE_RADII_PX:
        todo = ~ok
        if not todo.any():
            break
        o, _ = lines_through(img, pts[todo], radius, np.deg2rad(angle_deg + near))
        ok[np.nonzero(todo)[0]] = o
    return [(int(px), int(py), float(img[int(py), int(px)]), float(best[int(py) - y0, int(px) - x0]), 0)
            for (px, py), k in zip(pts, ok, strict=True) if k]


def phase_peers(joints: list[Joint], i: int) -> tuple[int, ...]:
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
        dang = abs((o.angle_deg - j.angle_deg + 90.0) % 180.0 - 90.0)
        dx, dy = o.xy[0] - j.xy[0], o.xy[1] - j.xy[1]
        dist = float(np.hypot(dx, dy))
        across = abs(-uy * dx + ux * dy)
        off_line = max(MIN_PEER_OFFSET_PX, np.sin(np.deg2rad(ROW_ANGLE_DEG)) * dist)
        if dang <= PARALLEL_DEG and across >= off_line and dist <= MAX_PHASE_SPACING_PX:
            found.append((dist, k))
    return tuple(k for _, k in sorted(found)[:2])


def track_ridge(img: np.ndarray, x: int, y: int, angle_deg: float, sign: float,
                ) -> tuple[np.ndarray, np.ndarray]:
    """Follow the thin ridge leaving (x, y) along ``angle_deg`` (``sign`` ±1: which way) for up to
    :data:`FAR_MAX_PX` px, in segments of :data:`TRACK_SEGMENT_PX` px re-centred on the ridge (a 5°
    direction error or a slightly curved conductor drifts 1 px in 11). Returns the distances (px)
    and ridge readings (°C) where the ridge stood ≥ :data:`LINE_CONTRAST_K` above or below both
    sides (:data:`PROFILE_HALF_PX` away); it stops at a segment without one."""
    h, w = img.shape
    th = np.deg2rad(angle_deg)
    ux, uy, nx, ny = np.cos(th), np.sin(th), -np.sin(th), np.cos(th)
    off = 0.0
    dist: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    steps = np.arange(TRACK_SEGMENT_PX, dtype=np.float64)
    rows = np.arange(TRACK_SEGMENT_PX)
    for start in np.arange(3.0, FAR_MAX_PX, TRACK_SEGMENT_PX):
        d = start + steps
        ax = np.rint(x + sign * d[:, None] * ux + (off + _OFFS[None, :]) * nx).astype(np.intp)
        ay = np.rint(y + sign * d[:, None] * uy + (off + _OFFS[None, :]) * ny).astype(np.intp)
        inside = (ax.min(axis=1) >= 0) & (ax.max(axis=1) < w) & (ay.min(axis=1) >= 0) & (ay.max(axis=1) < h)
        if not inside.any():
            break
        p = img[np.minimum(np.maximum(ay, 0), h - 1), np.minimum(np.maximum(ax, 0), w - 1)]
        left, right = 0.5 * (p[:, 0] + p[:, 1]), 0.5 * (p[:, -1] + p[:, -2])
        mid = p[:, PROFILE_HALF_PX - 1: PROFILE_HALF_PX + 2]
        k = np.argmax(np.abs(mid - 0.5 * (left + right)[:, None]), axis=1)
        c = mid[rows, k]
        ok = inside & ((c - left) * (c - right) > 0) & (np.minimum(np.abs(c - left), np.abs(c - right))
                                                       >= LINE_CONTRAST_K)
        if ok.sum() < TRACK_SEGMENT_PX // 3:
            break
        dist.append(d[ok])
        vals.append(c[ok].astype(np.float64))
        off += float(np.median(k[ok])) - 1.0
    if not dist:
        return np.empty(0), np.empty(0)
    return np.concatenate(dist), np.concatenate(vals)


def conductor_far(img: np.ndarray, x: int, y: int, angle_deg: float, t1_c: float) -> float | None:
    """The conductor's own temperature (°C) away from a joint at (x, y) on a line at ``angle_deg``:
    the ridge is followed both ways (:func:`track_ridge`); the joint's heat falls off along it as
    exp(−d/λ) (fin equation, docs/physics.md §3), so the distance d½ where the ridge has fallen
    half-way from T1 to its coolest reading bounds λ (d½ ≥ λ·ln 2 + half the part) and readings
    beyond :data:`FAR_HALF_DISTANCES` × d½ carry ≤ 6 % of the excess. T is their median; None when
    fewer than :data:`FAR_MIN_SAMPLES` show a ridge there or they spread over more than 1 K.

    A conductor narrower than the 3×3 px measurement spot reads between its own temperature and the
    background's through the optics blur (docs/physics.md §6): its T2 is then only as good as the
    background is close to it, which the hotspot's ``small-target`` flag does not cover."""
    sides = [track_ridge(img, x, y, angle_deg, sign) for sign in (-1.0, 1.0)]
    if max(len(d) for d, _ in sides) < TRACK_SEGMENT_PX * 3:  # the line test's direction may be a
        # wide part's diagonal: try its neighbours, keep the one followed farthest
        tries = [[track_ridge(img, x, y, angle_deg + da, sign) for sign in (-1.0, 1.0)]
                 for da in (-20.0, -10.0, 10.0, 20.0)]
        sides = max([sides, *tries], key=lambda t: sum(len(d) for d, _ in t))
    vals = np.concatenate([v for _, v in sides])
    if vals.size < FAR_MIN_SAMPLES:
        return None
    floor = float(np.percentile(vals, 10.0))
    half = floor + 0.5 * (t1_c - floor)
    out = []
    for d, v in sides:
        below = np.nonzero(v <= half)[0]
        if below.size:
            out.append(v[d >= FAR_HALF_DISTANCES * d[below[0]]])
    far_vals = np.concatenate(out) if out else np.empty(0)
    if far_vals.size < FAR_MIN_SAMPLES:
        return None
    q25, q50, q75 = np.percentile(far_vals, [25.0, 50.0, 75.0])
    return float(q50) if q75 - q25 <= 1.0 else None


def find_joints(celsius: np.ndarray, t0_c: float | None = None, accuracy_k: float = 2.0,
                min_excess_k: float = MIN_EXCESS_K) -> list[Joint]:
    """Compact maxima confirmed on a line, hottest first, each with its T2 (module docstring); T2 is
    sought only for those with a compact excess of at least ``min_excess_k`` (K), the others serve
    as peers.

    A T2 colder than ``t0_c`` (°C) by more than ``accuracy_k`` (K) is not the same part on a
    healthy phase (a part carrying load is not colder than the air; a colder reading is a thin part
    blurred into the sky behind it or bare metal reflecting the sky, docs/physics.md §1): the next
    reference is tried."""
    img = np.asarray(celsius, dtype=np.float32)
    cands = compact_maxima(img)
    if not cands:
        return []
    xy = np.array([(c[0], c[1]) for c in cands], dtype=np.float64)
    r = np.array([RING_PX * 2 ** c[4] for c in cands], dtype=np.float64)
    ok = np.zeros(len(cands), bool)
    ang = np.zeros(len(cands))
    for radius in LINE_RADII_PX:  # a part's own size is not known: the smallest radius that shows a line
        todo = ~ok
        if not todo.any():
            break
        o, a = lines_through(img, xy[todo], radius)
        idx = np.nonzero(todo)[0]
        ok[idx], ang[idx] = o, a
    joints = [Joint((c[0], c[1]), c[2], c[3], int(r[i]), float(ang[i])) for i, c in enumerate(cands) if ok[i]]
    joints.sort(key=lambda j: -j.t1_c)
    grown = cv2.dilate(img, np.ones((3, 3), np.uint8))  # for the dip test: a 1 px step is no dip
    pool = [c for c in cands if c[3] >= PEER_MIN_EXCESS_K and (t0_c is None or c[2] >= t0_c - accuracy_k)]
    pool_xy = np.array([(c[0], c[1]) for c in pool], dtype=np.float64).reshape(-1, 2)
    out = []
    for i, j in enumerate(joints):
        if j.excess_k < min_excess_k or i >= MAX_JUDGED:
            out.append(j)
            continue
        par = [c for c, a in zip(pool, along_axis(img, pool_xy, j.angle_deg), strict=True) if a]
        row = phase_row(par, j.xy[0], j.xy[1], j.t1_c, j.angle_deg, grown)
        if row is None and i < MAX_ALONG:
            along = [c for c in parts_along(img, j.xy[0], j.xy[1], j.angle_deg)
                     if t0_c is None or c[2] >= t0_c - accuracy_k]
            row = phase_row(along, j.xy[0], j.xy[1], j.t1_c, j.angle_deg, grown)
        if row is not None:
            t2 = min(float(img[p[1], p[0]]) for p in row)
            out.append(dataclasses.replace(j, t2_c=t2, t2_source="similar-component", peers_xy=row))
            continue
        peers = [k for k in phase_peers(joints, i) if (joints[k].excess_k >= PEER_MIN_EXCESS_K and (
            t0_c is None or joints[k].t1_c >= t0_c - accuracy_k)) and separate(
            grown, (j.xy[0], j.xy[1], j.t1_c), np.array([[*joints[k].xy, joints[k].t1_c]], np.float64))[0]]
        if peers:
            t2 = min(joints[k].t1_c for k in peers)
            out.append(dataclasses.replace(j, t2_c=t2, t2_source="similar-component",
                                           peers_xy=tuple(joints[k].xy for k in peers)))
        else:
            far = conductor_far(img, j.xy[0], j.xy[1], j.angle_deg, j.t1_c) if i < MAX_ALONG else None
            out.append(j if far is None else dataclasses.replace(j, t2_c=far, t2_source="same-conductor"))
    return out

