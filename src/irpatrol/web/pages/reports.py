"""Report downloads: the PDF patrol report and the defect ledger as Excel or CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from fastapi import APIRouter, Response

from irpatrol.reports import service
from irpatrol.web.deps import SessionDep, SettingsDep, WebUser
from irpatrol.web.pages.ledger import ledger_filters

router = APIRouter()


def _download(data: bytes, media_type: str, filename: str) -> Response:
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


def _lang(lang: str | None, user: WebUser) -> str:
    return lang if lang in ("en", "zh") else user.language


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
