"""The dashboard: km and poles flown, coverage, defects by grade and status, overdue, year on year."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from irpatrol.web import queries
from irpatrol.web.deps import SessionDep, WebUser
from irpatrol.web.i18n import grade_label, status_label, t
from irpatrol.web.render import page

router = APIRouter()
GRADES = ("critical", "serious", "general")


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    """Figures for this year to date and the same dates a year earlier."""
    d = queries.dashboard(session)
    chart = _chart(d, user.language)
    return page(request, session, user, "dashboard.html", nav="dashboard", d=d, chart=chart,
                fieldwork=_fieldwork(session))


def _fieldwork(session: Any) -> dict[str, int]:
    """Open acceptance items and rectifications, open violations and hazards (issue 16)."""
    from irpatrol.acceptance.service import open_counts
    from irpatrol.registry import hazards
    from irpatrol.supervision.service import open_violations

    _items, open_hazards = hazards.list_hazards(session, {"open_only": True}, per_page=1)
    return open_counts(session) | {"open_violations": open_violations(session), "open_hazards": open_hazards}


def _chart(d: queries.Dashboard, lang: str) -> dict[str, Any]:
    """The chart series, labelled in ``lang``."""
    return {
        "grades": [grade_label(g, lang) for g in GRADES],
        "by_grade": [d.open_by_grade.get(g, 0) for g in GRADES],
        "statuses": [status_label(s, lang) for s in d.by_status],
        "by_status": list(d.by_status.values()),
        "months": [m for m, _km, _n in d.monthly],
        "km": [round(km, 2) for _m, km, _n in d.monthly],
        "found": [n for _m, _km, n in d.monthly],
        "km_label": t("km_flown", lang),
        "found_label": t("defects", lang),
    }
