"""Hotspots of a thermal frame with their references T2 and T0, ΔT, rise τ and δ.

Definitions (DL/T 664-2016 §1.2 as summarised in ../shared/domain/standards.md §1.2)::

    ΔT = T1 − T2                 delta_t_k   (K)
    τ1 = T1 − T0                 rise_k      (K)
    δ  = (T1 − T2) / (T1 − T0)   delta_pct   (%)

T1 is the hottest pixel of a warm region, T2 the normal corresponding point and T0 the ambient
reference (see :mod:`irpatrol.analysis.references`). The steps are:

1. robust background statistics and the warm-equipment threshold (:mod:`.background`);
2. connected warm regions with outline and statistics (:mod:`.segmentation`);
3. T2 per region from similar regions, or from a user region; T0 from the user, else the
   background median;
4. a region is a hotspot when it is at least ``min_delta_k`` hotter than its T2, or, having no
   similar region to compare with, at least ``min_rise_k`` above T0.

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
from irpatrol.conditions import Conditions, validity_flags
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


@dataclass(frozen=True, eq=False)
class Hotspot:
    """One hot region and its references (temperatures °C, differences K, δ in %).

    ``t2_*`` is None and ``t2_source`` is ``"none"`` when nothing comparable was found;
    ``delta_pct`` is None when T2 is unknown or T1 ≤ T0 (then ``flags`` holds ``not-above-ambient``).
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


def _hotspot(region: Region, contour: np.ndarray, ref: Reference, t0_c: float, t0_source: str,
             conditions: Conditions) -> Hotspot:
    t1 = region.t_max_c
    rise = t1 - t0_c
    delta = None if ref.t2_c is None else t1 - ref.t2_c
    pct = None if delta is None or rise <= 0 else 100.0 * delta / rise
    cond = dataclasses.replace(conditions, target_px=region.area_px)
    flags = tuple(validity_flags(cond, hot_c=t1, ambient_c=t0_c))
    return Hotspot(
        bbox=region.bbox, contour=contour, area_px=region.area_px, t_max_c=t1, max_xy=region.max_xy,
        t_mean_c=region.t_mean_c, t2_c=ref.t2_c, t2_source=ref.source, t2_bbox=ref.bbox, t0_c=t0_c,
        t0_source=t0_source, delta_t_k=delta, rise_k=rise, delta_pct=pct, peer_bboxes=ref.peer_bboxes,
        flags=flags,
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
    for j, (i, r) in enumerate(zip(measurable, subset, strict=True)):
        too_close = np.isfinite(lowest[j]) and r.t_max_c - lowest[j] < min_delta_k
        out[i] = None if too_close else automatic_t2(subset, j, table, max_peers=max_peers)
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
    """
    celsius = _celsius_of(celsius_or_thermogram)
    if min_area_px < 1 or max_peers < 1:
        raise ParameterError(f"min_area_px and max_peers must be ≥ 1, got {min_area_px} and {max_peers}")
    if ambient_c is not None and not -273.15 < ambient_c < 2000.0:
        raise ParameterError(f"ambient temperature must be a finite °C value above −273.15, got {ambient_c}")
    bg = background(celsius, k_sigma=k_sigma, min_contrast_k=min_contrast_k)
    t0_c, t0_source = (float(ambient_c), ambient_source) if ambient_c is not None else (
        bg.ambient_c, "background-median")
    local = local_background(celsius, fill_c=bg.median_c)
    seg = segment_local(celsius, local.level_c, local.sigma_k, bg.threshold_c, min_area_px=min_area_px)
    regions = seg.regions
    user_ref = None if reference_bbox is None else _user_reference(celsius, reference_bbox)
    conditions = conditions or Conditions()
    found: list[Hotspot] = []
    for region, ref in zip(regions, _references(regions, user_ref, max_peers, min_delta_k), strict=True):
        if ref is None:
            continue
        if ref is NO_REFERENCE and not _lone_hot(region, t0_c, min_rise_k):
            continue
        if ref.t2_c is not None and region.t_max_c - ref.t2_c < min_delta_k:
            continue
        found.append(_hotspot(region, seg.outline(region), ref, t0_c, t0_source, conditions))
    return found
