"""Reports: the reports page, and the downloads — the PDF patrol report, the feeder and period
reports (PDF, Excel) and the defect ledger as Excel or CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from irpatrol.registry.model import Area, Defect, Feeder, Patrol, Pole
from irpatrol.registry.workflow import CLOSED
from irpatrol.reports import service
from irpatrol.reports.scope import DEFAULT_CLOSED_DAYS, MAX_CLOSED_DAYS
from irpatrol.reports.timefmt import local
from irpatrol.web.deps import SessionDep, SettingsDep, WebUser
from irpatrol.web.pages.ledger import ledger_filters
from irpatrol.web.render import page

router = APIRouter()


def _download(data: bytes, media_type: str, filename: str) -> Response:
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


def _lang(lang: str | None, user: WebUser) -> str:
    return lang if lang in ("en", "zh") else user.language


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ClosedDays = Annotated[int, Query(ge=0, le=MAX_CLOSED_DAYS)]
RECENT_PATROLS = 10


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
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
    patrols = session.scalars(select(Patrol).order_by(Patrol.date.desc(), Patrol.id.desc())
                              .limit(RECENT_PATROLS)).all()
    today = (local(datetime.now(UTC)) or datetime.now(UTC)).date()
    return page(request, session, user, "reports.html", nav="reports", feeders=feeders, areas=areas,
                patrols=patrols, date_to=today, date_from=today - timedelta(days=30),
                closed_days=DEFAULT_CLOSED_DAYS)


@router.get("/reports/feeders/{feeder_id}.pdf")
def feeder_pdf(feeder_id: int, user: WebUser, session: SessionDep, settings: SettingsDep,
               closed_days: ClosedDays = DEFAULT_CLOSED_DAYS, lang: str | None = None) -> Response:
    """The feeder report as PDF, in the user's language unless ``lang`` says otherwise."""
    report = service.feeder_report(session, feeder_id, closed_days=closed_days, data_dir=settings.data_dir)
    return _download(service.scope_pdf(report, _lang(lang, user)), "application/pdf",
                     f"irpatrol-feeder-{feeder_id}.pdf")


@router.get("/reports/feeders/{feeder_id}.xlsx")
def feeder_xlsx(feeder_id: int, user: WebUser, session: SessionDep,
                closed_days: ClosedDays = DEFAULT_CLOSED_DAYS, lang: str | None = None) -> Response:
    """The feeder report as an Excel workbook."""
    report = service.feeder_report(session, feeder_id, closed_days=closed_days)
    return _download(service.scope_xlsx(session, report, _lang(lang, user)), XLSX,
                     f"irpatrol-feeder-{feeder_id}.xlsx")


@router.get("/reports/period.pdf")
def period_pdf(user: WebUser, session: SessionDep, settings: SettingsDep,
               date_from: Annotated[date, Query(alias="from")], date_to: Annotated[date, Query(alias="to")],
               area: str | None = None, lang: str | None = None) -> Response:
    """The period report as PDF (``from`` and ``to`` inclusive, optionally one ``area``)."""
    report = service.period_report(session, date_from, date_to, area=area or None, data_dir=settings.data_dir)
    return _download(service.scope_pdf(report, _lang(lang, user)), "application/pdf",
                     f"irpatrol-period-{date_from}-{date_to}.pdf")


@router.get("/reports/period.xlsx")
def period_xlsx(user: WebUser, session: SessionDep,
                date_from: Annotated[date, Query(alias="from")], date_to: Annotated[date, Query(alias="to")],
                area: str | None = None, lang: str | None = None) -> Response:
    """The period report as an Excel workbook."""
    report = service.period_report(session, date_from, date_to, area=area or None)
    return _download(service.scope_xlsx(session, report, _lang(lang, user)), XLSX,
                     f"irpatrol-period-{date_from}-{date_to}.xlsx")


@router.get("/reports/patrols/{patrol_id}.pdf")
def patrol_pdf(patrol_id: int, user: WebUser, session: SessionDep, settings: SettingsDep,
               lang: str | None = None) -> Response:
    """The patrol report as PDF, in the user's language unless ``lang`` says otherwise."""
    pdf = service.patrol_pdf(session, patrol_id, lang=_lang(lang, user), data_dir=settings.data_dir)
    return _download(pdf, "application/pdf", f"irpatrol-patrol-{patrol_id}.pdf")


@router.get("/reports/ledger.xlsx")
def ledger_xlsx(user: WebUser, session: SessionDep, lang: str | None = None, grade: str | None = None,
                status: str | None = None, feeder: str | None = None, overdue: bool = False,
                sort: str = "-grade") -> Response:
    """The defect ledger (the ledger page's filters) as an Excel workbook."""
    data = service.ledger_xlsx(session, lang=_lang(lang, user), sort=_sort(sort),
                               filters=ledger_filters(grade, status, feeder, overdue))
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(data, media, f"irpatrol-ledger-{_stamp()}.xlsx")


@router.get("/reports/ledger.csv")
def ledger_csv(user: WebUser, session: SessionDep, lang: str | None = None, grade: str | None = None,
               status: str | None = None, feeder: str | None = None, overdue: bool = False,
               sort: str = "-grade") -> Response:
    """The defect ledger (the ledger page's filters) as CSV."""
    data = service.ledger_csv(session, lang=_lang(lang, user), sort=_sort(sort),
                              filters=ledger_filters(grade, status, feeder, overdue))
    return _download(data, "text/csv; charset=utf-8", f"irpatrol-ledger-{_stamp()}.csv")


def _sort(sort: str) -> str:
    from irpatrol.registry.defects import SORTS

    return sort if sort.lstrip("-") in SORTS else "-grade"


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M")
