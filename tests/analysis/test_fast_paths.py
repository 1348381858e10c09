"""Code that only makes the frame readers faster must give the same answers as the plain way it
replaced: ``pixels.where_yx`` as ``np.nonzero``, ``ridges.track_ridges`` (tracks followed side by
side) as ``ridges.track_ridge`` one track at a time, ``phases.off_own_line`` (all candidates at once)
and ``ridges.merge_levels`` (plain lists) as the per-item numpy loops they replaced, kept here as the
reference; ``phase_shift.detail`` (running min and max of the neighbours) as its first, per-direction
form, and ``phase_shift.detail_boxes`` (patches stacked) as ``detail_box`` one box at a time; the
compiled kernels (numba) of ``ridges.line_sides``, of the ridge tracker (``ridges.track_ridges_at``)
and of ``phases.phase_row``'s choice among pairs as the numpy forms they replaced, to the bit; the
pyramid's 2×2 max-pooling (``ridges._pool``) as OpenCV's dilation, and ``phase_shift._match`` (every
position at once) as its loop over the positions; ``quantiles.percentiles`` as ``np.percentile``."""

from __future__ import annotations

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from irpatrol.analysis.phase_shift import (
    DETAIL_CLIP_K,
    PATCH_HALF_PX,
    REFINE_PX,
    RIDGE_OFFSETS_PX,
    _match,
    _patches,
    detail,
    detail_box,
    detail_boxes,
)
from irpatrol.analysis.phases import (
    LINE_CONTRAST_K,
    ROW_ANGLE_DEG,
    ROW_K_PER_PX,
    ROW_TOLERANCE,
    SAME_LINE_SHARE,
    SPACING_RATIO,
    off_own_line,
    phase_row,
)
from irpatrol.analysis.pixels import where_yx
from irpatrol.analysis.quantiles import percentiles
from irpatrol.analysis.ridges import (
    _ACROSS,
    _PAD,
    LINE_SAMPLES,
    PROFILE_HALF_PX,
    TRACK_SEGMENT_PX,
    _offsets_cached,
    _pool,
    compact_maxima,
    line_sides,
    lines_through,
    merge_levels,
    padded,
    track_ridge,
    track_ridges,
    track_ridges_at,
)
from irpatrol.simulate.scene import render


@given(arrays(np.bool_, st.tuples(st.integers(1, 40), st.integers(1, 40))))
def test_where_yx_is_nonzero(mask):
    rows, cols = where_yx(mask)
    want_rows, want_cols = np.nonzero(mask)
    assert rows.tolist() == want_rows.tolist() and cols.tolist() == want_cols.tolist()


def test_where_yx_of_a_view():
    frame = np.zeros((8, 10), bool)
    frame[2, 7] = frame[5, 3] = True
    rows, cols = where_yx(frame[1:, 2:])  # not contiguous
    assert rows.tolist() == [1, 4] and cols.tolist() == [5, 1]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["hot-joint", "strain-clamp", "terminal-clamp"]))
def test_tracks_side_by_side_are_the_tracks_one_by_one(seed, scenario):
    img, _ = render(seed, scenario)
    together, tracks = _followed(img)
    assert len(together) == len(tracks)
    for (x, y, a, s), (d, v) in zip(tracks, together, strict=True):
        d1, v1 = track_ridge(img, int(x), int(y), a, s)
        assert d.tolist() == d1.tolist() and v.tolist() == v1.tolist()


def test_tracks_follow_the_conductors_of_a_generated_pole():
    img, _ = render(5552045, "hot-joint")
    together, _ = _followed(img)
    assert sum(len(d) > 0 for d, _ in together) >= 4
    assert max(float(d.max(initial=0.0)) for d, _ in together) >= 100.0  # a span runs on


