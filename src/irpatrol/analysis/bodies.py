"""Whole-body readings of voltage-heating equipment: the warmest of a row of alike insulating bodies
(arrester housings, transformer bushings) against the coolest of its peers (pure, numpy/OpenCV).

Voltage heating (dielectric loss, leakage current) warms a metal-oxide arrester or a bushing **as a
whole**, by fractions of a kelvin to a few kelvin, with no sharp peak (DL/T 664-2016 Annex I,
thermal-pattern column; ../shared/domain/standards.md §1.6; docs/physics.md §4). The criterion is ΔT
against **the same part of a normal phase** (DL/T 664-2016 §8 relative method, Table I.1: ≥ 0.5 K
for 10 kV arresters, ≥ 2 K for HV bushings → serious). The compact-maximum readers
(:mod:`irpatrol.analysis.joints`) do not see such a body, and the camera's absolute accuracy
(±2 K) would hide the difference anyway. This reader:

1. finds candidate **bodies**: elongated, near-uniform regions bounded by an outline that stands
   off its surroundings on both sides (a plateau or a trough across the body's axis). The frame is
   read at :data:`ORIENTATIONS_DEG` (rotated so the axis is vertical), smoothed along the axis over
   :data:`AXIS_SMOOTH_PX` so the sheds (thin rings reflecting the sky on top and the ground below)
   do not cut the body, and the interior is the connected set of pixels whose gradient stays below
   :data:`FLAT_K_PER_PX`: the blurred outline (optics PSF, docs/physics.md §6) and the shed edges
   are left out, so each body is measured on its interior only. A body too narrow for such an
   interior (3–8 px, its blurred outlines meet: a bushing's porcelain beyond 6 m) is read on its
   centre line instead, a ridge or trough of the frame across the axis (:func:`_narrow_bodies`); a
   row holding one rests on peers that clearly stand out (:data:`NARROW_ROW_FLANK_K`);
2. groups bodies into **rows of three alike bodies** (the phases): similar length and width, the
   same axis direction, side by side across their axes, in a row with equal spacing
   (:func:`irpatrol.analysis.phases.in_row`). A phase set ends at three: a row that a fourth alike
   body continues (:func:`_crowded`: a tank's fins) or that the frame repeats beyond both ends
   (:func:`continued`: the gaps between solar modules, a façade's mullions) is left out;
3. reads each body by a robust statistic of its interior (:data:`READING_PERCENTILE`); T1 is the
   warmest body's reading, T2 the coolest peer's (``t2_source = "similar-component"``). The two
   peers must agree within :data:`COMPARATIVE_UNCERTAINTY_K` (healthy phases read alike), and the
   warm body must be warm all over (its lower quartile above the peers' by half of ΔT), the
   ``whole-body`` pattern of voltage heating, not a local spot.

For such a like-for-like comparison within one frame (same material, same distance, same reflected
surroundings) the camera's absolute offset cancels; what is left is the sensor noise (NETD) and its
non-uniformity, so these hotspots carry ``accuracy_k = COMPARATIVE_UNCERTAINTY_K`` in place of the
camera's stated ±2 K or 2 % (``irpatrol.pipeline._diagnose``). The result is "suspected serious,
confirm by ground or electrical test" (standards.md §1.6): the grade's advice names the follow-up
test of the row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import combinations

import cv2
import numpy as np

from irpatrol.analysis.hotspots import MIN_DELTA_K
from irpatrol.analysis.phases import ROW_TOLERANCE, SPACING_RATIO, in_row, unevenness
from irpatrol.analysis.pixels import inside, where_yx
from irpatrol.analysis.quantiles import sorted_percentile

COMPARATIVE_UNCERTAINTY_K = 0.3
"""Uncertainty (K) of a like-for-like difference within one frame, used as the accuracy of a
whole-body hotspot in place of the camera's stated ±2 K or 2 %: "only comparative ΔT within one
frame is meaningful" for voltage heating (../shared/domain/standards.md §1.6); the absolute offset
of the camera is common to both bodies (same material, distance and reflected surroundings) and
cancels, leaving the NETD (≤ 50 mK, DJI M30T / H20T data sheets, standards.md §5; docs/physics.md
§6) and the detector's non-uniformity over a frame (a few tenths of a kelvin). Six NETDs: project
choice, below the smallest Table I.1 criterion (0.5 K, arresters)."""
ORIENTATIONS_DEG = (0.0,)
"""Body axes looked at (° from the image vertical): arresters and bushings stand upright on the
crossarm or the tank lid and a drone's gimbal keeps the horizon level, so they appear within a few
degrees of vertical, more at the frame's edges in an oblique view; the fill test takes each axis
within about ±8° of these. Bodies lying flat are not looked for. Project choice."""
AXIS_SMOOTH_PX = 5
"""Length (px) of the box smoothing along the body's axis before the gradient is taken: a shed is
1–2 px thick at 5–15 m (12–15 mm, docs/physics.md §7), so its sky-and-ground reflection averages out."""
FLAT_K_PER_PX = 0.08
"""Largest gradient (K/px) inside a body's interior: twice the gradient noise of a 50 mK NETD core
after the smoothing, below an outline of ≥ 0.3 K through the optics blur (σ 0.7 px: a step of C K
has a peak gradient ≈ 0.57·C per px), so the blurred outline and the shed edges are left out of the
interior. Project choice, measured on generated frames (docs/physics.md §2, §6)."""
MIN_LENGTH_PX = 5
"""Shortest interior (px along the axis) of a body: a 0.28 m arrester is 14 px long at 15 m with
1.3 mrad pixels (docs/physics.md §7), of which the cap, the crossarm's blurred edge and the sheds
leave 5–7 px of interior. Shorter pieces are not bodies (the row tests weed out the ground texture's
specks)."""
MAX_LENGTH_SHARE = 0.3
"""Longest interior as a share of the frame's smaller side: a body is a part, not a pole or a
conductor crossing the frame."""
MIN_ELONGATION = 2.0
"""Least length / width of a body's interior (an arrester is 3 times as long as wide, a bushing's
porcelain 5 times; the interior is narrower than the body by its blurred outline)."""
MIN_FILL = 0.6
"""Least share of its bounding box a body's interior fills (a bar, not a ragged patch)."""
FLANK_K = 0.2
"""Least difference (K) between a body's interior and its surroundings on both sides across the
axis, both of the same sign (the body is a plateau or a trough, not a step or a ramp of the ground):
four NETDs. Project choice."""
READING_PERCENTILE = 75.0
"""Percentile of the interior pixels that is a body's reading: robust to the few mixed pixels left
at the outline and the sheds, and on the warm side because an arrester's upper part runs warmer
(DL/T 664-2016 Table I.1 pattern column)."""
ALIKE_LENGTH = 0.3
"""Largest difference of two alike bodies' interior lengths, as a share of the longer."""
ALIKE_WIDTH_PX = 2.0
"""Largest difference (px) of two alike bodies' interior widths (or 35 % of the wider)."""
MIN_SPACING_WIDTHS = 4.0
"""Nearest neighbour in a row, in interior widths (+ 2 px for the outline): phases stand 0.3–0.7 m
apart, 5–8 body widths of a 0.06–0.09 m body (docs/physics.md §7); a strip of warm background
between a part and the next (an arrester and its pin insulator 0.25 m apart) is no phase."""
MAX_SPACING_LENGTHS = 5.0
"""Farthest neighbour in a row, in interior lengths: phases 0.7 m apart on a crossarm are 2.5 arrester
lengths, bushings 0.3 m apart one bushing length (docs/physics.md §7), and the interior is a half to
two thirds of a body's length once the caps, the blurred ends and the sheds are left out."""
ROW_SPACING_WIDTHS = 2.0
"""Least distance between the centres of any two bodies of a row, in box widths (the widest of the
three), so that a box's width or more of gap lies between them (:func:`spaced_as_phases`): phases
stand 0.3–0.7 m apart, five or more housing widths (docs/physics.md §7), three when an oblique view
foreshortens the crossarm to 0.6 (as for :data:`irpatrol.analysis.placed_bodies.MIN_STEP_LENGTHS`),
and a box is wider than its housing by the optics' blur. The development rows completed with a hidden
phase stood 2.5–5.8 box widths apart, and every row graded on the development and first check seeds
(190 in all) 2.09 or more; the window cells of the shared real DJI M30T façade frame
(``dji_m30t_girp.jpg``) 9–11 px apart with 5 px boxes, and a hidden "phase" placed between two of
them overlapped one. Found rows of textured ground and roofs on the SDK sample frames stood 0.9–1.8
box widths apart: DJI M4T 0005 (three touching 5–7 px boxes 6.5–8 px apart), H20T 0002 and H20T
0003 (docs/detector.md, thirty-first pass). Project choice."""
WHOLE_BODY_SHARE = 0.5
"""Share of ΔT by which the warm body's lower quartile must exceed its peers' too: the whole body is
warm (voltage heating), not a spot on it (a connection, current heating)."""


