"""The one mapping of a hotspot and its diagnosis to the columns of a registry Finding.

Ingest (in worker processes), recompute and the analyst's manual hotspot all build a
:class:`FindingRow` with :func:`finding_row` and write it with :meth:`FindingRow.columns` /
:meth:`FindingRow.apply`, so a column is filled the same way whichever path made the finding.

Names: T1 (the hottest pixel of the hot region) ``t1_c``, T2 (the reference: the same part on a
healthy phase, the conductor away from the joint or the analyst's region) ``t2_c``, T0 (the
ambient reference) ``t0_c``, all °C; ΔT = T1 − T2 and τ = T1 − T0 in K; δ = (T1 − T2)/(T1 − T0)
in % (DL/T 664-2016 §3, computed by the analysis and the diagnosis, never here). The registry's
columns keep their names (``t_max_c``, ``t_ref_c``, ``t_ambient_c``) and the stored diagnosis its
JSON keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from irpatrol.analysis.hotspots import Hotspot
    from irpatrol.diagnosis.result import Diagnosis
    from irpatrol.registry.model import Finding

MAX_CONTOUR_POINTS = 64
"""Contours are thinned to at most this many vertices before they are stored."""
REVIEW_FLAG = "review"
"""Added to a finding's flags when its diagnosis asks for review (unrated, ≥ 10 K over T0)."""
_TEXT_MAX = 200


@dataclass(frozen=True)
class FindingRow:
    """A finding's values as plain, picklable data (°C, K, %, px), ready for the Finding columns."""

    bbox: tuple[int, int, int, int]
    max_xy: tuple[int, int]
    area_px: int
    contour: list[list[int]] | None
    t1_c: float
    t_mean_c: float | None
    t2_c: float | None
    t2_source: str | None
    t0_c: float | None
    delta_t_k: float | None
    rise_k: float | None
    delta_pct: float | None
    corrected_delta_t_k: float | None
    standard: str
    device: str
    grade: str
    rule: str | None
    clause: str | None
    confidence: str | None
    flags: tuple[str, ...]
    diagnosis: dict[str, Any]
    """The whole diagnosis as stored JSON (``Finding.diagnosis``; its keys are a contract)."""

    def columns(self) -> dict[str, Any]:
        """The Finding columns this row fills, by column name."""
        x, y, w, h = self.bbox
        return {
            "bbox_x": x, "bbox_y": y, "bbox_w": w, "bbox_h": h,
            "max_x": self.max_xy[0], "max_y": self.max_xy[1],
            "area_px": self.area_px, "contour": self.contour,
            "t_max_c": self.t1_c, "t_mean_c": self.t_mean_c,
            "t_ref_c": self.t2_c, "t_ref_source": self.t2_source, "t_ambient_c": self.t0_c,
            "delta_t_k": self.delta_t_k, "rise_k": self.rise_k, "delta_pct": self.delta_pct,
            "corrected_delta_t_k": self.corrected_delta_t_k,
            "standard": self.standard, "device": self.device, "grade": self.grade,
            "rule": self.rule, "clause": self.clause, "confidence": self.confidence,
            "flags": list(self.flags), "diagnosis": self.diagnosis,
        }

    def apply(self, finding: Finding, *, keep: tuple[str, ...] = ()) -> None:
        """Set these values on an existing finding (a recompute), except the columns in ``keep``."""
        for name, value in self.columns().items():
            if name not in keep:
                setattr(finding, name, value)


def finding_row(
    hotspot: Hotspot, diagnosis: Diagnosis, *, extra: dict[str, Any] | None = None
) -> FindingRow:
    """The row of ``hotspot`` (where, T1, T2, T0, ΔT, τ, δ as measured) graded by ``diagnosis``
    (grade, rule, clause, confidence, validity flags). ``extra`` adds keys to the stored diagnosis
    JSON (e.g. ``ambient_source``)."""
    d = jsonable(diagnosis.to_dict()) | (extra or {})
    return FindingRow(
        bbox=(int(hotspot.bbox[0]), int(hotspot.bbox[1]), int(hotspot.bbox[2]), int(hotspot.bbox[3])),
        max_xy=(int(hotspot.max_xy[0]), int(hotspot.max_xy[1])),
        area_px=int(hotspot.area_px),
        contour=thin(hotspot.contour) or None,
        t1_c=float(hotspot.t_max_c),
        t_mean_c=finite(hotspot.t_mean_c),
        t2_c=finite(hotspot.t2_c),
        t2_source=hotspot.t2_source,
        t0_c=finite(hotspot.t0_c),
        delta_t_k=finite(hotspot.delta_t_k),
        rise_k=finite(hotspot.rise_k),
        delta_pct=finite(hotspot.delta_pct),
        corrected_delta_t_k=finite(diagnosis.corrected_delta_t_k),
        standard=diagnosis.standard,
        device=diagnosis.device,
        grade=diagnosis.grade or "none",
        rule=_text(diagnosis.rule),
        clause=_text(diagnosis.clause),
        confidence=_text(diagnosis.confidence),
        flags=validity_flags(diagnosis),
        diagnosis=d,
    )


def validity_flags(diagnosis: Diagnosis) -> tuple[str, ...]:
    """The finding's flags: the diagnosis's validity flags, plus :data:`REVIEW_FLAG` when it asks
    for review. Computed here only."""
    return (*diagnosis.flags, *((REVIEW_FLAG,) if diagnosis.review else ()))


def thin(contour: Any) -> list[list[int]]:
    """A contour as at most :data:`MAX_CONTOUR_POINTS` [x, y] vertices (px)."""
    pts = np.asarray(contour).reshape(-1, 2) if contour is not None else np.empty((0, 2))
    if len(pts) > MAX_CONTOUR_POINTS:
        pts = pts[np.linspace(0, len(pts) - 1, MAX_CONTOUR_POINTS).astype(int)]
    return [[int(a), int(b)] for a, b in pts]


def finite(x: Any) -> float | None:
    """``x`` as a float, None when it is None or not finite."""
    if x is None:
        return None
    v = float(x)
    return v if np.isfinite(v) else None


def _text(v: str | None) -> str | None:
    return None if v is None else str(v)[:_TEXT_MAX]


def jsonable(obj: Any) -> Any:
    """Nested dict/list with numpy scalars and non-finite floats made JSON-safe."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj
