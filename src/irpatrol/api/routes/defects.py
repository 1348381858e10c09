"""Defects: list with filters, sort and pages; detail with history (any role); log one seen on
site and attach photos (pilot); status transitions (analyst)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.api.deps import (
    DeadlinesDep,
    IdFilter,
    PageDep,
    ReadUser,
    RecordId,
    SessionDep,
    SettingsDep,
    allowed,
)
from irpatrol.api.listing import get_record
from irpatrol.api.routes.photos import PHOTO_UPLOAD, receive_photos
from irpatrol.api.schemas import DefectCreate, DefectDetail, DefectRead, Page, TransitionRequest
from irpatrol.registry import defects, photos
from irpatrol.registry.model import Photo, Pole, User

router = APIRouter(prefix="/defects", tags=["defects"])


def _detail(session: Session, defect_id: int) -> DefectDetail:
    """The defect's detail, with every photo's position, time and download URL."""
    detail = defects.detail(session, defect_id)
    kept = session.scalars(select(Photo).where(Photo.defect_id == defect_id).order_by(Photo.id))
    detail["photos"] = [photos.photo_summary(p) for p in kept]
    return DefectDetail.model_validate(detail)


@router.get("")
def read_defects(
    _: ReadUser,
    session: SessionDep,
    page: PageDep,
    status: Annotated[list[str] | None, Query(max_length=10, description="Status(es), e.g. new")] = None,
    grade: Annotated[list[str] | None, Query(max_length=10, description="Grade(s), e.g. critical")] = None,
    kind: Annotated[
        list[str] | None, Query(max_length=10, description="thermal, structural or other")
    ] = None,
    feeder: Annotated[str | None, Query(max_length=200, description="Feeder name")] = None,
    feeder_id: IdFilter = None,
    pole_id: IdFilter = None,
    area_id: IdFilter = None,
    overdue: Annotated[bool | None, Query(description="Only (or no) defects past their deadline")] = None,
    open_only: Annotated[bool, Query(description="Only defects still needing work")] = False,
) -> Page[DefectRead]:
    """Defects matching the filters. ``sort`` is one of id, deadline (default), grade, status,
    found_at, pole; prefix ``-`` for descending."""
    filters: dict[str, Any] = {
        "status": status or (),
        "grade": grade or (),
        "kind": kind or (),
        "feeder": feeder,
        "feeder_id": feeder_id,
        "pole_id": pole_id,
        "area_id": area_id,
        "overdue": overdue,
        "open_only": open_only,
    }
    result = defects.list_defects(
        session, filters, sort=page.sort or "deadline", page=page.page, per_page=page.per_page
    )
    return Page[DefectRead](
        items=[DefectRead.model_validate(defects.summary(d)) for d in result.items],
        total=result.total,
        page=result.page,
        per_page=result.per_page,
    )


@router.get("/{defect_id}", responses={404: {"description": "No such defect"}})
def read_defect(defect_id: RecordId, _: ReadUser, session: SessionDep) -> DefectDetail:
    """One defect with its timeline, findings (temperature history), photos and next statuses."""
    return _detail(session, defect_id)


@router.post(
    "/{defect_id}/transition",
    responses={404: {"description": "No such defect"}, 409: {"description": "Not allowed from its status"}},
)
def transition_defect(
    defect_id: RecordId, body: TransitionRequest, user: Annotated[User, allowed("defect.transition")],
    session: SessionDep
) -> DefectDetail:
    """Move a defect along the workflow (analyst): new → confirmed | rejected; confirmed →
    repair_scheduled → repaired → verified | reopened; reopened → confirmed. Rejecting and
    reopening need a ``reason``; confirming records the verdict ``real`` on the automatic findings,
    and rejecting a defect with automatic findings needs a ``verdict`` (wrong_component, reflection,
    background, duplicate), which is the reason when none is given."""
    defects.transition(
        session,
        defect_id,
        body.to,
        user=user.username,
        comment=body.comment,
        reason=body.reason,
        verdict=body.verdict,
    )
    return _detail(session, defect_id)


@router.post("", status_code=status.HTTP_201_CREATED, responses={404: {"description": "No such pole"}})
def create_defect(
    body: DefectCreate, user: Annotated[User, allowed("defect.create")], session: SessionDep,
    deadlines: DeadlinesDep
) -> DefectDetail:
    """Log a defect seen on site (pilot): status ``new``, deadline from its grade under the deadline
    settings the app was created with."""
    lat, lon = body.lat, body.lon
    if body.pole_id is not None:
        pole = get_record(session, Pole, body.pole_id)
        if lat is None or lon is None:
            lat, lon = pole.lat, pole.lon
    defect = defects.open_defect(
        session,
        grade=body.grade,
        pole_id=body.pole_id,
        kind=body.kind,
        description=body.description,
        lat=lat,
        lon=lon,
        user=user.username,
        policy=deadlines,
    )
    return _detail(session, defect.id)


@router.post(
    "/{defect_id}/photos",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=PHOTO_UPLOAD,
    responses={404: {"description": "No such defect"}, 413: {"description": "Larger than the upload limit"}},
)
async def add_photos(
    defect_id: RecordId, request: Request, user: Annotated[User, allowed("defect.photo")],
    session: SessionDep, settings: SettingsDep
) -> DefectDetail:
    """Attach photos to a defect as evidence (pilot). Each is kept once in the photo store (by
    SHA-256); its position is ``lat``/``lon`` when sent, else the JPEG's EXIF GPS."""
    await receive_photos(request, session, settings, user=user.username, defect_id=defect_id)
    return await run_in_threadpool(_detail, session, defect_id)
