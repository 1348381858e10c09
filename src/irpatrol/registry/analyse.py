"""One image of an ingest: decode → match to a pole → examine (no database; runs in worker processes).

The result is a picklable :class:`ImageAnalysis` of plain values that the parent process writes
to the registry. A file that cannot be decoded or analysed becomes a ``rejected`` analysis with
the reason, never an exception, so one bad file does not stop a run.

Phase of a finding: the crossarm is framed horizontally with phases A, B, C from left to right
(the framing the flight simulator and the patrol instructions use), so the hotspot's hottest
pixel in the left, middle or right third of the frame gives phase A, B or C.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from irpatrol.conditions import Conditions
from irpatrol.errors import IrPatrolError
from irpatrol.registry.geo import PoleIndex

MAX_CONTOUR_POINTS = 64
"""Contours are thinned to at most this many vertices before they are stored."""


@dataclass(frozen=True)
class MatchContext:
    """What a worker needs besides the file: poles to match against and how to examine."""

    poles: PoleIndex
    pole_kind: dict[int, str]
    pole_rated_a: dict[int, float | None]
    radius_m: float
    standard: str
    default_kind: str
    ambient_c: float | None = None
    conditions: Conditions = field(default_factory=Conditions)
    kind_override: str | None = None
    standards_dirs: tuple[Path, ...] = ()
    """The rule-set loader's search path, set again in each worker process."""


@dataclass(frozen=True)
class FindingData:
    """A hotspot with its diagnosis as plain values (°C, K, %, px)."""

    bbox: tuple[int, int, int, int]
    max_xy: tuple[int, int]
    area_px: int
    contour: list[list[int]]
    t_max_c: float
    t_mean_c: float | None
    t_ref_c: float | None
    t_ref_source: str | None
    t_ambient_c: float | None
    delta_t_k: float | None
    rise_k: float | None
    delta_pct: float | None
    phase: str
    grade: str
    diagnosis: dict[str, Any]


@dataclass(frozen=True)
class ImageAnalysis:
    """Everything the registry stores about one file."""

    path: str
    name: str
    sha256: str
    status: str
    reason: str | None = None
    camera: str | None = None
    source_format: str | None = None
    width: int | None = None
    height: int | None = None
    params: dict[str, Any] | None = None
    lat: float | None = None
    lon: float | None = None
    alt_m: float | None = None
    gimbal: tuple[float | None, float | None, float | None] = (None, None, None)
    captured_at: datetime | None = None
    pole_id: int | None = None
    pole_distance_m: float | None = None
    t_max_c: float | None = None
    t_min_c: float | None = None
    kind: str | None = None
    findings: tuple[FindingData, ...] = ()


def phase_of(x: int, width: int) -> str:
    """Phase A, B or C of a pixel column (left, middle, right third; see module doc)."""
    third = min(2, max(0, int(3 * x / max(width, 1))))
    return "ABC"[third]


def _thin(contour: Any) -> list[list[int]]:
    pts = np.asarray(contour).reshape(-1, 2) if contour is not None else np.empty((0, 2))
    if len(pts) > MAX_CONTOUR_POINTS:
        pts = pts[np.linspace(0, len(pts) - 1, MAX_CONTOUR_POINTS).astype(int)]
    return [[int(a), int(b)] for a, b in pts]


def _f(x: Any) -> float | None:
    if x is None:
        return None
    v = float(x)
    return v if np.isfinite(v) else None


def analyse(path: str, name: str, sha256: str, data: bytes, ctx: MatchContext) -> ImageAnalysis:
    """Decode ``data``, match it to the nearest pole within ``ctx.radius_m`` and examine it."""
    from irpatrol import radiometry
    from irpatrol.pipeline import examine

    try:
        th = radiometry.decode(data)
    except IrPatrolError as exc:
        return ImageAnalysis(path=path, name=name, sha256=sha256, status="rejected", reason=str(exc))
    except Exception as exc:  # a decoder bug must not stop the run; the reason is kept
        return ImageAnalysis(
            path=path,
            name=name,
            sha256=sha256,
            status="rejected",
            reason=f"decoder failed: {type(exc).__name__}: {exc}",
        )
    meta = th.meta
    gps = meta.gps
    match = ctx.poles.nearest(gps.lat, gps.lon, ctx.radius_m) if gps is not None else None
    reason = None
    if gps is None:
        reason = "no GPS position in the file; not matched to a pole"
    elif match is None:
        reason = f"no pole of the patrol's feeders within {ctx.radius_m:g} m"
    pole_id = match[0] if match else None
    kind = ctx.kind_override or (
        ctx.pole_kind.get(pole_id, ctx.default_kind) if pole_id else ctx.default_kind
    )
    conditions = ctx.conditions
    if (
        pole_id is not None
        and ctx.pole_rated_a.get(pole_id) is not None
        and conditions.rated_current_a is None
    ):
        conditions = dataclasses.replace(conditions, rated_current_a=ctx.pole_rated_a[pole_id])
    base = dict(
        path=path,
        name=name,
        sha256=sha256,
        camera=th.camera or None,
        source_format=th.source_format,
        width=th.width,
        height=th.height,
        params=dataclasses.asdict(th.params),
        lat=gps.lat if gps else None,
        lon=gps.lon if gps else None,
        alt_m=gps.alt_m if gps else None,
        gimbal=(meta.gimbal.yaw, meta.gimbal.pitch, meta.gimbal.roll) if meta.gimbal else (None, None, None),
        captured_at=meta.captured_at,
        pole_id=pole_id,
        pole_distance_m=match[1] if match else None,
        t_max_c=_f(np.max(th.celsius)),
        t_min_c=_f(np.min(th.celsius)),
        kind=kind,
    )
    try:
        exam = examine(
            th,
            standard=ctx.standard,
            device=kind,
            ambient_c=ctx.ambient_c,
            conditions=conditions,
            ambient_source="patrol",
        )
    except IrPatrolError as exc:
        return ImageAnalysis(**base, status="rejected", reason=f"analysis failed: {exc}")  # type: ignore[arg-type]
    findings = []
    for f in exam.hotspots:
        h = f.hotspot
        d = f.diagnosis.to_dict()
        findings.append(
            FindingData(
                bbox=tuple(int(v) for v in h.bbox),  # type: ignore[arg-type]
                max_xy=(int(h.max_xy[0]), int(h.max_xy[1])),
                area_px=int(h.area_px),
                contour=_thin(h.contour),
                t_max_c=float(h.t_max_c),
                t_mean_c=_f(h.t_mean_c),
                t_ref_c=_f(h.t2_c),
                t_ref_source=h.t2_source,
                t_ambient_c=_f(h.t0_c),
                delta_t_k=_f(h.delta_t_k),
                rise_k=_f(h.rise_k),
                delta_pct=_f(h.delta_pct),
                phase=phase_of(int(h.max_xy[0]), th.width),
                grade=str(d.get("grade") or "none"),
                diagnosis=jsonable(d),
            )
        )
    return ImageAnalysis(**base, status="analysed", reason=reason, findings=tuple(findings))  # type: ignore[arg-type]


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
