"""Corridor hazards: list and detail (any role); log one (pilot); move it along its workflow
(analyst)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from irpatrol.api.deps import MAX_ID, AnalystUser, PageDep, PilotUser, RecordId, SessionDep, ViewerUser
from irpatrol.api.schemas import HazardCreate, HazardRead, Page, TransitionRequest
from irpatrol.errors import ParameterError
from irpatrol.registry import hazards

router = APIRouter(prefix="/hazards", tags=["hazards"])

IdQuery = Query(ge=1, le=MAX_ID)


@router.get("")
def read_hazards(
    _: ViewerUser,
    session: SessionDep,
    page: PageDep,
    status: Annotated[list[str] | None, Query(max_length=10, description="Status(es), e.g. open")] = None,
    kind: Annotated[list[str] | None, Query(max_length=10, description="Kind(s), e.g. vegetation")] = None,
    grade: Annotated[list[str] | None, Query(max_length=10, description="Grade(s)")] = None,
    feeder_id: Annotated[int | None, IdQuery] = None,
    pole_id: Annotated[int | None, IdQuery] = None,
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
def read_hazard(hazard_id: RecordId, _: ViewerUser, session: SessionDep) -> HazardRead:
    """One hazard."""
    return HazardRead.model_validate(hazards.summary(hazards.get_hazard(session, hazard_id)))


@router.post("", status_code=status.HTTP_201_CREATED, responses={404: {"description": "No such pole"}})
def create_hazard(body: HazardCreate, user: PilotUser, session: SessionDep) -> HazardRead:
    """Log a corridor hazard (pilot): tree clearance, building, foreign object …"""
    hazard = hazards.add_hazard(session, **body.model_dump(), user=user.username)
    return HazardRead.model_validate(hazards.summary(hazard))


@router.post(
    "/{hazard_id}/transition",
    responses={404: {"description": "No such hazard"}, 409: {"description": "Not allowed from its status"}},
)
def transition_hazard(
    hazard_id: RecordId, body: TransitionRequest, user: AnalystUser, session: SessionDep
) -> HazardRead:
    """Move a hazard (analyst): open → mitigation_scheduled → cleared; rejecting and reopening
    need a ``reason``."""
    hazard = hazards.transition(
        session, hazard_id, body.to, user=user.username, reason=body.reason, comment=body.comment
    )
    return HazardRead.model_validate(hazards.summary(hazard))