@dataclass(frozen=True)
class Body:
    """One candidate body: centre (x, y px, frame coordinates), axis (° from vertical), interior
    length and width (px), reading (°C, :data:`READING_PERCENTILE`), lower quartile and mean (°C),
    interior pixel count, the lesser of its differences from its two sides (K), its outline (4 corners,
    px), bounding box (x, y, w, h px), centre in the rotated frame (px) and its interior's pixels in the
    frame (N×2 x, y px, rounded); ``narrow``: read on its centre line (:func:`_narrow_bodies`), not on
    a flat interior."""

    xy: tuple[float, float]
    axis_deg: float
    length_px: float
    width_px: float
    reading_c: float
    low_c: float
    mean_c: float
    interior_px: int
    flank_k: float
    corners: np.ndarray
    bbox: tuple[int, int, int, int]
    rot_xy: tuple[float, float]
    pixels: np.ndarray
    narrow: bool = False


def _rotated(img: np.ndarray, angle_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """``img`` turned by ``angle_deg`` (a body at that axis becomes vertical) on a canvas holding all
    of it (outside: NaN), and the 2×3 matrix mapping frame to rotated coordinates."""
    h, w = img.shape
    if angle_deg == 0.0:
        return img, np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), -angle_deg, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(np.ceil(h * s + w * c)), int(np.ceil(h * c + w * s))
    m[0, 2] += nw / 2.0 - w / 2.0
    m[1, 2] += nh / 2.0 - h / 2.0
    out = cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=float("nan"))
    return out, m


