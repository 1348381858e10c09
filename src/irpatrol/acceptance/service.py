"""Acceptance projects in the registry: create (with new poles imported), the pole mission, photos
and measurements as evidence, marking items, rectifications (hazards in the ledger), the
re-measurement of a repaired infrared defect, and the acceptance itself.

Plain functions taking a Session first, like :mod:`irpatrol.registry` services: they flush, the
caller commits; every change writes an AuditLog row. ``role`` is the acting user's registry role,
checked against :data:`irpatrol.acceptance.permissions.PERMISSIONS` (the CLI acts as ``admin``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from irpatrol.acceptance import permissions, rules
from irpatrol.acceptance.checklist import Checklist, ChecklistItem, load_checklist
from irpatrol.acceptance.matching import is_thermal_name, match_pole
from irpatrol.acceptance.mission import pole_mission
from irpatrol.db import utcnow
from irpatrol.errors import Conflict, InputError, IrPatrolError, NotFound
from irpatrol.registry import asset_files, assets, defects, hazards
from irpatrol.registry.audit import record
from irpatrol.registry.model import (
    AcceptanceEvidence,
    AcceptanceItem,
    AcceptancePole,
    AcceptanceProject,
    Defect,
    Feeder,
    Photo,
    Pole,
    Rectification,
)
from irpatrol.registry.photos import _exif_position, store_photo

RECTIFY_DAYS = 7
"""Default deadline of a rectification (days after the failed check; project convention)."""
REMEASURE_STANDARD = "dlt664-2016"
"""Rule set that grades the re-measurement of a repaired infrared defect (DL/T 664-2016 §9)."""
MEASUREMENT_UNITS = ("m", "mm", "ohm", "°C", "kV", "A")
"""Units a measured value may be given in (ohm = Ω)."""


def keep_photo(
    session: Session,
    source: str | Path,
    *,
    data_dir: Path,
    caption: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    taken_at: datetime | None = None,
) -> Photo:
    """Store the picture at ``source`` in the one photo store
    (:func:`irpatrol.registry.photos.store_photo`, deduplicated by SHA-256) and return a Photo row
    for it (the existing one when the same file is already kept without an owner)."""
    path, sha = store_photo(source, data_dir)
    existing = session.scalars(
        select(Photo)
        .where(Photo.sha256 == sha, Photo.hazard_id.is_(None), Photo.defect_id.is_(None))
        .order_by(Photo.id)
    ).first()
    if existing is not None:
        return existing
    if lat is None:
        lat, lon, exif_time = _exif_position(Path(source))
        taken_at = taken_at or exif_time
    photo = Photo(path=path, sha256=sha, lat=lat, lon=lon, taken_at=taken_at, caption=caption)
    session.add(photo)
    session.flush()
    return photo


# --- projects ----------------------------------------------------------------------------------


def create_project(
    session: Session,
    *,
    name: str,
    kind: str,
    feeder: str | None = None,
    from_pole: str | None = None,
    to_pole: str | None = None,
    poles_file: tuple[str, bytes] | None = None,
    defect_id: int | None = None,
    contractor: str | None = None,
    planned_start: date | None = None,
    planned_end: date | None = None,
    actual_start: date | None = None,
    actual_end: date | None = None,
    inspector: str | None = None,
    reviewer: str | None = None,
    approver: str | None = None,
    user: str | None = None,
    role: str = "admin",
) -> AcceptanceProject:
    """Open an acceptance project with the current version of the ``kind`` checklist.

    Poles: the feeder's poles from ``from_pole`` to ``to_pole`` (numbers, inclusive, line order),
    plus the poles of ``poles_file`` — (file name, bytes) of an asset CSV/GeoJSON/KML imported into
    the registry by :func:`irpatrol.registry.assets.apply` and marked new — or, for an
    ``ir-defect-repair`` project, the pole of ``defect_id``. Conflict when the name is taken."""
    permissions.require(role, "acceptance.create")
    name = name.strip()
    if not name:
        raise InputError("a project needs a name")
    if session.scalar(select(AcceptanceProject.id).where(AcceptanceProject.name == name)) is not None:
        raise Conflict(f"an acceptance project named {name!r} exists already")
    checklist = load_checklist(kind)
    if planned_start and planned_end and planned_end < planned_start:
        raise InputError("the planned end is before the planned start")
    chosen: list[tuple[Pole, bool]] = []
    feeder_row: Feeder | None = None
    defect: Defect | None = None
    if defect_id is not None:
        defect = session.get(Defect, defect_id)
        if defect is None:
            raise NotFound(f"no defect #{defect_id}")
        if defect.pole_id is not None:
            pole = session.get(Pole, defect.pole_id)
            assert pole is not None
            chosen.append((pole, False))
            feeder_row = session.get(Feeder, pole.feeder_id)
    elif kind == "ir-defect-repair":
        raise InputError("an ir-defect-repair project needs the defect (defect_id)")
    new_keys: set[tuple[str, str]] = set()
    if poles_file is not None:
        parsed = asset_files.parse(poles_file[0], poles_file[1])
        assets.apply(session, parsed, source=poles_file[0], user=user)
        new_keys = {(r.feeder, r.pole) for r in parsed.poles}
        if feeder is None and parsed.poles:
            feeder = parsed.poles[0].feeder
    if feeder is not None:
        feeder_row = assets.get_feeder(session, feeder)
        line = assets.feeder_poles(session, feeder_row.id)
        lo = assets.get_pole(session, feeder, from_pole).seq if from_pole else None
        hi = assets.get_pole(session, feeder, to_pole).seq if to_pole else None
        if lo is not None and hi is not None and hi < lo:
            lo, hi = hi, lo
        for p in line:
            is_new = (feeder_row.name, p.number) in new_keys
            in_range = (from_pole or to_pole) and (lo is None or p.seq >= lo) and (hi is None or p.seq <= hi)
            if is_new or in_range:
                chosen.append((p, is_new))
    if not chosen:
        raise InputError("a project needs poles: a feeder and pole range, a poles file, or a defect")
    project = AcceptanceProject(
        name=name,
        kind=checklist.kind,
        checklist_version=checklist.version,
        contractor=contractor,
        feeder_id=feeder_row.id if feeder_row else None,
        defect_id=defect_id,
        planned_start=planned_start,
        planned_end=planned_end,
        actual_start=actual_start,
        actual_end=actual_end,
        inspector=inspector,
        reviewer=reviewer,
        approver=approver,
        status="open",
        created_by=user,
    )
    session.add(project)
    session.flush()
    seen: set[int] = set()
    for seq, (pole, is_new) in enumerate(chosen):
        if pole.id in seen:
            continue
        seen.add(pole.id)
        session.add(AcceptancePole(project_id=project.id, pole_id=pole.id, seq=seq, new=is_new))
    for item in checklist.items:
        targets: Sequence[int | None] = (
            [p.id for p, _ in chosen if p.id in seen] if item.scope == "pole" else [None]
        )
        for pid in dict.fromkeys(targets):
            session.add(AcceptanceItem(project_id=project.id, pole_id=pid, code=item.code, result="pending"))
    session.flush()
    record(
        session,
        user,
        "create",
        "acceptance_project",
        project.id,
        {
            "name": name,
            "kind": checklist.kind,
            "version": checklist.version,
            "poles": len(seen),
            "new_poles": sum(1 for _, n in chosen if n),
        },
    )
    session.flush()
    return project


def get_project(session: Session, project_id: int) -> AcceptanceProject:
    """The project with its poles and items; NotFound otherwise."""
    project = session.get(
        AcceptanceProject,
        project_id,
        options=[
            selectinload(AcceptanceProject.poles).selectinload(AcceptancePole.pole),
            selectinload(AcceptanceProject.items).selectinload(AcceptanceItem.evidence),
            selectinload(AcceptanceProject.items).selectinload(AcceptanceItem.rectifications),
        ],
    )
    if project is None:
        raise NotFound(f"no acceptance project #{project_id}")
    return project


def list_projects(session: Session, *, status: str | None = None) -> list[AcceptanceProject]:
    """Projects, newest first, optionally only ``open`` or ``accepted`` ones."""
    q = select(AcceptanceProject).order_by(AcceptanceProject.id.desc())
    if status:
        q = q.where(AcceptanceProject.status == status)
    return list(session.scalars(q))


def checklist_of(project: AcceptanceProject) -> Checklist:
    """The checklist the project was opened with (its kind; the version is recorded on it)."""
    return load_checklist(project.kind)


def decision(project: AcceptanceProject) -> rules.Decision:
    """Whether ``project`` can be accepted now."""
    rects = [r.status for it in project.items for r in it.rectifications]
    return rules.decide([it.result for it in project.items], rects)


def get_item(session: Session, item_id: int) -> AcceptanceItem:
    """The item with its evidence and rectifications; NotFound otherwise."""
    item = session.get(
        AcceptanceItem,
        item_id,
        options=[selectinload(AcceptanceItem.evidence), selectinload(AcceptanceItem.rectifications)],
    )
    if item is None:
        raise NotFound(f"no acceptance item #{item_id}")
    return item


def _open_project(item: AcceptanceItem) -> AcceptanceProject:
    if item.project.status != "open":
        raise Conflict(f"project {item.project.name!r} is {item.project.status}: it cannot change")
    return item.project


def _spec(item: AcceptanceItem) -> ChecklistItem:
    return checklist_of(item.project).item(item.code)


# --- mission and photos ------------------------------------------------------------------------


def mission_kmz(session: Session, project_id: int, *, model: str = "M30T") -> tuple[str, bytes]:
    """(file name, DJI WPML KMZ) of the project's pole mission: the scheduling export
    (:func:`irpatrol.scheduling.export.wpml.kmz`) over :func:`irpatrol.acceptance.mission.pole_mission`."""
    from irpatrol.scheduling.export import wpml

    project = get_project(session, project_id)
    poles = [(ap.pole.id, ap.pole.lat, ap.pole.lon) for ap in project.poles]
    name = f"acceptance-{project.id}"
    return f"{name}.kmz", wpml.kmz(pole_mission(name, poles), model, utcnow())


def ingest_photos(
    session: Session,
    project_id: int,
    files: Sequence[tuple[str, Path]],
    *,
    data_dir: Path,
    user: str | None = None,
    role: str = "admin",
) -> dict[str, Any]:
    """Attach the mission's photos and thermograms — (original name, path) pairs — to the project:
    each is matched to a pole (:func:`irpatrol.acceptance.matching.match_pole`) and becomes
    evidence of that pole's items checked by the same method (infrared shots → ``infrared`` items,
    visible photos → ``visible`` items). Returns counts and the names not matched. Safe to re-run:
    the same picture is evidence of an item once."""
    permissions.require(role, "acceptance.evidence")
    project = get_project(session, project_id)
    if project.status != "open":
        raise Conflict(f"project {project.name!r} is {project.status}: it cannot change")
    checklist = checklist_of(project)
    poles = {ap.pole.id: (ap.pole.lat, ap.pole.lon) for ap in project.poles}
    attached, unmatched, already = 0, [], 0
    for original, path in files:
        thermal = is_thermal_name(original) or _radiometric(path)
        photo = keep_photo(session, path, data_dir=data_dir, caption=original)
        pole_id = match_pole(original, photo.lat, photo.lon, poles)
        if pole_id is None:
            unmatched.append(original)
            continue
        method = "infrared" if thermal else "visible"
        targets = [
            it for it in project.items if it.pole_id == pole_id and checklist.item(it.code).method == method
        ]
        for it in targets:
            if any(ev.photo_id == photo.id for ev in it.evidence):
                already += 1
                continue
            ev = AcceptanceEvidence(
                item_id=it.id,
                photo_id=photo.id,
                kind=method,
                created_by=user,
                t_max_c=_t_max(path) if thermal else None,
            )
            session.add(ev)
            it.evidence.append(ev)
            attached += 1
    session.flush()
    record(
        session,
        user,
        "ingest_photos",
        "acceptance_project",
        project.id,
        {"files": len(files), "attached": attached, "unmatched": len(unmatched)},
    )
    return {"files": len(files), "attached": attached, "already": already, "unmatched": unmatched}


def _radiometric(path: Path) -> bool:
    return _t_max(path) is not None


def _t_max(path: Path) -> float | None:
    """Hottest temperature (°C) of a radiometric thermogram, None for a plain picture."""
    from irpatrol import radiometry

    try:
        return round(float(radiometry.read(path).celsius.max()), 1)
    except IrPatrolError:
        return None


def add_evidence(
    session: Session,
    item_id: int,
    *,
    data_dir: Path | None = None,
    photo: Path | None = None,
    photo_name: str | None = None,
    value: float | None = None,
    unit: str | None = None,
    note: str | None = None,
    user: str | None = None,
    role: str = "admin",
) -> AcceptanceEvidence:
    """Add a photo/thermogram and/or a measured value (``value`` in ``unit``) to an item."""
    permissions.require(role, "acceptance.evidence")
    item = get_item(session, item_id)
    _open_project(item)
    if photo is None and value is None:
        raise InputError("evidence needs a photo or a measured value")
    if value is not None and unit not in MEASUREMENT_UNITS:
        raise InputError(f"unit {unit!r}: one of {', '.join(MEASUREMENT_UNITS)}")
    spec = _spec(item)
    photo_row, t_max = None, None
    if photo is not None:
        if data_dir is None:
            raise InputError("a photo needs the data folder")
        photo_row = keep_photo(session, photo, data_dir=data_dir, caption=photo_name or photo.name)
        t_max = _t_max(photo)
    kind = "measurement" if photo is None else ("infrared" if t_max is not None else "visible")
    ev = AcceptanceEvidence(
        item_id=item.id,
        photo_id=photo_row.id if photo_row else None,
        kind=kind,
        value=value,
        unit=unit,
        note=note,
        t_max_c=t_max,
        created_by=user,
    )
    session.add(ev)
    item.evidence.append(ev)
    session.flush()
    record(
        session,
        user,
        "add_evidence",
        "acceptance_item",
        item.id,
        {"evidence_id": ev.id, "kind": kind, "method": spec.method},
    )
    return ev


# --- marking, rectification, waiving -----------------------------------------------------------


def mark_item(
    session: Session,
    item_id: int,
    result: str,
    *,
    note: str | None = None,
    reason: str | None = None,
    deadline: date | None = None,
    assignee: str | None = None,
    description: str | None = None,
    user: str | None = None,
    role: str = "admin",
) -> AcceptanceItem:
    """Mark an item ``pass``, ``fail``, ``na`` or ``waived`` (:func:`rules.check_mark`).

    ``pass`` and ``fail`` need evidence on the item. ``fail`` opens a rectification: a hazard of kind
    ``construction`` in the ledger at the item's pole, with ``deadline`` (default +7 days) and
    ``assignee`` (default the contractor). ``waived`` needs a reason and the waiving role (a manager;
    the analyst for the re-measurement of a repaired infrared defect)."""
    item = get_item(session, item_id)
    project = _open_project(item)
    spec = _spec(item)
    target = rules.parse_result(result)
    if target is rules.ItemResult.WAIVED:
        action = "acceptance.waive_remeasure" if item.code == "ir-remeasure" else "acceptance.waive"
        permissions.require(role, action)
    else:
        permissions.require(role, "acceptance.mark")
    to = rules.check_mark(item.result, target, reason=reason, may_waive=True)
    if to in (rules.ItemResult.PASS, rules.ItemResult.FAIL) and not item.evidence:
        raise InputError(f"item {item.code} needs evidence first: {spec.evidence_en}")
    if to is rules.ItemResult.PASS and any(r.status != "verified" for r in item.rectifications):
        raise Conflict(f"item {item.code} has an open rectification: re-check it instead")
    before = item.result
    item.result, item.note, item.marked_by, item.marked_at = to.value, note or item.note, user, utcnow()
    if reason:
        item.reason = reason
    if to is rules.ItemResult.FAIL and not any(r.status != "verified" for r in item.rectifications):
        _open_rectification(
            session,
            item,
            project,
            spec,
            deadline=deadline,
            assignee=assignee,
            description=description or note,
            user=user,
        )
    if to is rules.ItemResult.WAIVED:
        for r in item.rectifications:
            if r.status != "verified" and r.hazard_id is not None:
                hazards.transition(session, r.hazard_id, "rejected", user=user, reason=f"waived: {reason}")
            r.status = "verified" if r.status != "verified" else r.status
            r.recheck_note = r.recheck_note or f"waived: {reason}"
    record(
        session,
        user,
        "mark",
        "acceptance_item",
        item.id,
        {"project_id": project.id, "code": item.code, "from": before, "to": to.value, "reason": reason},
    )
    session.flush()
    return item


def _open_rectification(
    session: Session,
    item: AcceptanceItem,
    project: AcceptanceProject,
    spec: ChecklistItem,
    *,
    deadline: date | None,
    assignee: str | None,
    description: str | None,
    user: str | None,
) -> Rectification:
    pole_id = item.pole_id or (project.poles[0].pole_id if project.poles else None)
    text = f"Acceptance '{project.name}': {spec.what_en} failed" + (
        f" — {description}" if description else ""
    )
    hazard = hazards.add_hazard(
        session, kind="construction", pole_id=pole_id, grade="general", description=text, user=user
    )
    rect = Rectification(
        item_id=item.id,
        hazard_id=hazard.id,
        description=description or spec.what_en,
        deadline=deadline or (utcnow().date() + timedelta(days=RECTIFY_DAYS)),
        assignee=(assignee or project.contractor or "contractor").strip(),
        status="open",
        created_by=user,
    )
    session.add(rect)
    session.flush()
    item.rectifications.append(rect)
    record(
        session,
        user,
        "open_rectification",
        "acceptance_item",
        item.id,
        {"rectification_id": rect.id, "hazard_id": hazard.id, "deadline": rect.deadline.isoformat()},
    )
    return rect


def get_rectification(session: Session, rect_id: int) -> Rectification:
    """The rectification; NotFound otherwise."""
    rect = session.get(Rectification, rect_id)
    if rect is None:
        raise NotFound(f"no rectification #{rect_id}")
    return rect


def update_rectification(
    session: Session,
    rect_id: int,
    to_status: str,
    *,
    note: str | None = None,
    reason: str | None = None,
    user: str | None = None,
    role: str = "admin",
) -> Rectification:
    """Move a rectification: ``rectified`` (the contractor reports the work done), ``verified`` (the
    re-check passed: the item passes and its hazard is cleared) or back to ``open`` (the re-check
    failed; a reason is required). The re-check needs evidence added to the item after the failure."""
    rect = get_rectification(session, rect_id)
    item = rect.item
    _open_project(item)
    to = rules.check_rectification(rect.status, to_status, reason=reason)
    permissions.require(
        role, "acceptance.rectify" if to is rules.RectificationStatus.RECTIFIED else "acceptance.recheck"
    )
    before = rect.status
    rect.status = to.value
    if to is rules.RectificationStatus.RECTIFIED:
        rect.rectified_at = utcnow()
    else:
        rect.rechecked_by, rect.rechecked_at = user, utcnow()
        rect.recheck_note = note or reason
    if to is rules.RectificationStatus.VERIFIED:
        if not any(ev.created_at >= rect.created_at for ev in item.evidence):
            raise InputError(
                "the re-check needs new evidence on the item (a photo or measurement taken "
                "after the rectification was opened)"
            )
        item.result, item.marked_by, item.marked_at = rules.ItemResult.PASS.value, user, utcnow()
        if rect.hazard_id is not None:
            hazards.transition(
                session,
                rect.hazard_id,
                "cleared",
                user=user,
                comment=f"acceptance re-check passed (rectification #{rect.id})",
            )
    record(
        session,
        user,
        "rectification",
        "acceptance_item",
        item.id,
        {"rectification_id": rect.id, "from": before, "to": to.value, "reason": reason, "note": note},
    )
    session.flush()
    return rect


def remeasure(
    session: Session,
    item_id: int,
    *,
    t1_c: float,
    t2_c: float | None = None,
    t0_c: float | None = None,
    load_current_a: float | None = None,
    rated_current_a: float | None = None,
    photo: Path | None = None,
    data_dir: Path | None = None,
    user: str | None = None,
    role: str = "admin",
) -> AcceptanceItem:
    """Record the re-measurement under load of a repaired infrared defect (item ``ir-remeasure``),
    ``t1_c``, ``t2_c`` and ``t0_c`` the hot spot's, the reference's and the ambient temperature
    (°C; T1, T2, T0 of DL/T 664-2016, the rule set's ``hot_c``, ``ref_c``, ``ambient_c``):
    graded by DL/T 664-2016 (:func:`irpatrol.diagnosis.diagnose`, device = the defect's component),
    the item passes only when the grade is ``none`` (:func:`rules.remeasure_result`), and then a
    ``repaired`` defect becomes ``verified``; otherwise the item fails and a rectification opens."""
    from irpatrol.diagnosis import diagnose

    permissions.require(role, "acceptance.mark")
    item = get_item(session, item_id)
    project = _open_project(item)
    if item.code != "ir-remeasure":
        raise InputError(f"item {item.code} is not the re-measurement of a repaired defect")
    defect = session.get(Defect, project.defect_id) if project.defect_id else None
    device = (
        defect.component.kind
        if defect is not None and defect.component is not None
        else "parallel-groove-clamp"
    )
    dx = diagnose(
        REMEASURE_STANDARD,
        device,
        hot_c=t1_c,
        ref_c=t2_c,
        ambient_c=t0_c,
        load_current_a=load_current_a,
        rated_current_a=rated_current_a,
    )
    grade = str(dx.to_dict()["grade"])
    photo_row = (
        keep_photo(session, photo, data_dir=data_dir, caption=photo.name) if photo and data_dir else None
    )
    ev = AcceptanceEvidence(
        item_id=item.id,
        photo_id=photo_row.id if photo_row else None,
        kind="infrared",
        t_max_c=t1_c,
        t_ref_c=t2_c,
        grade=grade,
        created_by=user,
        note=f"{REMEASURE_STANDARD} {dx.to_dict().get('rule') or ''}".strip(),
    )
    session.add(ev)
    item.evidence.append(ev)
    session.flush()
    result = rules.remeasure_result(grade)
    record(
        session,
        user,
        "remeasure",
        "acceptance_item",
        item.id,
        {"hot_c": t1_c, "ref_c": t2_c, "grade": grade, "result": result.value},  # the audit's keys
    )
    open_rects = [r for r in item.rectifications if r.status != "verified"]
    if result is rules.ItemResult.PASS and open_rects:
        for r in open_rects:
            if r.status == "open":
                update_rectification(session, r.id, "rectified", user=user, role=role)
            update_rectification(
                session, r.id, "verified", note=f"re-measured: grade {grade}", user=user, role=role
            )
    elif result is not rules.ItemResult.PASS or item.result != "pass":
        mark_item(session, item.id, result.value, note=f"re-measured: grade {grade}", user=user, role=role)
    if result is rules.ItemResult.PASS and defect is not None and defect.status == "repaired":
        defects.transition(
            session,
            defect.id,
            "verified",
            user=user,
            comment=f"acceptance re-measurement graded none ({project.name})",
        )
    session.flush()
    return item


def accept_project(
    session: Session, project_id: int, *, user: str | None = None, role: str = "admin", on: date | None = None
) -> AcceptanceProject:
    """Accept the project: Conflict naming what is in the way unless every item passed, is not
    applicable or was waived and every rectification is verified. Sets the actual end date (default
    today) and, for a repaired infrared defect still ``repaired`` (waived re-measurement), verifies it."""
    permissions.require(role, "acceptance.accept")
    project = get_project(session, project_id)
    if project.status == "accepted":
        return project
    d = decision(project)
    if not d.accepted:
        raise Conflict(
            f"project {project.name!r} cannot be accepted yet: {d.pending} item(s) pending, "
            f"{d.failed} failed, {d.open_rectifications} rectification(s) open"
        )
    project.status, project.accepted_at, project.accepted_by = "accepted", utcnow(), user
    project.actual_end = project.actual_end or on or utcnow().date()
    project.approver = project.approver or user
    if project.defect_id is not None:
        defect = session.get(Defect, project.defect_id)
        if defect is not None and defect.status == "repaired":
            defects.transition(
                session, defect.id, "verified", user=user, comment=f"accepted with project {project.name!r}"
            )
    record(session, user, "accept", "acceptance_project", project.id, {"name": project.name})
    session.flush()
    return project


# --- summaries ---------------------------------------------------------------------------------


def open_counts(session: Session) -> dict[str, int]:
    """Open acceptance work for the dashboard: items pending or failed in open projects, and
    rectifications not yet verified."""
    items = (
        session.scalar(
            select(func.count(AcceptanceItem.id))
            .join(AcceptanceProject)
            .where(
                AcceptanceProject.status == "open",
                AcceptanceItem.result.in_([r.value for r in rules.OPEN_RESULTS]),
            )
        )
        or 0
    )
    rects = (
        session.scalar(select(func.count(Rectification.id)).where(Rectification.status != "verified")) or 0
    )
    return {"open_items": int(items), "open_rectifications": int(rects)}


def project_summary(project: AcceptanceProject) -> dict[str, Any]:
    """JSON-ready dict of a project (without its items)."""
    d = decision(project)
    counts: dict[str, int] = {}
    for it in project.items:
        counts[it.result] = counts.get(it.result, 0) + 1
    return {
        "id": project.id,
        "name": project.name,
        "kind": project.kind,
        "checklist_version": project.checklist_version,
        "contractor": project.contractor,
        "feeder": project.feeder.name if project.feeder else None,
        "defect_id": project.defect_id,
        "planned_start": _iso(project.planned_start),
        "planned_end": _iso(project.planned_end),
        "actual_start": _iso(project.actual_start),
        "actual_end": _iso(project.actual_end),
        "inspector": project.inspector,
        "reviewer": project.reviewer,
        "approver": project.approver,
        "status": project.status,
        "accepted_at": _iso(project.accepted_at),
        "accepted_by": project.accepted_by,
        "poles": [{"id": ap.pole.id, "number": ap.pole.number, "new": ap.new} for ap in project.poles],
        "results": counts,
        "can_accept": d.accepted,
        "blocking": d.blocking,
    }


def item_summary(item: AcceptanceItem, lang: str = "en") -> dict[str, Any]:
    """JSON-ready dict of an item with its evidence and rectifications."""
    spec = _spec(item)
    return {
        "id": item.id,
        "project_id": item.project_id,
        "code": item.code,
        "pole": item.pole.number if item.pole else None,
        "pole_id": item.pole_id,
        "what": spec.what(lang),
        "method": spec.method,
        "criterion": spec.criterion(lang),
        "evidence_needed": spec.evidence(lang),
        "result": item.result,
        "note": item.note,
        "reason": item.reason,
        "marked_by": item.marked_by,
        "marked_at": _iso(item.marked_at),
        "evidence": [
            {
                "id": e.id,
                "kind": e.kind,
                "photo_id": e.photo_id,
                "value": e.value,
                "unit": e.unit,
                "t_max_c": e.t_max_c,
                "t_ref_c": e.t_ref_c,
                "grade": e.grade,
                "note": e.note,
            }
            for e in item.evidence
        ],
        "rectifications": [rectification_summary(r) for r in item.rectifications],
    }


def rectification_summary(r: Rectification) -> dict[str, Any]:
    """JSON-ready dict of a rectification."""
    return {
        "id": r.id,
        "item_id": r.item_id,
        "hazard_id": r.hazard_id,
        "description": r.description,
        "deadline": r.deadline.isoformat(),
        "assignee": r.assignee,
        "status": r.status,
        "rectified_at": _iso(r.rectified_at),
        "rechecked_by": r.rechecked_by,
        "rechecked_at": _iso(r.rechecked_at),
        "recheck_note": r.recheck_note,
    }


def _iso(v: date | datetime | None) -> str | None:
    return v.isoformat() if v is not None else None
