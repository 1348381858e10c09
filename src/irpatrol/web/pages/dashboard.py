"""The dashboard: km and poles flown, coverage, defects by grade and status, ageing, overdue, year
on year — all for one selection (period, area, feeder, crew) chosen in the page's GET form."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from irpatrol import figures
from irpatrol.errors import InputError, NotFound
from irpatrol.registry.defects import overdue_clause
from irpatrol.registry.grades import defect_grades
from irpatrol.registry.listing import PageRequest, Sorting, search_page
from irpatrol.registry.model import Defect, Hazard, Pole
from irpatrol.registry.stats import AGE_BUCKETS, Scope, StatsFilter, open_defect_condition, resolve
from irpatrol.registry.workflow import HazardStatus
from irpatrol.reports.ledger import to_row
from irpatrol.web import queries
from irpatrol.web.deps import ReadUser, SessionDep
from irpatrol.web.i18n import error_text, grade_label, status_label, t
from irpatrol.web.render import NavItem, page

router = APIRouter()
NAV = NavItem("dashboard", "/", 10)
"""This page's link(s) in the navigation bar."""
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, user: ReadUser, session: SessionDep, start: Text = None, end: Text = None,
              area: Text = None, feeder: Text = None, crew: Text = None) -> HTMLResponse:
    """Figures of the selection (default: this year to date, everywhere) and the same dates a year
    earlier. A selection that cannot be read is named in the page and the default is shown."""
    form = {"start": start or "", "end": end or "", "area": area or "", "feeder": feeder or "",
            "crew": crew or ""}
    error = None
    try:
        selection = StatsFilter.of(start=start, end=end, area=area, feeder=feeder, crew=crew)
        d = queries.dashboard(session, selection)
    except (InputError, NotFound) as e:
        error = error_text(str(e), user.language)
        selection = StatsFilter()
        d = queries.dashboard(session, selection)
    scope = resolve(session, d.selection)
    at = _as_of(d)
    chart = _chart(d, user.language)
    return page(request, session, user, "dashboard.html", nav="dashboard", d=d, chart=chart, form=form,
                filter_error=error, choices=queries.choices(session),
                age_buckets=[key for key, _lo, _hi in AGE_BUCKETS],
                fieldwork=_fieldwork(session, scope), alerts=_alerts(session, scope, at))


def _as_of(d: queries.Dashboard) -> datetime:
    """When the ageing was counted (the end of the period, or now)."""
    return datetime.fromisoformat(d.stats["ageing"]["as_of"])


def _fieldwork(session: Any, scope: Scope) -> dict[str, int]:
    """Open hazards of the selection's feeders; open acceptance items, rectifications and
    violations (issue 16; county-wide, the page says so)."""
    from irpatrol.acceptance.service import open_counts
    from irpatrol.supervision.service import open_violations

    closed = [HazardStatus.CLEARED.value, HazardStatus.REJECTED.value]
    q = select(func.count(Hazard.id)).where(Hazard.status.not_in(closed))
    if scope.feeder_ids is not None:
        poles = select(Pole.id).where(Pole.feeder_id.in_(scope.feeder_ids))
        q = q.where(or_(Hazard.feeder_id.in_(scope.feeder_ids), Hazard.pole_id.in_(poles)))
    open_hazards = int(session.scalar(q) or 0)
    return open_counts(session) | {"open_violations": open_violations(session), "open_hazards": open_hazards}


ALERT_ROWS = 10
MOST_URGENT = Sorting(columns={"deadline": Defect.deadline}, default="deadline", nulls_last=("deadline",),
                      tiebreak=Defect.id)
"""The alerts' order: the nearest deadline first."""
"""Most defects each alert list shows (the ledger link lists them all)."""


def _alerts(session: SessionDep, scope: Scope, at: datetime) -> dict[str, Any]:
    """Open critical defects and defects past their deadline of the selection, most urgent first."""
    base = open_defect_condition(scope, at)
    critical = (base, Defect.severity >= 3)
    overdue = (base, overdue_clause(at))
    out: dict[str, Any] = {}
    for name, conds in (("critical", critical), ("overdue", overdue)):
        stmt = select(Defect).where(*conds).options(
            selectinload(Defect.pole).selectinload(Pole.feeder), selectinload(Defect.component))
        found = search_page(session, stmt, PageRequest(per_page=ALERT_ROWS), MOST_URGENT,
                            count=select(func.count(Defect.id)).where(*conds))
        out[name] = [to_row(x) for x in found.items]
        out[f"{name}_total"] = found.total
    return out


def _chart(d: queries.Dashboard, lang: str) -> dict[str, Any]:
    """The chart series, labelled in ``lang``; km per month rounded by :mod:`irpatrol.figures`."""
    return {
        "grades": [grade_label(g, lang) for g in defect_grades()],
        "by_grade": [d.open_by_grade.get(g, 0) for g in defect_grades()],
        "statuses": [status_label(s, lang) for s in d.by_status],
        "by_status": list(d.by_status.values()),
        "months": [m for m, _km, _n in d.monthly],
        "km": [float(figures.km(km)) for _m, km, _n in d.monthly],
        "found": [n for _m, _km, n in d.monthly],
        "km_label": t("km_flown", lang),
        "found_label": t("defects", lang),
        "no_data": t("no_data", lang),
    }
