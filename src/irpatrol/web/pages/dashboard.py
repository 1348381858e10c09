"""The dashboard: km and poles flown, coverage, defects by grade and status, overdue, year on year."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from irpatrol.registry import defects
from irpatrol.reports.ledger import to_row
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
                fieldwork=_fieldwork(session), alerts=_alerts(session))


def _fieldwork(session: Any) -> dict[str, int]:
    """Open acceptance items and rectifications, open violations and hazards (issue 16)."""
    from irpatrol.acceptance.service import open_counts
    from irpatrol.registry import hazards
    from irpatrol.supervision.service import open_violations

    _items, open_hazards = hazards.list_hazards(session, {"open_only": True}, per_page=1)
    return open_counts(session) | {"open_violations": open_violations(session), "open_hazards": open_hazards}


ALERT_ROWS = 10
"""Most defects each alert list shows (the ledger link lists them all)."""


def _alerts(session: SessionDep) -> dict[str, Any]:
    """Open critical defects and defects past their deadline, most urgent first."""
    critical = defects.list_defects(session, {"min_severity": 3, "open_only": True}, sort="deadline",
                                    page=1, per_page=ALERT_ROWS)
    overdue = defects.list_defects(session, {"overdue": True}, sort="deadline", page=1, per_page=ALERT_ROWS)
    return {"critical": [to_row(x) for x in critical.items], "critical_total": critical.total,
            "overdue": [to_row(x) for x in overdue.items], "overdue_total": overdue.total}


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
