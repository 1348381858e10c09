"""Warm equipment regions with their statistics.

Two ways to get the regions: :func:`segment`, the 8-connected components (OpenCV
``connectedComponents``) of ``celsius > threshold`` for one global threshold, and
:func:`segment_local`, hysteresis against a local background (seed at a high contrast-to-noise
ratio, grow to a lower one), then :func:`split_regions` for look-alikes merged by warm hardware.
Statistics are computed for all regions at once over their pixels, grouped by label with one
stable radix sort (extrema by ``np.*.reduceat``, sums by ``np.bincount`` in pixel order, no
per-pixel Python loop): area, max and its pixel, mean, the 3×3 px core,
the contrast over the local background, and shape descriptors that do not change when the frame
is rotated — the elongation √(λ₁/λ₂) of the pixel covariance (each pixel counted as a unit
square, so an a×b rectangle gives a/b) and Hu's seven moment invariants (M.-K. Hu, "Visual
pattern recognition by moment invariants", IRE Trans. Inf. Theory 8 (1962) 179–187). Outlines
(``cv2.findContours``) are traced on demand, for the regions that are reported. The order of the
regions, the splits and every decision depend on temperatures, connectivity and sizes only, never
on the pixel scan order, so a frame rotated by 90° gives the same regions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from irpatrol.analysis.background import LOCAL_BLOCK_PX, max_scalar, spot_contrast_blocks, upsample_blocks
from irpatrol.analysis.measure import narrow_width_px, spot_held
from irpatrol.analysis.pixels import where_yx
from irpatrol.units import CelsiusArray

BBox = tuple[int, int, int, int]
"""Axis-aligned box (x, y, w, h) in pixels, x to the right, y down."""

PIXEL_VARIANCE = 1.0 / 12.0
"""Variance of a unit square's coordinate (px²), added so a one-pixel-wide line has a finite width."""


HU_SCALE = 1e-6
"""Hu invariants are compared as sign(h)·log10(1 + |h| / HU_SCALE): logarithmic above this scale,
→ 0 below it, so the round-off of invariants that vanish for symmetric shapes (≈ 1e-17) cannot
swing the comparison (OpenCV's ``matchShapes`` likewise ignores |h| < 1e-5)."""


@dataclass(frozen=True, eq=False)
class Region:
    """One connected warm region.

    Attributes:
        label: its label in :attr:`Segmentation.labels`.
        bbox: (x, y, w, h) in pixels.
        area_px: number of pixels.
        t_max_c: hottest pixel (°C); ``max_xy`` is its (x, y) (first in row-major order on ties).
        t_mean_c: mean over the region (°C).
        elongation: √(λ₁/λ₂) of the pixel covariance (≥ 1).
        angle_deg: direction of the long axis, degrees in [0, 180) from the x axis towards y
            (meaningless for round regions, elongation ≈ 1).
        hu: the seven Hu invariants on a signed log scale (see :data:`HU_SCALE`).
        core_px: pixels of the region whose whole 3×3 neighbourhood is in the region: the
            measurement spot fits there, so its readings are not diluted by the surroundings
            (../shared/domain/standards.md §2, "≥ 3×3 px before trusting T_max"). 0 for a region
            thinner than 3 px everywhere, or 3 px across lying obliquely on the pixel grid.
        width_px: its width across its narrower principal axis (px,
            :func:`irpatrol.analysis.measure.narrow_width_px`): with ``core_px`` and ``area_px``, whether
            it holds the measurement spot in any direction (:attr:`holds_spot`).
        local_contrast_k: T1 minus the local background level (K), the smallest over the pixels
            that share the maximum (so it does not depend on the scan order); NaN when no local
            level was given.
    """

    label: int
    bbox: BBox
    area_px: int
    t_max_c: float
    max_xy: tuple[int, int]
    t_mean_c: float
    elongation: float
    angle_deg: float
    hu: np.ndarray = field(repr=False)
    core_px: int = 0
    local_contrast_k: float = float("nan")
    width_px: float = 0.0

    @property
    def holds_spot(self) -> bool:
        """Whether the region holds the measurement spot in any direction
        (:func:`irpatrol.analysis.measure.spot_held` of ``core_px``, ``area_px`` and ``width_px``)."""
        return spot_held(self.core_px, self.area_px, self.width_px)


