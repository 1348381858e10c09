"""Finding services: recompute a finding with other capture parameters.

A temperature depends on the object parameters the camera was told (emissivity ε, distance,
reflected apparent temperature; shared/domain/radiometry.md, Planck/atmosphere equation). A
recompute re-reads the image's stored file (the copy in the content store, see
:mod:`irpatrol.registry.store`), recalculates its temperatures with the new values
(``Thermogram.with_params``: from the raw counts, so only formats that keep them — FLIR R-JPEG, FFF,
DJI R-JPEG, raw-count TIFF as the flight simulator writes — can be recomputed; a temperature TIFF
raises ParameterError), examines it again with the
finding's standard and component kind and the patrol's conditions, and updates the finding from
the hotspot at the same place. The defect the finding belongs to gets a timeline entry; a finding
that becomes graded and had no defect opens or joins one as ingest would.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.conditions import Conditions
from irpatrol.db import utcnow
from irpatrol.errors import NotFound, ParameterError
from irpatrol.registry import grades
from irpatrol.registry.audit import record
from irpatrol.registry.defects import DeadlinePolicy, attach_finding, register_finding
from irpatrol.registry.finding_row import finding_row
from irpatrol.registry.model import (
    DEFAULT_COMPONENT_KIND,
    Component,
    DefectEvent,
    Feeder,
    Finding,
    Image,
    Patrol,
    Pole,
)
from irpatrol.registry.store import stored_file

if TYPE_CHECKING:
    from irpatrol.radiometry.thermogram import Thermogram

EMISSIVITY_RANGE = (0.01, 1.0)
"""Emissivity accepted for a recompute or a viewer preview (inclusive; below 0.01 the object term
of the radiometric equation divides by almost nothing)."""
DISTANCE_RANGE_M = (0.0, 10_000.0)
"""Object distance accepted (m, inclusive)."""
REFLECTED_RANGE_C = (-100.0, 1000.0)
"""Reflected apparent temperature accepted (°C, inclusive)."""


def check_recompute_params(
    emissivity: float | None, distance_m: float | None, reflected_c: float | None
) -> None:
    """ParameterError unless every given value lies in its range above (the same bounds the viewer's
    preview and the API use)."""
    for name, value, (low, high) in (
        ("emissivity", emissivity, EMISSIVITY_RANGE),
        ("distance_m", distance_m, DISTANCE_RANGE_M),
        ("reflected_c", reflected_c, REFLECTED_RANGE_C),
    ):
        if value is not None and not (low <= value <= high):  # NaN fails too
            raise ParameterError(f"{name} {value} out of range: {low}–{high}")


def component(session: Session, pole_id: int, kind: str, phase: str | None) -> Component:
    """The component ``kind`` on ``phase`` of pole ``pole_id``, created on first use (flushed)."""
    comp = session.scalar(
        select(Component).where(
            Component.pole_id == pole_id, Component.kind == kind, Component.phase == phase
        )
    )
    if comp is None:
        comp = Component(pole_id=pole_id, kind=kind, phase=phase)
        session.add(comp)
        session.flush()
    return comp


def conditions_of(session: Session, image: Image) -> tuple[Conditions, float | None]:
    """The conditions an image was taken in (its patrol's weather and load, its feeder's rated
    current) and the patrol's ambient temperature T0 (°C, None when not recorded)."""
    patrol = session.get(Patrol, image.patrol_id) if image.patrol_id else None
    rated = None
    if image.pole_id is not None:
        pole = session.get(Pole, image.pole_id)
        feeder = session.get(Feeder, pole.feeder_id) if pole else None
        rated = feeder.rated_current_a if feeder else None
    if patrol is None:
        return Conditions(rated_current_a=rated), None
    loads = [pf.load_current_a for pf in patrol.feeders if pf.load_current_a is not None]
    return (
        Conditions(
            wind_m_s=patrol.wind_m_s,
            humidity_pct=patrol.humidity_pct,
            rain=bool(patrol.rain),
            load_current_a=loads[0] if len(loads) == 1 else None,
            rated_current_a=rated,
        ),
        patrol.ambient_c,
    )


