"""Findings: list and detail (any role); recompute with new capture parameters (analyst)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

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
from irpatrol.api.listing import get_record, paginate
from irpatrol.api.schemas import FindingDetail, FindingRead, Page, RecomputeRequest
from irpatrol.registry import findings
from irpatrol.registry.model import Finding, User

router = APIRouter(prefix="/findings", tags=["findings"])

SORTABLE = {
    "id": Finding.id,
    "t_max_c": Finding.t_max_c,
    "delta_t_k": Finding.delta_t_k,
    "grade": Finding.grade,
    "image_id": Finding.image_id,
    "created_at": Finding.created_at,
}


@router.get("")
def read_findings(
    _: ReadUser,
    session: SessionDep,
    page: PageDep,
    image_id: IdFilter = None,
    pole_id: IdFilter = None,
    defect_id: IdFilter = None,
    grade: Annotated[list[str] | None, Query(max_length=10, description="Grade(s)")] = None,
) -> Page[FindingRead]:
    """Findings (hotspots with their diagnosis); filter by image, pole, defect or grade."""
    stmt = select(Finding)
    if image_id is not None:
        stmt = stmt.where(Finding.image_id == image_id)
    if pole_id is not None:
        stmt = stmt.where(Finding.pole_id == pole_id)
    if defect_id is not None:
        stmt = stmt.where(Finding.defect_id == defect_id)
    if grade:
        stmt = stmt.where(Finding.grade.in_(grade))
    return paginate(session, stmt, page, FindingRead, columns=SORTABLE)


@router.get("/{finding_id}", responses={404: {"description": "No such finding"}})
def read_finding(finding_id: RecordId, _: ReadUser, session: SessionDep) -> FindingDetail:
    """One finding with its full diagnosis (rule, clause, advice, flags …)."""
    return FindingDetail.model_validate(get_record(session, Finding, finding_id))


@router.post(
    "/{finding_id}/recompute",
    responses={
        404: {"description": "No such finding, or its image file is gone"},
        422: {"description": "A value out of range, or a file without raw data to recompute from"},
    },
)
def recompute_finding(
    finding_id: RecordId,
    body: RecomputeRequest,
    user: Annotated[User, allowed("finding.recompute")],
    session: SessionDep,
    settings: SettingsDep,
    deadlines: DeadlinesDep,
) -> FindingDetail:
    """Recompute a finding from its stored image with another emissivity, distance (m) or
    reflected temperature (°C) (analyst): the temperatures are recalculated from the raw data,
    the hotspot is diagnosed again, and the defect it belongs to gets a timeline entry."""
    finding = findings.recompute(
        session,
        finding_id,
        emissivity=body.emissivity,
        distance_m=body.distance_m,
        reflected_c=body.reflected_c,
        data_dir=settings.data_dir,
        user=user.username,
        policy=deadlines,
    )
    return FindingDetail.model_validate(finding)