@dataclass(frozen=True, eq=False)
class Segmentation:
    """The label image (int32 H×W, 0 = background) and the described regions, hottest first."""

    labels: np.ndarray
    regions: list[Region]

    def outline(self, region: Region) -> np.ndarray:
        """K×2 int32 (x, y) outer contour of ``region`` in frame pixels."""
        x, y, w, h = region.bbox
        mask = (self.labels[y:y + h, x:x + w] == region.label).view(np.uint8)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE, offset=(x, y))
        return max(contours, key=len).reshape(-1, 2).astype(np.int32)


def _hu(nu: dict[str, np.ndarray]) -> np.ndarray:
    """Hu's seven invariants (N×7) from normalised central moments ``nu['pq']``."""
    n20, n02, n11, n30, n03, n21, n12 = (nu[k] for k in ("20", "02", "11", "30", "03", "21", "12"))
    a, b = n30 + n12, n21 + n03
    c, d = n30 - 3 * n12, 3 * n21 - n03
    return np.stack([
        n20 + n02,
        (n20 - n02) ** 2 + 4 * n11**2,
        c**2 + d**2,
        a**2 + b**2,
        c * a * (a**2 - 3 * b**2) + d * b * (3 * a**2 - b**2),
        (n20 - n02) * (a**2 - b**2) + 4 * n11 * a * b,
        d * a * (a**2 - 3 * b**2) - c * b * (3 * a**2 - b**2),
    ], axis=1)


SUM_CHUNK_ROWS = 8192
"""Pixels per pass of :func:`_product_sums`: keeps its temporaries under 0.5 MB, which the
allocator recycles; multi-megabyte temporaries are returned to the system and page-faulted in
again on every frame, which costs more than the sums themselves."""


def _product_sums(lab: np.ndarray, n: int, u: np.ndarray, v: np.ndarray, *, third: bool) -> np.ndarray:
    """Per-label sums (n×k) of the products u², v², u·v and, when ``third``, u³, v³, u·v², u²·v
    (formed as (u·u)·u, (u·v)·v …), for labels ``lab`` (N, < n).

    Each sum adds its values one by one in pixel order, exactly (bit for bit) as
    ``np.bincount(lab, weights=product)`` would: one ``np.bincount`` per chunk of
    :data:`SUM_CHUNK_ROWS` pixels over the interleaved bins ``lab·k + j``, so consecutive additions
    go to different bins (a run of pixels of one region summed into one bin stalls on each
    addition: about 3× slower), with the sums so far entered first in each bin of the next chunk
    (0 + s = s exactly, and the running sums are never −0)."""
    k = 7 if third else 3
    size = lab.size
    sums = np.zeros(n * k)
    carry = np.arange(n * k, dtype=np.intp)
    for s0 in range(0, size, SUM_CHUNK_ROWS):
        cu, cv = u[s0:s0 + SUM_CHUNK_ROWS], v[s0:s0 + SUM_CHUNK_ROWS]
        prod = np.empty((cu.size, k))
        np.multiply(cu, cu, out=prod[:, 0])
        np.multiply(cv, cv, out=prod[:, 1])
        np.multiply(cu, cv, out=prod[:, 2])
        if third:
            np.multiply(prod[:, 0], cu, out=prod[:, 3])  # u³
            np.multiply(prod[:, 1], cv, out=prod[:, 4])  # v³
            np.multiply(prod[:, 2], cv, out=prod[:, 5])  # u v²
            np.multiply(prod[:, 0], cv, out=prod[:, 6])  # u² v
        bins = np.empty((cu.size, k), np.intp)
        base = lab[s0:s0 + SUM_CHUNK_ROWS].astype(np.intp) * k
        for j in range(k):  # column by column: a broadcast over a k-wide inner axis is several times slower
            np.add(base, j, out=bins[:, j])
        if s0:
            weights = np.concatenate((sums, prod.ravel()))
            sums = np.bincount(np.concatenate((carry, bins.ravel())), weights=weights, minlength=n * k)
        else:
            sums = np.bincount(bins.ravel(), weights=prod.ravel(), minlength=n * k)
    out: np.ndarray = sums.reshape(n, k)
    return out