def _followed(img):
    """Tracks from the strongest compact maxima along their own line directions and 10° off them,
    both ways, followed side by side."""
    cands = compact_maxima(img)[:4]
    xy = np.array([(c[0], c[1]) for c in cands], np.float64).reshape(-1, 2)
    if not len(xy):
        return [], []
    _, angles = lines_through(img, xy, 4.0)
    tracks = [(float(x), float(y), float(a) + da, s) for (x, y), a in zip(xy, angles, strict=True)
              for da in (0.0, 10.0) for s in (-1.0, 1.0)]
    return track_ridges(img, tracks), tracks


def _off_own_line_one_by_one(img, xy, cands):
    """The loop ``phases.off_own_line`` was before it took all candidates at once."""
    h, w = img.shape
    out = []
    across = np.array([-4.0, -3.0, 3.0, 4.0])
    near = np.array([(ox, oy) for ox in (-1, 0, 1) for oy in (-1, 0, 1)], dtype=np.intp)
    for c in cands:
        dx, dy = c[0] - xy[0], c[1] - xy[1]
        dist = float(np.hypot(dx, dy))
        d = np.arange(6.0, dist - 6.0, 2.0)
        if len(d) < 4:
            out.append(c)
            continue
        ux, uy = dx / dist, dy / dist
        cx, cy = xy[0] + d * ux, xy[1] + d * uy
        sx = np.clip(np.rint(cx[:, None] - across[None, :] * uy).astype(np.intp), 0, w - 1)
        sy = np.clip(np.rint(cy[:, None] + across[None, :] * ux).astype(np.intp), 0, h - 1)
        side = img[sy, sx]
        left, right = 0.5 * (side[:, 0] + side[:, 1]), 0.5 * (side[:, 2] + side[:, 3])
        my = np.clip(np.rint(cy).astype(np.intp)[None, :] + near[:, 1:2], 0, h - 1)
        mx = np.clip(np.rint(cx).astype(np.intp)[None, :] + near[:, 0:1], 0, w - 1)
        mid = img[my, mx]
        bright = np.minimum(mid.max(axis=0) - left, mid.max(axis=0) - right) >= LINE_CONTRAST_K
        dark = np.minimum(left - mid.min(axis=0), right - mid.min(axis=0)) >= LINE_CONTRAST_K
        if (bright | dark).mean() < SAME_LINE_SHARE:
            out.append(c)
    return out


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["hot-joint", "terminal-clamp", "healthy-clutter"]))
def test_off_own_line_at_once_is_the_loop(seed, scenario):
    img, _ = render(seed, scenario)
    cands = compact_maxima(img)
    for c in cands[:3]:
        xy = (c[0], c[1])
        others = [d for d in cands if d is not c]
        assert off_own_line(img, xy, others) == _off_own_line_one_by_one(img, xy, others)
    assert off_own_line(img, (10, 10), []) == []


def _merge_levels_numpy(pts):
    """The numpy loop ``ridges.merge_levels`` was before it took plain lists."""
    pts = pts[np.lexsort((-pts[:, 2], pts[:, 3]))]
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
    return pts, best_e, alive


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), st.floats(0.5, 30.0), st.integers(0, 3)),
                min_size=1, max_size=60))
def test_merge_levels_is_the_numpy_loop(rows):
    pts = np.array(rows, dtype=np.float64)
    got_pts, got_e, got_alive = merge_levels(pts)
    want_pts, want_e, want_alive = _merge_levels_numpy(pts)
    assert got_pts.tolist() == want_pts.tolist()
    assert got_alive == want_alive.tolist()
    assert got_e == want_e.tolist()


