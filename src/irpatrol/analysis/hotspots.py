"""Hotspots of a thermal frame with their references T2 and T0, ΔT, rise τ and δ.

Definitions (DL/T 664-2016 §1.2 as summarised in ../shared/domain/standards.md §1.2)::

    ΔT = T1 − T2                 delta_t_k   (K)
    τ1 = T1 − T0                 rise_k      (K)
    δ  = (T1 − T2) / (T1 − T0)   delta_pct   (%)

T1 is the hottest pixel of a warm region, T2 the normal corresponding point and T0 the ambient
reference (see :mod:`irpatrol.analysis.references`). The steps are:

1. robust whole-frame statistics (T0, the global warm threshold) and a local background level
   and noise (:mod:`.background`), so parts only a few kelvin above a warm, sloped, textured
   background are found where one global threshold (median + 3σ of the whole frame) is far
   above them;
2. warm regions by hysteresis against the local background, with a contrast-to-noise test, and
   merged look-alikes split apart (:func:`.segmentation.segment_local`);
3. T2 per region from similar regions (only regions resolved well enough to be compared, and
   close to congruent), or from a user region; T0 from the user, else the background median;
4. a region is a hotspot when it is at least ``min_delta_k`` hotter than its T2, or, having no
   similar region to compare with, at least ``min_rise_k`` above both T0 and its local
   background (twice that when it is too small to be recognised as a part);
5. the ``small-target`` flag from the 3×3 px measurement spot, in metres at the recorded
   distance when the camera's IFOV is known (:func:`trusted_target`).

Clutter control (a busy real frame segments tens to hundreds of warm regions): the seed CNR
(Rose's 5), the comparability and congruence gates of T2, and the local-contrast rule for lone
regions; see tests/analysis/test_local_segmentation.py for the bound on real frames.

Everything depends on temperature differences and rotation-invariant shape measures only, so a
uniform offset of the frame changes no ΔT and a frame rotated by 90° gives the same hotspots.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Protocol

import cv2
import numpy as np

from irpatrol.analysis.background import background, check_frame, local_background
from irpatrol.analysis.measure import SPOT_PX, box, mask_width_px
from irpatrol.analysis.phase_shift import one_set
from irpatrol.analysis.phases import SPACING_RATIO, unevenness
from irpatrol.analysis.pixels import inside, where_yx
from irpatrol.analysis.references import (
    NO_REFERENCE,
    Reference,
    automatic_t2,
    comparable,
    lowest_similar_peak,
    peer_table,
)
from irpatrol.analysis.segmentation import BBox, Region, segment_local
from irpatrol.conditions import CAMERA_ACCURACY, MIN_TARGET_PX, Conditions, accuracy_k, validity_flags
from irpatrol.errors import ParameterError
from irpatrol.units import CelsiusArray

MIN_DELTA_K = 0.5
"""Smallest T1 − T2 reported (K): the smallest voltage-heating criterion of DL/T 664-2016 Table I.1
(surge arresters, polluted insulators: 0.5 K; ../shared/domain/standards.md §1.6)."""
MIN_RISE_K = 10.0
"""Smallest T1 − T0 reported for a region with no similar region to compare with (K): DL/T 664
grades by δ only from a 10 K rise (standards.md §1.2 guard), and NETA MTS Table 100.18 starts
its "priority 3" over-ambient band above 10 °C (standards.md §3.1). The region must also be that
much above its local background, so a sunlit patch of a warm busy background (the inspection
conditions of DL/T 664 §4.3 exclude sunshine, standards.md §1.7) is not reported for the mere
ambient rise of the whole area."""
UNRESOLVED_RISE_FACTOR = 2.0
"""A lone region too small to be recognised as a part (no 3×3 px core or under 10 px long, see
:func:`irpatrol.analysis.references.comparable`) is reported only at twice :data:`MIN_RISE_K`:
with no peer and no resolvable shape nothing tells a faulty part from a warm speck of the
background, so only a clearly hot one (≥ 20 K, the NETA "priority 2" over-ambient band starts
above 20 °C, standards.md §3.1) is worth an analyst's look; it is flagged ``small-target``."""