def _closest(hotspots: list[Any], x: int, y: int) -> Any | None:
    """The hotspot whose box holds (x, y), else the one whose hottest pixel is nearest to it."""
    inside = [f for f in hotspots if _contains(f.hotspot.bbox, x, y)]
    pool = inside or hotspots
    if not pool:
        return None
    return min(pool, key=lambda f: (f.hotspot.max_xy[0] - x) ** 2 + (f.hotspot.max_xy[1] - y) ** 2)


def _contains(bbox: Any, x: int, y: int) -> bool:
    bx, by, bw, bh = (int(v) for v in bbox)
    return bx <= x < bx + bw and by <= y < by + bh


def recompute(
    session: Session,
    finding_id: int,
    *,
    emissivity: float | None = None,
    distance_m: float | None = None,
    reflected_c: float | None = None,
    data_dir: Path,
    user: str | None = None,
    policy: DeadlinePolicy | None = None,
    at: datetime | None = None,
) -> Finding:
    """Recompute finding ``finding_id`` with new ε, distance (m) or reflected temperature (°C).

    ``data_dir`` is the data folder the image store is under (the edge's ``Settings.data_dir``). NotFound
    when the finding or its file is gone; ParameterError for values out of range or a file that
    keeps no raw data. When no hotspot is left at the finding's place, the finding keeps
    its geometry, takes the new maximum in its box and is graded ``none``. The caller commits.
    """
    check_recompute_params(emissivity, distance_m, reflected_c)
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFound(f"no finding #{finding_id}")
    device = finding.device or finding.image.component_kind or DEFAULT_COMPONENT_KIND
    thermogram, hotspots = _examine_again(
        session, finding, device, emissivity, distance_m, reflected_c, data_dir
    )
    x = finding.max_x if finding.max_x is not None else finding.bbox_x + finding.bbox_w // 2
    y = finding.max_y if finding.max_y is not None else finding.bbox_y + finding.bbox_h // 2
    old_grade, old_t = finding.grade, finding.t_max_c
    match = _closest(hotspots, x, y)
    if finding.origin == "manual":  # measured again in the analyst's regions, T0 as stored
        _manual_again(finding, thermogram.celsius, device, conditions_of(session, finding.image)[0])
    elif match is not None:
        finding_row(match.hotspot, match.diagnosis).apply(finding, keep=("contour",))  # outline as found
    else:
        _nothing_left(finding, thermogram.celsius)
    finding.params = dataclasses.asdict(thermogram.params)
    when = at or utcnow()
    note = (f"finding #{finding.id} recomputed ({_changes(emissivity, distance_m, reflected_c)}): grade"
            f" {old_grade} → {finding.grade}, {old_t:.1f} → {finding.t_max_c:.1f} °C")
    _follow_defect(session, finding, when, user, policy, device, note)
    params = {"emissivity": emissivity, "distance_m": distance_m, "reflected_c": reflected_c}
    changes = {"grade": [old_grade, finding.grade], "t_max_c": [old_t, finding.t_max_c]}
    record(session, user, "recompute", "finding", finding.id, params | changes)
    session.flush()
    return finding


def _examine_again(
    session: Session,
    finding: Finding,
    device: str,
    emissivity: float | None,
    distance_m: float | None,
    reflected_c: float | None,
    data_dir: Path,
) -> tuple[Thermogram, list[Any]]:
    """The finding's image read again with the new parameters, and its hotspots examined as ingest
    would (the finding's rule set and component kind, the patrol's conditions)."""
    from irpatrol import radiometry
    from irpatrol.pipeline import examine

    image = finding.image
    conditions, ambient_c = conditions_of(session, image)
    try:
        thermogram = radiometry.read(stored_file(image, data_dir)).with_params(
            emissivity=emissivity, distance_m=distance_m, reflected_c=reflected_c
        )
        exam = examine(
            thermogram,
            standard=finding.standard or "dlt664-2016",
            device=device,
            ambient_c=ambient_c,
            conditions=conditions,
            ambient_source="patrol",
        )
    except (ZeroDivisionError, OverflowError, FloatingPointError) as exc:
        # extreme but in-range values can still leave no finite temperature or difference
        raise ParameterError(f"these parameters give no usable temperatures: {exc}") from None
    return thermogram, list(exam.hotspots)