def _flank(rot: np.ndarray, x: int, y0: int, y1: int) -> float:
    """Median reading (°C) of column ``x`` over rows y0..y1 of the rotated frame (NaN off it)."""
    if x < 0 or x >= rot.shape[1]:
        return float("nan")
    col = rot[y0:y1, x]
    col = col[np.isfinite(col)]
    return sorted_percentile(np.sort(col), 50.0) if col.size else float("nan")


def find_bodies(celsius: np.ndarray, orientations: tuple[float, ...] = ORIENTATIONS_DEG,
                ) -> list[list[Body]]:
    """Candidate bodies of ``celsius`` (°C), one list per orientation of ``orientations`` (° from the
    image vertical): elongated near-uniform interiors that stand off their surroundings on both
    sides across the axis (see the module notes and the constants for each test), and the centre lines
    of bodies too narrow for one (:func:`_narrow_bodies`) where no found body's box holds them."""
    img = np.ascontiguousarray(celsius, dtype=np.float32)
    max_len = MAX_LENGTH_SHARE * min(img.shape)
    out: list[list[Body]] = []
    for angle in orientations:
        rot, m = _rotated(img, angle)
        inv = cv2.invertAffineTransform(m)
        smooth = cv2.blur(rot, (1, AXIS_SMOOTH_PX))
        gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
        flat = (cv2.magnitude(gx, gy) < 8.0 * FLAT_K_PER_PX).astype(np.uint8)  # Sobel gain 8
        _, labels, stats, _ = cv2.connectedComponentsWithStats(flat, connectivity=4)
        x, y, w, h, a = (stats[:, k] for k in range(5))
        rh, rw = rot.shape
        keep = ((h >= MIN_LENGTH_PX) & (h <= max_len) & (h >= MIN_ELONGATION * w) & (a >= MIN_FILL * w * h)
                & (x >= 3) & (y >= 1) & (x + w <= rw - 3) & (y + h <= rh - 1))
        keep[0] = False
        boxes = [(int(i), (int(x[i]), int(y[i]), int(w[i]), int(h[i]))) for i in np.flatnonzero(keep)]
        found = [b for i, box in boxes if (b := _body(rot, labels, i, box, angle, inv))]
        out.append(found + _narrow_bodies(rot, smooth, angle, inv, max_len, [f.bbox for f in found]))
    return out


NARROW_OFFSETS_PX = (2, 3, 4)
"""Distances (px) across the axis at which a narrow body's centre is compared with its surroundings
(:func:`_narrow_bodies`): a body 3–8 px wide (a bushing's 0.06 m porcelain at 6–15 m with 1.3 mrad
pixels, docs/physics.md §7) has its outline 1.5–4 px from its centre line."""
NARROW_CORE_SHARE = 0.5
"""Largest drop (share of its standing-off) from a narrow body's centre line to the cooler (or, for a
trough, warmer) of its two neighbours 1 px across: through the optics blur (σ 0.7 px, docs/physics.md
§6) a body 3 px wide reads 0.97 of its contrast at its centre and 0.76 one pixel off (a drop of 0.21;
0.44 when it lies half a pixel off and its two middle pixels read alike), while a line 1–2 px wide (a
0.0135 m conductor or lead, §7) drops by 0.59–0.88 of its peak on one side. So leads and conductors
are not bodies."""
NARROW_ROW_FLANK_K = 0.4
"""Least standing-off (K) of every body of a row that holds a narrow body: a ridge line of the frame
can be an edge of a scene as well as a body, so such a row rests on peers that clearly stand out
(eight NETDs, docs/physics.md §6). On the shared FLIR E40 frame a warm strip at the frame's edge and
two outlines standing off 0.29 and 0.37 K made a "serious" arrester row without it. Project choice."""


