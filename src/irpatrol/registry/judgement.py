"""The analyst's judgement over the automatic analysis: a hotspot the analysis missed marked by
hand, an override of component, heating type or grade with a reason, and a recompute shown as a
draft before it is saved. Every change is audited; automatic values stay in their columns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from irpatrol.db import utcnow
from irpatrol.diagnosis.catalogue import KINDS
from irpatrol.errors import InputError, NotFound, ParameterError
from irpatrol.registry import findings as finding_service
from irpatrol.registry import grades, manual, workflow
from irpatrol.registry.audit import record
from irpatrol.registry.defects import DeadlinePolicy, register_finding, taken_after
from irpatrol.registry.finding_row import jsonable
from irpatrol.registry.model import Defect, DefectEvent, Finding, Image
from irpatrol.registry.store import stored_file

HEATING_TYPES = ("current", "voltage", "both")
"""Heating types of DL/T 664-2016 §5 (current-heated, voltage-heated, both)."""

PARAM_BOUNDS: dict[str, tuple[float, float]] = {
    "emissivity": finding_service.EMISSIVITY_RANGE,
    "distance_m": finding_service.DISTANCE_RANGE_M,
    "reflected_c": finding_service.REFLECTED_RANGE_C,
}
"""Accepted capture parameters (inclusive): ε, distance (m), reflected apparent temperature (°C).
The viewer's preview and the saved recompute check these same bounds, so what the preview
refuses (a reflected −273 °C) can never be saved."""


def check_params(emissivity: float | None, distance_m: float | None, reflected_c: float | None) -> None:
    """ParameterError naming the first capture parameter outside :data:`PARAM_BOUNDS`."""
    for name, value in (("emissivity", emissivity), ("distance_m", distance_m), ("reflected_c", reflected_c)):
        if value is None:
            continue
        lo, hi = PARAM_BOUNDS[name]
        if not math.isfinite(value) or not lo <= value <= hi:
            raise ParameterError(f"{name} must be between {lo:g} and {hi:g}, got {value:g}")


DRAFT_KEYS = (
    "grade",
    "t_max_c",
    "t_ref_c",
    "t_ambient_c",
    "delta_t_k",
    "rise_k",
    "delta_pct",
    "rule",
    "clause",
    "confidence",
    "flags",
    "params",
)


def recompute_draft(
    session: Session,
    finding_id: int,
    *,
    emissivity: float | None = None,
    distance_m: float | None = None,
    reflected_c: float | None = None,
    data_dir: Path,
    policy: DeadlinePolicy | None = None,
) -> dict[str, Any]:
    """What :func:`recompute_save` would store, without storing anything: ``before`` and ``after``
    (each with :data:`DRAFT_KEYS`). ``policy`` is the caller's repair deadlines (the edge builds it
    from its settings), so the draft regrades exactly as the save would. ParameterError for values
    outside :data:`PARAM_BOUNDS`."""
    check_params(emissivity, distance_m, reflected_c)
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFound(f"no finding #{finding_id}")
    before = {k: getattr(finding, k) for k in DRAFT_KEYS}
    before["params"] = finding.params or finding.image.params
    nested = session.begin_nested()
    try:
        f = finding_service.recompute(
            session,
            finding_id,
            emissivity=emissivity,
            distance_m=distance_m,
            reflected_c=reflected_c,
            data_dir=data_dir,
            policy=policy,
        )
        after = {k: getattr(f, k) for k in DRAFT_KEYS}
    finally:
        nested.rollback()
    session.expire_all()
    return {"finding_id": finding_id, "before": jsonable(before), "after": jsonable(after)}


def recompute_save(
    session: Session,
    finding_id: int,
    *,
    emissivity: float | None = None,
    distance_m: float | None = None,
    reflected_c: float | None = None,
    data_dir: Path,
    user: str | None = None,
    policy: DeadlinePolicy | None = None,
) -> Finding:
    """Recompute and store (after the analyst confirmed the draft), with the same checks as the
    draft. The defect's newest reading follows the finding when it is the defect's newest one; a
    closed (verified) defect is never regraded by a recompute. A regraded defect takes its deadline
    from ``policy`` (the edge builds it from its settings). The caller commits."""
    check_params(emissivity, distance_m, reflected_c)
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFound(f"no finding #{finding_id}")
    defect = finding.defect
    kept = (defect.grade, defect.standard, defect.deadline) if defect is not None else None
    f = finding_service.recompute(
        session,
        finding_id,
        emissivity=emissivity,
        distance_m=distance_m,
        reflected_c=reflected_c,
        data_dir=data_dir,
        user=user,
        policy=policy,
    )
    if defect is not None and kept is not None:
        if defect.status in (workflow.DefectStatus.VERIFIED.value, workflow.DefectStatus.REJECTED.value):
            defect.grade, defect.standard, defect.deadline = kept
        newest = max(defect.findings, key=lambda x: x.id)
        if newest.id == f.id:
            defect.last_t_max_c, defect.last_delta_t_k = f.t_max_c, f.delta_t_k
    session.flush()
    return f


def override(
    session: Session,
    finding_id: int,
    *,
    reason: str,
    grade: str | None = None,
    component_kind: str | None = None,
    heating: str | None = None,
    user: str | None = None,
    at: datetime | None = None,
    policy: DeadlinePolicy | None = None,
) -> Finding:
    """Set the analyst's grade, component kind or heating type on a finding, with a reason
    (InputError without one, or for an unknown value). The automatic values stay; the finding's
    defect takes the grade (its deadline follows it) and gets a timeline entry; a finding graded
    into a defect that had none opens or joins one, created by ``user``. The caller commits."""
    if not reason or not reason.strip():
        raise InputError("a reason is required to override the automatic judgement")
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFound(f"no finding #{finding_id}")
    _check_override(finding, grade, component_kind, heating)
    when = at or utcnow()
    previous = dict(finding.override or {})
    new = {**previous, "reason": reason.strip(), "user": user, "at": when.isoformat()}
    for key, value in (("grade", grade), ("component_kind", component_kind), ("heating", heating)):
        if value is not None:
            new[key] = value
    finding.override = new
    if component_kind is not None and finding.pole_id is not None:
        phase = finding.component.phase if finding.component else None
        finding.component_id = finding_service.component(session, finding.pole_id, component_kind, phase).id
    if finding.defect is not None:
        _override_defect(session, finding, finding.defect, grade, component_kind, heating, reason.strip(),
                         user, when, policy)
    elif grade is not None and grades.is_defect(finding.standard, grade) and finding.pole_id is not None:
        _open_by_override(session, finding, grade, component_kind, reason.strip(), user, when, policy)
    record(session, user, "override", "finding", finding.id,
           {"before": previous or None, "after": new, "automatic_grade": finding.grade})
    session.flush()
    return finding


def _check_override(finding: Finding, grade: str | None, kind: str | None, heating: str | None) -> None:
    """InputError for an unknown grade, component kind or heating type, or when none is given."""
    if grade is not None:
        grades.validate(finding.standard, grade)
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown component kind {kind!r}")
    if heating is not None and heating not in HEATING_TYPES:
        raise InputError(f"heating must be one of {', '.join(HEATING_TYPES)}, got {heating!r}")
    if grade is None and kind is None and heating is None:
        raise InputError("nothing to override: give a grade, a component kind or a heating type")


def _override_defect(
    session: Session, finding: Finding, defect: Defect, grade: str | None, kind: str | None,
    heating: str | None, reason: str, user: str | None, when: datetime, policy: DeadlinePolicy | None,
) -> None:
    """The finding's defect takes the analyst's grade (its deadline follows) and a timeline entry."""
    if grade is not None and grade != defect.grade:
        old = defect.grade
        if grades.is_defect(finding.standard, grade):
            defect.grade, defect.standard = grade, finding.standard
            deadlines = policy or DeadlinePolicy()
            deadline = deadlines.deadline(grade, defect.found_at, defect.standard)
            defect.deadline = deadline or defect.deadline
        record(session, user, "regrade", "defect", defect.id, {"from": old, "to": grade, "reason": reason})
    session.add(DefectEvent(
        defect_id=defect.id, event="override", at=when, username=user, finding_id=finding.id, reason=reason,
        comment=_override_text(finding, grade, kind, heating),
    ))


def _open_by_override(
    session: Session, finding: Finding, grade: str, kind: str | None, reason: str, user: str | None,
    when: datetime, policy: DeadlinePolicy | None,
) -> None:
    """A finding the analyst graded into a defect opens or joins one, created by ``user``."""
    assert finding.pole_id is not None
    if finding.component_id is None:
        finding.component_id = finding_service.component(
            session, finding.pole_id, kind or finding.device or "conductor", None
        ).id
    saved, finding.grade = finding.grade, grade  # the defect opens with the analyst's grade
    register_finding(session, finding, found_at=when, policy=policy, user=user,
                     description=f"grade set by {user or 'analyst'}: {reason}")
    finding.grade = saved


def _override_text(finding: Finding, grade: str | None, kind: str | None, heating: str | None) -> str:
    parts = []
    if grade is not None:
        parts.append(f"grade {finding.grade} → {grade}")
    if kind is not None:
        parts.append(f"component {finding.device or '—'} → {kind}")
    if heating is not None:
        parts.append(f"heating → {heating}")
    return f"finding #{finding.id}: " + ", ".join(parts)


def add_manual_finding(
    session: Session,
    image_id: int,
    *,
    component_kind: str,
    bbox: Sequence[int] | None = None,
    polygon: Sequence[Sequence[int]] | None = None,
    reference_bbox: Sequence[int] | None = None,
    phase: str | None = None,
    standard: str = "dlt664-2016",
    data_dir: Path,
    user: str | None = None,
    policy: DeadlinePolicy | None = None,
) -> Finding:
    """A hotspot the analysis missed, marked by the analyst with a box (x, y, w, h px) or a polygon
    [[x, y], …], on a component kind of the catalogue, with T2 the hottest pixel of the reference
    box the analyst chose (optional); T1 the hottest pixel of the region, T0 the stored one
    (:func:`stored_t0`). Diagnosed like any finding, its row made by
    :func:`irpatrol.registry.finding_row.finding_row`; a graded one opens or joins a defect of the
    image's pole, created by ``user``. The caller commits."""
    from irpatrol import radiometry

    if component_kind not in KINDS:
        raise InputError(f"unknown component kind {component_kind!r}")
    image = session.get(Image, image_id)
    if image is None:
        raise NotFound(f"no image #{image_id}")
    celsius = radiometry.read(stored_file(image, data_dir)).celsius
    conditions, _ = finding_service.conditions_of(session, image)
    t0_c, t0_source = stored_t0(session, image, celsius)
    row = manual.manual_row(
        celsius, component_kind=component_kind, standard=standard, bbox=bbox, polygon=polygon,
        reference_bbox=reference_bbox, t0_c=t0_c, t0_source=t0_source, conditions=conditions,
    )
    comp = finding_service.component(session, image.pole_id, component_kind, phase) if image.pole_id else None
    finding = Finding(image_id=image.id, pole_id=image.pole_id, component_id=comp.id if comp else None,
                      origin="manual", **row.columns())
    session.add(finding)
    session.flush()
    if grades.is_defect(finding.standard, finding.grade) and finding.component_id is not None:
        register_finding(session, finding, found_at=utcnow(), lat=image.lat, lon=image.lon, policy=policy,
                         description=f"{component_kind}: marked by {user or 'analyst'}", user=user)
    record(session, user, "add", "finding", finding.id, {
        "image_id": image.id, "bbox": list(row.bbox), "polygon": row.contour,
        "component_kind": component_kind, "grade": finding.grade,
        "reference_bbox": list(reference_bbox) if reference_bbox else None,
    })
    session.flush()
    return finding