def _manual_again(finding: Finding, celsius: Any, device: str, conditions: Conditions) -> None:
    """A manual finding recomputed: T1 in its region, T2 in the analyst's reference region (when
    the finding stored one), T0 the finding's stored one."""
    from irpatrol.registry.manual import manual_row

    stored = finding.diagnosis or {}
    outline = finding.contour if finding.contour and len(finding.contour) >= 3 else None
    t0_c = finding.t_ambient_c if finding.t_ambient_c is not None else float(np.nanmedian(celsius))
    row = manual_row(
        celsius, component_kind=device, standard=finding.standard or "dlt664-2016",
        bbox=(finding.bbox_x, finding.bbox_y, finding.bbox_w, finding.bbox_h), polygon=outline,
        reference_bbox=stored.get("reference_bbox"), t0_c=t0_c,
        t0_source=str(stored.get("ambient_source") or "background-median"), conditions=conditions,
    )
    row.apply(finding, keep=("contour", "bbox_x", "bbox_y", "bbox_w", "bbox_h"))


def _nothing_left(finding: Finding, celsius: Any) -> None:
    """No hotspot at the finding's place any more: the new maximum in its box, graded ``none``."""
    box = celsius[
        finding.bbox_y : finding.bbox_y + finding.bbox_h, finding.bbox_x : finding.bbox_x + finding.bbox_w
    ]
    valid = box[np.isfinite(box)]  # parameters can leave pixels without a temperature (NaN)
    if box.size and not valid.size:
        raise ParameterError("these parameters leave no valid temperature in the finding's box")
    finding.t_max_c = float(valid.max()) if valid.size else finding.t_max_c
    finding.grade = "none"
    finding.diagnosis = {
        **(finding.diagnosis or {}),
        "grade": "none",
        "advice": ["no hotspot left at this place with the new parameters"],
    }


def _follow_defect(
    session: Session,
    finding: Finding,
    when: datetime,
    user: str | None,
    policy: DeadlinePolicy | None,
    device: str,
    comment: str,
) -> None:
    """The finding's defect gets a timeline note (and the worse grade); a finding graded into a
    defect that had none opens or joins one as ingest would."""
    if finding.defect is not None:
        session.add(
            DefectEvent(
                defect_id=finding.defect.id,
                event="note",
                at=when,
                username=user,
                finding_id=finding.id,
                t_max_c=finding.t_max_c,
                delta_t_k=finding.delta_t_k,
                comment=comment,
            )
        )
        defect = finding.defect
        if grades.severity(finding.standard, finding.grade) > grades.severity(defect.standard, defect.grade):
            attach_finding(session, finding.defect, finding, at=when, policy=policy)
    elif (
        grades.is_defect(finding.standard, finding.grade)
        and finding.pole_id is not None
        and finding.component_id is not None
    ):
        image = finding.image
        register_finding(
            session,
            finding,
            found_at=when,
            lat=image.lat,
            lon=image.lon,
            policy=policy,
            description=f"{device}: {finding.grade} after recompute",
        )


def _changes(emissivity: float | None, distance_m: float | None, reflected_c: float | None) -> str:
    parts = []
    if emissivity is not None:
        parts.append(f"ε {emissivity:g}")
    if distance_m is not None:
        parts.append(f"distance {distance_m:g} m")
    if reflected_c is not None:
        parts.append(f"reflected {reflected_c:g} °C")
    return ", ".join(parts) or "same parameters"
