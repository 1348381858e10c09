"""An admin's corrections to a patrol, each with a reason and audited: edit its date, weather and
note; remove it with what was ingested for it (images, their findings and copies in the image
store, the defects that only it found while they are still new).

A defect that was also seen by another patrol, or that the workflow already moved on, is kept:
only this patrol's findings leave its history (with a timeline note saying so).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.errors import InputError, NotFound
from irpatrol.registry.audit import record
from irpatrol.registry.model import Defect, DefectEvent, Finding, Image, Patrol, PatrolFeeder, Photo

EDITABLE = ("date", "ambient_c", "humidity_pct", "wind_m_s", "rain", "note", "load_current_a")
"""Patrol fields an admin may correct (``load_current_a``: the load current in A of every feeder the
patrol flew, as no camera file records it)."""


def _reason(reason: str | None, what: str) -> str:
    if not reason or not reason.strip():
        raise InputError(f"a reason is required to {what} a patrol")
    return reason.strip()


def edit_patrol(session: Session, patrol_id: int, changes: dict[str, Any], *, reason: str | None,
                user: str | None = None) -> Patrol:
    """Set the :data:`EDITABLE` fields in ``changes`` (temperatures °C, humidity %, wind m/s).
    InputError without a reason or for an unknown field. The caller commits."""
    why = _reason(reason, "edit")
    patrol = session.get(Patrol, patrol_id)
    if patrol is None:
        raise NotFound(f"no patrol {patrol_id}")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InputError(f"patrol fields that cannot be edited: {', '.join(sorted(unknown))}")
    loads = [pf.load_current_a for pf in patrol.feeders]
    before = {k: (loads if k == "load_current_a" else getattr(patrol, k)) for k in changes}
    for key, value in changes.items():
        if key == "date" and not isinstance(value, date):
            raise InputError(f"date: expected a date, got {value!r}")
        if key == "load_current_a":
            for pf in patrol.feeders:
                pf.load_current_a = value
        else:
            setattr(patrol, key, value)
    record(session, user, "edit", "patrol", patrol_id,
           {"reason": why, "from": {k: str(v) for k, v in before.items()},
            "to": {k: str(v) for k, v in changes.items()}})
    session.flush()
    return patrol


def remove_patrol(session: Session, patrol_id: int, *, reason: str | None, user: str | None = None,
                  data_dir: Path | None = None) -> dict[str, int]:
    """Remove patrol ``patrol_id`` and what its ingest made (module doc); the image store's copies
    under ``data_dir`` are deleted after the rows. Returns the counts removed. The caller commits
    (files are deleted by :func:`delete_files` once the commit went through)."""
    why = _reason(reason, "remove")
    patrol = session.get(Patrol, patrol_id)
    if patrol is None:
        raise NotFound(f"no patrol {patrol_id}")
    images = session.scalars(select(Image).where(Image.patrol_id == patrol_id)).all()
    image_ids = [i.id for i in images]
    findings = list(session.scalars(select(Finding).where(Finding.image_id.in_(image_ids))).all())
    finding_ids = {f.id for f in findings}
    touched = {f.defect_id for f in findings if f.defect_id is not None}
    removed_defects = 0
    for defect_id in sorted(touched):
        defect = session.get(Defect, defect_id)
        if defect is None:
            continue
        others = [f for f in defect.findings if f.id not in finding_ids]
        moved_on = any(e.event == "status" and e.to_status not in (None, "new") for e in defect.events)
        if not others and not moved_on:
            for photo in session.scalars(select(Photo).where(Photo.defect_id == defect_id)).all():
                photo.defect_id = None
            for event in list(defect.events):
                session.delete(event)
            for f in defect.findings:
                f.defect_id = None
            session.flush()
            session.delete(defect)
            removed_defects += 1
        else:
            for event in defect.events:
                if event.finding_id in finding_ids:
                    event.finding_id = None
            session.add(DefectEvent(defect_id=defect.id, event="note", username=user,
                                    comment=f"patrol #{patrol_id} removed: {why}"))
    session.flush()
    stray = select(DefectEvent).where(DefectEvent.finding_id.in_(finding_ids))
    for event in session.scalars(stray).all():
        event.finding_id = None
    for f in findings:
        session.delete(f)
    files = [i.stored_path for i in images if i.stored_path]
    for image in images:
        session.delete(image)
    for pf in session.scalars(select(PatrolFeeder).where(PatrolFeeder.patrol_id == patrol_id)).all():
        session.delete(pf)
    session.flush()
    session.delete(patrol)
    counts = {"images": len(images), "findings": len(findings), "defects": removed_defects}
    record(session, user, "remove", "patrol", patrol_id,
           {"reason": why, "date": patrol.date.isoformat(), **counts})
    session.flush()
    session.info.setdefault("irpatrol_files_to_delete", []).extend(
        (data_dir / p) if data_dir is not None and not Path(p).is_absolute() else Path(p) for p in files)
    return counts


def delete_files(session: Session, data_dir: Path) -> int:
    """Delete the image-store copies a committed :func:`remove_patrol` left behind (only files
    inside ``data_dir``: a file the registry did not copy there is never touched)."""
    root = data_dir.resolve()
    paths: list[Path] = session.info.pop("irpatrol_files_to_delete", [])
    n = 0
    for path in paths:
        resolved = path.resolve()
        if root in resolved.parents and resolved.is_file():
            resolved.unlink()
            n += 1
    return n
