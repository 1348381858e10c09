"""The other phases located by the structure's repetition (pure, OpenCV + numpy).

On a pole top the three phases carry the same hardware — insulator, conductor, clamp, blade, fuse —
mounted at equal spacing along the crossarm (DL/T 664-2016 §8.4 同类比较, the same part on another
phase; ../shared/domain/standards.md §4.3). Seen from a drone a few metres to tens of metres away,
the pole top is small against its distance, so the projection is close to affine and each phase's
hardware is the previous phase's shifted by one vector ``v`` in the image (docs/physics.md §9). The
same part on the other phases is then at ``joint ± v`` or ``joint ± 2v``, whether or not it stands out
as a local extreme (a healthy clamp of low emissivity reads like the wire or the ground around it,
docs/physics.md §1, §2, so only about a quarter of them are compact maxima: docs/detector.md).

1. **The shift** (:func:`phase_shift`): the autocorrelation of the frame's fine structure (thin
   lines and compact parts of either sign, not the steps between areas, :func:`detail`; clipped to
   ±:data:`DETAIL_CLIP_K` so one hot joint or glint does not dominate) in a window around the
   joint, normalised by the overlap. Its
   highest value at a shift :data:`MIN_SHIFT_PX`–:data:`MAX_SHIFT_PX` long and at least
   :data:`ROW_OFF_LINE_DEG` off the joint's conductor (along the conductor every shift repeats the
   conductor itself) is where most of one phase's structure falls on the next one's. Only shifts
   where the autocorrelation exceeds its value at half the shift count: a repetition, where the next
   phase's hardware falls on this one's across a gap of background, peaks; a lead, blade or fuse tube
   through the joint in another direction than the one measured overlaps itself under any short
   shift along it, falling off steadily from no shift (:func:`phase_shift`).
2. **The row** (:func:`shift_row`): of the three placements of the joint in its row (first, middle,
   last phase), the one whose two other positions look most like the joint's surroundings
   (normalised cross-correlation of the fine structure), each position refined within
   ±:data:`REFINE_PX` px. A row found under a weak repetition (below :data:`MIN_STRENGTH`) must be
   one set of three alike parts (:func:`one_set`). When no placement matches the joint at both
   positions by :data:`CLEAR_MATCH`, the far phase is placed by its likeness to the near one: the two
   healthy phases read alike where the hot joint does not (:func:`_peers_row`); failing that, both
   healthy phases are placed at the shift's positions by their likeness to each other alone
   (:func:`_alike_peers_row`), then with the joint half-way between them (:data:`AROUND_HALF`: the
   healthy outer two may repeat across a hot middle phase at twice the spacing), and only then does
   a placement matching the joint at both positions by :data:`MIN_MATCH` stand. Where the frame repeats
   nearly as strongly at twice the shift (:data:`OCTAVE_SHARE`), the shift may be half the spacing:
   the row placed by twice the shift is read too, and the better matched one kept.
3. **Wider spacings** (:func:`_wide_row`): when step 2 gives no row, or the best shift lies within
   :data:`EDGE_PX` of :data:`MAX_SHIFT_PX`, steps 1–2 run again on the frame averaged over 2×2 px
   for shifts up to twice as long (a narrow lens), and the row is placed again on the frame itself.

Everything is a temperature difference or a geometric relation, so a uniform offset changes no
result; no distance or lens is assumed beyond the spacing bounds below.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from irpatrol.analysis.compiled import kernel
from irpatrol.analysis.phases import in_row

DETAIL_CLIP_K = 2.0
"""Clip (K) of the fine structure: a hot joint or a sun glint stands out by tens of kelvin, the
hardware of a healthy phase by a few; unclipped the one hot part would decide the correlation."""
WINDOW_HALF_PX = 128
"""Half side (px) of the window around the joint whose structure is correlated: two phase spacings
at 5 m (one spacing, 0.7 m, is 108 px at 5 m with 1.3 mrad pixels)."""
MIN_SHIFT_PX = 12.0
"""Shortest phase spacing (px) looked for: 0.7 m at 30 m is 18 px, foreshortened by an oblique view."""
MAX_SHIFT_PX = 130.0
"""Longest phase spacing (px) looked for on the frame itself: 0.7 m at 5 m is 108 px with 1.3 mrad
pixels (the nearest a drone flies to a 10 kV line, docs/physics.md §6), with a margin; twice that on
the frame averaged over 2×2 px (:func:`_wide_row`)."""
ROW_OFF_LINE_DEG = 25.0
"""Least angle (°) between the shift and the joint's conductor: a shift along the conductor maps the
conductor onto itself at any length. Project choice (the row of phases crosses the conductors at
20–90° in the views of docs/physics.md §9; 15° let the conductor's own repetition win more often on
the development seeds)."""
PATCH_HALF_PX = 6
"""Half side (px) of the patches compared when placing the row (a clamp and the conductor beside it)."""
REFINE_PX = 3
"""How far (px) each peer position is moved to the best match: the shift is read to a pixel, and the
outer phase two shifts away doubles its error."""
MIN_MATCH = 0.3
"""Least normalised cross-correlation of each peer's surroundings with the joint's for the row to
stand (0 is no likeness, 1 the same pattern). Project choice: on the development seeds (5550000…)
0.2 kept 7 more right rows and 14 more wrong ones."""
MIN_STRENGTH = 0.25
"""Least share of the window's fine structure that repeats under the shift (the autocorrelation there
over its value at no shift) for a row to be sought: around a pole top the phases' hardware is most
of the structure, so a weaker repetition is chance — traffic on a bridge, façade and ground details
(on the shared real frames such rows repeated 0.10–0.23 of their window's structure; on the
development seeds 44 of the 50 right rows repeat ≥ 0.25, and 17 of the 27 wrong ones). Project
choice. A weaker repetition, down to :data:`SET_STRENGTH`, gives a row only when it is one set."""
SET_STRENGTH = 0.18
"""Least share of the window's structure repeating under the shift for a row to be sought at all: a
row repeating less than :data:`MIN_STRENGTH` stands only when it is one set of three alike parts
(:func:`one_set`: the other two match each other, nothing alike follows beyond them). Where sunlit
ground's texture fills the window the phases' hardware is a small share of it: on the development
seed the right shift of 5556044, 5558089 and 5559065 repeated 0.20–0.25. Project choice: development
+4 right, 8880000 +4, 77000000 +4, no new false frame; 0.14 and 0.10 gained nothing more."""
CLEAR_MATCH = 0.4
"""A row matched less well than this stands only where the line test also finds a conductor, lead
or blade parallel to the joint's through each peer (:func:`irpatrol.analysis.joints.find_joints`):
on the shared real frames (rooftops, a substation, façades) the rows below it lay in the background
of a mast tip, on sunlit pipes and on façade details. Project choice."""

SHIFT_MIN_RISE_K = 6.0
"""Least rise (K) of a joint over T0 for its row to be located by the shift whatever other reader
follows. Below the 10 K of the low-rise guard (DL/T 664-1999 §5.2.2, the rule set's
``guard-low-rise``) any reference difference beyond the camera's accuracy grades a part "general —
provisional", so a row placed on something other than the other phases' clamps would make a defect
of a healthy part: from 6 K to 10 K only a compact joint takes a located row
(:data:`irpatrol.analysis.joints.BROAD_SHIFT_MIN_RISE_K`); below 6 K, a compact joint's located row
counts only when it is one set of three alike parts, with a margin for the bare conductor's lower
emissivity (docs/physics.md §1, :func:`irpatrol.analysis.joints._low_set`). Until December 2026 the
bound was 10 K for every joint (development seeds: 2 false defects in 80 healthy frames without any
bound). Project choice, on the development seed 5550000 with the compactness bound: 6 K +6 right,
4 K +7 and one false frame more on the tuning base 44000000 (a 9 px specks' row); 8 K +3. On
8880000 +8, on 77000000 +7; the peers placed within 4 px of the generated ones rose from 207 to 215
of the development seed's defects, those placed elsewhere fell from 95 to 91."""


@dataclass(frozen=True)
class Shift:
    """The image shift from one phase to the next (px) and how strongly the structure repeats under it
    (the normalised autocorrelation there over its value at no shift, 0…1)."""

    dx: float
    dy: float
    strength: float
    double_strength: float
    """The normalised autocorrelation at twice the shift (0…1; 0 where that lies beyond the window's
    reach): :data:`OCTAVE_SHARE`."""


RIDGE_OFFSETS_PX = (2, 5)
"""Distances (px) at which a pixel is compared with both its neighbours across, in four directions:
a conductor or lead (1–3 px wide) and a clamp, fuse contact or insulator (up to about 10 px) read
above or below both sides at one of them (docs/physics.md §6, §7)."""


def detail(img: np.ndarray) -> np.ndarray:
    """The frame's fine structure (K): where a pixel reads above both its neighbours across some
    direction (at :data:`RIDGE_OFFSETS_PX`, four directions) by B, or below both by D, B − D, clipped to
    ±:data:`DETAIL_CLIP_K`. Thin lines and compact parts of either sign stand out; a step between two
    areas — the horizon, a roof's or a road's edge — has one side above and one below in every
    direction and reads 0 (a frame minus its blur keeps a step as a long straight doublet, and on the
    development seeds its repetition under every shift along it pulled the shift onto the horizon's
    direction: 79 of 137 shifts within 2 px that way, 111 of 137 this way)."""
    h, w = img.shape
    return detail_boxes(img, [(0, 0, w, h)])[0]


_RIDGE_PAIRS = np.array([(ox, oy) for d in RIDGE_OFFSETS_PX for ox, oy in ((d, 0), (0, d), (d, d), (d, -d))],
                        dtype=np.int64)
"""The neighbour offsets (x, y px) :func:`detail` compares a pixel with, each with its opposite."""


@kernel
def _detail_kernel(g: np.ndarray, pad: int, pairs: np.ndarray, clip: np.float32,
                   ) -> np.ndarray:  # pragma: no cover (compiled)
    """:func:`detail` of the float32 array ``g`` without its outer ``pad`` px on each side, which
    serve as the neighbours of the rest (the frame's edge repeated beyond it), compiled, a row at a
    time: B = f − (the least over the directions of the higher neighbour) and D = (the greatest of
    the lower neighbour) − f, each floored at 0, then B − D clipped to ±``clip`` (float subtraction
    is monotonic, so these are the per-direction differences' extremes). Comparisons and float32
    subtractions only, so the answers are those of the element-wise OpenCV form it replaces, to the
    bit; the row loops vectorise, 4× faster on the phase-shift window (267×267 px) and 12× on a
    part's 25 px patch, where the OpenCV calls' own cost dominated."""
    h, w = g.shape[0] - 2 * pad, g.shape[1] - 2 * pad
    out = np.empty((h, w), g.dtype)
    upper = np.empty(w, g.dtype)  # per pixel of the row: the least higher neighbour so far
    lower = np.empty(w, g.dtype)  # and the greatest lower one
    zero = g.dtype.type(0.0)
    for y in range(h):
        for q in range(pairs.shape[0]):
            ox, oy = pairs[q, 0], pairs[q, 1]
            ahead = g[pad + oy + y, pad + ox: pad + ox + w]
            behind = g[pad - oy + y, pad - ox: pad - ox + w]
            if q == 0:
                for x in range(w):
                    a, b = ahead[x], behind[x]
                    upper[x] = a if a > b else b
                    lower[x] = b if a > b else a
                continue
            for x in range(w):
                a, b = ahead[x], behind[x]
                hi = a if a > b else b
                lo = b if a > b else a
                upper[x] = hi if hi < upper[x] else upper[x]
                lower[x] = lo if lo > lower[x] else lower[x]
        row = g[pad + y, pad: pad + w]
        for x in range(w):
            f = row[x]
            bright, dark = f - upper[x], lower[x] - f
            v = (bright if bright > zero else zero) - (dark if dark > zero else zero)
            out[y, x] = min(max(v, -clip), clip)
    return out


@functools.lru_cache(maxsize=8)
def _shifts(ry: int, rx: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The shifts −ry…ry × −rx…rx (px, float32 grids of dx and dy) and their lengths."""
    dx, dy = np.meshgrid(np.arange(-rx, rx + 1, dtype=np.float32), np.arange(-ry, ry + 1, dtype=np.float32))
    return dx, dy, np.hypot(dx, dy)


@functools.lru_cache(maxsize=16)
def _overlap(wh: int, ww: int, ry: int, rx: int) -> np.ndarray:
    """How many pixel pairs of a ``wh``×``ww`` window overlap at each shift −ry…ry × −rx…rx (px): the
    autocorrelation's sum over them becomes a mean. Read-only (cached: most windows are whole)."""
    out = (wh - np.abs(np.arange(-ry, ry + 1, dtype=np.float32)))[:, None] * \
        (ww - np.abs(np.arange(-rx, rx + 1, dtype=np.float32)))[None, :]
    out.setflags(write=False)
    return out


@functools.lru_cache(maxsize=8)
def _halves(ry: int, rx: int) -> np.ndarray:
    """For each shift −ry…ry × −rx…rx (px), the flat index into the same grid of half that shift (each
    component rounded to the pixel), for :func:`phase_shift`'s test that a repetition peaks. Read-only
    (cached: most windows are whole)."""
    dx, dy, _ = _shifts(ry, rx)
    hy = np.rint(0.5 * dy).astype(np.intp) + ry
    hx = np.rint(0.5 * dx).astype(np.intp) + rx
    out = hy * (2 * rx + 1) + hx
    out.setflags(write=False)
    return out


@functools.lru_cache(maxsize=256)
def _searched(ry: int, rx: int, angle_deg: float, min_shift_px: float) -> np.ndarray | None:
    """The shifts −ry…ry × −rx…rx (px) :func:`phase_shift` looks among for a conductor at
    ``angle_deg`` (°): ``min_shift_px`` to :data:`MAX_SHIFT_PX` long and at least
    :data:`ROW_OFF_LINE_DEG` off the conductor; None when there are none. Read-only (cached: the
    line test's directions are 5° apart)."""
    dx, dy, r = _shifts(ry, rx)
    th = np.deg2rad(angle_deg)
    across = np.abs(np.float32(np.cos(th)) * dy - np.float32(np.sin(th)) * dx)  # r·|sin(shift, conductor)|
    off_line = np.float32(np.sin(np.deg2rad(ROW_OFF_LINE_DEG))) * r
    ok = (r >= min_shift_px) & (r <= MAX_SHIFT_PX) & (across >= off_line)
    if not ok.any():
        return None
    ok.setflags(write=False)
    return ok


def _centred(corr: np.ndarray, ry: int, rx: int) -> np.ndarray:
    """The circular correlation ``corr`` at shifts −ry…ry (rows) × −rx…rx (columns)."""
    rows = np.concatenate([corr[-ry:], corr[: ry + 1]], axis=0)
    return np.concatenate([rows[:, -rx:], rows[:, : rx + 1]], axis=1)


def detail_box(img: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    """:func:`detail` of ``img`` (°C) over the box x0…x1 − 1, y0…y1 − 1 (px, within the frame), as the
    whole frame's would read there, from the box and a margin only (a whole 640×512 frame takes
    several milliseconds)."""
    return detail_boxes(img, [(x0, y0, x1, y1)])[0]


def detail_boxes(img: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> list[np.ndarray]:
    """:func:`detail_box` of ``img`` (°C) over each of ``boxes`` (x0, y0, x1, y1 px, within the frame),
    the same values computed in one call: each box with its surroundings, the frame's edge repeating
    beyond it as :func:`detail` reads it (a dozen small patches a joint cost a dozen calls of
    :func:`detail`). The boxes' details are rows of one array as wide as the widest box with its
    margins, so each is a strided view, as it always was: numpy sums a strided array a row at a time
    and a contiguous one at once, which differ in the last bit, and the row tests compare such sums."""
    if not boxes:
        return []
    f = np.ascontiguousarray(img, dtype=np.float32)
    spans = np.array(boxes, dtype=np.int64).reshape(-1, 4)
    m = max(RIDGE_OFFSETS_PX)
    stacked = _detail_boxes_kernel(f, spans, m, _RIDGE_PAIRS, np.float32(DETAIL_CLIP_K),
                                   int((spans[:, 2] - spans[:, 0]).max()) + 2 * m)
    out, top = [], 0
    for x0, y0, x1, y1 in boxes:
        out.append(stacked[top: top + y1 - y0, : x1 - x0])
        top += y1 - y0
    return out


@kernel
def _detail_boxes_kernel(f: np.ndarray, boxes: np.ndarray, pad: int, pairs: np.ndarray, clip: np.float32,
                         width: int) -> np.ndarray:  # pragma: no cover (compiled)
    """:func:`detail_boxes`, compiled: each box (x0, y0, x1, y1 px) with ``pad`` px around it read
    from the frame ``f`` with its edge repeating (clamped indices), then :func:`_detail_kernel`; the
    boxes' details one under another, from the left, in an array ``width`` px wide."""
    h, w = f.shape
    stacked = np.zeros(((boxes[:, 3] - boxes[:, 1]).sum(), width), f.dtype)
    top = 0
    for b in range(boxes.shape[0]):
        x0, y0, x1, y1 = boxes[b, 0], boxes[b, 1], boxes[b, 2], boxes[b, 3]
        block = np.empty((y1 - y0 + 2 * pad, x1 - x0 + 2 * pad), f.dtype)
        for y in range(block.shape[0]):
            fy = min(max(y0 - pad + y, 0), h - 1)
            for x in range(block.shape[1]):
                block[y, x] = f[fy, min(max(x0 - pad + x, 0), w - 1)]
        stacked[top: top + y1 - y0, : x1 - x0] = _detail_kernel(block, pad, pairs, clip)
        top += y1 - y0
    return stacked


def phase_shift(img: np.ndarray, xy: tuple[int, int], angle_deg: float,
                min_shift_px: float = MIN_SHIFT_PX) -> Shift | None:
    """The shift between neighbouring phases around the joint at ``xy`` on a conductor at
    ``angle_deg`` (° from the x axis towards y), from the fine structure (:func:`detail`) of the
    frame ``img`` (°C): module docstring, step 1, at least ``min_shift_px`` long, the autocorrelation
    there above its value at half the shift. A terminal clamp, a jaw contact or a fuse contact tops a
    lead, blade or tube running up the frame, while the line test measures the joint's direction on
    the part itself, 25–40° off it: without the half-shift test the best shift of development frames
    5559004, 5559022, 5559050, 5557089 and 5558028 was 12–13 px up the lead (the shortest looked for),
    where the phases stand 32–104 px apart across it. None when the window is too small to hold a row
    or no shift repeats."""
    h, w = img.shape
    x, y = xy
    x0, y0 = max(0, x - WINDOW_HALF_PX), max(0, y - WINDOW_HALF_PX)
    x1, y1 = min(w, x + WINDOW_HALF_PX + 1), min(h, y + WINDOW_HALF_PX + 1)
    win = detail_box(img, x0, y0, x1, y1)
    wh, ww = win.shape
    reach = int(MAX_SHIFT_PX) + 1
    if wh <= reach // 2 or ww <= reach // 2:
        return None
    size = (cv2.getOptimalDFTSize(wh + reach), cv2.getOptimalDFTSize(ww + reach))
    pad = np.zeros(size, np.float32)
    pad[:wh, :ww] = win - float(win.mean())
    spec = cv2.dft(pad)  # a real input's spectrum in OpenCV's packed form: half the work of the full one
    corr = cv2.idft(cv2.mulSpectrums(spec, spec, 0, conjB=True), flags=cv2.DFT_REAL_OUTPUT | cv2.DFT_SCALE)
    ry, rx = min(reach, wh - 1), min(reach, ww - 1)
    a = _centred(corr, ry, rx)  # rows dy −ry…ry, columns dx −rx…rx
    a = a / _overlap(wh, ww, ry, rx)
    zero = float(a[ry, rx])
    if zero <= 0.0:
        return None
    ok = _searched(ry, rx, float(angle_deg), float(min_shift_px))
    if ok is None:
        return None
    ok = ok & (a > a.ravel()[_halves(ry, rx)])  # a repetition, not a structure overlapping itself
    if not ok.any():
        return None
    k = int(np.argmax(np.where(ok, a, -np.inf)))
    iy, ix = divmod(k, a.shape[1])
    dy2, dx2 = 2 * (iy - ry), 2 * (ix - rx)
    double = float(a[ry + dy2, rx + dx2]) / zero if abs(dy2) <= ry and abs(dx2) <= rx else 0.0
    return Shift(float(ix - rx), float(iy - ry), float(a[iy, ix]) / zero, double)


def _around(img: np.ndarray, centres: list[tuple[int, int]], reaches: list[int]) -> list[np.ndarray]:
    """The fine structure (:func:`detail`) of ``img`` within each reach (px) of its centre (x, y px),
    zero beyond the frame; the patches computed in one pass (:func:`detail_boxes`)."""
    h, w = img.shape
    outs = [np.zeros((2 * r + 1, 2 * r + 1), np.float32) for r in reaches]
    boxes = [(max(0, cx - r), max(0, cy - r), min(w, cx + r + 1), min(h, cy + r + 1))
             for (cx, cy), r in zip(centres, reaches, strict=True)]
    inside = [k for k, (x0, y0, x1, y1) in enumerate(boxes) if x0 < x1 and y0 < y1]
    for k, box in zip(inside, detail_boxes(img, [boxes[k] for k in inside]), strict=True):
        (cx, cy), r, (x0, y0, x1, y1) = centres[k], reaches[k], boxes[k]
        outs[k][y0 - cy + r: y1 - cy + r, x0 - cx + r: x1 - cx + r] = box
    return outs


def row_match(img: np.ndarray, xy: tuple[int, int], row: tuple[tuple[int, int], ...]) -> float:
    """The poorer match (−1…1, −inf where no patch fits) of the surroundings of the joint at ``xy``
    with those of the parts of ``row`` (x, y px) in ``img`` (°C), each refined within
    ±:data:`REFINE_PX` px: the likeness :func:`shift_row` gives a row it places, read for a row found
    otherwise (:func:`irpatrol.analysis.joints.find_joints`)."""
    return float(_match(img, xy, np.array(row, dtype=np.float64))[0].min())


def _patches(img: np.ndarray, xy: tuple[int, int], at: np.ndarray,
             ) -> tuple[np.ndarray, list[np.ndarray], np.ndarray, bool]:
    """What :func:`_match` compares: the fine structure of the joint's patch (±:data:`PATCH_HALF_PX`
    px around ``xy``), that of each position of ``at`` (N×2 px, rounded) with ±:data:`REFINE_PX` px
    more around it, the rounded positions, and whether the joint's patch lies wholly in the frame."""
    h, w = img.shape
    r = PATCH_HALF_PX
    places = np.rint(at).astype(np.intp)
    ref, *locals_ = _around(img, [(int(xy[0]), int(xy[1])), *((int(c[0]), int(c[1])) for c in places)],
                            [r] + [r + REFINE_PX] * len(places))
    return ref, locals_, places, r <= xy[0] < w - r and r <= xy[1] < h - r


def _match(img: np.ndarray, xy: tuple[int, int], at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each position of ``at`` (N×2 px), the best normalised cross-correlation (OpenCV's
    ``TM_CCOEFF_NORMED``) with the joint's patch within ±:data:`REFINE_PX` px and where it is
    (N, N×2); −inf where no patch fits."""
    h, w = img.shape
    r = PATCH_HALF_PX
    o = np.arange(-REFINE_PX, REFINE_PX + 1)
    ref, locals_, places, ref_in = _patches(img, xy, at)
    if not len(places):
        return np.array([]), np.array([])
    # every position's scores at once (N, rows dy, columns dx): the per-position numpy calls cost more
    # than the correlations
    score = np.stack([cv2.matchTemplate(local, ref, cv2.TM_CCOEFF_NORMED) for local in locals_])
    px, py = places[:, 0, None] + o, places[:, 1, None] + o  # (N, 2·REFINE_PX + 1)
    inside = ((py >= r) & (py < h - r))[:, :, None] & ((px >= r) & (px < w - r))[:, None, :]
    score = np.where(inside & ref_in & np.isfinite(score), score, -np.inf).reshape(len(places), -1)
    k = np.argmax(score, axis=1)  # the first of equals, as for each position alone
    best = score[np.arange(len(places)), k].astype(np.float64)
    return best, places + np.stack([o[k % len(o)], o[k // len(o)]], axis=1)


EDGE_PX = 2 * REFINE_PX
"""A best shift within this (px) of :data:`MAX_SHIFT_PX` is left to the search on the averaged frame
(:func:`_wide_row`): the autocorrelation still rising at the end of the search means the phases lie
beyond it (drawn rows 140–200 px apart were placed on their structure's partial overlap at 128–129 px).
Twice the refinement of each position."""

Row = tuple[tuple[tuple[int, int], tuple[int, int]], float]
"""The other two phases' positions (x, y px) and the poorer of their two matches (−1…1)."""
ShiftOf = Callable[[tuple[int, int], float], Shift | None]
"""A frame's :func:`phase_shift` at a joint (x, y px) and conductor direction (°), with the default
shortest shift: the caller's, to read it once for the several readers of one joint
(``functools.cache`` over a closure on the frame)."""


def shift_row(img: np.ndarray, xy: tuple[int, int], angle_deg: float, wide: bool = True,
              shift_of: ShiftOf | None = None) -> Row | None:
    """The same part on the other two phases of the joint at ``xy`` (module docstring, step 2) and the
    poorer of the two matches (−1…1), from the frame ``img`` (°C): at the frame's resolution, else
    (:func:`_wide_row`, unless ``wide`` is False) at phase spacings up to twice :data:`MAX_SHIFT_PX`.
    None without a shift, with one weaker than :data:`MIN_STRENGTH` (or :data:`SET_STRENGTH` for one
    set), or with a match below :data:`MIN_MATCH`. ``shift_of``: the frame's shifts when the caller
    reads them once (:data:`ShiftOf`)."""
    return _row(img, xy, angle_deg, max_shift_px=MAX_SHIFT_PX - EDGE_PX, shift_of=shift_of) or (
        _wide_row(img, xy, angle_deg) if wide else None)


def near_phase(img: np.ndarray, xy: tuple[int, int], angle_deg: float,
               shift_of: ShiftOf | None = None) -> tuple[int, int] | None:
    """The same part on one neighbouring phase alone (x, y px), for a joint at ``xy`` whose row
    :func:`shift_row` could not place: of the two places one shift away (:func:`phase_shift`, at the
    frame's own resolution, from :data:`SET_STRENGTH`), the better matched, refined within
    ±:data:`REFINE_PX` px, when its surroundings match the joint's by :data:`ALIKE_PEERS` (as the two
    healthy phases of a set match each other) and it shows a part's outline (:func:`outlined`); else
    None. The far phase may stand against another background (docs/physics.md §2) and match neither
    the joint nor the near phase: development frame 5552014, a 47 °C clamp whose near phase matched it
    by 0.8 and the far one by 0.3; the two were not both outlined and matched each other by only 0.23.
    The joint's own conductor then gave T2 1.0 K too cold. ``shift_of``: as for :func:`shift_row`,
    whose shift this is."""
    s = _row_shift(img, xy, angle_deg, MIN_SHIFT_PX, MAX_SHIFT_PX - EDGE_PX, shift_of)
    if s is None:
        return None
    v, j = np.array([s.dx, s.dy]), np.array(xy, dtype=np.float64)
    found, at = _match(img, xy, np.array([j - v, j + v]))
    k = int(np.argmax(found))
    if not found[k] >= ALIKE_PEERS:  # −inf off the frame
        return None
    place = (int(at[k][0]), int(at[k][1]))
    return place if outlined(img, (place,)) else None


def _wide_row(img: np.ndarray, xy: tuple[int, int], angle_deg: float) -> Row | None:
    """The row of :func:`shift_row` with a phase spacing of :data:`MAX_SHIFT_PX` to twice that: sought
    on the frame averaged over 2×2 px (the same window, shifts and tests, in pixels twice as large), its
    two positions then placed again within ±:data:`REFINE_PX` px on the frame itself. The match given is
    the averaged frame's, whose patches hold twice the surroundings (on the frame itself the hot joint's
    clipped patch matches the demo's healthy clamps by only 0.23–0.42). A 17 µm core behind a 25 mm
    lens (0.68 mrad, the Zenmuse XT2 25 mm class, docs/physics.md §9) shows a 0.7–1.0 m phase spacing
    as 150–300 px from 5 m."""
    h, w = img.shape
    small = cv2.resize(img, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    got = _row(small, (xy[0] // 2, xy[1] // 2), angle_deg, min_shift_px=(MAX_SHIFT_PX - EDGE_PX) / 2.0)
    if got is None:
        return None
    found, at = _match(img, xy, 2.0 * np.array(got[0], dtype=np.float64) + 0.5)
    if not np.isfinite(found).all():
        return None
    p, q = at
    return ((int(p[0]), int(p[1])), (int(q[0]), int(q[1]))), got[1]


def _row_shift(img: np.ndarray, xy: tuple[int, int], angle_deg: float, min_shift_px: float,
               max_shift_px: float, shift_of: ShiftOf | None = None) -> Shift | None:
    """The shift a row is placed by (:func:`phase_shift`, at least ``min_shift_px`` long; from
    ``shift_of`` when given and that is the default shortest): None when it repeats less than
    :data:`SET_STRENGTH` of the window's structure or is longer than ``max_shift_px``."""
    if shift_of is not None and min_shift_px == MIN_SHIFT_PX:
        s = shift_of(xy, angle_deg)
    else:
        s = phase_shift(img, xy, angle_deg, min_shift_px)
    if s is None or s.strength < SET_STRENGTH or np.hypot(s.dx, s.dy) > max_shift_px:
        return None
    return s


def _row(img: np.ndarray, xy: tuple[int, int], angle_deg: float, min_shift_px: float = MIN_SHIFT_PX,
         max_shift_px: float = MAX_SHIFT_PX, shift_of: ShiftOf | None = None) -> Row | None:
    """The row of :func:`shift_row` at the frame's own resolution, with shifts at least
    ``min_shift_px`` long; none when the best shift is longer than ``max_shift_px``. Where the frame
    repeats nearly as strongly at twice the shift (:data:`OCTAVE_SHARE`), the row placed by twice the
    shift is tried too and kept when it matches the joint at least as well."""
    s = _row_shift(img, xy, angle_deg, min_shift_px, max_shift_px, shift_of)
    if s is None:
        return None
    v = np.array([s.dx, s.dy])
    got = _placed_row(img, xy, v, s.strength)
    if (got is not None and s.double_strength >= OCTAVE_SHARE * s.strength
            and 2.0 * float(np.hypot(s.dx, s.dy)) <= max_shift_px):
        doubled = _placed_row(img, xy, 2.0 * v, s.strength)
        if doubled is not None and doubled[1] >= got[1]:
            return doubled
    return got


OCTAVE_SHARE = 0.75
"""Share of the repetition's strength at the best shift (:func:`phase_shift`) that the repetition at
twice the shift must reach for a row placed at twice the shift to be tried too (:func:`_row`; it is
kept when it matches the joint at least as well). Three alike parts a spacing ``v`` apart overlap in
two pairs under ``v`` and in one under ``2v``, so their repetition at ``2v`` is about half of that at
``v``; one as strong at ``2v`` as at ``v`` says that ``v`` is half the spacing (an octave error, the
counterpart of :data:`AROUND_HALF`), the structure between the phases (a conductor heated by the hot
joint, the crossarm's pins) repeating at half of it. Development frame 5552025: a clamp at 87 °C
whose best shift was 16 px (0.26) where the phases stand 32 px apart (0.23 there): the row took the
heated conductor half-way and one phase, both refused, and the clamp was graded `critical` against its
own conductor, 4 K colder than the healthy phases, instead of `serious`. Project choice between the
0.5 of a row and the 0.88 of that frame: with 0.75 development 408 → 409 right, 31000000 363 → 365,
8880000, 77000000, 20261202 unchanged; with 0.6 one more on 31000000 and two lost on the check seeds
(8883082, 20264238); with 0.5 development frame 5559079 (0.51, a fuse whose row stands at ``v``)
lost too."""


def _placed_row(img: np.ndarray, xy: tuple[int, int], v: np.ndarray, strength: float) -> Row | None:
    """The row of :func:`_row` placed by the shift ``v`` (px, x and y) under which the frame's
    structure repeats by ``strength`` (0…1, :class:`Shift`)."""
    j = np.array(xy, dtype=np.float64)
    places = ((1.0, 2.0), (-1.0, 1.0), (-1.0, -2.0))  # the joint first, middle, last
    steps = (-2.0, -1.0, 1.0, 2.0)  # each position once
    found, at = _match(img, xy, np.array([j + k * v for k in steps]))
    index = np.array([[steps.index(k) for k in ks] for ks in places])
    score, where = found[index], at[index]
    worst = score.min(axis=1)
    b = int(np.argmax(worst))
    if worst[b] < CLEAR_MATCH:  # −inf where a patch does not fit: below both bounds
        got = _peers_row(img, xy, v, places, score, where) or _alike_peers_row(
            img, xy, v, places, float(score.max())) or _alike_peers_row(
            img, xy, v, (AROUND_HALF,), float(score.max()))
        if got is not None or worst[b] < MIN_MATCH:
            return got
    p, q = where[b]
    row = (int(p[0]), int(p[1])), (int(q[0]), int(q[1]))
    if strength < MIN_STRENGTH and not one_set(img, xy, row):
        return None
    return row, float(worst[b])


def _peers_row(img: np.ndarray, xy: tuple[int, int], v: np.ndarray, places: tuple[tuple[float, float], ...],
               score: np.ndarray, where: np.ndarray) -> Row | None:
    """The row of :func:`_row` when no placement matches the joint at both positions by
    :data:`CLEAR_MATCH`: the two healthy phases read alike where the faulty one does not. A hot joint
    heats its conductor for several fin lengths (docs/physics.md §3) and another phase's part may stand
    against another background (sky or ground, §2), so the far phase's surroundings may match the
    joint's poorly (development frames 5552014, 5557059: 0.17–0.30) while the near phase matches by
    0.6–0.8 and the two healthy phases match each other by 0.6–0.9. Per placement (``places``, steps of
    the shift ``v`` px; ``score``/``where`` the joint's matches and refined positions at them), the
    better matched position is kept when it matches by ``CLEAR_MATCH``, the other is placed again
    within ±:data:`REFINE_PX` px by its likeness to the first, and the row stands when the three still
    stand in a row (:func:`irpatrol.analysis.phases.in_row`), each position shows a part's outline
    (:func:`outlined`: the edges of a pole under a crossarm repeat along the crossarm too), and the two
    make one set of alike parts (:func:`one_set`'s test). The match given is the poorer of the kept
    position's and the two peers' with each other. Best placement first; None when none stands."""
    best = score.max(axis=1)
    j = np.array(xy, dtype=np.float64)
    for b in np.argsort(-best, kind="stable").tolist():
        if not np.isfinite(best[b]) or best[b] < CLEAR_MATCH:
            break
        k = int(np.argmax(score[b]))
        kept = (int(where[b][k][0]), int(where[b][k][1]))
        found, at = _match(img, kept, (j + places[b][1 - k] * v)[None, :])
        if not np.isfinite(found[0]):
            continue
        row = kept, (int(at[0][0]), int(at[0][1]))
        if not (in_row(xy, *row) and outlined(img, row)):
            continue
        mutual, further = row_likeness(img, xy, row)
        if alike_set(mutual, further):
            return row, min(float(best[b]), mutual)
    return None


def _alike_peers_row(img: np.ndarray, xy: tuple[int, int], v: np.ndarray,
                     places: tuple[tuple[float, float], ...], joint_match: float) -> Row | None:
    """The row of :func:`_row` when no placement matches the joint at both positions by
    :data:`CLEAR_MATCH` and :func:`_peers_row` keeps none: the two healthy phases placed at the shift's
    positions by their likeness to each other alone, ahead of a placement matching the joint at both
    by only :data:`MIN_MATCH` (two healthy phases alike to each other and ending the row are the
    stronger sign). A hot fuse contact or terminal clamp heats its
    tube or lead and the crossarm beside it, so its surroundings (clipped at ±:data:`DETAIL_CLIP_K`)
    match the healthy phases' poorly: 0.04–0.34 at the generated phase positions of development frames
    5559004 and 5559022, while the healthy two matched each other by 0.6 or more. Per placement (``places``,
    steps of the shift ``v`` px), the first other position is taken as the shift puts it and the
    second is placed within ±:data:`REFINE_PX` px by its likeness to the first
    (:data:`ALIKE_PEERS`); the row stands when the three stand in a row
    (:func:`irpatrol.analysis.phases.in_row`), each position shows a part's outline (:func:`outlined`)
    and the two make one set (:func:`alike_set`). The best matched placement's row, with the poorer
    of ``joint_match`` (the joint's best match at any of the positions) and the peers' match as its
    match: below :data:`CLEAR_MATCH` (as for most of these rows) the row stands only where a line
    parallel to the joint's runs through each peer (:func:`irpatrol.analysis.joints.find_joints`).
    None when no placement stands. :func:`_row` asks again with the joint half-way (:data:`AROUND_HALF`)
    when the placements at the shift stand none."""
    j = np.array(xy, dtype=np.float64)
    best: Row | None = None
    for first, second in places:
        px, py = (int(c) for c in np.rint(j + first * v))
        found, at = _match(img, (px, py), (j + second * v)[None, :])  # −inf for a place off the frame
        if not np.isfinite(found[0]) or found[0] < ALIKE_PEERS:
            continue
        row = (px, py), (int(at[0][0]), int(at[0][1]))
        if not (in_row(xy, *row) and outlined(img, row)):
            continue
        mutual, further = row_likeness(img, xy, row)
        if alike_set(mutual, further) and (best is None or mutual > best[1]):
            best = row, mutual
    return None if best is None else (best[0], min(joint_match, best[1]))


AROUND_HALF = (-0.5, 0.5)
"""The joint between the two others at half the shift (steps of the shift, as :func:`_row`'s places),
tried by :func:`_alike_peers_row` after the other placements stand none: with the middle phase hot,
the strongest repetition may be the two healthy outer phases matching each other across it, at twice
the phase spacing (an octave error, as in pitch detection). Development frames 5558037 (a jaw contact
at 67 °C) and 5557062 (a terminal clamp at 64 °C): best shifts of 117 and 106 px where the phases
stand 57–60 and 53–54 px apart; no placement stood and both were graded `serious` against their own
conductors, 3.2 and 4.6 K warmer than the healthy phases. Tried among the other placements (the best
matched row kept), it took a wrong row where a placement at the shift stood (5557015: `critical`
before, `serious` with it). Tried after them: development +2 right (5552074 lost: a 54 °C clamp at
5.7 m whose half-way row lies 15–18 px off the generated clamps, `critical` against its own
conductor before), 8880000 +1, 77000000 +1, 20261202 0."""


OUTLINE_K = 0.2
"""Least standard deviation (K) of the fine structure (:func:`detail`) around a place for it to hold a
part: a clamp, contact or lead end has an outline, steps of tenths of a kelvin to kelvins sharp to the
optics' blur; a broad warm patch of smooth ground has only the sensor's noise there (NETD ≤ 50 mK,
docs/physics.md §6). Four NETDs, as :data:`irpatrol.analysis.placed_bodies.MIN_PATTERN_K` is three for
a whole body's pattern. On the benchmark's single-phase frames (seed 77003311) such patches 100–200 px
apart, reading alike, made the "other phases" of 36 joints with nothing else in view (0.07–0.16 K
there; the healthy terminal clamps of the demo's flight frames 0.34–0.61 K). Project choice."""
OUTLINE_HALF_PX = 3
"""Half side (px) of the box :func:`outlined` reads around a placed part: a clamp or contact of
3–12 px at 5–15 m (docs/physics.md §7), half the patch its place was matched with
(:data:`PATCH_HALF_PX`)."""


def outlined(img: np.ndarray, places: tuple[tuple[int, int], ...], half_px: int = OUTLINE_HALF_PX) -> bool:
    """Whether each of ``places`` (x, y px) in ``img`` (°C) shows a part's outline: the fine structure
    within ``half_px`` px of it spreads by :data:`OUTLINE_K` or more (:func:`_spreads`)."""
    return _all_outlined(_spreads(img, places, half_px))


def _all_outlined(spreads: list[float]) -> bool:
    """Whether every place whose fine structure spreads by ``spreads`` (K, :func:`_spreads`) shows a
    part's outline (:data:`OUTLINE_K`): :func:`outlined` from spreads already read."""
    return all(d >= OUTLINE_K for d in spreads)


def _spreads(img: np.ndarray, places: tuple[tuple[int, int], ...],
             half_px: int = OUTLINE_HALF_PX) -> list[float]:
    """The standard deviation (K) of the fine structure within ``half_px`` px of each of ``places``
    (x, y px) in ``img`` (°C), read in one pass (:func:`detail_boxes`)."""
    h, w = img.shape
    boxes = [(max(0, x - half_px), max(0, y - half_px), min(w, x + half_px + 1), min(h, y + half_px + 1))
             for x, y in places]
    return [float(d.std()) for d in detail_boxes(img, boxes)]


NOISE_ONLY_K = 0.1
"""Spread (K, standard deviation) of the fine structure (:func:`detail`) within :data:`OUTLINE_HALF_PX`
px of a place under which it shows the sensor's noise and nothing else (:func:`row_likeness`): two
NETDs of a 50 mK core (docs/physics.md §6). Pure Gaussian noise of σ 50 mK spreads there by
0.06–0.09 K (5th percentile to the largest of 81 places)."""


def beyond_row(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The places (x, y px) one row step before the first and after the last of a row of three parts
    ``pts`` (3×2 px, any order; the row's step is half its span, ordered along its longer extent):
    where a fourth member would stand if the row went on."""
    axis = int(np.argmax(np.ptp(pts, axis=0)))
    first, last = pts[np.argsort(pts[:, axis])[[0, -1]]]
    step = (last - first) / 2.0
    return first - step, last + step


def row_likeness(img: np.ndarray, xy: tuple[int, int], peers_xy: tuple[tuple[int, int], ...],
                 ) -> tuple[float, float]:
    """How a row of three parts — the joint at ``xy`` and its two peers ``peers_xy`` (x, y px) — repeats
    in the frame ``img`` (°C): the poorer match (normalised cross-correlation of the fine structure,
    each place refined within ±:data:`REFINE_PX` px) of each peer's surroundings with the other peer's,
    and the best match of either peer's surroundings one row step beyond either end of the row
    (−inf where no patch fits). The healthy phases' hardware is alike, and a 10 kV crossarm carries three
    phases, so a phase row's peers match each other well and nothing alike follows beyond its ends;
    a façade's windows or a grid of panels go on.

    When the three members each show a part's outline (:func:`outlined`), a place beyond an end does
    not count where its fine structure shows the sensor's noise and nothing else
    (:data:`NOISE_ONLY_K`): no fourth member stands there. One row step beyond a crossarm's last phase
    often lies smooth ground or sky, whose gentle texture the peers' surroundings still match by
    0.35–0.49 once refined within ±:data:`REFINE_PX` px. That turned away the generated rows of
    development frames 5557074 and 5558065, whose peers match each other by 0.61–0.62 (their places
    beyond spread by 0.04–0.08 K). A façade's windows, a grid of panels, or a faint straight edge
    running on (a horizon's line) show more than noise there and count as before. When a member
    shows no outline, the test stays as before: a warm patch of ground between two pin insulators
    (frame 33001071) or on the horizon, where a step reads no fine structure (frame 66009096), is no
    part, and what lies beyond it says nothing new."""
    beyond = beyond_row(np.array([xy, *peers_xy], dtype=np.float64))
    mutual = np.inf
    scored: list[tuple[float, tuple[int, int]]] = []  # each peer's matches beyond, at their refined places
    for k, ref in enumerate(peers_xy):
        other = np.array(peers_xy[1 - k], dtype=np.float64)
        scores, at = _match(img, ref, np.array([other, *beyond]))
        mutual = min(mutual, float(scores[0]))
        scored += [(float(v), (int(p[0]), int(p[1]))) for v, p in zip(scores[1:], at[1:], strict=True)
                   if np.isfinite(v)]
    if scored:  # the members' outlines and the places beyond in one pass
        spreads = _spreads(img, (xy, *peers_xy, *(p for _, p in scored)))
        members = 1 + len(peers_xy)
        if _all_outlined(spreads[:members]):
            scored = [sp for sp, d in zip(scored, spreads[members:], strict=True) if d >= NOISE_ONLY_K]
    return mutual, max((v for v, _ in scored), default=-np.inf)


ALIKE_PEERS = 0.6
"""Least match of the two healthy peers' surroundings with each other (normalised cross-correlation of
the fine structure, :func:`row_likeness`) for a row to count as one set of
hardware without its conductors seen to leave: on the development seed's rows of terminal clamps,
disconnector contacts, fuses and strain clamps 0.65–0.97; on the shared real frames' rows of façade
and rooftop details 0.35–0.56, except a façade grid that goes on (0.85). Project choice."""
ENDS_SHARE = 0.5
"""Largest match one row step beyond either end of the row, as a share of the peers' match with each
other, for the row to end there (three phases; a grid goes on): on the development seed's rows the best
match beyond was 0.16–0.47 with peers matching 0.65–0.97; on the real frames a façade grid 0.85 of 0.85,
a rooftop row 0.39 of 0.65. Project choice."""


def one_set(img: np.ndarray, xy: tuple[int, int], peers_xy: tuple[tuple[int, int], ...]) -> bool:
    """Whether the joint at ``xy`` and its two peers ``peers_xy`` (x, y px) are one set of three alike
    parts in ``img`` (°C): the peers match each other by :data:`ALIKE_PEERS` and nothing beyond the
    row's ends matches them by :data:`ENDS_SHARE` of that (:func:`row_likeness`)."""
    return alike_set(*row_likeness(img, xy, peers_xy))


def alike_set(mutual: float, further: float) -> bool:
    """:func:`one_set` from a row's :func:`row_likeness`: the peers' match with each other ``mutual``
    and the best match beyond the row's ends ``further``."""
    return mutual >= ALIKE_PEERS and further < ENDS_SHARE * mutual