def _detail_plain(img: np.ndarray) -> np.ndarray:
    """``phase_shift.detail`` as first written: per direction and offset, the excess over the higher
    neighbour and the shortfall under the lower one, each the running maximum, in numpy."""
    f = img.astype(np.float32)
    h, w = f.shape
    pad = max(RIDGE_OFFSETS_PX)
    g = np.pad(f, pad, mode="edge")
    bright, dark = np.zeros_like(f), np.zeros_like(f)
    for d in RIDGE_OFFSETS_PX:
        for ox, oy in ((d, 0), (0, d), (d, d), (d, -d)):
            a = g[pad + oy: pad + oy + h, pad + ox: pad + ox + w]
            b = g[pad - oy: pad - oy + h, pad - ox: pad - ox + w]
            bright = np.maximum(bright, f - np.maximum(a, b))
            dark = np.maximum(dark, np.minimum(a, b) - f)
    return np.clip(bright - dark, -DETAIL_CLIP_K, DETAIL_CLIP_K)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 30), st.integers(1, 30)),
              elements=st.floats(-40.0, 120.0, width=32)))
def test_fine_structure_in_fewer_passes_is_the_plain_one(img):
    assert np.array_equal(detail(img), _detail_plain(img))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000),
       st.lists(st.tuples(st.integers(0, 639), st.integers(0, 511), st.integers(1, 40), st.integers(1, 40)),
                min_size=1, max_size=6))
def test_fine_structure_of_stacked_boxes_is_each_box_alone(seed, corners):
    img, _ = render(seed, "hot-joint")
    h, w = img.shape
    boxes = [(x, y, min(w, x + bw), min(h, y + bh)) for x, y, bw, bh in corners]
    whole = detail(img)
    for (x0, y0, x1, y1), got in zip(boxes, detail_boxes(img, boxes), strict=True):
        assert np.array_equal(got, detail_box(img, x0, y0, x1, y1))
        assert np.array_equal(got, whole[y0:y1, x0:x1])


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["hot-joint", "terminal-clamp", "healthy-clutter"]))
def test_a_larger_candidate_limit_keeps_every_place_of_the_capped_list(seed, scenario):
    # bench/misses.py asks for every compact maximum to tell a part cut by MAX_CANDIDATES from one
    # standing out of nothing: each capped candidate is still there (a weaker one kept at a finer
    # level may take it over in merge_levels, within that level's reach), strongest first
    from irpatrol.analysis.ridges import MAX_CANDIDATES, MIN_EXCESS_K

    img, _ = render(seed, scenario)
    capped, every = compact_maxima(img), compact_maxima(img, limit=10 ** 6)
    assert len(capped) <= MAX_CANDIDATES and len(every) >= len(capped)
    assert all(c[3] >= MIN_EXCESS_K for c in every)
    assert [c[3] for c in every] == sorted((c[3] for c in every), reverse=True)
    for x, y, _, _, level in capped:
        reach = 2 ** level + 1
        assert any(abs(x - d[0]) <= reach and abs(y - d[1]) <= reach for d in every)
    assert len(compact_maxima(img, limit=3)) <= 3


def _line_sides_numpy(img, xy, radius):
    """``ridges.line_sides`` as numpy array operations on the gathered readings (C×A×2×S×7), before it
    was compiled."""
    pad = padded(img)
    width = pad.shape[1]
    base = (xy[:, 1].astype(np.int64) + _PAD) * width + xy[:, 0].astype(np.int64) + _PAD
    theta = np.deg2rad(np.arange(0.0, 180.0, 5.0))
    offsets = _offsets_cached(float(radius), width, tuple(float(t) for t in theta))
    p = pad.ravel()[base[:, None, None, None, None] + offsets[None]]
    left, right = 0.5 * (p[..., 0] + p[..., 1]), 0.5 * (p[..., 5] + p[..., 6])
    sides = 0.5 * (left + right)
    centre, best = p[..., 2], np.abs(p[..., 2] - sides)
    for k in (3, 4):
        dev = np.abs(p[..., k] - sides)
        farther = dev > best
        centre = np.where(farther, p[..., k], centre)
        best = np.where(farther, dev, best)
    cl, cr = centre - left, centre - right
    least = np.minimum(np.abs(cl), np.abs(cr))
    ridge = (cl * cr > 0) & (least >= LINE_CONTRAST_K)
    above = ridge & (cl > 0)
    per_side = np.maximum(above.sum(axis=-1), (ridge ^ above).sum(axis=-1))
    return per_side, (least * ridge).sum(axis=(2, 3))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["hot-joint", "arrester", "healthy-clutter"]),
       st.sampled_from([2.0, 3.0, 4.5]))