def _narrow_bodies(rot: np.ndarray, smooth: np.ndarray, angle: float, inv: np.ndarray, max_len: float,
                   taken: list[tuple[int, int, int, int]]) -> list[Body]:
    """Bodies too narrow for a flat interior (3–8 px wide, their blurred outlines meet), read on their
    centre line: the pixels of ``smooth`` (the rotated frame ``rot`` smoothed along the axis) that stand
    :data:`FLANK_K` above (or below) both sides at one of :data:`NARROW_OFFSETS_PX`, are the extreme of
    their row across the axis, keep within :data:`NARROW_CORE_SHARE` of that 1 px either side and are
    flat along the axis (:data:`FLAT_K_PER_PX`: the cap, the lid and a lead end the line). Each line of
    ≥ :data:`MIN_LENGTH_PX` px (one pixel a row, within about ±8° of the axis) whose centre lies in
    none of the boxes ``taken`` (x, y, w, h px, the bodies found with a flat interior) is read as a
    found body's interior (:func:`_body`, ``narrow=True``)."""
    rh, rw = smooth.shape
    pad = max(NARROW_OFFSETS_PX)
    g = cv2.copyMakeBorder(smooth, 0, 0, pad, pad, cv2.BORDER_REPLICATE)

    def across(d: int) -> np.ndarray:
        return g[:, pad + d: pad + d + rw]

    def standing(d: int) -> tuple[np.ndarray, np.ndarray]:  # above and below both sides d px away
        lt, rt = across(-d), across(d)
        return cv2.subtract(smooth, cv2.max(lt, rt)), cv2.subtract(cv2.min(lt, rt), smooth)

    # the best of the offsets; OpenCV's element-wise max, min and subtract on float32 give numpy's
    # results in two thirds of its time
    above, below = standing(NARROW_OFFSETS_PX[0])
    for d in NARROW_OFFSETS_PX[1:]:
        up, down = standing(d)
        above, below = cv2.max(above, up), cv2.max(below, down)
    left, right = across(-1), across(1)
    along = np.abs(cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)) < 8.0 * FLAT_K_PER_PX  # Sobel gain 8
    ridge = (along & (above >= FLANK_K) & (smooth >= left) & (smooth >= right)
             & (smooth - np.minimum(left, right) <= NARROW_CORE_SHARE * above))
    trough = (along & (below >= FLANK_K) & (smooth <= left) & (smooth <= right)
              & (np.maximum(left, right) - smooth <= NARROW_CORE_SHARE * below))
    out: list[Body] = []
    for line in (ridge, trough):
        # the block-based algorithm (BBDT) labels these sparse masks in a third of the default's time,
        # into the same components
        _, labels, stats, centres = cv2.connectedComponentsWithStatsWithAlgorithm(
            line.astype(np.uint8), 8, cv2.CV_32S, cv2.CCL_BBDT)
        x, y, w, h, a = (stats[:, k] for k in range(5))
        keep = ((h >= MIN_LENGTH_PX) & (h <= max_len) & (a >= 0.8 * h) & (w <= 2 + 0.15 * h)
                & (x >= 3) & (y >= 1) & (x + w <= rw - 3) & (y + h <= rh - 1))
        keep[0] = False
        for i in np.flatnonzero(keep):
            fx, fy = (centres[i] @ inv[:, :2].T + inv[:, 2]).tolist()  # as _body places the centre
            if any(inside((fx, fy), t) for t in taken):
                continue
            b = _body(rot, labels, int(i), (int(x[i]), int(y[i]), int(w[i]), int(h[i])), angle, inv)
            if b is not None:
                out.append(replace(b, narrow=True))
    return out


