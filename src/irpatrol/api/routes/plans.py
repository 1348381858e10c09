"""Patrol plans stored by the scheduler: list, detail and one crew day's mission files (any role)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from irpatrol.api.deps import PageDep, ReadUser, RecordId, SessionDep
from irpatrol.api.listing import get_record, paginate
from irpatrol.api.schemas import Page, PlanDetail, PlanRead
from irpatrol.registry.model import Plan
from irpatrol.reports.missions import MISSION_FORMATS, CrewDayQuery, mission_download
from irpatrol.scheduling.service import load_plan

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


FormatParam = Annotated[str, Query(max_length=10, description=f"One of {', '.join(MISSION_FORMATS)}")]


@router.get("/{plan_id}/missions", responses={
    200: {"description": "The crew day's mission files: a zip of WPML KMZ (one per sortie), KML, "
                         "GeoJSON or iCalendar", "content": {"application/octet-stream": {}}},
    404: {"description": "No such plan, or the crew has no sortie that day"},
    422: {"description": "A format other than those registered"}})
def read_missions(plan_id: RecordId, _: ReadUser, session: SessionDep,
                  crew: Annotated[str, Query(min_length=1, max_length=100, description="The crew")],
                  day: Annotated[date | None, Query(description="The day (ISO date); none: all the crew's "
                                                                 "days (iCalendar)")] = None,
                  format: FormatParam = "wpml") -> Response:
    """One crew day's mission files, in a format of :data:`irpatrol.reports.missions.MISSION_FORMATS`
    (the same files the web page and ``irpatrol schedule missions`` give)."""
    plan = load_plan(session, plan_id)
    f = mission_download(format, CrewDayQuery(plan, crew, day, source=f"plan {plan_id}"))
    return Response(f.data, media_type=f.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{f.name}"'})