def test_compiled_line_test_is_the_numpy_one(seed, scenario, radius):
    img, _ = render(seed, scenario)
    rng = np.random.default_rng(seed)
    xy = np.stack([rng.integers(0, img.shape[1], 40), rng.integers(0, img.shape[0], 40)], axis=1)
    xy[:3] = [(0, 0), (img.shape[1] - 1, img.shape[0] - 1), (2, 300)]  # profiles beyond the edge
    got_sides, got_contrast = line_sides(img, xy, radius)
    want_sides, want_contrast = _line_sides_numpy(img, xy, radius)
    assert _ACROSS.size == 7 and LINE_SAMPLES == 8
    assert np.array_equal(got_sides, want_sides)
    assert got_contrast.dtype == want_contrast.dtype and np.array_equal(got_contrast, want_contrast)


def _track_numpy(img, x, y, angle_deg, sign, far_px=160.0):
    """One ridge track as numpy array operations per segment (S×9 profiles), before the tracker was
    compiled: (distances px, readings °C, pixels N×2)."""
    h, w = img.shape
    th = np.deg2rad(angle_deg)
    ux, uy = np.cos(th), np.sin(th)
    steps, offs = np.arange(TRACK_SEGMENT_PX, dtype=np.float64), np.arange(-4.0, 5.0)
    off, ds, vs, xys = 0.0, [], [], []
    for start in np.arange(3.0, far_px, TRACK_SEGMENT_PX):
        d = (start + steps)[:, None]
        across = off + offs[None, :]
        ax = np.rint(x + sign * d * ux - across * uy).astype(np.intp)  # (S, 9)
        ay = np.rint(y + sign * d * uy + across * ux).astype(np.intp)
        cx, cy = np.clip(ax, 0, w - 1), np.clip(ay, 0, h - 1)
        inside = ((cx == ax) & (cy == ay)).all(axis=1)
        p = img[cy, cx]
        left, right = 0.5 * (p[:, 0] + p[:, 1]), 0.5 * (p[:, -1] + p[:, -2])
        sides = 0.5 * (left + right)
        middle = p[:, PROFILE_HALF_PX - 1: PROFILE_HALF_PX + 2]
        k = np.argmax(np.abs(middle - sides[:, None]), axis=1)
        c = middle[np.arange(len(k)), k]
        cl, cr = c - left, c - right
        ok = inside & (cl * cr > 0) & (np.minimum(np.abs(cl), np.abs(cr)) >= LINE_CONTRAST_K)
        if not (inside.any() and ok.sum() >= TRACK_SEGMENT_PX // 3):
            break
        dd, aa = d[ok, 0], (off + k - 1.0)[ok]
        ds.append(dd)
        vs.append(c[ok].astype(np.float64))
        xys.append(np.rint(np.stack([x + sign * dd * ux - aa * uy, y + sign * dd * uy + aa * ux], axis=1)))
        chosen = np.sort(np.where(ok, k, 3))
        total = int(ok.sum())
        off += 0.5 * (chosen[(total - 1) // 2] + chosen[total // 2]) - 1.0
    if not ds:
        return np.zeros(0), np.zeros(0), np.zeros((0, 2))
    return np.concatenate(ds), np.concatenate(vs), np.concatenate(xys)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["hot-joint", "strain-clamp", "terminal-clamp"]))
def test_compiled_tracker_is_the_numpy_one(seed, scenario):
    img, _ = render(seed, scenario)
    _, tracks = _followed(img)
    tracks += [(3.0, 5.0, 200.0, 1.0), (636.0, 250.0, 0.0, 1.0)]  # into the frame's edge at once
    for (x, y, a, s), (d, v, xy) in zip(tracks, track_ridges_at(img, tracks), strict=True):
        want_d, want_v, want_xy = _track_numpy(img, x, y, a, s)
        assert d.tolist() == want_d.tolist() and v.tolist() == want_v.tolist()
        assert xy.tolist() == want_xy.astype(np.intp).tolist()


def _phase_row_numpy(cands, x, y, angle_deg, alike_k):
    """``phases.phase_row`` (without a frame) as numpy operations over every pair at once, before its
    choice among the pairs was compiled."""
    a = np.array([(c[0], c[1], c[2]) for c in cands], dtype=np.float64).reshape(-1, 3)
    a = a[(np.hypot(a[:, 0] - x, a[:, 1] - y) >= 3.0) & (np.hypot(a[:, 0] - x, a[:, 1] - y) <= 240.0)]
    if len(a) < 2:
        return None
    i, j = np.triu_indices(len(a), 1)
    pa = np.array([x, y], dtype=np.float64)
    pb, pc = a[i, :2], a[j, :2]
    dab, dac, dbc = np.hypot(*(pb - pa).T), np.hypot(*(pc - pa).T), np.hypot(*(pc - pb).T)
    dists = np.stack([dbc, dac, dab], axis=1)
    span = dists.max(axis=1)
    other = np.sort(dists, axis=1)[:, :2]
    cross = np.abs((pb - pa)[:, 0] * (pc - pa)[:, 1] - (pb - pa)[:, 1] * (pc - pa)[:, 0])
    off = cross / np.maximum(span, 1e-9)
    ends = np.argmax(dists, axis=1)
    verts = np.stack([np.broadcast_to(pa, pb.shape), pb, pc], axis=1)
    outer = np.array([[1, 2], [0, 2], [0, 1]])[ends]
    row = verts[np.arange(len(i)), outer[:, 1]] - verts[np.arange(len(i)), outer[:, 0]]
    th = np.deg2rad(angle_deg)
    cos_row = np.abs(row @ np.array([np.cos(th), np.sin(th)])) / np.maximum(span, 1e-9)
    good = ((other[:, 0] >= 3.0) & (other[:, 1] <= SPACING_RATIO * other[:, 0])
            & (off <= ROW_TOLERANCE * other[:, 0]) & (cos_row <= np.cos(np.deg2rad(ROW_ANGLE_DEG))))
    if alike_k is not None:
        good &= np.abs(a[i, 2] - a[j, 2]) <= alike_k
    if not good.any():
        return None
    cost = np.abs(a[i, 2] - a[j, 2]) + ROW_K_PER_PX * span
    if alike_k is not None:
        cost = cost - np.minimum(a[i, 2], a[j, 2])
    k = int(np.argmin(np.where(good, cost, np.inf)))
    return (int(pb[k, 0]), int(pb[k, 1])), (int(pc[k, 0]), int(pc[k, 1]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300), st.floats(10.0, 14.0)), max_size=30),
       st.sampled_from([0.0, 12.0, 45.0, 90.0, 137.5]), st.sampled_from([None, 0.0, 0.5, 2.0]))
