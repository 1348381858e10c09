"""Patrols: list and detail (any role); create (pilot)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select

from irpatrol.api.deps import MAX_ID, IdFilter, PageDep, ReadUser, RecordId, SessionDep, allowed
from irpatrol.api.listing import paginate
from irpatrol.api.schemas import Page, PatrolCreate, PatrolDetail, PatrolRead
from irpatrol.registry import patrols
from irpatrol.registry.model import Patrol, PatrolFeeder, User
from irpatrol.registry.patrols import ensure_patrol

router = APIRouter(prefix="/patrols", tags=["patrols"])

SORTABLE = {
    "id": Patrol.id,
    "date": Patrol.date,
    "km_flown": Patrol.km_flown,
    "created_at": Patrol.created_at,
}


@router.get("")
def read_patrols(
    _: ReadUser,
    session: SessionDep,
    page: PageDep,
    crew_id: IdFilter = None,
    feeder_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Patrols that flew this feeder")
    ] = None,
) -> Page[PatrolRead]:
    """Patrols, newest first unless sorted otherwise."""
    stmt = select(Patrol)
    if crew_id is not None:
        stmt = stmt.where(Patrol.crew_id == crew_id)
    if feeder_id is not None:
        stmt = stmt.where(
            Patrol.id.in_(select(PatrolFeeder.patrol_id).where(PatrolFeeder.feeder_id == feeder_id))
        )
    return paginate(session, stmt, page, PatrolRead, columns=SORTABLE, default_sort="-date")


@router.get("/{patrol_id}", responses={404: {"description": "No such patrol"}})
def read_patrol(patrol_id: RecordId, _: ReadUser, session: SessionDep) -> PatrolDetail:
    """One patrol with its feeders (load current at the time), image, finding and pole counts."""
    return PatrolDetail.model_validate(patrols.summary(session, patrols.get_patrol(session, patrol_id)))


@router.post("", status_code=status.HTTP_201_CREATED, responses={404: {"description": "No such feeder"}})
def create_patrol(
    body: PatrolCreate, _: Annotated[User, allowed("patrol.create")], session: SessionDep
) -> PatrolDetail:
    """Record a patrol (pilot): the patrol of the crew on that date is created if new, then given
    the feeders, weather and load currents of the request."""
    patrol = ensure_patrol(
        session,
        feeders=body.feeders,
        day=body.date,
        crew=body.crew,
        ambient_c=body.ambient_c,
        humidity_pct=body.humidity_pct,
        wind_m_s=body.wind_m_s,
        rain=body.rain,
        load_current_a=body.load_current_a,
    )
    return PatrolDetail.model_validate(patrols.summary(session, patrol))