def _moments(lab: np.ndarray, dx: np.ndarray, dy: np.ndarray, n: int, *, hu: bool = True,
             starts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Elongation (N), long-axis angle (N, degrees in [0, 180), image axes), signed-log Hu
    invariants (N×7; empty N×0 when ``hu`` is false) and the pixel covariance's smaller eigenvalue
    (N, px²) per label from integer pixel offsets (px).

    Central moments μ_pq = Σ u^p v^q over the pixels of a label, u and v the offsets from its
    centroid; every product is formed as (u·u)·u, (u·v)·v … and summed in pixel order, so congruent
    regions get bit-identical moments. ``starts``: when the pixels are grouped by label (``lab``
    = 0 … n−1 ascending, every label present), where each group starts; the centroid sums (exact
    integer sums, so in any order) are then taken with ``np.add.reduceat``."""
    if starts is not None:
        m00 = np.maximum(np.diff(np.append(starts, lab.size)).astype(np.float64), 1.0)
        sx, sy = np.add.reduceat(dx, starts), np.add.reduceat(dy, starts)
    else:
        m00 = np.maximum(np.bincount(lab, minlength=n).astype(np.float64), 1.0)
        sx, sy = np.bincount(lab, weights=dx, minlength=n), np.bincount(lab, weights=dy, minlength=n)
    xc, yc = sx / m00, sy / m00
    u, v = dx - xc[lab], dy - yc[lab]
    sums = _product_sums(lab, n, u, v, third=hu)
    cov_xx, cov_yy, cov_xy = sums[:, 0] / m00, sums[:, 1] / m00, sums[:, 2] / m00
    half_trace, det_root = (cov_xx + cov_yy) / 2, np.sqrt(((cov_xx - cov_yy) / 2) ** 2 + cov_xy**2)
    elongation = np.sqrt((half_trace + det_root + PIXEL_VARIANCE) / (half_trace - det_root + PIXEL_VARIANCE))
    angle = np.degrees(0.5 * np.arctan2(2 * cov_xy, cov_xx - cov_yy)) % 180.0
    least = half_trace - det_root
    if not hu:
        return elongation, angle, np.empty((n, 0)), least
    mu = {"20": sums[:, 0], "02": sums[:, 1], "11": sums[:, 2], "30": sums[:, 3], "03": sums[:, 4],
          "12": sums[:, 5], "21": sums[:, 6]}
    nu = {key: val / m00 ** (1 + (int(key[0]) + int(key[1])) / 2) for key, val in mu.items()}
    inv = _hu(nu)
    return elongation, angle, np.sign(inv) * np.log10(1.0 + np.abs(inv) / HU_SCALE), least


def _core_flags(labels: np.ndarray, n: int, idx: np.ndarray, lab: np.ndarray) -> np.ndarray:
    """Per listed pixel (flat ``idx`` with label ``lab``; all labels of ``labels`` < ``n``):
    whether its 8 neighbours all carry the same label — the 3×3 grey erosion and dilation of the
    label image both equal its label (the frame edge counts as label 0, so edge pixels are never
    core). Only the rows holding listed pixels (and one more on each side) are filtered, in uint16
    when the labels fit (a third of the cost of float32, which is exact up to 2²⁴ labels)."""
    if idx.size == 0:
        return np.zeros(0, bool)
    h, w = labels.shape
    r0, r1 = max(int(idx.min()) // w - 1, 0), min(int(idx.max()) // w + 2, h)
    rows = labels[r0:r1]
    image = rows.astype(np.uint16) if n <= 1 << 16 else rows.astype(np.float32)
    kernel = np.ones((3, 3), np.uint8)
    at = idx - r0 * w
    low = cv2.erode(image, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0).ravel()[at]
    high = cv2.dilate(image, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0).ravel()[at]
    own = lab.astype(image.dtype)
    out: np.ndarray = (low == own) & (high == own)
    return out


Groups = tuple[np.ndarray, np.ndarray, np.ndarray]
"""A pixel list grouped by label (see :func:`_group`): sorting permutation, run starts, run labels."""


def _group(lab: np.ndarray, n: int) -> Groups:
    """Group a pixel list by label: the stable sorting permutation of ``lab`` (labels < n; pixel
    order kept within a label; a radix sort when the labels fit in 16 bits), the start of each
    label's run in the sorted list, and the label of each run (ascending)."""
    key = lab.astype(np.uint16) if n <= 1 << 16 else lab
    order = np.argsort(key, kind="stable")
    ls = lab[order]
    starts = np.flatnonzero(np.concatenate(([True], ls[1:] != ls[:-1])))
    return order, starts, ls[starts]


def describe(celsius: CelsiusArray, labels: np.ndarray, n: int, keep: np.ndarray,
             *, idx: np.ndarray | None = None, level_c: np.ndarray | None = None,
             max_regions: int = 256, groups: Groups | None = None,
             components_of: np.ndarray | None = None) -> Segmentation:
    """Statistics of the labelled regions ``1 … n−1`` of ``labels`` for which ``keep[label]`` is true.

    ``idx``: flat indices (ascending) of (at least) all pixels of the kept regions, to spare a
    pass over the frame; None: every labelled pixel. ``level_c``: the local background level (°C,
    H×W) for ``Region.local_contrast_k``. Labels not kept may remain in the returned label image
    (outlines are traced per label). Returns at most ``max_regions`` regions (the hottest),
    sorted by (t_max_c, area_px, t_mean_c), all descending.

    The pixels are grouped by label once (a stable radix sort); extrema come from
    ``np.*.reduceat`` over the groups, sums from ``np.bincount`` in pixel order. ``groups``:
    :func:`_group` of ``labels.ravel()[idx]`` when ``idx`` lists exactly the pixels of the kept
    regions (e.g. from :func:`segment_local`), to spare grouping them again. ``components_of``:
    the uint8 mask whose 8-connected components ``labels`` are (labelled exactly where it is
    nonzero), if so: all 8 neighbours of a pixel then carry its label exactly when they all lie in
    the mask, so ``Region.core_px`` takes one uint8 erosion of it instead of a grey erosion and
    dilation of the label image.
    """
    keep = keep.copy()
    keep[0] = False
    if not keep.any():
        return Segmentation(labels, [])
    if idx is None:
        idx = np.flatnonzero(labels)
    if groups is None:
        if idx.size > 1 and not (idx[1:] >= idx[:-1]).all():
            idx = np.sort(idx)  # row-major order within each region: first maxima, top and bottom rows
        lab = labels.ravel()[idx]
        sel = keep[lab]
        idx = idx[sel]
        if idx.size == 0:
            return Segmentation(labels, [])
        groups = _group(lab[sel], n)
    order, starts, present = groups
    idx = idx[order]  # grouped by label, row-major within a label
    k = present.size
    area = np.diff(np.append(starts, idx.size))
    lab = np.repeat(present, area)
    comp = np.repeat(np.arange(k), area)  # compact label 0 … k−1 of each pixel
    val = celsius.ravel()[idx].astype(np.float64)
    mean = np.bincount(comp, weights=val, minlength=k) / area
    peak = np.maximum.reduceat(val, starts)
    hits = np.flatnonzero(val == peak[comp])
    first = hits[np.concatenate(([True], comp[hits][1:] != comp[hits][:-1]))]
    max_at = np.zeros(k, dtype=np.int64)
    max_at[comp[first]] = idx[first]
    contrast = np.full(k, np.nan)
    if level_c is not None:
        top_level = np.full(k, -np.inf)
        np.maximum.at(top_level, comp[hits], level_c.ravel()[idx[hits]].astype(np.float64))
        seen = np.isfinite(top_level)
        contrast[seen] = peak[seen] - top_level[seen]
    width = celsius.shape[1]
    py, px = np.divmod(idx, width)
    x0, x1 = np.minimum.reduceat(px, starts), np.maximum.reduceat(px, starts)
    y0, y1 = py[starts], py[starts + area - 1]  # rows ascend within a label
    dx, dy = (px - x0[comp]).astype(np.float64), (py - y0[comp]).astype(np.float64)
    elongation, angle, hu, least = _moments(comp, dx, dy, k, starts=starts)
    if components_of is None:
        is_core = _core_flags(labels, n, idx, lab)
    else:
        kernel = np.ones((3, 3), np.uint8)
        inside = cv2.erode(components_of, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0)
        is_core = inside.ravel()[idx] != 0
    core = np.bincount(comp[is_core], minlength=k)
    rank = np.lexsort((-mean, -area, -peak))[:max_regions]
    cols = [a[rank].tolist() for a in (present, x0, y0, x1 - x0 + 1, y1 - y0 + 1, area, peak, max_at % width,
                                       max_at // width, mean, elongation, angle, core, contrast, least)]
    regions = [
        Region(label=r[0], bbox=(r[1], r[2], r[3], r[4]), area_px=r[5], t_max_c=r[6], max_xy=(r[7], r[8]),
               t_mean_c=r[9], elongation=r[10], angle_deg=r[11], hu=h, core_px=r[12], local_contrast_k=r[13],
               width_px=narrow_width_px(r[14]))
        for r, h in zip(zip(*cols, strict=True), hu[rank], strict=True)
    ]
    return Segmentation(labels, regions)


def segment(
    celsius: CelsiusArray, threshold_c: float, *, min_area_px: int = 4, max_regions: int = 256
) -> Segmentation:
    """Warm regions of ``celsius`` above one global ``threshold_c`` (°C).

    Parameters
    ----------
    min_area_px:
        Smaller components are dropped as noise (px).
    max_regions:
        At most this many regions are described, the hottest ones (bounds the work on a noisy frame).

    Returns
    -------
    The label image and the regions sorted by (t_max_c, area_px, t_mean_c), all descending.
    """
    mask = celsius > threshold_c
    n, raw_labels = cv2.connectedComponents(mask.view(np.uint8), connectivity=8, ltype=cv2.CV_32S)
    labels = np.asarray(raw_labels, dtype=np.int32)
    area = np.bincount(labels.ravel(), minlength=n)
    return describe(celsius, labels, n, area >= min_area_px, max_regions=max_regions)


SEED_CNR = 5.0
"""A warm object must peak at least this many local noise σ above its local background to seed a
region: Rose's criterion, a contrast-to-noise ratio of about 5 for a reliable detection with few
false alarms over a whole image (A. Rose, "The sensitivity performance of the human eye on an
absolute scale", JOSA 38 (1948) 196–208)."""
GROW_CNR = 2.5
"""Pixels at least this many σ above the local background join a seeded region (hysteresis, as in
Canny's edge detector, whose low:high threshold ratio is 1:2 to 1:3 — J. Canny, IEEE PAMI 8 (1986)
679–698)."""
MIN_SEED_K = 1.0
"""Least seed contrast over the local background (K), whatever the noise: twenty times the NETD
of current drone cores (≈ 50 mK, ../shared/domain/standards.md §1.6 note), and the old global
minimum contrast."""
MIN_GROW_K = 0.5
"""Least growth contrast over the local background (K): half of :data:`MIN_SEED_K` (Canny 1:2)."""
PEAK_RADIUS_PX = 3
"""Local maxima of a region are taken over a (2·3+1)² = 7×7 px neighbourhood: peaks closer than
3 px are one peak (the 3×3 px measurement spot, ../shared/domain/standards.md §2)."""
MIN_COMPARABLE_PX = 10
"""Regions are compared as parts only when they span at least this many pixels along their longer
side (and hold the measurement spot, :func:`irpatrol.analysis.measure.spot_held`): "≥ 3×3 px, better
≥ 10 px across" before a reading is trusted (../shared/domain/standards.md §2). Below that the
outline is a few pixels, its shape measures (elongation, Hu invariants) are dominated by the pixel
grid, and two unrelated warm specks look alike."""
MAX_PARTS = 6
"""A region is split into at most this many parts (two three-phase sets side by side)."""
MAX_SPLIT_CANDIDATES = 8
"""At most this many multi-peak regions (the most contrasted) are examined for splitting per
frame, which bounds the work on a cluttered frame."""


@dataclass(frozen=True)
class Thresholds:
    """Hysteresis settings of :func:`segment_local` (dimensionless ratios and K)."""

    seed_cnr: float = SEED_CNR
    grow_cnr: float = GROW_CNR
    min_seed_k: float = MIN_SEED_K
    min_grow_k: float = MIN_GROW_K


def _elongations(lab: np.ndarray, n: int) -> np.ndarray:
    """Elongation √(λ₁/λ₂) per label of a small label image (see :func:`_moments`)."""
    ys, xs = where_yx(lab)
    ll = lab[ys, xs].astype(np.int64)
    elong, _, _, _ = _moments(ll, xs.astype(np.float64), ys.astype(np.float64), n, hu=False)
    return elong


def _cut_levels(peaks: np.ndarray, depth_k: float) -> list[float]:
    """Candidate cut levels (K) for peaks sorted high to low: the peaks are grouped into bands
    ``depth_k``/2 wide (maxima of one part whose background level varies a little fall in one
    band), and each band gives the level ``depth_k`` below its lowest peak; at most
    :data:`MAX_PARTS` bands."""
    levels: list[float] = []
    start = low = float(peaks[0])
    for v in peaks[1:].tolist():
        if v < start - depth_k / 2:
            levels.append(low - depth_k)
            if len(levels) == MAX_PARTS:
                return levels
            start = v
        low = v
    levels.append(low - depth_k)
    return levels[:MAX_PARTS]


def _split_one(resid: np.ndarray, region: np.ndarray, peaks: np.ndarray, depth_k: float,
               min_area_px: int, area_ratio: float, elongation_ratio: float,
               ) -> tuple[np.ndarray, bool] | None:
    """Cut one region (``region`` mask of a crop of the residual ``resid``, K) into parts, or None.

    ``peaks`` are the residuals of the region's separate local maxima (K), highest first. The
    region is cut at each level of :func:`_cut_levels`: just ``depth_k`` below a band of peaks,
    the highest level at which all those peaks stand ``depth_k`` above the cut. The parts are the
    connected pieces above the cut that are at least ``min_area_px`` large and peak at least
    ``depth_k`` above it. Two
    peaks stay in one part unless the saddle between them is more than ``depth_k`` below the lower
    one (its dynamic, as in h-maxima). The cut with the most parts wins (the highest on ties).
    Of its parts, the largest group of look-alikes is split off (areas within ``area_ratio`` and
    elongations within ``elongation_ratio`` of the group's smallest member, each big enough to be
    compared as a part: ≥ 9 px = 3×3 and :data:`MIN_COMPARABLE_PX` along its longer side), when
    it has two or more members: a split exists to give the parts each other as T2.

    Returns the crop's labels of the split-off parts (int32, 1 … g, 0 elsewhere) and whether other
    parts remain (then the rest of the region stays one region, e.g. a hot spot on a warm body),
    or None.
    """
    best: tuple[int, np.ndarray] | None = None
    for level in _cut_levels(peaks, depth_k):
        above = (region & (resid >= level)).view(np.uint8)
        count, raw = cv2.connectedComponents(above, connectivity=8, ltype=cv2.CV_32S)
        lab = np.asarray(raw, dtype=np.int32)
        if count <= 2:
            continue
        area = np.bincount(lab.ravel(), minlength=count)
        ok = np.zeros(count, bool)
        ok[lab[resid >= level + depth_k]] = True
        ok &= area >= min_area_px
        ok[0] = False
        parts = int(ok.sum())
        if parts >= 2 and (best is None or parts > best[0]):
            remap = np.zeros(count, np.int32)
            remap[ok] = np.arange(1, parts + 1, dtype=np.int32)
            best = (parts, remap[lab])
    if best is None:
        return None
    parts, labels = best
    area = np.bincount(labels.ravel(), minlength=parts + 1).astype(np.float64)
    ys, xs = where_yx(labels)
    lab = np.asarray(labels[ys, xs], dtype=np.int64)
    span = np.zeros(parts + 1, np.int64)
    for coords in (xs, ys):
        lo, hi = np.full(parts + 1, 1 << 30), np.full(parts + 1, -1)
        np.minimum.at(lo, lab, coords)
        np.maximum.at(hi, lab, coords)
        span = np.maximum(span, hi - lo + 1)
    eligible = [i for i in range(1, parts + 1) if area[i] >= 9 and span[i] >= MIN_COMPARABLE_PX]
    if len(eligible) < 2:  # no group of two look-alikes possible: spare the shape measures
        return None
    elong = _elongations(labels, parts + 1)
    group: list[int] = []
    for i in eligible:  # the largest set of look-alikes: within the ratios of its smallest member
        members = [j for j in eligible if area[i] <= area[j] <= area_ratio * area[i]
                   and elong[i] <= elong[j] <= elongation_ratio * elong[i]]
        if len(members) > len(group):
            group = members
    if len(group) < 2:
        return None
    remap = np.zeros(parts + 1, np.int32)
    remap[group] = np.arange(1, len(group) + 1, dtype=np.int32)
    return remap[labels], len(group) < parts


def split_regions(resid: np.ndarray, labels: np.ndarray, n: int, keep: np.ndarray, idx: np.ndarray,
                  sigma_k: np.ndarray, *, min_area_px: int, thresholds: Thresholds = Thresholds(),
                  area_ratio: float = 2.0, elongation_ratio: float = 1.5, groups: Groups | None = None,
                  ) -> tuple[np.ndarray, int, np.ndarray]:
    """Split regions that hold several well-separated peaks of similar shape (e.g. three phases
    joined by warm hardware) into one region per peak.

    Examined: the regions with room for two parts (≥ 18 px, ≥ 2 × :data:`MIN_COMPARABLE_PX`
    long), the :data:`MAX_SPLIT_CANDIDATES` most contrasted (highest residual, then larger: no
    dependence on the label order), that have two or more separate local maxima
    (:data:`PEAK_RADIUS_PX`) each passing the seed test (residual ≥ max(seed_cnr·σ, min_seed_k)
    with σ = ``sigma_k``, the local noise, K).
    It is cut just below a band of its peaks (:func:`_split_one`, a coarse component tree),
    keeping the cut that leaves the most parts at least ``min_area_px`` large and peaking at least
    the seed contrast (the largest over the region) above the cut: each part stands out from the
    saddle as a seed from its background. Of those parts the largest group of look-alikes
    (areas within ``area_ratio``, elongations within ``elongation_ratio``: the gates of
    :mod:`irpatrol.analysis.references`), if two or more, become regions of their own: several
    copies of one part. A hot spot on a larger warm body is not such a copy; when parts outside the
    group exist, the rest of the region stays one region, otherwise the connecting pixels below the
    cut belong to no region. Everything depends on values and connectivity only, so a rotated frame
    splits the same way.

    ``idx`` lists the flat indices of the kept regions' pixels (ascending), ``groups`` their
    :func:`_group` if already known. Returns the label image (changed in place), the new label
    count and keep flags; the count is unchanged when nothing was split.
    """
    if idx.size == 0:
        return labels, n, keep
    width = labels.shape[1]
    order, starts, present = groups if groups is not None else _group(labels.ravel()[idx], n)
    grouped = idx[order]  # ascending within each label
    count = np.diff(np.append(starts, grouped.size))
    ys, xs = np.divmod(grouped, width)
    area = np.zeros(n, np.int64)
    area[present] = count
    x0, y0 = np.full(n, width), np.full(n, labels.shape[0])
    x1, y1 = np.full(n, -1), np.full(n, -1)
    x0[present], x1[present] = np.minimum.reduceat(xs, starts), np.maximum.reduceat(xs, starts)
    y0[present], y1[present] = ys[starts], ys[starts + count - 1]
    top = np.full(n, -np.inf)
    top[present] = np.maximum.reduceat(resid.ravel()[grouped], starts)
    span = np.maximum(x1 - x0, y1 - y0) + 1
    # room for two parts of 3×3 px, each MIN_COMPARABLE_PX long
    candidates = np.flatnonzero(keep & (area >= 2 * 9) & (span >= 2 * MIN_COMPARABLE_PX))
    if candidates.size == 0:
        return labels, n, keep
    order = np.lexsort((-area[candidates], -top[candidates]))
    candidates = candidates[order][:MAX_SPLIT_CANDIDATES]
    size = 2 * PEAK_RADIUS_PX + 1
    kernel = np.ones((size, size), np.uint8)
    cnr, floor = np.float32(thresholds.seed_cnr), np.float32(thresholds.min_seed_k)
    kept: list[bool] = keep.tolist()
    for c in candidates:
        sl = (slice(int(y0[c]), int(y1[c]) + 1), slice(int(x0[c]), int(x1[c]) + 1))
        crop = labels[sl]
        region = crop == c
        r = resid[sl]
        masked = np.where(region, r, np.float32(-np.inf)).astype(np.float32, copy=False)
        seed = np.maximum(cnr * sigma_k[sl], floor)
        is_peak = (masked == cv2.dilate(masked, kernel)) & (masked >= seed)
        count, pk = cv2.connectedComponents(is_peak.view(np.uint8), connectivity=8, ltype=cv2.CV_32S)
        if count <= 2:
            continue
        value = np.full(count, -np.inf)
        np.maximum.at(value, np.asarray(pk, dtype=np.intp)[is_peak], r[is_peak].astype(np.float64))
        peaks = np.sort(value[1:])[::-1]
        depth = max(float(cnr * sigma_k[sl][region].max()), float(floor))
        split = _split_one(r, region, peaks, depth, min_area_px, area_ratio, elongation_ratio)
        if split is None:
            continue
        parts, remainder = split
        parts_n = int(parts.max())
        if not remainder:
            crop[region] = 0
            kept[c] = False
        crop[parts > 0] = parts[parts > 0] + (n - 1)
        kept.extend([True] * parts_n)
        n += parts_n
    return labels, n, np.asarray(kept, dtype=bool)


def segment_local(celsius: CelsiusArray, local_level_c: np.ndarray, local_sigma_k: np.ndarray,
                  global_threshold_c: float, *, thresholds: Thresholds = Thresholds(), min_area_px: int = 4,
                  split: bool = True, large_px: int = 400, max_regions: int = 256,
                  sigma_blocks: np.ndarray | None = None) -> Segmentation:
    """Warm regions against the local background, by hysteresis, split where several peaks merged.

    With r = celsius − local level (K) and σ the local noise (K):

    * seeds: r̄ ≥ max(seed_cnr·σ̄, min_seed_k), the contrast and CNR test on the residual r̄
      averaged over the 3×3 px measurement spot, with σ̄ its own local noise
      (:func:`irpatrol.analysis.background.spot_contrast`);
    * growth: r ≥ max(grow_cnr·σ, min_grow_k); a connected (8-neighbour) set of growth pixels is
      a region when it holds a seed and at least ``min_area_px`` pixels;
    * pixels above ``global_threshold_c`` (the whole-frame robust threshold) are growth, and
      seeds in regions of at least ``large_px`` pixels (default 400 = (40 px / 2)²: a quarter of
      the local window, from which size on the local level starts to absorb a body): so warm
      bodies too wide for the local background are still found as with one global threshold,
      while small warm specks of a busy background must pass the local contrast-to-noise test;
    * then :func:`split_regions`, with the seed contrast as the least depth of a part.

    ``sigma_blocks``: the block map (:data:`~irpatrol.analysis.background.LOCAL_BLOCK_PX` blocks)
    that ``local_sigma_k`` is the upsampling of (``LocalBackground.sigma_blocks``), if known: the
    growth threshold is then formed per block and upsampled, the same float32 values for two
    full-frame passes less.
    """
    resid = celsius - local_level_c
    spot, spot_noise = spot_contrast_blocks(resid, block_px=LOCAL_BLOCK_PX)
    floor = float(np.float32(thresholds.min_grow_k))
    if sigma_blocks is None:
        lo = max_scalar(np.float32(thresholds.grow_cnr) * local_sigma_k, floor)
    else:
        lo_blocks = max_scalar(np.float32(thresholds.grow_cnr) * sigma_blocks, floor)
        lo = upsample_blocks(lo_blocks, LOCAL_BLOCK_PX, celsius.shape)
    warm = celsius > global_threshold_c
    grow = (resid >= lo) | warm
    n, raw = cv2.connectedComponents(grow.view(np.uint8), connectivity=8, ltype=cv2.CV_32S)
    labels = np.asarray(raw, dtype=np.int32)
    idx = np.flatnonzero(grow)
    lab = labels.ravel()[idx]
    area = np.bincount(lab, minlength=n)
    seeded = np.zeros(n, bool)
    # the seed contrast each block needs, upsampled: the same float32 values as per pixel
    need_blocks = np.maximum(np.float32(thresholds.seed_cnr) * spot_noise, np.float32(thresholds.min_seed_k))
    spot_need = upsample_blocks(need_blocks, LOCAL_BLOCK_PX, celsius.shape).ravel()[idx]
    seeded[lab[spot.ravel()[idx] >= spot_need]] = True
    warm_lab = lab[warm.ravel()[idx]]
    seeded[warm_lab] |= area[warm_lab] >= large_px
    keep = seeded & (area >= min_area_px)
    keep[0] = False
    sel = keep[lab]
    idx = idx[sel]
    groups: Groups | None = _group(lab[sel], n) if idx.size else None
    if split:
        before = n
        labels, n, keep = split_regions(resid, labels, n, keep, idx, local_sigma_k, min_area_px=min_area_px,
                                        thresholds=thresholds, groups=groups)
        if n != before:  # regions were split: their pixels carry new labels
            groups = None
    return describe(celsius, labels, n, keep, idx=idx, level_c=local_level_c, max_regions=max_regions,
                    groups=groups, components_of=None if groups is None else grow.view(np.uint8))