def test_compiled_choice_of_a_row_is_the_numpy_one(points, angle_deg, alike_k):
    # equal spacings and equal readings are common on a pixel grid: ties go the same way
    cands = [(px, py, round(t, 1), 1.0, 0) for px, py, t in points]
    for x, y in ((150, 150), (0, 0)):
        assert phase_row(cands, x, y, 12.0, angle_deg, alike_k=alike_k) == \
            _phase_row_numpy(cands, x, y, angle_deg, alike_k)


def test_rows_the_compiled_choice_takes_on_a_generated_pole():
    img, _ = render(5552003, "hot-joint")
    cands = compact_maxima(img)
    rows = [phase_row(cands, c[0], c[1], c[2], a, alike_k=2.0) for c in cands for a in (0.0, 30.0, 90.0)]
    assert sum(r is not None for r in rows) >= 3
    assert rows == [_phase_row_numpy(cands, c[0], c[1], a, 2.0) for c in cands for a in (0.0, 30.0, 90.0)]


@settings(max_examples=40, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(2, 40), st.integers(2, 40)),
              elements=st.floats(-40.0, 120.0, width=32)))
def test_compiled_pooling_is_the_dilation(img):
    h, w = img.shape
    dilated = cv2.dilate(img, np.ones((2, 2), np.uint8), anchor=(0, 0), borderType=cv2.BORDER_REPLICATE)
    assert np.array_equal(_pool(img), dilated[: h - h % 2: 2, : w - w % 2: 2])


