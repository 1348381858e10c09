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
from typing import TYPE_CHECKING, Any

import numpy as np

from irpatrol.conditions import Conditions
from irpatrol.errors import IrPatrolError
from irpatrol.registry.finding_row import FindingRow, finding_row, finite
from irpatrol.registry.geo import PoleIndex

if TYPE_CHECKING:
    from irpatrol.radiometry.thermogram import Thermogram


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
class FoundHotspot:
    """A hotspot of the image as its Finding row, with the phase it lies on."""

    phase: str
    row: FindingRow


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
    findings: tuple[FoundHotspot, ...] = ()


def phase_of(x: int, width: int) -> str:
    """Phase A, B or C of a pixel column (left, middle, right third; see module doc)."""
    third = min(2, max(0, int(3 * x / max(width, 1))))
    return "ABC"[third]


def rejected(path: str, name: str, sha256: str, reason: str) -> ImageAnalysis:
    """The analysis of a file that is not recorded as analysed, with the reason."""
    return ImageAnalysis(path=path, name=name, sha256=sha256, status="rejected", reason=reason)


def analyse(path: str, name: str, sha256: str, data: bytes, ctx: MatchContext) -> ImageAnalysis:
    """Decode ``data``, match it to the nearest pole within ``ctx.radius_m`` and examine it."""
    from irpatrol import radiometry
    from irpatrol.pipeline import examine

    try:
        th = radiometry.decode(data)
    except IrPatrolError as exc:
        return rejected(path, name, sha256, str(exc))
    except Exception as exc:  # a decoder bug must not stop the run; the reason is kept
        return rejected(path, name, sha256, f"decoder failed: {type(exc).__name__}: {exc}")
    gps = th.meta.gps
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
    rated = ctx.pole_rated_a.get(pole_id) if pole_id is not None else None
    if rated is not None and conditions.rated_current_a is None:
        conditions = dataclasses.replace(conditions, rated_current_a=rated)
    base = _image_values(th, path, name, sha256) | dict(
        pole_id=pole_id, pole_distance_m=match[1] if match else None, kind=kind
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
        return ImageAnalysis(**base, status="rejected", reason=f"analysis failed: {exc}")
    found = tuple(
        FoundHotspot(phase_of(int(f.hotspot.max_xy[0]), th.width), finding_row(f.hotspot, f.diagnosis))
        for f in exam.hotspots
    )
    return ImageAnalysis(**base, status="analysed", reason=reason, findings=found)


def _image_values(th: Thermogram, path: str, name: str, sha256: str) -> dict[str, Any]:
    """The Image columns a decoded file gives (position, attitude, time, size, temperatures)."""
    meta, gps = th.meta, th.meta.gps
    return dict(
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
        t_max_c=finite(np.max(th.celsius)),
        t_min_c=finite(np.min(th.celsius)),
    )
