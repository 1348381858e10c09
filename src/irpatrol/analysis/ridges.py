"""Ridges and compact maxima of a thermal frame (pure, OpenCV + numpy): the low-level readings of
:mod:`irpatrol.analysis.joints` (see its docstring for the method and docs/physics.md §9).

* :func:`compact_maxima`: the excess of a pixel over a ring around it on a max-pooled pyramid;
* :func:`lines_through`: whether a thin ridge runs through a point both ways, and its direction
  (:func:`line_sides`: the evidence of each way apart, for a ridge that runs one way only);
* :func:`leaves`: whether the ridge at a part is a conductor running out of view;
* :func:`track_ridge`, :func:`conductor_far`: a conductor followed away from a joint, and its own
  temperature beyond the joint's heat (:func:`fin_length`: how far that heat reaches).
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from irpatrol.analysis.blur_mix import conductor_own_c
from irpatrol.analysis.compiled import kernel
from irpatrol.analysis.measure import half_height_part, holds_spot
from irpatrol.analysis.pixels import clamped, where_yx
from irpatrol.analysis.quantiles import percentiles

RING_PX = 5
"""Ring radius (px) at each pyramid level: 5, 10, 20, 40 px at full resolution. A clamp of 0.2 m
with a heat tail of ≈ 1.5 fin lengths (λ ≈ 0.16 m, docs/physics.md §3) spans ≈ 0.35 m each side of
its peak: 27 px at 5 m, 9 px at 15 m, 4.5 px at 30 m with 1.3 mrad pixels, so the radii cover the
5–30 m of a drone inspection."""
LEVELS = 4
"""Pyramid levels (full resolution and three 2×2 max-pooled halvings)."""
MIN_EXCESS_K = 0.5
"""Least compact excess (K) of a candidate: ten times the NETD of a 50 mK core (docs/physics.md §6),
so sensor noise alone never makes one, and the least excess of a peer part
(:data:`irpatrol.analysis.phases.PEER_MIN_EXCESS_K`): a weaker maximum serves nothing. Grading
decides what is a defect, not this."""
MAX_CANDIDATES = 30
"""Candidates examined per frame, strongest excess first (bounds the time on a busy frame)."""
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


def _pool(img: np.ndarray) -> np.ndarray:
    """``img`` max-pooled over 2×2 px blocks (an odd last row or column left out)."""
    return _pool_kernel(np.ascontiguousarray(img))


@kernel
def _pool_kernel(img: np.ndarray) -> np.ndarray:  # pragma: no cover (compiled)
    """:func:`_pool`, compiled: each 2×2 px block's maximum, a row of blocks at a time (a 2×2 grey
    dilation of the whole frame, then every other pixel of it, took five times as long)."""
    h, w = img.shape[0] // 2, img.shape[1] // 2
    out = np.empty((h, w), img.dtype)
    for i in range(h):
        top, bottom = img[2 * i], img[2 * i + 1]
        for j in range(w):
            a, b = max(top[2 * j], top[2 * j + 1]), max(bottom[2 * j], bottom[2 * j + 1])
            out[i, j] = max(a, b)
    return out


def _ring(r: int) -> np.ndarray:
    k = np.zeros((2 * r + 1, 2 * r + 1), np.uint8)
    cv2.circle(k, (r, r), r, 1, 1)
    return k


@functools.cache
def _ring_offsets(r: int) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (rows, columns px) of the pixels on the ring of radius ``r`` px around a pixel.
    Read-only (cached)."""
    ys, xs = where_yx(_ring(r))
    ys, xs = ys - r, xs - r
    ys.setflags(write=False)
    xs.setflags(write=False)
    return ys, xs


def ring_readings(img: np.ndarray, x: int, y: int, r: int = RING_PX) -> np.ndarray:
    """The readings of ``img`` (°C) on the ring of radius ``r`` px around (x, y) px, the frame's edge
    repeating beyond it: the ring a compact maximum's excess is measured over (:func:`compact_maxima`)."""
    h, w = img.shape
    ry, rx = _ring_offsets(r)
    return img[clamped(y + ry, h - 1), clamped(x + rx, w - 1)]


Candidate = tuple[int, int, float, float, int]
"""A compact maximum or part as the phase readers pass it: x, y (px), reading (°C), excess (K), pyramid
level (:func:`compact_maxima`; 0 for parts found along a conductor)."""


def compact_maxima(celsius: np.ndarray, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """(x, y, T1 °C, E K, level) of the compact maxima of a frame, strongest excess first, at most
    ``limit`` (:data:`MAX_CANDIDATES`; module docstring, step 1). At each pyramid level a candidate is a local
    maximum (3×3) with E = T − max_ring(T) ≥ :data:`MIN_EXCESS_K`; it is placed at the hottest
    full-resolution pixel of its pooled block and kept at the lowest level it shows at (its compact
    scale), with the largest E over the levels."""
    img = np.asarray(celsius, dtype=np.float32)
    return _merged(img, _level_peaks(img), limit)


def compact_maxima_and_past(celsius: np.ndarray, limit: int = MAX_CANDIDATES,
                            ) -> tuple[list[Candidate], list[Candidate]]:
    """:func:`compact_maxima` with ``limit``, and the compact maxima past that cut, strongest excess
    first (none when the cut is not full), from one pass over the pyramid (``joints.find_joints``
    reads past the cut for twins)."""
    img = np.asarray(celsius, dtype=np.float32)
    levels = _level_peaks(img)
    cut = _merged(img, levels, limit)
    if len(cut) < limit:
        return cut, []
    have = {(c[0], c[1]) for c in cut}
    return cut, [c for c in _merged(img, levels, None) if (c[0], c[1]) not in have]


def _level_peaks(img: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]]:
    """Per pyramid level of ``img`` (float32 °C), the local maxima (3×3) with an excess of at least
    :data:`MIN_EXCESS_K` over their ring: rows, columns, excesses and the level's shape."""
    ring = _ring(RING_PX)
    out = []
    cur = img
    for _ in range(LEVELS):
        if min(cur.shape) < 2 * RING_PX + 1:
            break
        e = cur - cv2.dilate(cur, ring, borderType=cv2.BORDER_REPLICATE)
        ys, xs = where_yx(e >= MIN_EXCESS_K)
        ys, xs = _local_maxima(cur, ys, xs)
        out.append((ys, xs, e[ys, xs], cur.shape))
        cur = _pool(cur)
    return out


