"""Reports: the reports page, and the downloads — the patrol, feeder and period reports and the
defect ledger in every format :data:`irpatrol.reports.exports.EXPORTERS` registers for them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from irpatrol.errors import NotFound
from irpatrol.http_files import attachment
from irpatrol.registry.listing import first_rows
from irpatrol.registry.model import Area, Defect, Feeder, Patrol, Pole, User
from irpatrol.registry.workflow import CLOSED
from irpatrol.reports import exports
from irpatrol.reports.scope import DEFAULT_CLOSED_DAYS, MAX_CLOSED_DAYS
from irpatrol.reports.timefmt import local
from irpatrol.web.deps import ReadUser, SessionDep, SettingsDep
from irpatrol.web.pages.ledger import ledger_filters
from irpatrol.web.queries import NEWEST_PATROLS
from irpatrol.web.render import NavItem, page

router = APIRouter()
NAV = NavItem("reports", "/reports", 80)
"""This page's link(s) in the navigation bar."""


def _lang(lang: str | None, user: User) -> str:
    return lang if lang in ("en", "zh") else user.language


ClosedDays = Annotated[int, Query(ge=0, le=MAX_CLOSED_DAYS)]
RECENT_PATROLS = 10


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, user: ReadUser, session: SessionDep) -> HTMLResponse:
    """Every report in one place: per feeder (with its open defects), per period, recent patrols."""
    open_counts = (
        select(Pole.feeder_id, func.count(Defect.id).label("n"))
        .join(Defect, Defect.pole_id == Pole.id)
        .where(Defect.status.not_in([s.value for s in CLOSED]))
        .group_by(Pole.feeder_id).subquery()
    )
    feeders = session.execute(
        select(Feeder, open_counts.c.n).outerjoin(open_counts, open_counts.c.feeder_id == Feeder.id)
        .options(joinedload(Feeder.area)).order_by(Feeder.name)
    ).all()
    areas = session.scalars(select(Area.name).order_by(Area.name)).all()
    patrols = first_rows(session, select(Patrol), NEWEST_PATROLS, RECENT_PATROLS)
    today = (local(datetime.now(UTC)) or datetime.now(UTC)).date()
    return page(request, session, user, "reports.html", nav="reports", feeders=feeders, areas=areas,
                patrols=patrols, date_to=today, date_from=today - timedelta(days=30),
                closed_days=DEFAULT_CLOSED_DAYS)


def _export(session: Session, kind: str, fmt: str, query: Any, lang: str) -> Response:
    """The ``kind`` export chosen by ``query`` as ``fmt``; no such page for a format it lacks."""
    if fmt not in exports.formats(kind):
        raise NotFound(f"no {kind} report as {fmt!r}; one of {', '.join(exports.formats(kind))}")
    file = exports.export(session, kind, fmt, query, lang)
    return attachment(file.data, file.media_type, file.filename)


@router.get("/reports/feeders/{feeder_id}.{fmt}")
def feeder_report(feeder_id: int, fmt: str, user: ReadUser, session: SessionDep, settings: SettingsDep,
                  closed_days: ClosedDays = DEFAULT_CLOSED_DAYS, lang: str | None = None) -> Response:
    """The feeder report (PDF, Excel), in the user's language unless ``lang`` says otherwise."""
    query = exports.FeederQuery(feeder_id, closed_days=closed_days, data_dir=settings.data_dir)
    return _export(session, "feeder", fmt, query, _lang(lang, user))


@router.get("/reports/period.{fmt}")
def period_report(fmt: str, user: ReadUser, session: SessionDep, settings: SettingsDep,
                  date_from: Annotated[date, Query(alias="from")],
                  date_to: Annotated[date, Query(alias="to")], area: str | None = None,
                  lang: str | None = None) -> Response:
    """The period report (PDF, Excel; ``from`` and ``to`` inclusive, optionally one ``area``)."""
    query = exports.PeriodQuery(date_from, date_to, area=area or None, data_dir=settings.data_dir)
    return _export(session, "period", fmt, query, _lang(lang, user))


@router.get("/reports/patrols/{patrol_id}.{fmt}")
def patrol_report(patrol_id: int, fmt: str, user: ReadUser, session: SessionDep, settings: SettingsDep,
                  lang: str | None = None) -> Response:
    """The patrol report (PDF), in the user's language unless ``lang`` says otherwise."""
    query = exports.RecordQuery("patrol", patrol_id, settings.data_dir)
    return _export(session, "patrol", fmt, query, _lang(lang, user))


@router.get("/reports/ledger.{fmt}")
def ledger(fmt: str, user: ReadUser, session: SessionDep, lang: str | None = None, grade: str | None = None,
           status: str | None = None, feeder: str | None = None, overdue: bool = False,
           sort: str = "-grade") -> Response:
    """The defect ledger (the ledger page's filters) as Excel or CSV."""
    query = exports.LedgerQuery(filters=ledger_filters(grade, status, feeder, overdue), sort=_sort(sort))
    return _export(session, "ledger", fmt, query, _lang(lang, user))


def _sort(sort: str) -> str:
    from irpatrol.registry.defects import SORTS

    return sort if sort.lstrip("-") in SORTS else "-grade"