CLUTTER_AREA_FRACTION = 0.01
"""A warm region covering more than this fraction of the frame and not elongated (see
:data:`LINEAR_ELONGATION`) is a body of the scene — a sun-warmed roof, road patch, vehicle or tree
crown — not a part of the line: at the 5–30 m of a drone inspection a clamp, joint, fuse or arrester
covers well under 1 % of a 640×512 frame (a 0.3 m part at 10 m with 1.3 mrad pixels is 23 px long),
and a conductor or crossarm is elongated. Project choice, checked on the shared DJI street frame."""
CLOSE_RANGE_M = 3.0
"""Below this object distance (m) the frame is a close-up (a hand-held shot of a panel or a
terminal), where one part may fill much of the frame: the big-blob rule of :data:`CLUTTER_AREA_FRACTION`
is for aerial views only."""
CLUTTER_MIN_PX = 3277
"""Least area (px) of a big blob whatever the frame size: 1 % of a 640×512 core, the reference
frame of :data:`CLUTTER_AREA_FRACTION` (a small frame does not make a part a scene body)."""
LINEAR_ELONGATION = 3.0
"""Elongation (√ of the ratio of the principal variances) from which a region is a linear body, a
conductor, jumper or crossarm (a line √12·L/√12·W: 3 is a body three times as long as wide)."""
CONDUCTOR_MIN_PX = 30
"""Shortest linear region (px, longest bbox side) searched for a hot joint on it."""
CONDUCTOR_MAX_WIDTH_PX = 5.0
"""Widest mean width (area / length, px) of a region taken as a conductor: a 10 kV bare conductor
is 10–20 mm thick, 1–2 px at 5–30 m with 1.3 mrad pixels (13 mm at 10 m), a few px with blur and
the joint's sleeve. Roof and wall edges, kerbs and road marks are wider. Project choice."""
JOINT_PEAK_SPREAD = 5.0
"""A joint must stand out from its conductor by this many robust standard deviations (IQR / 1.349)
of the conductor's own far ridge temperatures, so the texture of a warm edge is not split into
"joints": Rose's criterion (an object is detected with certainty at a contrast-to-noise ratio of 5,
A. Rose, Vision: Human and Electronic, 1973), the same as the seed test of the segmentation."""
JOINT_CLEAR = 0.15
"""Pixels farther than this fraction of the conductor's length (at least :data:`JOINT_CLEAR_PX`)
from the joint's maximum are "the same conductor away from the joint" (T2). The heat of a bad joint
decays along the conductor over a few tens of cm (fin equation, docs/physics.md §3)."""
JOINT_CLEAR_PX = 8
"""Least distance (px) from the joint's maximum of the pixels that give a conductor's own T2."""