def _merged(img: np.ndarray, levels: list[tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]],
            limit: int | None) -> list[Candidate]:
    """:func:`compact_maxima` from the peaks of :func:`_level_peaks`: at most ``limit`` a level, the
    strongest, placed at full resolution and merged over the levels (:func:`merge_levels`), at most
    ``limit`` in all (None: all)."""
    rows: list[np.ndarray] = []
    for k, (ys, xs, e, shape) in enumerate(levels):
        keep = np.argsort(-e)[:limit]
        ys, xs, e = ys[keep], xs[keep], e[keep]
        s = 2 ** k
        if s > 1 and len(ys):
            blocks = img[: shape[0] * s, : shape[1] * s].reshape(shape[0], s, shape[1], s)
            arg = blocks[ys, :, xs, :].reshape(len(ys), -1).argmax(axis=1)
            fy, fx = ys * s + arg // s, xs * s + arg % s
        else:
            fy, fx = ys, xs
        rows.append(np.stack([fx, fy, e, np.full(len(ys), k)], axis=1).astype(np.float64))
    if not rows:
        return []
    pts, best_e, alive = merge_levels(np.concatenate(rows))
    out = [(int(p[0]), int(p[1]), float(img[int(p[1]), int(p[0])]), float(e_), int(p[3]))
           for p, e_, a in zip(pts, best_e, alive, strict=True) if a]
    out.sort(key=lambda c: -c[3])
    return out[:limit]


_NEIGHBOURS = np.array([(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)], dtype=np.intp)