def _match_one_by_one(img, xy, at):
    """``phase_shift._match`` as a loop over the positions, before it scored them all at once."""
    h, w = img.shape
    r = PATCH_HALF_PX
    o = np.arange(-REFINE_PX, REFINE_PX + 1)
    ref, locals_, places, ref_in = _patches(img, xy, at)
    scores, wheres = [], []
    for c, local in zip(places, locals_, strict=True):
        score = cv2.matchTemplate(local, ref, cv2.TM_CCOEFF_NORMED)
        px, py = c[0] + o, c[1] + o
        inside = ((py >= r) & (py < h - r))[:, None] & ((px >= r) & (px < w - r))[None, :]
        score = np.where(inside & ref_in & np.isfinite(score), score, -np.inf)
        k = int(np.argmax(score))
        scores.append(float(score.flat[k]))
        wheres.append(c + np.array([o[k % len(o)], o[k // len(o)]]))
    return np.array(scores), np.array(wheres)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["hot-joint", "disconnector-contact", "healthy-clutter"]))
def test_positions_matched_at_once_are_matched_one_by_one(seed, scenario):
    img, _ = render(seed, scenario)
    rng = np.random.default_rng(seed)
    xy = (int(rng.integers(0, img.shape[1])), int(rng.integers(0, img.shape[0])))
    at = np.concatenate([rng.uniform(-20.0, 660.0, (6, 1)), rng.uniform(-20.0, 530.0, (6, 1))], axis=1)
    at[0] = (3.0, 4.0)  # a patch the frame's edge cuts
    got, want = _match(img, xy, at), _match_one_by_one(img, xy, at)
    assert got[0].dtype == want[0].dtype and got[0].tolist() == want[0].tolist()
    assert got[1].tolist() == want[1].tolist()


@given(arrays(np.float64, st.integers(1, 300), elements=st.floats(-60.0, 600.0)),
       st.lists(st.floats(0.0, 100.0), min_size=1, max_size=5))
def test_percentiles_are_numpys(values, qs):
    assert percentiles(values, qs) == np.percentile(values, qs).tolist()
    assert percentiles(np.round(values, 1), (5.0, 50.0, 95.0)) == \
        np.percentile(np.round(values, 1), (5.0, 50.0, 95.0)).tolist()  # ties


def test_percentiles_interpolate_from_the_nearer_neighbour_as_numpy():
    # 10 % of six values lies half-way between the two lowest, interpolated from the upper one: from
    # the lower one it would read 12.864999999999998
    values = np.array([18.82, 7.87, 18.47, 19.31, 18.16, 17.86])
    assert percentiles(values, (10.0,)) == np.percentile(values, (10.0,)).tolist() == [12.865]


def test_percentiles_of_nan_are_nan_as_numpys():
    got = percentiles(np.array([1.0, np.nan, 3.0]), (10.0, 90.0))
    assert all(np.isnan(got)) and np.isnan(np.percentile(np.array([1.0, np.nan, 3.0]), (10.0, 90.0))).all()
