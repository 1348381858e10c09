"""Reports (any role): the PDF patrol report and the defect ledger as Excel or CSV, built by
:mod:`irpatrol.reports.service` (the same files the CLI and the web app give)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response

from irpatrol.api.deps import RecordId, SessionDep, SettingsDep, ViewerUser
from irpatrol.errors import ParameterError
from irpatrol.registry import workflow
from irpatrol.registry.defects import SORTS
from irpatrol.registry.model import User
from irpatrol.reports import service

router = APIRouter(prefix="/reports", tags=["reports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LangQuery = Annotated[
    Literal["en", "zh"] | None, Query(description="Language of the report (default: the user's)")
]


def _download(data: bytes, media_type: str, filename: str) -> Response:
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


def _lang(lang: str | None, user: User) -> str:
    return lang or (user.language if user.language in ("en", "zh") else "en")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M")


def _check(name: str, values: list[str] | None, allowed: list[str]) -> None:
    unknown = sorted(set(values or ()) - set(allowed))
    if unknown:
        raise ParameterError(f"unknown {name} {', '.join(unknown)}; one of {', '.join(allowed)}")


class LedgerQuery:
    """The ledger's filters (as ``GET /defects``) and sort."""

    def __init__(
        self,
        grade: Annotated[
            list[str] | None, Query(max_length=10, description="Grade(s), e.g. critical")
        ] = None,
        status: Annotated[list[str] | None, Query(max_length=10, description="Status(es), e.g. new")] = None,
        feeder: Annotated[str | None, Query(max_length=200, description="Feeder name")] = None,
        overdue: Annotated[bool | None, Query(description="Only (or no) defects past their deadline")] = None,
        open_only: Annotated[bool, Query(description="Only defects still needing work")] = False,
        sort: Annotated[
            str, Query(max_length=32, description=f"One of {', '.join(SORTS)}; '-' for descending")
        ] = "-grade",
    ) -> None:
        _check("status", status, [s.value for s in workflow.DefectStatus])
        if sort.lstrip("-") not in SORTS:
            raise ParameterError(f"unknown sort {sort!r}; one of {', '.join(SORTS)} ('-' for descending)")
        self.sort = sort
        self.filters: dict[str, Any] = {
            "grade": grade or (),
            "status": status or (),
            "feeder": feeder,
            "overdue": overdue,
            "open_only": open_only,
        }


PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The report"},
    404: {"description": "No such patrol"},
}


@router.get("/patrols/{patrol_id}.pdf", response_class=Response, responses=PDF_RESPONSE)
def patrol_pdf(
    patrol_id: RecordId, user: ViewerUser, session: SessionDep, settings: SettingsDep, lang: LangQuery = None
) -> Response:
    """The PDF report of a patrol: cover, summary, one section per defect (images, measurements,
    conditions, grade with rule and clause, deadline)."""
    pdf = service.patrol_pdf(session, patrol_id, lang=_lang(lang, user), data_dir=settings.data_dir)
    return _download(pdf, "application/pdf", f"irpatrol-patrol-{patrol_id}.pdf")


@router.get(
    "/ledger.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The ledger workbook"}},
)
def ledger_xlsx(
    user: ViewerUser, session: SessionDep, query: Annotated[LedgerQuery, Depends()], lang: LangQuery = None
) -> Response:
    """The defect ledger (defects matching the filters) as an Excel workbook."""
    data = service.ledger_xlsx(session, lang=_lang(lang, user), filters=query.filters, sort=query.sort)
    return _download(data, XLSX, f"irpatrol-ledger-{_stamp()}.xlsx")


@router.get(
    "/ledger.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The ledger as CSV (UTF-8)"}},
)
def ledger_csv(
    user: ViewerUser, session: SessionDep, query: Annotated[LedgerQuery, Depends()], lang: LangQuery = None
) -> Response:
    """The defect ledger (defects matching the filters) as CSV."""
    data = service.ledger_csv(session, lang=_lang(lang, user), filters=query.filters, sort=query.sort)
    return _download(data, "text/csv; charset=utf-8", f"irpatrol-ledger-{_stamp()}.csv")


FEEDER_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}, XLSX: {}}, "description": "The report"},
    404: {"description": "No such feeder"},
}
ClosedDays = Annotated[int, Query(ge=0, le=3660, description="Also list defects closed in the last N days")]
PERIOD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}, XLSX: {}}, "description": "The report"},
    404: {"description": "No such area"},
}


class PeriodQuery:
    """The period (inclusive local dates) and optionally one area."""

    def __init__(
        self,
        date_from: Annotated[date, Query(alias="from", description="First day (YYYY-MM-DD)")],
        date_to: Annotated[date, Query(alias="to", description="Last day (YYYY-MM-DD)")],
        area: Annotated[str | None, Query(max_length=200, description="Area name")] = None,
    ) -> None:
        self.date_from, self.date_to, self.area = date_from, date_to, area


@router.get("/feeders/{feeder_id}.pdf", response_class=Response, responses=FEEDER_RESPONSES)
def feeder_pdf(feeder_id: RecordId, user: ViewerUser, session: SessionDep, settings: SettingsDep,
               closed_days: ClosedDays = 90, lang: LangQuery = None) -> Response:
    """The feeder report as PDF: open defects and those closed recently, each with its reading,
    map and rule, and the last inspection of every pole."""
    report = service.feeder_report(session, feeder_id, closed_days=closed_days, data_dir=settings.data_dir)
    return _download(service.scope_pdf(report, _lang(lang, user)), "application/pdf",
                     f"irpatrol-feeder-{feeder_id}.pdf")


@router.get("/feeders/{feeder_id}.xlsx", response_class=Response, responses=FEEDER_RESPONSES)
def feeder_xlsx(feeder_id: RecordId, user: ViewerUser, session: SessionDep,
                closed_days: ClosedDays = 90, lang: LangQuery = None) -> Response:
    """The feeder report as an Excel workbook (the report's defects with the ledger's columns, and
    the poles' last inspections)."""
    report = service.feeder_report(session, feeder_id, closed_days=closed_days)
    return _download(service.scope_xlsx(session, report, _lang(lang, user)), XLSX,
                     f"irpatrol-feeder-{feeder_id}.xlsx")


@router.get("/period.pdf", response_class=Response, responses=PERIOD_RESPONSES)
def period_pdf(user: ViewerUser, session: SessionDep, settings: SettingsDep,
               query: Annotated[PeriodQuery, Depends()], lang: LangQuery = None) -> Response:
    """The period report as PDF: patrols flown and defects found between two dates."""
    report = service.period_report(session, query.date_from, query.date_to, area=query.area,
                                   data_dir=settings.data_dir)
    return _download(service.scope_pdf(report, _lang(lang, user)), "application/pdf",
                     f"irpatrol-period-{query.date_from}-{query.date_to}.pdf")


@router.get("/period.xlsx", response_class=Response, responses=PERIOD_RESPONSES)
def period_xlsx(user: ViewerUser, session: SessionDep, query: Annotated[PeriodQuery, Depends()],
                lang: LangQuery = None) -> Response:
    """The period report as an Excel workbook (its defects with the ledger's columns, and the
    patrols)."""
    report = service.period_report(session, query.date_from, query.date_to, area=query.area)
    return _download(service.scope_xlsx(session, report, _lang(lang, user)), XLSX,
                     f"irpatrol-period-{query.date_from}-{query.date_to}.xlsx")
