"""The references of a hot region: T2 (normal corresponding point) and T0 (ambient).

T2, after DL/T 664-2016 §8.4 (同类比较判断法, similar-equipment comparison) and the definition of
δ in ../shared/domain/standards.md §1.2: "the same part on a healthy phase" of the same device.
A whole-image median or the plain ambient is not acceptable as T2 (it biases δ), so T2 is only
taken from other equipment regions that look like the same part:

1. *Similar* regions: area within a factor ``area_ratio`` (default 2) and elongation (√ of the
   ratio of the principal variances of the pixels) within a factor ``elongation_ratio`` (default
   1.5) of the hot region. Both are invariant to rotation and to a uniform temperature offset.
2. They are ranked by shape distance: |log area ratio| + |log elongation ratio| plus the mean
   absolute difference of the log-scaled Hu invariants (a ``cv2.matchShapes``-like measure; at
   most ``MAX_SHAPE_DISTANCE``, distances within ``SHAPE_TIE`` of the best count as equal and the
   cooler wins), and the best ``max_peers`` (default 2: the other two phases of a three-phase set)
   that are not hotter than the hot region are kept, if no more than ``MATCH_MARGIN`` worse than
   the best. Only regions big enough to be recognised are compared (:func:`comparable`).
3. T2 is the lowest t_max among them: the hottest point of the healthiest corresponding part.
   Taking the lowest rather than the mean keeps a second faulty phase from hiding the first.

When the user gives a region instead (``reference_bbox``), T2 is the hottest pixel in it.

T0: a value from the user or the patrol record when given, else the background median (the
median of the pixels below the warm-equipment threshold). DL/T 664 asks for an "ambient
reference body" similar to the target; the background of the same frame is the automatic
stand-in, and its source string always says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from irpatrol.analysis.segmentation import MIN_COMPARABLE_PX, BBox, Region

AREA_RATIO = 2.0
"""Largest area ratio (larger / smaller) of two regions taken as the same kind of part."""
ELONGATION_RATIO = 1.5
"""Largest elongation ratio of two regions taken as the same kind of part."""
ANGLE_TOLERANCE_DEG = 30.0
"""Largest difference of long-axis direction (degrees) of two elongated regions taken as the same
part: the phases of a line run in parallel, so corresponding parts are imaged in the same direction."""
ELONGATED = 1.5
"""Regions at least this elongated on both sides are compared by direction too (rounder ones have
no stable long axis)."""
MATCH_MARGIN = 0.3
"""Peers kept for T2 are at most this much (shape distance) worse than the best match, so a
congruent peer is not paired with a loosely similar blob."""
SHAPE_TIE = 0.25
"""Shape distances within this of the best match count as equally good, so the cooler of two
near-congruent peers is preferred (a pixel of noise joined to one outline changes its distance
by a few hundredths; 0.1 is about a 10 % area difference)."""
MAX_PEERS = 2
"""Similar regions kept as T2 candidates: the other two phases of a three-phase set."""
MAX_SHAPE_DISTANCE = 0.5
"""Largest shape distance (see :func:`peer_table`) of two regions taken as the same part. The
corresponding parts of three phases are close to congruent (same part, same distance, same view):
0.5 allows e.g. areas 1.3× apart plus elongations 1.2× apart plus some outline noise, while most
pairs of texture blobs of a busy background differ by more. Without it any two blobs within the
area and elongation gates would serve as each other's T2, and a busy frame reports dozens."""


PEER_SPAN = 24.0
"""Largest distance between the centres of two regions taken as the same part on different phases,
in multiples of the longer of their longest sides: the outer phases of a 10 kV line are up to
about 2 m apart on the crossarm while a clamp, joint or terminal is at least 0.08 m long
(../shared/domain/standards.md §4.3, pole layout), so corresponding parts lie within about 24 part
lengths of each other. A look-alike across
the frame (a roof tile, a car part) is not "the same part on a healthy phase". Project choice."""


@dataclass(frozen=True)
class Reference:
    """T2 of one region: value (°C), where it came from and the regions it was chosen among
    (``peer_bboxes``); ``similar_bboxes``: every region similar to it (for the three-phase row test)."""

    t2_c: float | None
    source: str
    bbox: BBox | None
    peer_bboxes: tuple[BBox, ...] = ()
    similar_bboxes: tuple[BBox, ...] = ()


NO_REFERENCE = Reference(None, "none", None)


@dataclass(frozen=True, eq=False)
class PeerTable:
    """Pairwise comparison of N regions: ``similar[i, j]`` (gates passed) and ``distance[i, j]``,
    with each region's ``t_max_c`` and ``area_px`` as arrays."""

    similar: np.ndarray
    distance: np.ndarray
    t_max_c: np.ndarray
    area_px: np.ndarray