def stored_t0(session: Session, image: Image, celsius: np.ndarray) -> tuple[float, str]:
    """T0 (°C) for a finding marked on ``image`` and where it came from: the patrol's recorded
    ambient temperature (``patrol``), else the T0 the analysis stored for the image's own findings
    (their source), else the frame's background median (``background-median``)."""
    from irpatrol.analysis.background import background

    _, ambient_c = finding_service.conditions_of(session, image)
    if ambient_c is not None:
        return float(ambient_c), "patrol"
    stored = session.scalars(
        select(Finding)
        .where(Finding.image_id == image.id, Finding.t_ambient_c.is_not(None),
               or_(Finding.origin.is_(None), Finding.origin != "manual"))
        .order_by(Finding.id)
    ).first()
    if stored is not None and stored.t_ambient_c is not None:
        source = (stored.diagnosis or {}).get("ambient_source") or "background-median"
        return float(stored.t_ambient_c), str(source)
    return float(background(celsius).ambient_c), "background-median"


def schedule_repair(
    session: Session,
    defect_id: int,
    *,
    assignee: str,
    crew: str | None,
    due_at: datetime,
    user: str | None = None,
    comment: str | None = None,
) -> Defect:
    """Move a defect to ``repair_scheduled`` with who does it, the crew and the due date (InputError
    without an assignee or a due date). The caller commits."""
    from irpatrol.registry.defects import transition

    if not assignee or not assignee.strip():
        raise InputError("a scheduled repair needs an assignee")
    defect = transition(
        session,
        defect_id,
        workflow.DefectStatus.REPAIR_SCHEDULED.value,
        user=user,
        comment=comment or f"{assignee.strip()}{' / ' + crew.strip() if crew else ''}, due {due_at:%Y-%m-%d}",
    )
    defect.assignee, defect.crew_name, defect.due_at = assignee.strip(), (crew or "").strip() or None, due_at
    record(
        session,
        user,
        "work-order",
        "defect",
        defect.id,
        {"assignee": defect.assignee, "crew": defect.crew_name, "due_at": due_at.isoformat()},
    )
    session.flush()
    return defect


