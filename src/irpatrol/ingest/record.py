"""The parent side of an ingest: one analysed (or rejected) image written with its findings and
defect changes in **one transaction**, so after a kill an image is either wholly there or not at all.

Concurrent ingests (several workers on PostgreSQL) serialise per pole with a transaction-level
advisory lock, and SQLite transactions start with ``BEGIN IMMEDIATE``; an image another process
recorded first is skipped (unique constraint), so two ingests of one flight give the same counts
as one.

Defects: a graded finding (see :func:`irpatrol.registry.grades.is_defect`) at a pole and
component with an open defect joins it; otherwise it opens a defect in status ``new``. A
``repaired`` defect whose component a later image shows normal becomes ``verified``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.ingest.analyse import FoundHotspot, ImageAnalysis
from irpatrol.ingest.result import IngestResult
from irpatrol.registry import grades
from irpatrol.registry.defects import DeadlinePolicy, register_finding, taken_after, transition
from irpatrol.registry.findings import component
from irpatrol.registry.model import DEFAULT_COMPONENT_KIND, Component, Defect, Finding, Image
from irpatrol.registry.workflow import DefectStatus

RETRIES = 5
"""Attempts to write one image when a concurrent writer collides (unique key, busy database)."""


def lock(session: Session, pole_id: int | None) -> None:
    """Serialise writers per pole: advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        if not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql" and pole_id is not None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": 0x1D0000000 + pole_id})


def as_utc(t: datetime | None) -> datetime | None:
    """``t`` with UTC attached when it carries no zone."""
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _image(a: ImageAnalysis, patrol_id: int) -> Image:
    return Image(
        sha256=a.sha256,
        original_name=a.name,
        stored_path=a.path,
        patrol_id=patrol_id,
        status=a.status,
        reason=a.reason,
        camera=a.camera,
        source_format=a.source_format,
        width=a.width,
        height=a.height,
        params=a.params,
        lat=a.lat,
        lon=a.lon,
        alt_m=a.alt_m,
        gimbal_yaw=a.gimbal[0],
        gimbal_pitch=a.gimbal[1],
        gimbal_roll=a.gimbal[2],
        captured_at=as_utc(a.captured_at),
        pole_id=a.pole_id,
        pole_distance_m=a.pole_distance_m,
        t_max_c=a.t_max_c,
        t_min_c=a.t_min_c,
        component_kind=a.kind,
    )


def write_image(
    session: Session, a: ImageAnalysis, patrol_id: int, result: IngestResult, policy: DeadlinePolicy
) -> bool:
    """Record one analysed (or rejected) image with its findings and defect changes.
    Returns False when the image is already recorded. The caller commits."""
    lock(session, a.pole_id)
    if session.scalar(select(Image.id).where(Image.sha256 == a.sha256)) is not None:
        return False
    img = _image(a, patrol_id)
    session.add(img)
    session.flush()
    found_at = img.captured_at or datetime.now(UTC)
    graded = {c for f in a.findings if (c := _write_finding(session, a, img, f, found_at, result, policy))}
    if a.status == "analysed" and a.pole_id is not None:
        _verify_repaired(session, a, img, graded, found_at, result)
    if a.status == "rejected":
        result.rejected += 1
        result.rejected_files.append((a.name, a.reason or ""))
    else:
        result.analysed += 1
        if a.pole_id is None:
            result.unmatched += 1
    return True


def _write_finding(
    session: Session,
    a: ImageAnalysis,
    img: Image,
    found: FoundHotspot,
    found_at: datetime,
    result: IngestResult,
    policy: DeadlinePolicy,
) -> int | None:
    """One finding of the image, tied to its defect when graded; the component id when it was."""
    kind = a.kind or DEFAULT_COMPONENT_KIND
    comp = component(session, a.pole_id, kind, found.phase) if a.pole_id else None
    row = found.row
    finding = Finding(
        image_id=img.id, pole_id=a.pole_id, component_id=comp.id if comp else None, **row.columns()
    )
    session.add(finding)
    session.flush()
    result.findings += 1
    if comp is None or not grades.is_defect(row.standard, row.grade):
        return None
    description = f"{a.kind} phase {found.phase}: {row.grade} ({row.rule or ''})".strip()
    outcome = register_finding(
        session, finding, found_at=found_at, description=description, lat=a.lat, lon=a.lon, policy=policy
    )
    if outcome == "opened":
        result.defects_opened += 1
    else:
        result.defects_joined += 1
    return comp.id


def _verify_repaired(
    session: Session, a: ImageAnalysis, img: Image, graded: set[int], found_at: datetime, result: IngestResult
) -> None:
    """Repaired defects of the image's pole and component kind that it shows normal become verified."""
    repaired = session.scalars(
        select(Defect)
        .join(Component, Component.id == Defect.component_id)
        .where(
            Defect.pole_id == a.pole_id,
            Defect.status == DefectStatus.REPAIRED.value,
            Component.kind == (a.kind or DEFAULT_COMPONENT_KIND),
        )
    ).all()
    for defect in repaired:
        # the image must show the part after the repair: a capture time before it, unknown, or ahead
        # of the upload (a camera clock set wrong) proves nothing
        if defect.component_id in graded or not taken_after(img.captured_at, img.created_at,
                                                            defect.repaired_at):
            continue
        transition(
            session,
            defect.id,
            DefectStatus.VERIFIED,
            user=None,
            at=found_at,
            comment=f"image #{img.id} ({a.name}) of a later patrol shows the component normal",
        )
        result.defects_verified += 1


def write_with_retry(
    factory: sessionmaker[Session],
    a: ImageAnalysis,
    patrol_id: int,
    result: IngestResult,
    policy: DeadlinePolicy,
) -> None:
    """:func:`write_image` in its own transaction, retried when a concurrent writer collides; adds
    the image's counts to ``result`` (``skipped`` when another run recorded it first)."""
    for attempt in range(RETRIES):
        trial = IngestResult(patrol_id=patrol_id)
        with factory() as session:
            try:
                written = write_image(session, a, patrol_id, trial, policy)
                session.commit()
            except (IntegrityError, OperationalError):
                session.rollback()
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
                continue
        if not written:
            result.skipped += 1
        else:
            result.add(trial)
        return
