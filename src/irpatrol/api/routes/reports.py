"""Reports (any role): the patrol, feeder and period reports and the defect ledger, in every format
:data:`irpatrol.reports.exports.EXPORTERS` registers for them (the same files the CLI and the web
app give): ``/reports/ledger.{format}`` and so on, so a new format needs no new route."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy.orm import Session

from irpatrol.api.deps import ReadUser, RecordId, SessionDep, SettingsDep
from irpatrol.errors import NotFound, ParameterError
from irpatrol.http_files import attachment
from irpatrol.registry import workflow
from irpatrol.registry.defects import SORTS
from irpatrol.registry.model import User
from irpatrol.reports import exports

router = APIRouter(prefix="/reports", tags=["reports"])

LangQuery = Annotated[
    Literal["en", "zh"] | None, Query(description="Language of the report (default: the user's)")
]


def _lang(lang: str | None, user: User) -> str:
    return lang or (user.language if user.language in ("en", "zh") else "en")


def _check(name: str, values: list[str] | None, allowed: list[str]) -> None:
    unknown = sorted(set(values or ()) - set(allowed))
    if unknown:
        raise ParameterError(f"unknown {name} {', '.join(unknown)}; one of {', '.join(allowed)}")


class LedgerParams:
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


Format = Annotated[str, Path(max_length=10, description="File format, e.g. pdf, xlsx or csv")]
ClosedDays = Annotated[int, Query(ge=0, le=3660, description="Also list defects closed in the last N days")]


def _responses(kind: str, missing: str | None) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI responses of a ``kind`` export: its media types, and 404 for a format it lacks."""
    content: dict[str, Any] = {media: {} for media in exports.media_types(kind)}
    formats = ", ".join(exports.formats(kind))
    out: dict[int | str, dict[str, Any]] = {200: {"content": content, "description": f"The file ({formats})"}}
    out[404] = {"description": f"{missing + ', or a' if missing else 'A'} format other than {formats}"}
    return out


def _export(session: Session, kind: str, fmt: str, query: Any, lang: str) -> Response:
    """The ``kind`` export chosen by ``query`` as ``fmt``; 404 for a format the kind lacks."""
    if fmt not in exports.formats(kind):
        raise NotFound(f"no {kind} report as {fmt!r}; one of {', '.join(exports.formats(kind))}")
    file = exports.export(session, kind, fmt, query, lang)
    return attachment(file.data, file.media_type, file.filename)


@router.get("/patrols/{patrol_id}.{fmt}", response_class=Response,
            responses=_responses("patrol", "No such patrol"))
def patrol_report(patrol_id: RecordId, fmt: Format, user: ReadUser, session: SessionDep,
                  settings: SettingsDep, lang: LangQuery = None) -> Response:
    """The patrol report (``.pdf``): cover, summary, one section per defect (images, measurements,
    conditions, grade with rule and clause, deadline)."""
    query = exports.RecordQuery("patrol", patrol_id, settings.data_dir)
    return _export(session, "patrol", fmt, query, _lang(lang, user))


@router.get("/ledger.{fmt}", response_class=Response, responses=_responses("ledger", None))
def ledger(fmt: Format, user: ReadUser, session: SessionDep, query: Annotated[LedgerParams, Depends()],
           lang: LangQuery = None) -> Response:
    """The defect ledger (defects matching the filters) as an Excel workbook (``.xlsx``) or CSV
    (``.csv``, UTF-8)."""
    chosen = exports.LedgerQuery(filters=query.filters, sort=query.sort)
    return _export(session, "ledger", fmt, chosen, _lang(lang, user))


class PeriodParams:
    """The period (inclusive local dates) and optionally one area."""

    def __init__(
        self,
        date_from: Annotated[date, Query(alias="from", description="First day (YYYY-MM-DD)")],
        date_to: Annotated[date, Query(alias="to", description="Last day (YYYY-MM-DD)")],
        area: Annotated[str | None, Query(max_length=200, description="Area name")] = None,
    ) -> None:
        self.date_from, self.date_to, self.area = date_from, date_to, area


@router.get("/feeders/{feeder_id}.{fmt}", response_class=Response,
            responses=_responses("feeder", "No such feeder"))
def feeder_report(feeder_id: RecordId, fmt: Format, user: ReadUser, session: SessionDep,
                  settings: SettingsDep, closed_days: ClosedDays = 90, lang: LangQuery = None) -> Response:
    """The feeder report as PDF or Excel: open defects and those closed recently, each with its
    reading, map and rule (the workbook with the ledger's columns), and the last inspection of
    every pole."""
    query = exports.FeederQuery(feeder_id, closed_days=closed_days, data_dir=settings.data_dir)
    return _export(session, "feeder", fmt, query, _lang(lang, user))


@router.get("/period.{fmt}", response_class=Response, responses=_responses("period", "No such area"))
def period_report(fmt: Format, user: ReadUser, session: SessionDep, settings: SettingsDep,
                  period: Annotated[PeriodParams, Depends()], lang: LangQuery = None) -> Response:
    """The period report as PDF or Excel: patrols flown and defects found between two dates."""
    query = exports.PeriodQuery(period.date_from, period.date_to, area=period.area,
                                data_dir=settings.data_dir)
    return _export(session, "period", fmt, query, _lang(lang, user))