def _body(rot: np.ndarray, labels: np.ndarray, i: int, box: tuple[int, int, int, int], angle: float,
          inv: np.ndarray) -> Body | None:
    """The body of component ``i`` (interior box ``box`` in the rotated frame), None when it does not
    stand off its surroundings on both sides in the same direction by :data:`FLANK_K`."""
    xi, yi, wi, hi = box
    mask = labels[yi: yi + hi, xi: xi + wi] == i
    vals = rot[yi: yi + hi, xi: xi + wi][mask]
    if not np.isfinite(vals).all():
        return None
    lo_v, hi_v = float(vals.min()), float(vals.max())
    cols = [rot[yi: yi + hi, x] for x in (xi - 3, xi + wi + 2) if 0 <= x < rot.shape[1]]
    if (len(cols) == 2 and all(np.isfinite(c).all() for c in cols)  # bounds of the medians below
            and min(float(c.max()) for c in cols) - lo_v < FLANK_K
            and hi_v - max(float(c.min()) for c in cols) < FLANK_K):
        return None
    left, right = _flank(rot, xi - 3, yi, yi + hi), _flank(rot, xi + wi + 2, yi, yi + hi)
    # a bound of the test below, cheap: most fail here
    if not (min(left, right) - lo_v >= FLANK_K or hi_v - max(left, right) >= FLANK_K):
        return None
    ordered = np.sort(vals)
    reading = sorted_percentile(ordered, READING_PERCENTILE)
    dl, dr = left - reading, right - reading
    if not (np.isfinite(dl) and np.isfinite(dr)) or dl * dr <= 0 or min(abs(dl), abs(dr)) < FLANK_K:
        return None
    ys, xs = where_yx(mask)
    cx, cy = xi + float(xs.mean()), yi + float(ys.mean())
    outline = np.array([[xi - 1.5, yi - 1.5], [xi + wi + 0.5, yi - 1.5], [xi + wi + 0.5, yi + hi + 0.5],
                        [xi - 1.5, yi + hi + 0.5]])
    corners = outline @ inv[:, :2].T + inv[:, 2]
    fx, fy = (np.array([cx, cy]) @ inv[:, :2].T + inv[:, 2]).tolist()
    lo = np.floor(corners.min(axis=0)).astype(int)
    top = np.ceil(corners.max(axis=0)).astype(int)
    bbox = (int(lo[0]), int(lo[1]), int(top[0] - lo[0] + 1), int(top[1] - lo[1] + 1))
    area = int(mask.sum())
    inside = np.column_stack([xs + xi, ys + yi]).astype(np.float64) @ inv[:, :2].T + inv[:, 2]
    return Body((fx, fy), angle, float(hi), area / hi, reading, sorted_percentile(ordered, 25.0),
                float(vals.mean()), area, min(abs(dl), abs(dr)), np.round(corners).astype(np.int32), bbox,
                (cx, cy), np.rint(inside).astype(np.intp))


def spaced_as_phases(members: tuple[Body, ...]) -> bool:
    """Whether the bodies of a row stand :data:`ROW_SPACING_WIDTHS` box widths apart or more, centre
    to centre, each from each: three phases' housings, not touching outlines of one textured surface."""
    least = ROW_SPACING_WIDTHS * max(m.bbox[2] for m in members)
    return all(math.dist(p.xy, q.xy) >= least for p, q in combinations(members, 2))


def alike(p: Body, q: Body, steps: int = 1) -> bool:
    """Whether two bodies of one orientation may be the same part on two phases ``steps`` phase steps
    apart (1: neighbours; 2: the outer phases, the middle one between them): alike in length and
    width, side by side across their axes (the row ≤ 30° off the perpendicular to the axis, offset
    along the axis under half a length per step), apart by :data:`MIN_SPACING_WIDTHS` widths and at
    most :data:`MAX_SPACING_LENGTHS` lengths per step."""
    if abs(p.length_px - q.length_px) > ALIKE_LENGTH * max(p.length_px, q.length_px):
        return False
    if abs(p.width_px - q.width_px) > max(ALIKE_WIDTH_PX, 0.35 * max(p.width_px, q.width_px)):
        return False
    dx = abs(p.rot_xy[0] - q.rot_xy[0]) / steps
    dy = abs(p.rot_xy[1] - q.rot_xy[1]) / steps
    length = max(p.length_px, q.length_px)
    widths = MIN_SPACING_WIDTHS * max(p.width_px, q.width_px) + 2.0
    return widths <= dx <= MAX_SPACING_LENGTHS * length and dy <= 0.58 * dx and dy <= 0.5 * length


@dataclass(frozen=True)
class BodyRow:
    """A row of three alike bodies: the warm one, its two peers (the cooler first), ΔT (K)."""

    hot: Body
    peers: tuple[Body, ...]
    delta_k: float


def body_rows(bodies: list[Body], min_delta_k: float = MIN_DELTA_K,
              triples: list[tuple[int, int, int]] | None = None) -> list[BodyRow]:
    """The rows of three alike bodies among ``bodies`` (one orientation) whose warmest stands at least
    ``min_delta_k`` (K) above the coolest, whose two cooler bodies read alike (within
    :data:`COMPARATIVE_UNCERTAINTY_K`) and whose warmest is warm all over (:data:`WHOLE_BODY_SHARE`);
    per warm body the row whose peers agree best. A row that a fourth alike body of about the same
    reading continues or splits (:func:`_crowded`: radiator fins, a window grid, a fence) belongs to a
    bank, not to a three-phase set, and is left out. Two alike bodies without a third are no row: on
    the shared real frames (none of an arrester or a bushing) such pairs were façade and vehicle
    details 1–5 K apart. ``triples``: :func:`row_triples` of ``bodies`` when already read."""
    best: dict[int, tuple[float, BodyRow]] = {}
    for i, m, k in row_triples(bodies)[0] if triples is None else triples:
        _consider(best, (bodies[i], bodies[m], bodies[k]), min_delta_k)
    return [r for _, r in best.values()]


