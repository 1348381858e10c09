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

import numpy as np

from irpatrol.analysis.background import background, check_frame, local_background
from irpatrol.analysis.measure import box
from irpatrol.analysis.references import (
    NO_REFERENCE,
    Reference,
    automatic_t2,
    comparable,
    lowest_similar_peak,
    peer_table,
)
from irpatrol.analysis.segmentation import BBox, Region, segment_local
from irpatrol.conditions import MIN_TARGET_PX, Conditions, validity_flags
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
SPOT_PX = 3
"""Side of the measurement spot in pixels: a hot spot must span ≥ 3×3 px before its T_max is
trusted (../shared/domain/standards.md §2; Fluke: the measurement IFOV is 2–3 times the
theoretical one)."""
UNRESOLVED_RISE_FACTOR = 2.0
"""A lone region too small to be recognised as a part (no 3×3 px core or under 10 px long, see
:func:`irpatrol.analysis.references.comparable`) is reported only at twice :data:`MIN_RISE_K`:
with no peer and no resolvable shape nothing tells a faulty part from a warm speck of the
background, so only a clearly hot one (≥ 20 K, the NETA "priority 2" over-ambient band starts
above 20 °C, standards.md §3.1) is worth an analyst's look; it is flagged ``small-target``."""


@dataclass(frozen=True, eq=False)
class Hotspot:
    """One hot region and its references (temperatures °C, differences K, δ in %).

    ``t2_*`` is None and ``t2_source`` is ``"none"`` when nothing comparable was found;
    ``delta_pct`` is None when T2 is unknown or T1 ≤ T0 (then ``flags`` holds ``not-above-ambient``).
    ``pixel_size_m`` (m, object-side footprint of one pixel) and ``min_target_m`` (m, the
    smallest trusted target) are set when the distance and the camera's IFOV are known, see
    :func:`trusted_target`. ``pattern`` is the thermal pattern, see :func:`thermal_pattern`.
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


def _inside(xy: tuple[int, int], bbox: BBox) -> bool:
    x, y, w, h = bbox
    return x <= xy[0] < x + w and y <= xy[1] < y + h


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
    :data:`SPOT_PX` footprints, i.e. be at least 3·distance·IFOV across in every direction — a
    region with no pixel whose 3×3 neighbourhood lies inside it (``Region.core_px`` = 0) is
    narrower than that somewhere, however long it is (a thin line of 40 px is flagged). Unknown:
    fewer than :data:`irpatrol.conditions.MIN_TARGET_PX` (9) pixels, as before.
    """
    if trusted_target(distance_m, ifov_mrad) is None:
        return region.area_px < MIN_TARGET_PX
    return region.core_px == 0 or region.area_px < SPOT_PX * SPOT_PX


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
        return [None if user_ref.bbox and _inside(r.max_xy, user_ref.bbox) else user_ref for r in regions]
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
            out[i] = automatic_t2(subset, j, table, max_peers=max_peers)
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
    for region, ref in zip(regions, _references(regions, user_ref, max_peers, min_delta_k), strict=True):
        if ref is None:
            continue
        if ref is NO_REFERENCE and not _lone_hot(region, t0_c, min_rise_k):
            continue
        if ref.t2_c is not None and region.t_max_c - ref.t2_c < min_delta_k:
            continue
        found.append(_hotspot(region, seg.outline(region), ref, t0_c, t0_source, conditions, ifov_mrad,
                              flag_conditions))
    return found
