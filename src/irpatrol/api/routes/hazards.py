"""Corridor hazards: list and detail with photos (any role); log one and attach photos (pilot);
move it along its workflow (analyst)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.concurrency import run_in_threadpool

from irpatrol.api.deps import IdFilter, PageDep, ReadUser, RecordId, SessionDep, SettingsDep, allowed
from irpatrol.api.routes.photos import PHOTO_UPLOAD, receive_photos
from irpatrol.api.schemas import HazardCreate, HazardDetail, HazardRead, Page, TransitionRequest
from irpatrol.errors import ParameterError
from irpatrol.registry import hazards, photos
from irpatrol.registry.model import User

router = APIRouter(prefix="/hazards", tags=["hazards"])


@router.get("")
def read_hazards(
    _: ReadUser,
    session: SessionDep,
    page: PageDep,
    status: Annotated[list[str] | None, Query(max_length=10, description="Status(es), e.g. open")] = None,
    kind: Annotated[list[str] | None, Query(max_length=10, description="Kind(s), e.g. vegetation")] = None,
    grade: Annotated[list[str] | None, Query(max_length=10, description="Grade(s)")] = None,
    feeder_id: IdFilter = None,
    pole_id: IdFilter = None,
    open_only: Annotated[bool, Query(description="Only hazards still needing work")] = False,
) -> Page[HazardRead]:
    """Hazards matching the filters, worst grade first (the only order: ``sort`` may be ``-grade``)."""
    if page.sort not in (None, "-grade"):
        raise ParameterError("hazards are listed worst grade first; sort may only be '-grade'")
    filters: dict[str, Any] = {
        "status": status,
        "kind": kind,
        "grade": grade,
        "feeder_id": feeder_id,
        "pole_id": pole_id,
        "open_only": open_only,
    }
    items, total = hazards.list_hazards(session, filters, page=page.page, per_page=page.per_page)
    return Page[HazardRead](
        items=[HazardRead.model_validate(hazards.summary(h)) for h in items],
        total=total,
        page=page.page,
        per_page=page.per_page,
    )


@router.get("/{hazard_id}", responses={404: {"description": "No such hazard"}})
def read_hazard(hazard_id: RecordId, _: ReadUser, session: SessionDep) -> HazardDetail:
    """One hazard with its photos."""
    return _detail(hazards.get_hazard(session, hazard_id))


def _detail(hazard: Any) -> HazardDetail:
    kept = [photos.photo_summary(p) for p in sorted(hazard.photos, key=lambda p: p.id)]
    return HazardDetail.model_validate({**hazards.summary(hazard), "photos": kept})


@router.post(
    "/{hazard_id}/photos",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=PHOTO_UPLOAD,
    responses={404: {"description": "No such hazard"}, 413: {"description": "Larger than the upload limit"}},
)
async def add_photos(
    hazard_id: RecordId, request: Request, user: Annotated[User, allowed("hazard.photo")],
    session: SessionDep, settings: SettingsDep
) -> HazardDetail:
    """Attach photos to a hazard (pilot). Each is kept once in the photo store (by SHA-256); its
    position is ``lat``/``lon`` when sent, else the JPEG's EXIF GPS."""
    await receive_photos(request, session, settings, user=user.username, hazard_id=hazard_id)
    return _detail(await run_in_threadpool(hazards.get_hazard, session, hazard_id))


@router.post("", status_code=status.HTTP_201_CREATED, responses={404: {"description": "No such pole"}})
def create_hazard(
    body: HazardCreate, user: Annotated[User, allowed("hazard.create")], session: SessionDep
) -> HazardRead:
    """Log a corridor hazard (pilot): tree clearance, building, foreign object …"""
    hazard = hazards.add_hazard(session, **body.model_dump(), user=user.username)
    return HazardRead.model_validate(hazards.summary(hazard))


@router.post(
    "/{hazard_id}/transition",
    responses={404: {"description": "No such hazard"}, 409: {"description": "Not allowed from its status"}},
)
def transition_hazard(
    hazard_id: RecordId, body: TransitionRequest, user: Annotated[User, allowed("hazard.transition")],
    session: SessionDep
) -> HazardRead:
    """Move a hazard (analyst): open → mitigation_scheduled → cleared; rejecting and reopening
    need a ``reason``."""
    hazard = hazards.transition(
        session, hazard_id, body.to, user=user.username, reason=body.reason, comment=body.comment
    )
    return HazardRead.model_validate(hazards.summary(hazard))