def row_triples(bodies: list[Body], img: np.ndarray | None = None,
                ) -> tuple[list[tuple[int, int, int]], set[int]]:
    """The rows of three alike bodies among ``bodies`` (indices; see :func:`body_rows`), whatever their
    readings, and the bodies of the rows left out as part of a bank (:func:`_crowded`) or of an array
    the frame ``img`` (°C, when given) continues beyond them (:func:`continued`; a row sharing two bodies
    with such a row is left out too: the evenly spaced row of an array's gaps lost to it otherwise
    went on to be read, a tank's fins on generated frame 133 read 2.9 K apart). A row holding a
    narrow body needs each of its bodies to stand off by :data:`NARROW_ROW_FLANK_K`, any row at least
    one: specks of textured or smooth ground standing off 0.2–0.4 K made rows of three alike "bodies"
    read as `serious` arresters on generated frames with nothing wrong (5550080; 33001068 of an unseen
    base), while every found row at a generated arrester or bushing of the development and 8880000
    seeds had a body standing off 0.6 K or more (134 rows)."""
    nbrs: dict[int, list[int]] = {i: [] for i in range(len(bodies))}
    for i, j in combinations(range(len(bodies)), 2):
        if alike(bodies[i], bodies[j]):
            nbrs[i].append(j)
            nbrs[j].append(i)
    rows: list[tuple[float, tuple[int, int, int]]] = []
    banked: set[int] = set()
    arrays: list[set[int]] = []  # the rows the frame continues (:func:`continued`)
    for m, around in nbrs.items():  # m the middle body, alike to both outer ones
        for i, k in combinations(around, 2):
            if not in_row(bodies[i].xy, bodies[m].xy, bodies[k].xy):
                continue
            trio = (bodies[i], bodies[m], bodies[k])
            if any(b.narrow for b in trio) and min(b.flank_k for b in trio) < NARROW_ROW_FLANK_K:
                continue
            if not stands_out(trio):
                continue
            if _crowded(bodies, (i, m, k), nbrs):
                banked |= {i, m, k}
            elif img is not None and continued(img, trio):
                banked |= {i, m, k}
                arrays.append({i, m, k})
            else:
                rows.append((unevenness(bodies[i].xy, bodies[m].xy, bodies[k].xy), (i, m, k)))
    # two rows that share two bodies compete for the third: the more evenly spaced is the phase set
    # (a pin insulator beside an arrester reads alike to it and may stand in a row with the others);
    # a row sharing two with one the frame continues is a part of the same array
    rows.sort()
    kept: list[tuple[int, int, int]] = []
    for _, row in rows:
        if all(len(set(row) & set(other)) < 2 for other in [*kept, *arrays]):
            kept.append(row)
    return kept, banked


def stands_out(bodies: tuple[Body, ...]) -> bool:
    """Whether one of the found ``bodies`` of a row stands off its surroundings clearly, by
    :data:`NARROW_ROW_FLANK_K`: a row of three found bodies (:func:`row_triples`), or of two found and
    one placed (:func:`irpatrol.analysis.placed_bodies.completed_rows`), needs one."""
    return max(b.flank_k for b in bodies) >= NARROW_ROW_FLANK_K


BANK_READING_K = 2.0
"""How near (K) to the row's median reading a fourth alike body must read to make the row part of a
bank: the camera's stated accuracy (±2 K); fins of one tank, windows of one façade read alike, while
the cold crossarm or a sky patch between two housings does not. Project choice."""


BANK_BETWEEN = 3
"""Fewest alike bodies reading like a row (within :data:`BANK_READING_K`) on its line between its
members that make it three of a bank: a three-phase set has at most one part beside each member
between them (a pin insulator 0.25 m beside each arrester, docs/physics.md §7), so two at most; a
tank's fins stand 3 or more between any three (the narrow strips of tank between the last fins and
the tank's edge read as narrow bodies alike to the fins). Project choice."""