def _utc(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def has_later_measurement(defect: Defect) -> bool:
    """True when an image taken after the repair measures the defect (one of its findings): its
    capture time is known, after the repair and not ahead of its upload
    (:func:`irpatrol.registry.defects.taken_after`)."""
    return any(taken_after(f.image.captured_at, f.image.created_at, defect.repaired_at)
               for f in defect.findings)


def check_verification_evidence(defect: Defect, reason: str | None) -> None:
    """InputError unless the repair of ``defect`` is proven: a later patrol's measurement, or a
    photo attached since the repair together with a reason."""
    if has_later_measurement(defect):
        return
    since = _utc(defect.repaired_at) if defect.repaired_at is not None else None
    photos = [
        p for p in defect.photos if since is None or p.created_at is None or _utc(p.created_at) >= since
    ]
    if photos and reason and reason.strip():
        return
    raise InputError("verification needs evidence: a later patrol's measurement, or a photo and a reason")


def check_hazard_clearance_evidence(session: Session, hazard: Any) -> None:
    """InputError unless clearing ``hazard`` is proven: a photo attached to it since it was
    observed, or an image of its pole taken by a later patrol (its capture time after the
    observation and not ahead of its upload, :func:`irpatrol.registry.defects.taken_after`)."""
    observed = _utc(hazard.observed_at) if hazard.observed_at is not None else None
    if any(observed is None or p.created_at is None or _utc(p.created_at) >= observed for p in hazard.photos):
        return
    if hazard.pole_id is not None and observed is not None:
        taken = session.execute(
            select(Image.captured_at, Image.created_at).where(Image.pole_id == hazard.pole_id)).all()
        if any(taken_after(captured, stored, observed) for captured, stored in taken):
            return
    raise InputError("clearing a hazard needs evidence: a photo, or a later patrol's image of the pole")