def _local_maxima(img: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pixels (rows ``ys``, columns ``xs``) of ``img`` that read at least as high as each of their
    eight neighbours within the frame, in their order: the 3×3 local-maximum test at the few pixels a
    frame's excess leaves (tens of the 327 680 of a 640×512 frame), not a dilation of the whole frame."""
    h, w = img.shape
    ny = clamped(ys[:, None] + _NEIGHBOURS[None, :, 0], h - 1)
    nx = clamped(xs[:, None] + _NEIGHBOURS[None, :, 1], w - 1)
    top = img[ys, xs] >= img[ny, nx].max(axis=1, initial=-np.inf)
    return ys[top], xs[top]


def merge_levels(pts: np.ndarray) -> tuple[np.ndarray, list[float], list[bool]]:
    """The candidates of all pyramid levels (rows x, y, E, level) merged: sorted lowest level first,
    strongest first; each one still standing swallows the later ones within its level's reach
    (2^level + 1 px both ways), taking the best E among them. Returns the sorted rows, the E each
    ends with and whether each stands (plain lists: a hundred-odd points, where numpy's per-call cost
    would dominate)."""
    pts = pts[np.lexsort((-pts[:, 2], pts[:, 3]))]
    reach = 2.0 ** pts[:, 3] + 1.0
    close = (np.abs(pts[:, None, 0] - pts[None, :, 0]) <= reach[:, None]) & \
            (np.abs(pts[:, None, 1] - pts[None, :, 1]) <= reach[:, None])
    first, second = where_yx(np.triu(close, 1))
    later_of: list[list[int]] = [[] for _ in range(len(pts))]
    for i, j in zip(first.tolist(), second.tolist(), strict=True):
        later_of[i].append(j)
    energy = pts[:, 2].tolist()
    alive = [True] * len(pts)
    best_e = list(energy)
    for i in range(len(pts)):
        if alive[i]:
            for j in later_of[i]:
                if alive[j]:
                    best_e[i] = max(best_e[i], energy[j])
                    alive[j] = False
    return pts, best_e, alive


_THETA = np.deg2rad(np.arange(ANGLES) * (180.0 / ANGLES))
STEP_DEG = 180.0 / ANGLES
"""The line test's direction step (°)."""
_SEGMENT_STEPS = np.arange(TRACK_SEGMENT_PX, dtype=np.float64)
_PAD = int(3 * LINE_RADII_PX[-1]) + PROFILE_HALF_PX + 2
_ACROSS = np.array([-PROFILE_HALF_PX, 1 - PROFILE_HALF_PX, -1, 0, 1, PROFILE_HALF_PX - 1, PROFILE_HALF_PX],
                   dtype=np.float64)
"""The offsets across the line a profile is read at: both sides (two each) and the middle three."""


def direction_gap_deg(a_deg: float, b_deg: float) -> float:
    """The angle (°, 0–90) between two line directions given in degrees modulo 180."""
    return abs((a_deg - b_deg + 90.0) % 180.0 - 90.0)


@functools.lru_cache(maxsize=64)
def _offsets_cached(radius: float, width: int, theta: tuple[float, ...]) -> np.ndarray:
    return _offsets(radius, width, np.array(theta))


def _offsets(radius: float, width: int, theta: np.ndarray = _THETA) -> np.ndarray:
    """Linear offsets (A, 2, S, P) of the line-test samples around a pixel of a padded image of
    row length ``width``: direction, side, sample along, offset across."""
    ux, uy = np.cos(theta), np.sin(theta)
    along = np.array([-1.0, 1.0])[None, :, None, None] * (radius * np.linspace(1.0, 3.0, LINE_SAMPLES))[
        None, None, :, None]
    dx = np.rint(along * ux[:, None, None, None] - _ACROSS * uy[:, None, None, None]).astype(np.int64)
    dy = np.rint(along * uy[:, None, None, None] + _ACROSS * ux[:, None, None, None]).astype(np.int64)
    return dy * width + dx


def padded(img: np.ndarray) -> np.ndarray:
    """``img`` with the edge-replicated border :func:`lines_through` reads beyond the frame."""
    return cv2.copyMakeBorder(img, _PAD, _PAD, _PAD, _PAD, cv2.BORDER_REPLICATE)


def line_scores(img: np.ndarray, xy: np.ndarray, radius: float,
                theta: np.ndarray = _THETA, border: np.ndarray | None = None,
                ) -> tuple[np.ndarray, np.ndarray]:
    """The line test's evidence for C points ``xy`` (C×2 px) in each direction of ``theta``: the
    ridge samples on the weaker side (int C×A; a line runs through where it reaches
    :data:`MIN_RIDGE_SAMPLES`) and the summed ridge contrast (K, C×A). See :func:`lines_through`."""
    per_side, contrast = line_sides(img, xy, radius, theta, border)
    return weaker_side(per_side), contrast


def weaker_side(per_side: np.ndarray, bend_steps: int = 0) -> np.ndarray:
    """The ridge samples on the weaker of the two ways (int C×A) from :func:`line_sides`' per-way
    counts (C×A×2): a line runs *through* a point where both ways hold it. ``bend_steps``: how many
    directions (:data:`STEP_DEG` each) the way back may turn from the way out at the point; per
    direction the better of its two readings (out one way, or the other)."""
    if not bend_steps:
        return per_side.min(axis=2)
    a = per_side.shape[1]
    ways = np.concatenate([per_side[..., 0], per_side[..., 1]], axis=1)  # (C, 2A): 360° in A-steps
    back = np.roll(ways, -a, axis=1)  # the opposite direction of each
    near = back.copy()
    for k in range(1, bend_steps + 1):
        near = np.maximum(near, np.maximum(np.roll(back, k, axis=1), np.roll(back, -k, axis=1)))
    both = np.minimum(ways, near)  # (C, 2A)
    return np.maximum(both[:, :a], both[:, a:])


def line_sides(img: np.ndarray, xy: np.ndarray, radius: float,
               theta: np.ndarray = _THETA, border: np.ndarray | None = None,
               ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`line_scores` with the ridge samples of each side apart (int C×A×2: the way back from
    ``theta``, at θ + 180°, and the way along it), for a line that runs one way only. Per profile
    (:data:`_ACROSS`): the sides are the means of the two outer samples each, the line's centre the
    middle sample farthest from the sides' mean (the first of equals), and a ridge sample one whose
    centre stands above both sides or below both by :data:`LINE_CONTRAST_K` or more; a side counts
    its ridge samples of the commoner sign, and the contrast (K) sums the lesser of the two
    differences over the ridge samples of both sides."""
    pad = padded(img) if border is None else border
    width = pad.shape[1]
    base = (xy[:, 1].astype(np.int64) + _PAD) * width + xy[:, 0].astype(np.int64) + _PAD
    offsets = _offsets_cached(float(radius), width, tuple(float(t) for t in theta))
    flat = np.ascontiguousarray(pad).ravel()
    per_side, contrast = _line_sides_kernel(flat, np.ascontiguousarray(base), offsets,
                                            flat.dtype.type(LINE_CONTRAST_K))
    return per_side, contrast


@kernel
def _line_sides_kernel(p: np.ndarray, base: np.ndarray, offsets: np.ndarray, min_k: float,
                       ) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover (compiled)
    """:func:`line_sides` over the flat padded frame ``p``, the points' flat indices ``base`` (C) and
    the samples' offsets from them (A×2×S×7, :func:`_offsets`), compiled: one pass over the samples
    in place of two dozen array operations on C×A×2×S×7 gathered readings (0.28 → 0.06 ms a call on
    20 points; the numpy form is kept in tests/analysis/test_fast_paths.py). The arithmetic is in the
    frame's own type (float32 from the readers) as numpy's was, and the contrast of a direction is
    summed in the order of numpy's pairwise sum of 16 (eight running sums, then added in a tree), so
    the answers are numpy's to the bit."""
    n_points, n_dirs, n_samples = base.shape[0], offsets.shape[0], offsets.shape[2]
    per_side = np.zeros((n_points, n_dirs, 2), np.int64)
    contrast = np.zeros((n_points, n_dirs), p.dtype)
    half, zero = p.dtype.type(0.5), p.dtype.type(0.0)
    least_of = np.zeros(2 * n_samples, p.dtype)  # per sample of both sides: its contrast, 0 off a ridge
    for c in range(n_points):
        b = base[c]
        for a in range(n_dirs):
            for side in range(2):
                above, below = 0, 0
                for s in range(n_samples):
                    o = offsets[a, side, s]
                    _, _, cl, least, ridge = _profile_ridge(
                        p[b + o[0]], p[b + o[1]], p[b + o[2]], p[b + o[3]], p[b + o[4]], p[b + o[5]],
                        p[b + o[6]], half, min_k)
                    if ridge and cl > zero:
                        above += 1
                    elif ridge:
                        below += 1
                    least_of[side * n_samples + s] = least if ridge else zero
                per_side[c, a, side] = max(above, below)
            if n_samples == 8:  # numpy's pairwise order for 16 values: r_j = x_j + x_(j+8), then a tree
                q = least_of
                contrast[c, a] = (((q[0] + q[8]) + (q[1] + q[9])) + ((q[2] + q[10]) + (q[3] + q[11]))) + \
                    (((q[4] + q[12]) + (q[5] + q[13])) + ((q[6] + q[14]) + (q[7] + q[15])))
            else:  # a sequential sum: numpy's within rounding
                contrast[c, a] = least_of.sum()
    return per_side, contrast


@kernel
def _profile_ridge(out_left: float, in_left: float, m0: float, m1: float, m2: float, in_right: float,
                   out_right: float, half: float, min_k: float,
                   ) -> tuple[int, float, float, float, bool]:  # pragma: no cover (compiled)
    """The ridge test of one profile across a line, for the line test and the tracker: its sides are
    the means of the two outer readings each (``out_left``, ``in_left``; ``in_right``, ``out_right``),
    its centre the middle reading (``m0``–``m2``) farthest from the sides' mean (the first of equals),
    and it holds a ridge where the centre stands above both sides or below both by ``min_k`` K or more.
    ``half`` is 0.5 in the readings' type, in which all is computed. Returns which middle reading is
    the centre (0–2), the centre, its difference from the left side, the lesser of its differences
    from the two sides in size, and whether the profile holds a ridge."""
    left, right = half * (out_left + in_left), half * (in_right + out_right)
    sides = half * (left + right)
    k, centre, best = 0, m0, abs(m0 - sides)
    for j, m in ((1, m1), (2, m2)):
        dev = abs(m - sides)
        if dev > best:
            k, centre, best = j, m, dev
    cl, cr = centre - left, centre - right
    least = min(abs(cl), abs(cr))
    return k, centre, cl, least, cl * cr > half - half and least >= min_k


def best_line(score: np.ndarray, contrast: np.ndarray, theta: np.ndarray = _THETA,
              ) -> tuple[np.ndarray, np.ndarray]:
    """(line found, direction °) per point from :func:`line_scores`: among directions with the most
    ridge samples, the one with the strongest ridge (a wide part at the candidate lets several
    directions reach the line; the conductor's own keeps it centred): :func:`line_rank`'s first."""
    a = np.argmax(line_rank(score, contrast), axis=1)
    return score[np.arange(len(a)), a] >= MIN_RIDGE_SAMPLES, np.rad2deg(theta[a])


def line_rank(score: np.ndarray, contrast: np.ndarray) -> np.ndarray:
    """The order of the line test's directions (higher first) from their ridge samples ``score`` and
    ridge contrast ``contrast`` (K), any shape alike: the most samples, then the strongest ridge."""
    return score * 1e6 + np.minimum(contrast, 1e5)


def lines_through(img: np.ndarray, xy: np.ndarray, radius: float,
                  theta: np.ndarray = _THETA, border: np.ndarray | None = None,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """For C points ``xy`` (C×2 px): whether a thin ridge runs through each both ways at 1–3
    ``radius`` px from it (bool C) and its direction (° C). Module docstring, step 2. Samples
    beyond the frame repeat its edge (a flat profile: no ridge). ``border``: :func:`padded` of
    ``img`` when the caller has it already (one frame is tested many times)."""
    score, contrast = line_scores(img, xy, radius, theta, border)
    return best_line(score, contrast, theta)


def track_ridge(img: np.ndarray, x: int, y: int, angle_deg: float, sign: float,
                ) -> tuple[np.ndarray, np.ndarray]:
    """Follow the thin ridge leaving (x, y) along ``angle_deg`` (``sign`` ±1: which way) for up to
    :data:`FAR_MAX_PX` px, in segments of :data:`TRACK_SEGMENT_PX` px re-centred on the ridge (a 5°
    direction error or a slightly curved conductor drifts 1 px in 11). Returns the distances (px)
    and ridge readings (°C) where the ridge stood ≥ :data:`LINE_CONTRAST_K` above or below both
    sides (:data:`PROFILE_HALF_PX` away); it stops at a segment without one (:func:`_segments`)."""
    return track_ridges(img, [(x, y, angle_deg, sign)])[0]


def track_ridges(img: np.ndarray, tracks: list[tuple[float, float, float, float]],
                 far_px: float = FAR_MAX_PX) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`track_ridge` for each (x, y, angle °, sign) of ``tracks``, followed side by side: the
    same answers, one segment of every track still going per step; the segments start short of
    ``far_px`` (px, default :data:`FAR_MAX_PX`)."""
    return [(d, v) for d, v, _ in _tracks(img, tracks, False, far_px)]


def track_ridges_at(img: np.ndarray, tracks: list[tuple[float, float, float, float]],
                    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`track_ridges` with where each reading was taken: per track the distances (px), the
    readings (°C) and their pixels (N×2, x and y)."""
    return [(d, v, xy) for d, v, xy in _tracks(img, tracks, True) if xy is not None]


def _tracks(img: np.ndarray, tracks: list[tuple[float, float, float, float]], where: bool,
            far_px: float = FAR_MAX_PX) -> list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
    """:func:`track_ridges`, with each reading's pixel (N×2, x and y) when ``where`` (else None: the
    ridge tests of :func:`leaves` follow dozens of tracks a part and need none)."""
    n = len(tracks)
    if n == 0:
        return []
    t = np.array(tracks, dtype=np.float64)
    th = np.deg2rad(t[:, 2])
    starts, units, signs = t[:, :2], np.stack([np.cos(th), np.sin(th)], axis=1), t[:, 3]
    starts_px = np.arange(3.0, far_px, TRACK_SEGMENT_PX)
    frame = np.ascontiguousarray(img)
    taken, read, across = _tracks_kernel(frame, starts, units, signs, starts_px,
                                         frame.dtype.type(LINE_CONTRAST_K))
    along = (starts_px[:, None] + _SEGMENT_STEPS[None, :]).ravel()
    out = []
    for i in range(n):
        mask = taken[i]
        d = along[mask]
        xy = None
        if where:
            ux, uy = units[i]
            xy = np.rint(starts[i][None, :] + signs[i] * d[:, None] * units[i][None, :]
                         + across[i][mask][:, None] * np.array([-uy, ux])[None, :]).astype(np.intp)
        out.append((d, read[i][mask], xy))
    return out


@kernel
def _tracks_kernel(img: np.ndarray, starts: np.ndarray, units: np.ndarray, signs: np.ndarray,
                   starts_px: np.ndarray, min_k: float,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover (compiled)
    """The ridge tracking of :func:`_tracks`, compiled: per track (N: ``starts`` x, y px, ``units``
    its direction's cos and sin, ``signs`` which way) and per sample along it (segments starting at
    ``starts_px``, :data:`TRACK_SEGMENT_PX` samples each, flattened), whether the ridge stood there
    (bool), the ridge reading (°C) and how far across the direction it was taken (px). Each segment
    reads a profile of ±:data:`PROFILE_HALF_PX` px across at each sample (clamped to the frame, and
    a sample counts only with its whole profile inside): the sides are the means of the two outer
    readings each, the ridge the middle reading farthest from their mean (the first of equals), and
    it stands where it lies ≥ ``min_k`` K above both sides or below both. A track stops at a segment
    with no sample inside or with a ridge on fewer than a third of its samples; else the next segment
    is re-centred across on the median of the chosen middle readings (the samples off the ridge
    counted last). Replaces a numpy form over N×S×9 arrays that took a tenth of a frame's time in
    hundreds of small calls; the arithmetic and its order are the same, so are the answers."""
    h, w = img.shape
    n, seg, half_px = starts.shape[0], TRACK_SEGMENT_PX, PROFILE_HALF_PX
    size = starts_px.shape[0] * seg
    taken = np.zeros((n, size), np.bool_)
    read = np.zeros((n, size))
    across_px = np.zeros((n, size))
    half = img.dtype.type(0.5)
    profile = np.empty(2 * half_px + 1, img.dtype)
    ks = np.empty(seg, np.int64)
    oks = np.empty(seg, np.bool_)
    reads = np.empty(seg, img.dtype)
    for i in range(n):
        x, y, ux, uy, sign = starts[i, 0], starts[i, 1], units[i, 0], units[i, 1], signs[i]
        off = 0.0
        for step in range(starts_px.shape[0]):
            any_inside, n_ok = False, 0
            for s in range(seg):
                d = starts_px[step] + float(s)
                inside = True
                for j in range(2 * half_px + 1):
                    across = off + float(j - half_px)
                    ax = int(np.rint(x + sign * d * ux - across * uy))
                    ay = int(np.rint(y + sign * d * uy + across * ux))
                    cx, cy = min(max(ax, 0), w - 1), min(max(ay, 0), h - 1)
                    inside = inside and cx == ax and cy == ay
                    profile[j] = img[cy, cx]
                k, c, _, _, ridge = _profile_ridge(
                    profile[0], profile[1], profile[half_px - 1], profile[half_px], profile[half_px + 1],
                    profile[2 * half_px - 1], profile[2 * half_px], half, min_k)
                ok = inside and ridge
                any_inside = any_inside or inside
                n_ok += ok
                ks[s], oks[s], reads[s] = k, ok, c
            if not (any_inside and n_ok >= seg // 3):
                break
            counts = np.zeros(4, np.int64)  # the chosen middle samples, those off the ridge as 3
            for s in range(seg):
                taken[i, step * seg + s] = oks[s]
                read[i, step * seg + s] = reads[s]
                across_px[i, step * seg + s] = (off + ks[s]) - 1.0
                counts[ks[s] if oks[s] else 3] += 1
            lo, hi = _sorted_at(counts, (n_ok - 1) // 2), _sorted_at(counts, n_ok // 2)
            off += 0.5 * (lo + hi) - 1.0
    return taken, read, across_px


@kernel
def _sorted_at(counts: np.ndarray, index: int) -> int:  # pragma: no cover (compiled)
    """The value at ``index`` of the sorted values 0, 1, … of which ``counts`` holds how many each."""
    for value in range(counts.shape[0]):
        index -= counts[value]
        if index < 0:
            return value
    return counts.shape[0] - 1


def conductor_far(img: np.ndarray, x: int, y: int, angle_deg: float, t1_c: float,
                  alike_k: float, other_deg: tuple[float, ...] = ()) -> float | None:
    """The conductor's own temperature (°C) away from a joint at (x, y) on a line at ``angle_deg``:
    the ridge is followed both ways (:func:`track_ridge`); the joint's heat falls off along it as
    exp(−d/λ) (fin equation, docs/physics.md §3), so the distance d½ where the ridge has fallen
    half-way from T1 to its coolest reading bounds λ (d½ ≥ λ·ln 2 + half the part) and readings
    beyond :data:`FAR_HALF_DISTANCES` × d½ carry ≤ 6 % of the excess. Where a wide part reads hotter
    than the bare conductor beside it (lower emissivity, docs/physics.md §1), d½ falls at the part's
    blurred end, short of the conductor's own decay: when the readings from 4·d½ do not count (below),
    those from :data:`FAR_FIN_LENGTHS` fin lengths beyond d½ are tried (:func:`fin_length`, fitted to
    the way's readings from d½ on). When the ridge at ``angle_deg`` is followed less than three
    segments either way, its neighbours 10° and 20° off are tried and ``other_deg``, the joint's line
    at its larger radii (on a part wider than the smallest radius the line test measures the part's
    own diagonal: development frames 5553048 and 5553073 measured 5° and 80° at the clamp, their
    conductors ran at 35° and 50°), and the one followed farthest is kept. Each way on its own:

    * a reading there within ``alike_k`` (K, the camera's accuracy) of T1 is a part as warm as the
      joint on the same line (a crossarm's row of clamps): the line gives no reference, None; unless
      it is a speck (:func:`speck`: a sun glint on the wire, 2×2 px at 29.3 °C on development frame
      5553035's single conductor, 76 px from a 29.8 °C joint, had left it without T2);
    * the readings end at the first step of more than :data:`FAR_STEP_K` between stretches
      (:func:`_until_step`: the track left the conductor for the sky, a pole or a roof);
    * the way counts when at least :data:`FAR_MIN_SAMPLES` readings spread (interquartile range) by
      no more than :data:`FAR_SPREAD_K`, or :data:`FAR_SPREAD_SHARE` of the excess T1 − T2 when
      larger, over at least :data:`FAR_MIN_SPAN_PX`.

    When the line through the joint gives the conductor's own temperature separated from its
    background (:func:`irpatrol.analysis.blur_mix.conductor_own_c`: a thin conductor reads part of
    its contrast only), that is T; else T is the median of the counted ways' readings; None when
    no way counts.

    A conductor narrower than the 3×3 px measurement spot reads between its own temperature and the
    background's through the optics blur (docs/physics.md §6): its T2 is then only as good as the
    background is close to it, which the hotspot's ``small-target`` flag does not cover."""
    sides = track_ridges_at(img, [(x, y, angle_deg, sign) for sign in (-1.0, 1.0)])
    if max(len(d) for d, _, _ in sides) < TRACK_SEGMENT_PX * 3:  # the line test's direction may be a
        # wide part's diagonal: try its neighbours (side by side), keep the one followed farthest
        others = [angle_deg + da for da in (-20.0, -10.0, 10.0, 20.0)]
        others += [a for a in other_deg  # each line direction once, the first one's neighbours included
                   if min(direction_gap_deg(a, b) for b in (angle_deg, *others)) >= 0.5 * STEP_DEG]
        tried = track_ridges_at(img, [(x, y, a, sign) for a in others for sign in (-1.0, 1.0)])
        tries = [tried[k: k + 2] for k in range(0, len(tried), 2)]
        sides = max([sides, *tries], key=lambda t: sum(len(d) for d, _, _ in t))
    vals = np.concatenate([v for _, v, _ in sides])
    if vals.size < FAR_MIN_SAMPLES:
        return conductor_own_c(img, x, y, angle_deg)
    floor = percentiles(vals, (10.0,))[0]
    half = floor + 0.5 * (t1_c - floor)
    halves = []  # (distances, readings, half-way distance) of each way that falls half-way
    for d, v, at in sides:
        below = np.nonzero(v <= half)[0]
        if not below.size:
            continue
        d_half = float(d[below[0]])
        warm = at[(d >= FAR_HALF_DISTANCES * d_half) & (v >= t1_c - alike_k)]
        if any(not speck(img, px, py) for px, py in {(int(p[0]), int(p[1])) for p in warm}):
            return None
        halves.append((d, v, d_half))
    own = conductor_own_c(img, x, y, angle_deg)
    if own is not None:  # the ridge's own readings are then not needed
        return own
    ways = []
    for d, v, d_half in halves:
        far = _far_readings(d, v, FAR_HALF_DISTANCES * d_half, t1_c)
        if far is None:  # the fin fitted only where it decides
            far = _far_readings(d, v, _far_start(d, v, d_half), t1_c)
        if far is not None:
            ways.append(far)
    return float(np.median(np.concatenate(ways))) if ways else None


SPECK_REACH_PX = 2
"""How far (px) from a tracked reading :func:`speck` looks for its maximum: the track reads the
middle of three samples across the ridge, a pixel either side of its centre line."""
SPECK_HALF_PX = 8
"""Half side (px) of the window :func:`speck` traces a half-height region in: beyond the ring of
:data:`RING_PX` around the maximum, so a region that runs out of the ring is seen to."""


def speck(img: np.ndarray, x: int, y: int) -> bool:
    """Whether the warm reading at (x, y) px is a speck, no part: its maximum (within
    :data:`SPECK_REACH_PX`) stands over the hottest pixel on the ring of :data:`RING_PX` around it, and
    the connected pixels at least half-way up from that ring to the maximum hold no measurement spot
    (:func:`irpatrol.analysis.measure.holds_spot`, 3×3 px in any direction): a sun glint on a wire, or
    a part too small at this distance to be measured (../shared/domain/standards.md §2), whose reading
    is no part's temperature."""
    h, w = img.shape
    x0, y0 = max(0, x - SPECK_REACH_PX), max(0, y - SPECK_REACH_PX)
    win = img[y0: min(h, y + SPECK_REACH_PX + 1), x0: min(w, x + SPECK_REACH_PX + 1)]
    my, mx = divmod(int(np.argmax(win)), win.shape[1])
    my, mx = y0 + my, x0 + mx
    top = float(img[my, mx])
    base = float(ring_readings(img, mx, my).max())
    if base >= top:
        return False
    px0, py0 = max(0, mx - SPECK_HALF_PX), max(0, my - SPECK_HALF_PX)
    patch = img[py0: min(h, my + SPECK_HALF_PX + 1), px0: min(w, mx + SPECK_HALF_PX + 1)]
    return not holds_spot(half_height_part(patch, my - py0, mx - px0, base + 0.5 * (top - base)))


FIN_GRID_PX = np.geomspace(1.0, 80.0, 48)
"""Fin lengths λ (px) tried by :func:`fin_length`: 0.16 m (docs/physics.md §3) is 4 px at 30 m and
22 px at 5.5 m with 1.3 mrad pixels; a real conductor's λ ranges about 0.1–0.3 m (k, d, h, §3), up to
about 60 px at 4 m. Longer decays are not a fin's: a ramp of the background."""
FAR_FIN_LENGTHS = 3.0
"""Fin lengths λ beyond the half-way distance from which a conductor's readings are its own: the
excess exp(−3) ≈ 5 % of what it was there (fin equation, docs/physics.md §3)."""


def fin_length(d: np.ndarray, v: np.ndarray) -> float:
    """The fin length λ (px) of the readings ``v`` (°C) at distances ``d`` (px, from the first) that
    fits v = T + A·exp(−(d − d₀)/λ) (A ≥ 0: the conductor cools away from the joint) best in the
    least-squares sense, over :data:`FIN_GRID_PX`: the infinite-fin decay of a joint's heat along its
    conductor (Incropera & DeWitt §3.6; docs/physics.md §3). The longest λ of the grid when the
    readings do not fall (a fin longer than the grid is no fin)."""
    if d.size < 3:
        return float(FIN_GRID_PX[-1])
    x = d - d[0]
    e = np.exp(-x[None, :] / FIN_GRID_PX[:, None])  # (L, N)
    n = float(d.size)
    se, see, sv = e.sum(axis=1), (e * e).sum(axis=1), float(v.sum())
    sev = (e * v[None, :]).sum(axis=1)
    det = n * see - se * se
    ok = det > 1e-9
    a = np.where(ok, (n * sev - se * sv) / np.where(ok, det, 1.0), 0.0)
    t = (sv - a * se) / n
    sse = ((v[None, :] - t[:, None] - a[:, None] * e) ** 2).sum(axis=1)
    sse = np.where(ok & (a > 0), sse, np.inf)
    k = int(np.argmin(sse))
    return float(FIN_GRID_PX[k]) if np.isfinite(sse[k]) else float(FIN_GRID_PX[-1])


def _far_readings(d: np.ndarray, v: np.ndarray, start_px: float, t1_c: float) -> np.ndarray | None:
    """The readings ``v`` (°C) of one way at distances ``d`` (px) from ``start_px`` on, up to the first
    step (:func:`_until_step`), when they count as the conductor's own (:func:`conductor_far`: at least
    :data:`FAR_MIN_SAMPLES` over :data:`FAR_MIN_SPAN_PX`, spread within :data:`FAR_SPREAD_K` or
    :data:`FAR_SPREAD_SHARE` of the excess over T1 ``t1_c``); else None."""
    beyond = d >= start_px
    far_d, far_v = _until_step(d[beyond], v[beyond])
    if far_v.size < FAR_MIN_SAMPLES or far_d[-1] - far_d[0] < FAR_MIN_SPAN_PX:
        return None
    q25, q50, q75 = percentiles(far_v, (25.0, 50.0, 75.0))
    return far_v if q75 - q25 <= max(FAR_SPREAD_K, FAR_SPREAD_SHARE * (t1_c - q50)) else None


def _far_start(d: np.ndarray, v: np.ndarray, d_half: float) -> float:
    """Distance (px) from which the readings ``v`` at ``d`` of one way are the conductor's own: beyond
    :data:`FAR_HALF_DISTANCES` half-way distances ``d_half`` and :data:`FAR_FIN_LENGTHS` fin lengths
    beyond ``d_half`` (:func:`fin_length` of the readings from there): the half-way distance alone
    falls within a wide part's blurred outline, short of the conductor's own slower decay."""
    tail = d >= d_half
    return max(FAR_HALF_DISTANCES * d_half, d_half + FAR_FIN_LENGTHS * fin_length(d[tail], v[tail]))


FAR_SPREAD_K = 1.0
"""Least tolerance (K) on the spread of a conductor's far readings (:func:`conductor_far`)."""
FAR_SPREAD_SHARE = 0.05
"""Share of the joint's excess over its conductor (T1 − T2) that the conductor's far readings may
spread by: a 1–2 px conductor's ridge swings between its sky-facing and ground-facing halves as it
crosses the pixel grid (docs/physics.md §1), 1–3 K on the benchmark's single-phase frames, and an
error e in T2 moves δ = (T1 − T2)/(T1 − T0) by at most e/(T1 − T2): 5 % of the excess moves it by a
few points. Of the 81 single-phase defects of bench seed 77003311, 23 are graded right with this
share, 18 with 1 K alone. Project choice."""
FAR_STEP_K = 2.0
"""Largest change (K) between the medians of consecutive :data:`TRACK_SEGMENT_PX` px stretches of a
conductor beyond the joint's heat (:func:`_until_step`): its own reading is steady there; a larger
step, more than the camera's ±2 K accuracy, is the track leaving it (generated frame 77006324: 11 °C
along the conductor, then −7 to −13 °C where the sky lies behind it). Project choice."""
FAR_MIN_SPAN_PX = 30.0
"""Least length (px) over which a conductor's far readings must be followed one way: the benchmark's
conductors are followed 46–154 px; on the shared DJI XT-S highway frame a car's lamp was "followed"
22 px along a lane's edge, and on the M3T frame a corner of a pond's panels 24 px along its edge
(37.4 °C one way, 34.8 °C the other), each read like a conductor. Two and a half tracking segments.
Project choice."""


def _until_step(d: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The readings ``v`` (°C) at distances ``d`` (px, increasing) up to the first change of more than
    :data:`FAR_STEP_K` between the medians of consecutive :data:`TRACK_SEGMENT_PX` px stretches."""
    if not d.size:
        return d, v
    stretch = ((d - d[0]) // TRACK_SEGMENT_PX).astype(np.intp)
    last = None
    for k in range(int(stretch[-1]) + 1):
        here = v[stretch == k]
        if not here.size:
            continue
        m = float(np.median(here))
        if last is not None and abs(m - last) > FAR_STEP_K:
            return d[stretch < k], v[stretch < k]
        last = m
    return d, v


SPAN_TRIES_DEG = (0.0, -10.0, 10.0, -20.0, 20.0)
"""Direction offsets (°) tried by :func:`leaves`: a part's direction measured at it is off by up to
15–20° (a wide part biases it), as in :func:`conductor_far`."""
SPAN_SKIP_PX = (0.0, 12.0, 24.0)
"""Distances (px) from a part's peak at which :func:`leaves` starts following its conductor: a part is
wider than its conductor (a clamp of 0.2 m is up to 30 px long at 5 m) and shows no thin ridge."""
SPAN_ACROSS_PX = (0.0, -3.0, 3.0)
"""Offsets (px) across the direction from which :func:`leaves` starts: a part's peak may sit off its
conductor's centre line by up to half the part's width."""


def _runs_out(img: np.ndarray, x: int, y: int, angle_deg: float, sign: float) -> bool:
    h, w = img.shape
    tries = []
    for da in SPAN_TRIES_DEG:
        th = np.deg2rad(angle_deg + da)
        for skip in SPAN_SKIP_PX:
            for off in SPAN_ACROSS_PX:
                sx = round(x + sign * skip * np.cos(th) - off * np.sin(th))
                sy = round(y + sign * skip * np.sin(th) + off * np.cos(th))
                if 0 <= sx < w and 0 <= sy < h:
                    tries.append((int(sx), int(sy), angle_deg + da))
    followed = track_ridges(img, [(sx, sy, ang, sign) for sx, sy, ang in tries])
    for (sx, sy, ang), (d, _) in zip(tries, followed, strict=True):
        th = np.deg2rad(ang)
        if not len(d):
            continue
        reach = float(d.max())
        ex, ey = sx + sign * reach * np.cos(th), sy + sign * reach * np.sin(th)
        edge = min(ex, ey, w - 1 - ex, h - 1 - ey) <= TRACK_SEGMENT_PX
        if reach >= FAR_MAX_PX - TRACK_SEGMENT_PX or edge:
            return True
    return False


def leaves(img: np.ndarray, x: int, y: int, angle_deg: float) -> bool:
    """Whether the part at (x, y) sits on a conductor that runs out of view at least one way near
    ``angle_deg``: a thin ridge followed (:func:`track_ridge`, from the peak or beyond the part,
    :data:`SPAN_SKIP_PX`, :data:`SPAN_ACROSS_PX`, :data:`SPAN_TRIES_DEG`) to :data:`FAR_MAX_PX` less
    one segment or to within a segment of the frame's edge (docs/physics.md §9). A span conductor
    runs tens of metres between poles; straight edges of a façade, a window grid or a car stop
    sooner. One way is enough: a strain clamp's conductor leaves it one way (the
    jumper loops away the other), a terminal clamp's lead one way (its blade the other)."""
    return any(_runs_out(img, x, y, angle_deg, sign) for sign in (-1.0, 1.0))
