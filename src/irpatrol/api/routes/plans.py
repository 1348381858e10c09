"""Patrol plans stored by the scheduler: list and detail (any role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from irpatrol.api.deps import PageDep, ReadUser, RecordId, SessionDep
from irpatrol.api.listing import get_record, paginate
from irpatrol.api.schemas import Page, PlanDetail, PlanRead
from irpatrol.registry.model import Plan

router = APIRouter(prefix="/plans", tags=["plans"])

SORTABLE = {
    "id": Plan.id,
    "name": Plan.name,
    "status": Plan.status,
    "period_start": Plan.period_start,
    "created_at": Plan.created_at,
}


@router.get("")
def read_plans(
    _: ReadUser,
    session: SessionDep,
    page: PageDep,
    status: Annotated[str | None, Query(max_length=20, description="Only plans in this status")] = None,
) -> Page[PlanRead]:
    """Stored plans, newest first unless sorted otherwise."""
    stmt = select(Plan)
    if status:
        stmt = stmt.where(Plan.status == status)
    return paginate(session, stmt, page, PlanRead, columns=SORTABLE, default_sort="-id")


@router.get("/{plan_id}", responses={404: {"description": "No such plan"}})
def read_plan(plan_id: RecordId, _: ReadUser, session: SessionDep) -> PlanDetail:
    """One plan with its parameters and result."""
    return PlanDetail.model_validate(get_record(session, Plan, plan_id))