def _crowded(bodies: list[Body], row: tuple[int, int, int], nbrs: dict[int, list[int]]) -> bool:
    """Whether a fourth body alike to one of ``row`` (indices into ``bodies``) and reading within
    :data:`BANK_READING_K` of the row continues it: on the row's line (within
    :data:`irpatrol.analysis.phases.ROW_TOLERANCE` of a spacing), one spacing beyond either end (within
    the :data:`irpatrol.analysis.phases.SPACING_RATIO` slack), or :data:`BANK_BETWEEN` of them between
    its members. The row is then three of a bank, not a three-phase set. Fewer bodies between the
    members do not count: a pin insulator stands 0.25 m beside each arrester, as warm as a healthy
    housing (docs/physics.md §7)."""
    pts = np.array([bodies[i].xy for i in row], dtype=np.float64)
    span = pts.max(axis=0) - pts.min(axis=0)
    axis = 0 if span[0] >= span[1] else 1
    order = np.argsort(pts[:, axis])
    a, b = pts[order[0]], pts[order[-1]]
    length = float(np.hypot(*(b - a)))
    if length <= 0:
        return False
    u = (b - a) / length
    step = length / 2.0
    mid = float(np.median([bodies[i].reading_c for i in row]))
    others = {j for i in row for j in nbrs[i]} - set(row)
    between = 0
    for j in others:
        o = bodies[j]
        if abs(o.reading_c - mid) > BANK_READING_K:
            continue
        v = np.array(o.xy) - a
        along = float(v @ u)
        off = abs(float(v[0] * u[1] - v[1] * u[0]))
        slack = (SPACING_RATIO - 1.0) * step
        beyond = min(abs(along + step), abs(along - length - step))
        if off <= ROW_TOLERANCE * step and beyond <= slack:
            return True
        if off <= ROW_TOLERANCE * step and 0.0 < along < length:
            between += 1
    return between >= BANK_BETWEEN


BEYOND_ROW_LENGTHS = 1.0
"""How far beyond each end of a row (in row lengths: two spacings) :func:`continued` looks."""
BEYOND_EXTREMA = 3
"""Fewest separate places beyond each end of a row (within :data:`BEYOND_ROW_LENGTHS`) where the
reading along the row stands out as the row's members do (by :data:`BEYOND_SHARE` of them) for the
pattern to go on there; one more when the other end lies out of the frame. A solar array's module gaps
(every 12–13 px) or a façade's mullions put several there, while beyond the outer phase of a crossarm
its end, a pin insulator and the air hold one at most: development seed 5550000, every generated
arrester and bushing row whose members stand out ≥ 0.4 K in that reading (50 rows) has 0 or 1 beyond
one end and at most 3 beyond the other. Project choice, docs/detector.md (twenty-fourth pass)."""
BEYOND_SHARE = 0.5
"""Share of the members' median standing (K) a place beyond the row must stand out by to count.
Project choice."""
BEYOND_MIN_GAP_PX = 4.0
"""Distance (px) beyond an end member from which places are counted: its own blurred outline lies nearer."""


def _profile(img: np.ndarray, origin: np.ndarray, u: np.ndarray, axis: np.ndarray, s: np.ndarray,
             half: int) -> np.ndarray:
    """Mean reading (°C) of ``img`` over ±``half`` px along ``axis`` (the bodies' long axis, unit vector)
    at each distance ``s`` (px) from ``origin`` (x, y px) along ``u`` (the row, unit vector): nearest
    pixels, clamped to the frame."""
    h, w = img.shape
    t = np.arange(-half, half + 1, dtype=np.float64)
    x = origin[0] + s[:, None] * u[0] + t[None, :] * axis[0]
    y = origin[1] + s[:, None] * u[1] + t[None, :] * axis[1]
    xi = np.clip(np.rint(x), 0, w - 1).astype(np.intp)
    yi = np.clip(np.rint(y), 0, h - 1).astype(np.intp)
    out: np.ndarray = img[yi, xi].mean(axis=1)
    return out


def _standing(img: np.ndarray, origin: np.ndarray, u: np.ndarray, axis: np.ndarray, s: np.ndarray,
              half: int) -> np.ndarray:
    """How far (K) :func:`_profile` at each ``s`` stands above both or below both of its neighbours
    :data:`NARROW_OFFSETS_PX` px either way along the row: the best of those offsets and of the two
    signs (a warm housing may stand above the ground its healthy peers stand below)."""
    n = len(NARROW_OFFSETS_PX)
    shifts = np.array([0.0, *(-float(d) for d in NARROW_OFFSETS_PX), *(float(d) for d in NARROW_OFFSETS_PX)])
    at = (s[None, :] + shifts[:, None]).ravel()  # one gather for the places and their neighbours
    read = _profile(img, origin, u, axis, at, half).reshape(len(shifts), -1)
    here, left, right = read[0], read[1: 1 + n], read[1 + n:]
    out: np.ndarray = np.maximum(here - np.maximum(left, right), np.minimum(left, right) - here).max(axis=0)
    return out


def _axis(b: Body) -> np.ndarray:
    """Unit vector (x, y) of body ``b``'s long axis in the frame: the rotated frame's vertical
    (:func:`_rotated` turns the frame by −``axis_deg``)."""
    a = np.deg2rad(b.axis_deg)
    return np.array([np.sin(a), np.cos(a)])