def comparable(region: Region) -> bool:
    """Whether a region is resolved well enough to be compared as a part (see
    :data:`MIN_COMPARABLE_PX`)."""
    return region.holds_spot and max(region.bbox[2], region.bbox[3]) >= MIN_COMPARABLE_PX


def peer_table(regions: Sequence[Region], *, area_ratio: float = AREA_RATIO,
               elongation_ratio: float = ELONGATION_RATIO,
               max_distance: float = MAX_SHAPE_DISTANCE) -> PeerTable:
    """Similarity gates and shape distances of every pair of regions (vectorised, N×N).

    The distance is |log area ratio| + |log elongation ratio| + mean |Δ log Hu| (0 for congruent
    regions); the gates are area ratio ≤ ``area_ratio``, elongation ratio ≤ ``elongation_ratio``
    and, for two elongated regions, long axes within :data:`ANGLE_TOLERANCE_DEG`, centres within
    :data:`PEER_SPAN` part lengths, a distance of at most ``max_distance``, and both regions
    :func:`comparable`.
    """
    area = np.array([r.area_px for r in regions], dtype=np.int64)
    t_max = np.array([r.t_max_c for r in regions], dtype=np.float64)
    log_area = np.log(area.astype(np.float64))
    log_elong = np.log(np.array([r.elongation for r in regions], dtype=np.float64))
    hu = np.array([r.hu for r in regions], dtype=np.float64).reshape(len(regions), 7)
    d_area = np.abs(log_area[:, None] - log_area[None, :])
    d_elong = np.abs(log_elong[:, None] - log_elong[None, :])
    d_hu = np.abs(hu[:, None, :] - hu[None, :, :]).mean(axis=2)
    angle = np.array([r.angle_deg for r in regions], dtype=np.float64)
    d_angle = np.abs(angle[:, None] - angle[None, :]) % 180.0
    d_angle = np.minimum(d_angle, 180.0 - d_angle)
    elongated = np.exp(log_elong) >= ELONGATED
    parallel = (d_angle <= ANGLE_TOLERANCE_DEG) | ~(elongated[:, None] & elongated[None, :])
    similar = (d_area <= np.log(area_ratio) + 1e-12) & (d_elong <= np.log(elongation_ratio) + 1e-12)
    distance = np.round(d_area + d_elong + d_hu, 9)
    measurable = np.array([comparable(r) for r in regions], dtype=bool)
    box = np.array([r.bbox for r in regions], dtype=np.float64).reshape(len(regions), 4)
    cx, cy, side = box[:, 0] + box[:, 2] / 2, box[:, 1] + box[:, 3] / 2, box[:, 2:].max(axis=1)
    apart = np.hypot(cx[:, None] - cx[None, :], cy[:, None] - cy[None, :])
    near = apart <= PEER_SPAN * np.maximum(side[:, None], side[None, :])
    similar &= parallel & near & (distance <= max_distance) & measurable[:, None] & measurable[None, :]
    np.fill_diagonal(similar, False)
    return PeerTable(similar, distance, t_max, area)


def lowest_similar_peak(table: PeerTable) -> np.ndarray:
    """Per region, the lowest t_max (°C) of its similar regions; +inf where it has none.

    A lower bound of what :func:`automatic_t2` can choose, so ``t_max − this`` bounds ΔT from above
    and lets a caller skip regions that cannot reach a reporting limit.
    """
    if table.t_max_c.size == 0:
        return np.empty(0)
    return np.where(table.similar, table.t_max_c[None, :], np.inf).min(axis=1)


def automatic_t2(regions: Sequence[Region], index: int, table: PeerTable, *,
                 max_peers: int = MAX_PEERS) -> Reference | None:
    """T2 of ``regions[index]`` from similar regions, see the module notes.

    Returns ``NO_REFERENCE`` when no region is similar, and None when similar regions exist but
    all are hotter: the region is then the coolest of its kind, i.e. itself a normal part.
    """
    row = table.similar[index]
    if not row.any():
        return NO_REFERENCE
    cooler = np.flatnonzero(row & (table.t_max_c <= table.t_max_c[index]))
    if cooler.size == 0:
        return None
    t_c, a_c = table.t_max_c[cooler], table.area_px[cooler]
    dist = table.distance[index, cooler]
    tier = np.where(dist <= dist.min() + SHAPE_TIE, 0.0, dist)
    best_first = np.lexsort((-a_c, dist, t_c, tier))[:max_peers]
    best_first = best_first[dist[best_first] <= dist[best_first[0]] + MATCH_MARGIN]
    chosen = [regions[int(cooler[k])] for k in best_first]
    best = min(chosen, key=lambda r: (r.t_max_c, -r.area_px))
    return Reference(best.t_max_c, "similar-component", best.bbox, tuple(r.bbox for r in chosen))
