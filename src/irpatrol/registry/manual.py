"""A hotspot the analysis missed, measured in the region the analyst marked (no database).

T1 is the hottest pixel of the marked region (a box x, y, w, h or a polygon [[x, y], …], px); T2
the hottest pixel of the reference region the analyst chose (DL/T 664-2016 §3: the normal
corresponding point, the same convention as :mod:`irpatrol.analysis.references` for a user region);
T0 as the registry stored it (see :func:`irpatrol.registry.judgement.add_manual_finding`). ΔT, τ
and δ are the diagnosis's (:mod:`irpatrol.diagnosis.readings`: δ = (T1 − T2)/(T1 − T0) × 100 %),
so the manual finding's numbers are the standard's formula over the T1, T2 and T0 stored beside them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from irpatrol.analysis.hotspots import Hotspot
from irpatrol.conditions import Conditions
from irpatrol.diagnosis.result import Diagnosis
from irpatrol.errors import InputError
from irpatrol.registry.finding_row import FindingRow, finding_row

USER_REGION, NO_REFERENCE = "user-region", "none"
"""``t2_source`` of a manual finding: the analyst's reference region, or none chosen."""


@dataclass(frozen=True)
class Marked:
    """The measured side of a manual hotspot: T1 (°C) at ``max_xy`` in ``bbox``, its mean, its
    pixel count, the outline, and T2 (°C) from the reference region (None without one)."""

    bbox: tuple[int, int, int, int]
    max_xy: tuple[int, int]
    t1_c: float
    t_mean_c: float
    area_px: int
    outline: list[list[int]]
    t2_c: float | None
    reference_bbox: tuple[int, int, int, int] | None


def region_mask(
    shape: tuple[int, int], bbox: Sequence[int] | None, polygon: Sequence[Sequence[int]] | None
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The pixels of a box or polygon in an image of ``shape`` (H, W) and their bounding box."""
    h, w = shape
    mask = np.zeros(shape, dtype=bool)
    if polygon:
        import cv2

        pts = np.asarray([[int(x), int(y)] for x, y in polygon], dtype=np.int32)
        if len(pts) < 3:
            raise InputError("a polygon needs at least three points")
        cv2.fillPoly(mask.view(np.uint8), [pts], 1)
        x0, y0 = max(0, int(pts[:, 0].min())), max(0, int(pts[:, 1].min()))
        x1, y1 = min(w, int(pts[:, 0].max()) + 1), min(h, int(pts[:, 1].max()) + 1)
    elif bbox:
        x, y, bw, bh = (int(v) for v in bbox)
        x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + bw), min(h, y + bh)
        mask[y0:y1, x0:x1] = True
    else:
        raise InputError("mark the hotspot with a box or a polygon")
    if x1 <= x0 or y1 <= y0 or not mask.any():
        raise InputError(f"the marked region lies outside the {w}×{h} image")
    return mask, (x0, y0, x1 - x0, y1 - y0)


def measure(
    celsius: np.ndarray,
    bbox: Sequence[int] | None,
    polygon: Sequence[Sequence[int]] | None,
    reference_bbox: Sequence[int] | None,
) -> Marked:
    """T1 in the marked region and T2 in the reference region of ``celsius`` (°C, H×W)."""
    mask, box = region_mask(celsius.shape, bbox, polygon)
    values = np.where(mask & np.isfinite(celsius), celsius, -np.inf)
    flat = int(np.argmax(values))
    t1 = float(values.flat[flat])
    if not math.isfinite(t1):
        raise InputError("the marked region has no temperatures")
    my, mx = divmod(flat, celsius.shape[1])
    t2, ref_box = None, None
    if reference_bbox:
        ref_mask, ref_box = region_mask(celsius.shape, reference_bbox, None)
        ref = celsius[ref_mask & np.isfinite(celsius)]
        t2 = float(ref.max()) if ref.size else None
    return Marked(
        bbox=box,
        max_xy=(mx, my),
        t1_c=t1,
        t_mean_c=float(np.nanmean(celsius[mask])),
        area_px=int(mask.sum()),
        outline=[[int(x), int(y)] for x, y in polygon] if polygon else [],
        t2_c=t2,
        reference_bbox=ref_box,
    )


def as_hotspot(marked: Marked, diagnosis: Diagnosis, t0_c: float, t0_source: str) -> Hotspot:
    """The marked region as a :class:`~irpatrol.analysis.hotspots.Hotspot`, with ΔT, τ and δ as
    ``diagnosis`` computed them from T1, T2 and T0."""
    return Hotspot(
        bbox=marked.bbox,
        contour=np.asarray(marked.outline, dtype=np.int32).reshape(-1, 2),
        area_px=marked.area_px,
        t_max_c=marked.t1_c,
        max_xy=marked.max_xy,
        t_mean_c=marked.t_mean_c,
        t2_c=marked.t2_c,
        t2_source=USER_REGION if marked.t2_c is not None else NO_REFERENCE,
        t2_bbox=marked.reference_bbox,
        t0_c=t0_c,
        t0_source=t0_source,
        delta_t_k=diagnosis.delta_t_k,
        rise_k=diagnosis.rise_k if diagnosis.rise_k is not None else marked.t1_c - t0_c,
        delta_pct=diagnosis.delta_pct,
    )


def manual_row(
    celsius: np.ndarray,
    *,
    component_kind: str,
    standard: str,
    bbox: Sequence[int] | None,
    polygon: Sequence[Sequence[int]] | None,
    reference_bbox: Sequence[int] | None,
    t0_c: float,
    t0_source: str,
    conditions: Conditions,
) -> FindingRow:
    """The Finding row of a marked region: T1 and T2 measured in the analyst's regions, T0 as given
    (°C), diagnosed with ``standard`` for ``component_kind``. The stored diagnosis adds
    ``ambient_source`` and ``reference_bbox`` (so a recompute measures T2 where the analyst chose)."""
    from irpatrol.diagnosis import diagnose

    marked = measure(celsius, bbox, polygon, reference_bbox)
    diagnosis = diagnose(
        standard, component_kind, hot_c=marked.t1_c, ref_c=marked.t2_c, ambient_c=t0_c, conditions=conditions
    )
    reference = list(marked.reference_bbox) if marked.reference_bbox else None
    extra = {"ambient_source": t0_source, "reference_bbox": reference}
    return finding_row(as_hotspot(marked, diagnosis, t0_c, t0_source), diagnosis, extra=extra)