def continued(img: np.ndarray, trio: tuple[Body, ...]) -> bool:
    """Whether the frame ``img`` (°C) repeats the row of three bodies ``trio`` beyond its ends, as an
    array or a façade does and a phase set does not (module notes, step 2).
    The reading along the row (the line through the outer members, averaged over ±half the shortest
    member's length along its axis) is read for how far each place stands above or below both of its
    neighbours 2–4 px either way (:func:`_standing`). The row continues when its members stand out by
    at least :data:`NARROW_ROW_FLANK_K` there (median of the three) and, from
    :data:`BEYOND_MIN_GAP_PX` to :data:`BEYOND_ROW_LENGTHS` row length beyond, each end holds
    :data:`BEYOND_EXTREMA` separate places standing out by :data:`BEYOND_SHARE` of that (one more when
    the other end lies out of the frame; neither in the frame: not judged).

    The 2–4 px neighbours judge rows of narrow bodies (module gaps, mullions, porcelain lines); a row of
    housings wider than about 6 px stands out by less than 0.4 K at those offsets and is not judged.
    Read at half a housing's width beyond its centre, the generated rows of wide arresters were judged
    too, and five of the development seed's, with a pin insulator, the crossarm's end or the pole
    beyond them, went on by this rule: not kept. The bank rule on found bodies (:func:`_crowded`)
    misses arrays: their gaps break into pieces of every length along their axis and are rarely alike
    found bodies one spacing on (docs/detector.md, twenty-fourth pass: 16 `serious` arresters on one
    DJI XT S frame of a solar farm)."""
    h, w = img.shape
    pts = np.array([b.xy for b in trio], dtype=np.float64)
    spread = np.ptp(pts, axis=0)
    order = np.argsort(pts[:, 0] if spread[0] >= spread[1] else pts[:, 1])
    a, m, c = pts[order]
    length = float(np.hypot(*(c - a)))
    if length <= 0.0:
        return False
    u = (c - a) / length
    axis = _axis(trio[int(order[1])])
    half = max(1, int(min(b.length_px for b in trio) // 2))
    depth = float(np.median(_standing(img, a, u, axis, np.array([0.0, float((m - a) @ u), length]), half)))
    if depth < NARROW_ROW_FLANK_K:
        return False
    margin = max(NARROW_OFFSETS_PX) + 2
    counts = []
    for end, way in ((0.0, -1.0), (length, 1.0)):
        s = end + way * np.arange(BEYOND_MIN_GAP_PX, BEYOND_ROW_LENGTHS * length + 0.5, 1.0)
        x, y = a[0] + s * u[0], a[1] + s * u[1]
        in_view = (x >= margin) & (x <= w - 1 - margin) & (y >= margin) & (y <= h - 1 - margin)
        if in_view.mean() < 0.8:  # most of this way lies out of the frame: not read
            continue
        strong = _standing(img, a, u, axis, s, half) >= BEYOND_SHARE * depth
        counts.append(int(strong[0]) + int(np.sum(strong[1:] & ~strong[:-1])))  # separate places
    if len(counts) == 2:
        return min(counts) >= BEYOND_EXTREMA
    return len(counts) == 1 and counts[0] >= BEYOND_EXTREMA + 1


def judge_row(bodies: tuple[Body, ...], min_delta_k: float) -> BodyRow | None:
    """The row of three ``bodies`` with the warmest as its hot body when it passes the tests of
    :func:`body_rows`: ΔT ≥ ``min_delta_k`` (K), the two cooler ones alike within
    :data:`COMPARATIVE_UNCERTAINTY_K`, the warmest warm all over (:data:`WHOLE_BODY_SHARE`); else None."""
    row = sorted(bodies, key=lambda b: b.reading_c)
    cool, hot = row[0], row[-1]
    delta = hot.reading_c - cool.reading_c
    disagree = row[-2].reading_c - cool.reading_c
    if delta < min_delta_k or disagree > COMPARATIVE_UNCERTAINTY_K:
        return None
    if hot.low_c - max(b.low_c for b in row[:-1]) < WHOLE_BODY_SHARE * delta:
        return None
    return BodyRow(hot, tuple(row[:-1]), delta)


def _consider(best: dict[int, tuple[float, BodyRow]], bodies: tuple[Body, ...], min_delta_k: float) -> None:
    """Keep the row of three ``bodies`` in ``best`` (per warm body, the row whose peers agree best)
    when it passes :func:`judge_row`."""
    row = judge_row(bodies, min_delta_k)
    if row is None:
        return
    disagree = row.peers[1].reading_c - row.peers[0].reading_c
    key = id(row.hot)
    if key not in best or disagree < best[key][0]:
        best[key] = (disagree, row)
