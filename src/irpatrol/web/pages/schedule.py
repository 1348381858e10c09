"""The schedule: a calendar per crew of the newest plan, one day's sorties on the map, and the
mission files (DJI WPML KMZ per sortie, the day as KML or GeoJSON, a crew's iCalendar)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from irpatrol.errors import InputError
from irpatrol.registry.listing import Sorting, first_rows
from irpatrol.registry.model import Plan
from irpatrol.reports.missions import CrewDayQuery, mission_download
from irpatrol.scheduling.service import Plan as PlanResult
from irpatrol.scheduling.service import load_plan, plan_from_dict
from irpatrol.web.deps import ReadUser, SessionDep
from irpatrol.web.render import NavItem, page

router = APIRouter()
NAV = NavItem("schedule", "/schedule", 60)
"""This page's link(s) in the navigation bar."""
PLAN_CHOICES = 50
"""Plans offered in the page's plan choice, the newest first."""
NEWEST_PLANS = Sorting(columns={"id": Plan.id}, default="-id")


def _plan(session: SessionDep, plan_id: int | None) -> tuple[Plan | None, PlanResult | None]:
    """The stored plan ``plan_id`` (default: the newest one with a result) and its decoded result."""
    query = select(Plan).where(Plan.result.is_not(None))
    newest = query.order_by(Plan.id.desc()).limit(1)
    row = session.get(Plan, plan_id) if plan_id else session.scalars(newest).first()
    if row is None or not row.result:
        return row, None
    try:
        return row, plan_from_dict(row.result, source=f"plan {row.id}")
    except InputError:
        return row, None


@router.get("/schedule", response_class=HTMLResponse)
def schedule(request: Request, user: ReadUser, session: SessionDep, plan_id: int | None = None,
             day: str | None = None) -> HTMLResponse:
    """Days × crews of the plan; the chosen day's sorties drawn on the map. Days planned beyond
    the forecast horizon (on climatology) are marked "weather unknown", as ``schedule show`` does."""
    row, plan = _plan(session, plan_id)
    choices = select(Plan.id, Plan.name, Plan.created_at)
    plans = first_rows(session, choices, NEWEST_PLANS, PLAN_CHOICES, rows=True)
    ctx: dict[str, Any] = {"row": row, "plan": plan, "plans": plans}
    if plan is not None:
        days = sorted({cd.day for cd in plan.crew_days})
        crews = sorted({cd.crew for cd in plan.crew_days})
        chosen = _day(day) or (days[0] if days else None)
        ctx.update(days=days, crews=crews, chosen=chosen,
                   cells={(cd.day, cd.crew): cd for cd in plan.crew_days},
                   day_map=_day_map(plan, chosen),
                   unknown={d for d in days if plan.weather_unknown(d)})
    return page(request, session, user, "schedule.html", nav="schedule", **ctx)


@router.get("/schedule/{plan_id}/missions")
def missions(
    plan_id: int, _: ReadUser, session: SessionDep, day: str, crew: str, format: str = "wpml"
) -> Response:
    """One crew day's mission files: a zip of WPML KMZ (one per sortie), KML, GeoJSON or iCalendar
    (the formats of :data:`irpatrol.reports.missions.MISSION_FORMATS`)."""
    plan = load_plan(session, plan_id)
    f = mission_download(format, CrewDayQuery(plan, crew, _day(day), source=f"plan {plan_id}"))
    return _file(f.data, f.media_type, f.name)


def _file(data: bytes, media: str, name: str) -> Response:
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _day_map(plan: PlanResult, day: date | None) -> list[dict[str, Any]]:
    """The day's sorties: crew, takeoff point and the poles' [lat, lon] in flying order."""
    out = []
    for cd in plan.crew_days:
        if cd.day != day:
            continue
        for s in cd.sorties:
            out.append({"crew": cd.crew, "id": s.id, "flight_s": s.flight_s,
                        "takeoff": [s.takeoff.lat, s.takeoff.lon],
                        "poles": [[v.lat, v.lon] for v in s.visits]})
    return out
