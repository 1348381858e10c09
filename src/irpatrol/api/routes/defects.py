"""Defects: list with filters, sort and pages; detail with history (any role); status
transitions (analyst)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from irpatrol.api.deps import MAX_ID, AnalystUser, PageDep, RecordId, SessionDep, ViewerUser
from irpatrol.api.schemas import DefectDetail, DefectRead, Page, TransitionRequest
from irpatrol.registry import defects

router = APIRouter(prefix="/defects", tags=["defects"])

IdQuery = Query(ge=1, le=MAX_ID)


@router.get("")
def read_defects(
    _: ViewerUser,
    session: SessionDep,
    page: PageDep,
    status: Annotated[list[str] | None, Query(max_length=10, description="Status(es), e.g. new")] = None,
    grade: Annotated[list[str] | None, Query(max_length=10, description="Grade(s), e.g. critical")] = None,
    kind: Annotated[
        list[str] | None, Query(max_length=10, description="thermal, structural or other")
    ] = None,
    feeder: Annotated[str | None, Query(max_length=200, description="Feeder name")] = None,
    feeder_id: Annotated[int | None, IdQuery] = None,
    pole_id: Annotated[int | None, IdQuery] = None,
    area_id: Annotated[int | None, IdQuery] = None,
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
def read_defect(defect_id: RecordId, _: ViewerUser, session: SessionDep) -> DefectDetail:
    """One defect with its timeline, findings (temperature history), photos and next statuses."""
    return DefectDetail.model_validate(defects.detail(session, defect_id))


@router.post(
    "/{defect_id}/transition",
    responses={404: {"description": "No such defect"}, 409: {"description": "Not allowed from its status"}},
)
def transition_defect(
    defect_id: RecordId, body: TransitionRequest, user: AnalystUser, session: SessionDep
) -> DefectDetail:
    """Move a defect along the workflow (analyst): new → confirmed | rejected; confirmed →
    repair_scheduled → repaired → verified | reopened; reopened → confirmed. Rejecting and
    reopening need a ``reason``."""
    defects.transition(
        session, defect_id, body.to, user=user.username, comment=body.comment, reason=body.reason
    )
    return DefectDetail.model_validate(defects.detail(session, defect_id))