@dataclass(frozen=True, eq=False)
class Hotspot:
    """One hot region and its references (temperatures °C, differences K, δ in %).

    ``t2_*`` is None and ``t2_source`` is ``"none"`` when nothing comparable was found;
    ``delta_pct`` is None when T2 is unknown or T1 ≤ T0 (then ``flags`` holds ``not-above-ambient``).
    ``pixel_size_m`` (m, object-side footprint of one pixel) and ``min_target_m`` (m, the
    smallest trusted target) are set when the distance and the camera's IFOV are known, see
    :func:`trusted_target`. ``pattern`` is the thermal pattern, see :func:`thermal_pattern`;
    ``on_structure`` whether the region is confirmed as a part of the line, see :func:`on_structure`.
    ``reference_margin_k`` (K) is added to the camera's accuracy when grading against this T2: how much
    a reference of this kind may differ from the healthy part with no fault (0 for a confirmed one).
    ``accuracy_k`` (K), when set, replaces the camera's stated accuracy for this ΔT: a like-for-like
    comparison of alike bodies within one frame, where the camera's absolute offset cancels
    (:data:`irpatrol.analysis.bodies.COMPARATIVE_UNCERTAINTY_K`); None: the camera's accuracy.
    """

    bbox: BBox
    contour: np.ndarray
    area_px: int
    t_max_c: float
    max_xy: tuple[int, int]
    t_mean_c: float
    t2_c: float | None
    t2_source: str
    t2_bbox: BBox | None
    t0_c: float
    t0_source: str
    delta_t_k: float | None
    rise_k: float
    delta_pct: float | None
    peer_bboxes: tuple[BBox, ...] = ()
    flags: tuple[str, ...] = ()
    pixel_size_m: float | None = None
    min_target_m: float | None = None
    pattern: str = "local"
    on_structure: bool = True
    reference_margin_k: float = 0.0
    accuracy_k: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (lists for tuples and the contour, temperatures rounded to 0.001)."""
        def r(v: float | None) -> float | None:
            return None if v is None else round(float(v), 3)

        return {
            "bbox": list(self.bbox),
            "contour": self.contour.tolist(),
            "area_px": self.area_px,
            "t_max_c": r(self.t_max_c),
            "max_xy": list(self.max_xy),
            "t_mean_c": r(self.t_mean_c),
            "t1_c": r(self.t_max_c),
            "t2_c": r(self.t2_c),
            "t2_source": self.t2_source,
            "t2_bbox": None if self.t2_bbox is None else list(self.t2_bbox),
            "peer_bboxes": [list(b) for b in self.peer_bboxes],
            "t0_c": r(self.t0_c),
            "t0_source": self.t0_source,
            "delta_t_k": r(self.delta_t_k),
            "rise_k": r(self.rise_k),
            "delta_pct": None if self.delta_pct is None else round(self.delta_pct, 2),
            "flags": list(self.flags),
            "pixel_size_m": None if self.pixel_size_m is None else round(self.pixel_size_m, 5),
            "min_target_m": None if self.min_target_m is None else round(self.min_target_m, 5),
            "pattern": self.pattern,
            "on_structure": bool(self.on_structure),
        }


class HasCelsius(Protocol):
    """Anything carrying an H×W °C array, e.g. :class:`irpatrol.radiometry.Thermogram`."""

    @property
    def celsius(self) -> CelsiusArray: ...


def _celsius_of(celsius_or_thermogram: np.ndarray | HasCelsius) -> CelsiusArray:
    if isinstance(celsius_or_thermogram, np.ndarray):
        return check_frame(celsius_or_thermogram)
    return check_frame(celsius_or_thermogram.celsius)


def _user_reference(celsius: CelsiusArray, bbox: BBox) -> Reference:
    m = box(celsius, bbox)
    x, y, w, h = (int(v) for v in bbox)
    return Reference(m.max_c, "user-region", (x, y, w, h), ())


def trusted_target(distance_m: float | None, ifov_mrad: float | None) -> tuple[float, float] | None:
    """Object-side pixel footprint and smallest trusted target size (m, m) at ``distance_m``.

    footprint = distance × IFOV (../shared/domain/standards.md §2: "pixel footprint ≈ distance ×
    IFOV, with IFOV = pixel pitch / focal length", e.g. 1.3 mrad → 13 mm per pixel at 10 m);
    smallest trusted target = :data:`SPOT_PX` footprints, the 3×3 px measurement spot that a hot
    spot must cover before its T_max is trusted (same section; the measurement IFOV of a
    radiometer is about three pixel IFOVs). The distance is the laser rangefinder reading when the
    file has one, else the camera's object distance (../shared/domain/radiometry.md: prefer DJI
    ``LRFTargetDistance`` when valid). None when either input is unknown or not positive.
    """
    if distance_m is None or ifov_mrad is None or distance_m <= 0 or ifov_mrad <= 0:
        return None
    footprint = distance_m * ifov_mrad * 1e-3
    return footprint, SPOT_PX * footprint


def small_target(region: Region, distance_m: float | None, ifov_mrad: float | None) -> bool:
    """Whether a region is smaller than the trusted target size (the ``small-target`` flag).

    Distance and IFOV known: the region must hold the measurement spot, :data:`SPOT_PX` ×
    :data:`SPOT_PX` footprints, i.e. be at least 3·distance·IFOV across in every direction
    (:func:`irpatrol.analysis.measure.spot_held`, the joint reader's test too: an upright 3×3 px
    square inside it, or 2.5 px across its narrower axis when it lies obliquely); a thin line of 40 px
    is flagged. Unknown: fewer than :data:`irpatrol.conditions.MIN_TARGET_PX` (9) pixels, as before.
    """
    if trusted_target(distance_m, ifov_mrad) is None:
        return region.area_px < MIN_TARGET_PX
    return not region.holds_spot


WHOLE_BODY_FRACTION = 0.75
"""A region whose mean rise over T0 is at least this fraction of its peak rise is warm all over
("whole-body"): the thermal pattern of voltage heating (dielectric loss, leakage current), where a
connection defect shows a local peak that falls off away from the joint (DL/T 664-2016 Annexes H
and I, 热像特征; ../shared/domain/standards-verification.md §4 pitfall 1). Project choice."""


def thermal_pattern(t_max_c: float, t_mean_c: float, t0_c: float) -> str:
    """"whole-body" when the region is nearly as warm on average as at its peak (see
    :data:`WHOLE_BODY_FRACTION`), else "local" (°C in, pattern name out)."""
    rise = t_max_c - t0_c
    if rise <= 0:
        return "local"
    return "whole-body" if (t_mean_c - t0_c) >= WHOLE_BODY_FRACTION * rise else "local"


def _hotspot(region: Region, contour: np.ndarray, ref: Reference, t0_c: float, t0_source: str,
             conditions: Conditions, ifov_mrad: float | None, cond: Conditions | None = None) -> Hotspot:
    """The hotspot of ``region``; ``cond``: ``conditions`` without a target size (for the flags),
    when the caller has it already."""
    t1 = region.t_max_c
    rise = t1 - t0_c
    delta = None if ref.t2_c is None else t1 - ref.t2_c
    pct = None if delta is None or rise <= 0 else 100.0 * delta / rise
    cond = cond or dataclasses.replace(conditions, target_px=None)
    small = ("small-target",) if small_target(region, conditions.distance_m, ifov_mrad) else ()
    flags = small + tuple(validity_flags(cond, hot_c=t1, ambient_c=t0_c))
    sizes = trusted_target(conditions.distance_m, ifov_mrad)
    return Hotspot(
        bbox=region.bbox, contour=contour, area_px=region.area_px, t_max_c=t1, max_xy=region.max_xy,
        t_mean_c=region.t_mean_c, t2_c=ref.t2_c, t2_source=ref.source, t2_bbox=ref.bbox, t0_c=t0_c,
        t0_source=t0_source, delta_t_k=delta, rise_k=rise, delta_pct=pct, peer_bboxes=ref.peer_bboxes,
        flags=flags, pixel_size_m=None if sizes is None else sizes[0],
        min_target_m=None if sizes is None else sizes[1],
        pattern=thermal_pattern(t1, region.t_mean_c, t0_c),
    )


def _lone_hot(region: Region, t0_c: float, min_rise_k: float) -> bool:
    """Whether a region without a similar region is hot enough to report (see :data:`MIN_RISE_K`
    and :data:`UNRESOLVED_RISE_FACTOR`)."""
    need = min_rise_k if comparable(region) else UNRESOLVED_RISE_FACTOR * min_rise_k
    return min(region.t_max_c - t0_c, region.local_contrast_k) >= need


def _references(regions: list[Region], user_ref: Reference | None, max_peers: int,
                min_delta_k: float) -> list[Reference | None]:
    """Per region its T2 reference, or None when the region cannot be a hotspot: it peaks inside
    the user's reference region, it is the coolest of its kind, or even the coolest similar region
    is less than ``min_delta_k`` below it (a bound computed for all regions at once). Only
    :func:`~irpatrol.analysis.references.comparable` regions are compared (``NO_REFERENCE`` for others)."""
    if user_ref is not None:
        return [None if user_ref.bbox and inside(r.max_xy, user_ref.bbox) else user_ref for r in regions]
    out: list[Reference | None] = [NO_REFERENCE] * len(regions)
    measurable = [i for i, r in enumerate(regions) if comparable(r)]
    if not measurable:
        return out
    subset = [regions[i] for i in measurable]
    table = peer_table(subset)
    lowest = lowest_similar_peak(table)
    # what automatic_t2 would return without a search: NO_REFERENCE with no similar region, None
    # when all similar regions are hotter; the search only for the rest
    t_max = table.t_max_c
    has_similar = table.similar.any(axis=1)
    has_cooler = (table.similar & (t_max[None, :] <= t_max[:, None])).any(axis=1)
    too_close = np.isfinite(lowest) & (t_max - lowest < min_delta_k)
    for j, i in enumerate(measurable):
        if too_close[j] or (has_similar[j] and not has_cooler[j]):
            out[i] = None
        elif has_similar[j]:
            ref = automatic_t2(subset, j, table, max_peers=max_peers)
            if ref is not None:
                alike = tuple(subset[k].bbox for k in np.flatnonzero(table.similar[j])[:MAX_ROW_CANDIDATES])
                ref = dataclasses.replace(ref, similar_bboxes=alike)
            out[i] = ref
    return out


def find_hotspots(
    celsius_or_thermogram: np.ndarray | HasCelsius,
    *,
    ambient_c: float | None = None,
    reference_bbox: BBox | None = None,
    ambient_source: str = "user",
    conditions: Conditions | None = None,
    k_sigma: float = 3.0,
    min_contrast_k: float = 1.0,
    min_area_px: int = 4,
    min_delta_k: float = MIN_DELTA_K,
    min_rise_k: float = MIN_RISE_K,
    max_peers: int = 2,
    ifov_mrad: float | None = None,
    accuracy: tuple[float, float] = CAMERA_ACCURACY,
) -> list[Hotspot]:
    """Hot regions of a frame with T2, T0, ΔT, τ and δ, hottest first.

    Parameters
    ----------
    celsius_or_thermogram:
        H×W temperatures (°C) or anything with a ``celsius`` attribute (a Thermogram).
    ambient_c:
        T0 given by the caller (°C), reported with ``ambient_source`` (``"user"``, ``"patrol"``…);
        None: the background median (``"background-median"``).
    reference_bbox:
        (x, y, w, h) of a normal part chosen by the user: T2 is its hottest pixel for every hotspot
        (``t2_source = "user-region"``), and regions peaking inside it are not reported.
    conditions:
        Measurement conditions for the validity flags (wind, humidity, rain, load, emissivity);
        the target size is each region's area.
    k_sigma, min_contrast_k:
        Warm-equipment threshold, see :func:`irpatrol.analysis.background.background`.
    min_area_px:
        Regions smaller than this are noise (px).
    min_delta_k, min_rise_k:
        Reporting limits (K), see :data:`MIN_DELTA_K` and :data:`MIN_RISE_K`.
    max_peers:
        Similar regions considered for T2 (2: the other phases of a three-phase set).
    ifov_mrad:
        The camera's instantaneous field of view per pixel (mrad); with ``conditions.distance_m``
        it sets the trusted target size, see :func:`trusted_target` and :func:`small_target`.
    accuracy:
        The camera's stated accuracy (K, %): a region standing out from its local background by
        less is not reported, nor is a joint excess over its own conductor within it, and a
        similar region colder than T0 by more is not a valid T2 (:func:`valid_peer_t2`).

    Only equipment is reported: big, blobby regions (:func:`off_structure`) are scene bodies.
    A linear region (a conductor) without a valid peer is searched for a hot joint on it
    (:func:`joint_on_conductor`): T1 the joint's maximum, T2 the same conductor away from it.
    """
    celsius = _celsius_of(celsius_or_thermogram)
    if min_area_px < 1 or max_peers < 1:
        raise ParameterError(f"min_area_px and max_peers must be ≥ 1, got {min_area_px} and {max_peers}")
    if ifov_mrad is not None and not 0.0 < ifov_mrad < 100.0:
        raise ParameterError(f"IFOV must be a positive angle in mrad, got {ifov_mrad}")
    if ambient_c is not None and not -273.15 < ambient_c < 2000.0:
        raise ParameterError(f"ambient temperature must be a finite °C value above −273.15, got {ambient_c}")
    bg = background(celsius, k_sigma=k_sigma, min_contrast_k=min_contrast_k)
    t0_c, t0_source = (float(ambient_c), ambient_source) if ambient_c is not None else (
        bg.ambient_c, "background-median")
    local = local_background(celsius, fill_c=bg.median_c)
    seg = segment_local(celsius, local.level_c, local.sigma_k, bg.threshold_c, min_area_px=min_area_px,
                        sigma_blocks=local.sigma_blocks)
    regions = seg.regions
    user_ref = None if reference_bbox is None else _user_reference(celsius, reference_bbox)
    conditions = conditions or Conditions()
    flag_conditions = dataclasses.replace(conditions, target_px=None)
    found: list[Hotspot] = []
    frame_px = celsius.size
    for region, ref in zip(regions, _references(regions, user_ref, max_peers, min_delta_k), strict=True):
        if ref is None or off_structure(region, frame_px, accuracy, conditions.distance_m):
            continue
        peered = ref is not NO_REFERENCE
        if peered and not valid_peer_t2(ref, t0_c, accuracy):
            ref = Reference(None, "invalid-reference", None, ref.peer_bboxes)
        contour = None
        if ref is NO_REFERENCE and user_ref is None:  # no peer at all: a joint on its conductor?
            joint = joint_on_conductor(celsius, seg.labels, region, accuracy)
            if joint is not None and valid_peer_t2(joint[2], t0_c, accuracy):
                region, contour, ref = joint
            elif _lone_hot(region, t0_c, min_rise_k):  # reported anyway: its conductor gives T2
                along = conductor_beyond(celsius, seg.labels, region, accuracy)
                if along is not None and valid_peer_t2(along, t0_c, accuracy):
                    ref = along
                    peered = True
        if not peered and ref is NO_REFERENCE and not _lone_hot(region, t0_c, min_rise_k):
            continue
        if ref.t2_c is not None and region.t_max_c - ref.t2_c < min_delta_k:
            continue
        spot = _hotspot(region, seg.outline(region) if contour is None else contour, ref, t0_c,
                        t0_source, conditions, ifov_mrad, flag_conditions)
        found.append(dataclasses.replace(spot, on_structure=on_structure(region, ref, regions, celsius)))
    found.sort(key=lambda h: -h.t_max_c)
    return found


MAX_ROW_CANDIDATES = 8
"""Similar regions tried (in pairs) for a three-phase row with a hot region."""
COLLINEAR_TOLERANCE = 0.5
"""Largest distance (in part lengths) of the middle of three parts from the line through the outer
two for them to count as a three-phase set in a row (crossarm): see :func:`on_structure`."""


def linear_body(region: Region) -> bool:
    """Whether a region is a conductor-like body: elongated (:data:`LINEAR_ELONGATION`), at least
    :data:`CONDUCTOR_MIN_PX` long and no wider on average than :data:`CONDUCTOR_MAX_WIDTH_PX`."""
    w, h = region.bbox[2], region.bbox[3]
    length = float(np.hypot(w, h)) if region.elongation >= 2 * LINEAR_ELONGATION else float(max(w, h))
    return (region.elongation >= LINEAR_ELONGATION and max(w, h) >= CONDUCTOR_MIN_PX
            and region.area_px / length <= CONDUCTOR_MAX_WIDTH_PX)


def on_structure(region: Region, ref: Reference, regions: list[Region], celsius: np.ndarray) -> bool:
    """Whether a hot region of the frame ``celsius`` (°C) is confirmed as a part of the line, so
    that the relative criteria may grade it: its T2 is the user's region or its own conductor, it is
    itself a conductor-like body, or it and two similar parts form a three-phase set in a row (the
    corresponding parts of the three phases sit side by side on the crossarm, standards.md §4.3)
    that is one set of alike hardware (:func:`irpatrol.analysis.phase_shift.one_set`: the two others
    match each other, nothing alike follows beyond the row's ends). A sun-warmed roof vent or car
    part has look-alikes, but seldom exactly two in a row with it; sunlit ground has warm patches
    everywhere, and three of them lie in an evenly spaced row by chance, but they are smooth and
    unlike each other in their fine structure (generated healthy frames 33000143, 44000007: such
    rows of ground graded `general` as clamps)."""
    if ref.source in ("user-region", "same-conductor") or linear_body(region):
        return True
    boxes = ref.similar_bboxes or ref.peer_bboxes
    size = max(region.bbox[2], region.bbox[3])
    return any(_in_a_row(region.bbox, p, q, size)
               and one_set(celsius, _centre(region.bbox), (_centre(p), _centre(q)))
               for k, p in enumerate(boxes) for q in boxes[k + 1:])


def _centre(b: BBox) -> tuple[int, int]:
    """The centre of the box ``b`` (x, y px, whole)."""
    return b[0] + b[2] // 2, b[1] + b[3] // 2


def _in_a_row(*boxes_and_size: Any) -> bool:
    """Whether three bboxes' centres lie on one line within :data:`COLLINEAR_TOLERANCE` part lengths,
    evenly spaced as the phases on a crossarm stand (the longer spacing within
    :data:`irpatrol.analysis.phases.SPACING_RATIO` of the shorter,
    :func:`irpatrol.analysis.phases.unevenness`, as the joint reader's rows): in a
    busy frame some pair of look-alikes lies on a line through any region by chance (generated frame
    8880042: a sunlit patch of ground and two others 214 and 71 px apart made a `general` clamp)."""
    *boxes, size = boxes_and_size
    pts = [np.array([x + w / 2, y + h / 2]) for x, y, w, h in boxes]
    spread = np.ptp(np.array(pts), axis=0)
    by_x = bool(spread[0] >= spread[1])
    a, mid, b = sorted(pts, key=(lambda p: (p[0], p[1])) if by_x else (lambda p: (p[1], p[0])))
    span = b - a
    if not np.any(span):
        return False
    off = abs(span[0] * (mid - a)[1] - span[1] * (mid - a)[0]) / float(np.hypot(*span))
    even = unevenness(*((float(p[0]), float(p[1])) for p in (a, mid, b))) <= SPACING_RATIO
    return bool(off <= COLLINEAR_TOLERANCE * size and even)


def off_structure(region: Region, frame_px: int, accuracy: tuple[float, float] = CAMERA_ACCURACY,
                  distance_m: float | None = None) -> bool:
    """Whether a warm region is not a part of the line and must never be graded: in an aerial view
    (object distance unknown or at least :data:`CLOSE_RANGE_M`) a big, blobby body (more than
    :data:`CLUTTER_AREA_FRACTION` of the frame and less elongated than :data:`LINEAR_ELONGATION`:
    roof, road, vehicle, tree crown); in any view one that stands out from its local background by
    no more than the camera's accuracy (a difference within it is never a defect)."""
    aerial = distance_m is None or distance_m <= 0 or distance_m >= CLOSE_RANGE_M
    big_blob = (aerial and region.area_px > max(CLUTTER_AREA_FRACTION * frame_px, CLUTTER_MIN_PX)
                and region.elongation < LINEAR_ELONGATION)
    contrast = region.local_contrast_k
    faint = bool(np.isfinite(contrast)) and contrast <= accuracy_k(region.t_max_c, accuracy)
    return big_blob or faint


def valid_peer_t2(ref: Reference, t0_c: float, accuracy: tuple[float, float] = CAMERA_ACCURACY) -> bool:
    """Whether a similar region's T2 can be the same part on a healthy phase: a part carrying load is
    not colder than the ambient reference body by more than the camera's accuracy; a colder
    look-alike is background or a sky reflection on bare metal (δ would exceed 100 %)."""
    if ref.t2_c is None or ref.source not in ("similar-component", "same-conductor"):
        return True
    return ref.t2_c >= t0_c - accuracy_k(ref.t2_c, accuracy)


LINE_PROFILE_PX = 4
"""Half length (px) of the profile across a conductor sampled by :func:`conductor_beyond`."""
LINE_CONTRAST_K = 1.0
"""Least difference (K) between a conductor's line and the background on both sides of it for a
sample to count: twenty times the NETD of a 50 mK core, so noise never makes a line. Project choice."""
BEYOND_PX = (1.0, 2.5)
"""Where, along a hot region's long axis, its conductor is sampled for T2 (:func:`conductor_beyond`):
from 1 to 2.5 region lengths beyond its maximum, on both sides, i.e. past the joint's own heat
(which falls to e⁻¹ within one fin length λ, docs/physics.md §3)."""


def conductor_beyond(celsius: CelsiusArray, labels: np.ndarray, region: Region,
                     accuracy: tuple[float, float] = CAMERA_ACCURACY) -> Reference | None:
    """T2 of a hot joint whose conductor is not part of the warm region (bare aluminium reflecting a
    cold sky looks colder than the ground, docs/physics.md §1): the conductor's own temperature,
    sampled along the region's long axis :data:`BEYOND_PX` region lengths beyond the maximum on both
    sides (the joint heats its conductor and the heat decays along it, so the joint's warm region is
    elongated along the conductor). At each sample a profile across the axis must show a thin line
    at least :data:`LINE_CONTRAST_K` off the background on both sides; the line's value there is a
    sample. T2 is their median. None when the region has no direction, fewer than 6 samples show a
    line, or they spread more than the camera's accuracy (no single conductor there)."""
    if region.elongation < 1.5:
        return None
    h, w = celsius.shape
    theta = np.deg2rad(region.angle_deg)
    ux, uy = float(np.cos(theta)), float(np.sin(theta))
    length = float(max(region.bbox[2], region.bbox[3]))
    mx, my = region.max_xy
    offsets = np.arange(-LINE_PROFILE_PX, LINE_PROFILE_PX + 1, dtype=np.float64)
    samples: list[float] = []
    for sign in (-1.0, 1.0):
        for d in np.linspace(BEYOND_PX[0] * length, BEYOND_PX[1] * length, 8):
            px = np.rint(mx + sign * d * ux - offsets * uy).astype(int)
            py = np.rint(my + sign * d * uy + offsets * ux).astype(int)
            if px.min() < 0 or py.min() < 0 or px.max() >= w or py.max() >= h:
                continue
            if np.any((labels[py, px] != 0) & (labels[py, px] != region.label)):
                continue
            profile = celsius[py, px].astype(np.float64)
            side = 0.5 * (profile[:2].mean() + profile[-2:].mean())
            centre = profile[LINE_PROFILE_PX - 1:LINE_PROFILE_PX + 2]
            k = int(np.argmax(np.abs(centre - side)))
            if abs(centre[k] - side) >= LINE_CONTRAST_K:
                samples.append(float(centre[k]))
    if len(samples) < 6:
        return None
    q25, q50, q75 = np.percentile(samples, [25.0, 50.0, 75.0])
    if q75 - q25 > accuracy_k(float(q50), accuracy):
        return None
    return Reference(float(q50), "same-conductor", None, ())


def joint_on_conductor(celsius: CelsiusArray, labels: np.ndarray, region: Region,
                       accuracy: tuple[float, float] = CAMERA_ACCURACY,
                       ) -> tuple[Region, np.ndarray, Reference] | None:
    """A hot joint split out of the linear region (conductor, jumper) it sits on, or None.

    T2 is the same conductor away from the joint: the median ridge temperature (the 3×3 px maximum
    within the region, so the edge pixels blurred towards the background by the optics do not pull
    it down) of the region's pixels farther than :data:`JOINT_CLEAR` of its length (at least
    :data:`JOINT_CLEAR_PX`) from the maximum. The joint is the connected part of the region around
    the maximum that is hotter than T2 + half the excess (the joint's own outline at half height).
    None when the region is not a conductor (linear, long, thin: :data:`CONDUCTOR_MAX_WIDTH_PX`), or
    the excess T1 − T2 is within the camera's accuracy or within :data:`JOINT_PEAK_SPREAD` robust
    deviations of the far ridge temperatures.
    """
    x, y, w, h = region.bbox
    if not linear_body(region):
        return None
    mask = labels[y:y + h, x:x + w] == region.label
    patch = celsius[y:y + h, x:x + w]
    mx, my = region.max_xy[0] - x, region.max_xy[1] - y
    yy, xx = where_yx(mask)
    clear = max(JOINT_CLEAR_PX, JOINT_CLEAR * max(w, h))
    far = np.hypot(xx - mx, yy - my) >= clear
    if far.sum() < 2 * JOINT_CLEAR_PX:
        return None
    inside = np.where(mask, patch, np.float32(-1e4)).astype(np.float32)
    ridge = cv2.dilate(inside, np.ones((3, 3), np.uint8))
    far_c = ridge[yy[far], xx[far]]
    q25, t2_, q75 = np.percentile(far_c, [25.0, 50.0, 75.0])
    t2 = float(t2_)
    excess = region.t_max_c - t2
    if excess <= accuracy_k(region.t_max_c, accuracy) or excess < JOINT_PEAK_SPREAD * (q75 - q25) / 1.349:
        return None
    hot = (mask & (patch >= t2 + 0.5 * excess)).astype(np.uint8)
    _, comp = cv2.connectedComponents(hot, connectivity=8)
    joint = comp == comp[my, mx]
    jy, jx = where_yx(joint)
    jbox = (x + int(jx.min()), y + int(jy.min()), int(jx.max() - jx.min() + 1), int(jy.max() - jy.min() + 1))
    contours, _ = cv2.findContours(joint.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE,
                                   offset=(x, y))
    contour = max(contours, key=len).reshape(-1, 2).astype(np.int32)
    core = cv2.erode(joint.astype(np.uint8), np.ones((3, 3), np.uint8), borderValue=0)
    part = dataclasses.replace(region, bbox=jbox, area_px=int(joint.sum()),
                               t_mean_c=float(patch[joint].mean()), core_px=int(core.sum()),
                               width_px=mask_width_px(joint))
    return part, contour, Reference(t2, "same-conductor", region.bbox, ())
