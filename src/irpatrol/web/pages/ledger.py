"""The defect ledger: filters, pages, one defect with its timeline, trend and workflow."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from irpatrol.registry import defects as service
from irpatrol.registry import workflow
from irpatrol.registry.model import Feeder, Finding, Image
from irpatrol.reports.content import advice_text
from irpatrol.reports.ledger import to_row
from irpatrol.web.deps import AnalystUser, SessionDep, WebUser
from irpatrol.web.render import PREFIX, page
from irpatrol.web.transitions import apply_change, form_context

router = APIRouter()
PER_PAGE = 100
GRADES = ("critical", "serious", "general")


def ledger_filters(
    grade: str | None, status: str | None, feeder: str | None, overdue: bool
) -> dict[str, Any]:
    """The registry's defect filters from the page's query (``status=open`` means every open status)."""
    f: dict[str, Any] = {}
    if grade in GRADES:
        f["grade"] = grade
    if status == "open":
        f["open_only"] = True
    elif status in {s.value for s in workflow.DefectStatus}:
        f["status"] = status
    if feeder:
        f["feeder"] = feeder
    if overdue:
        f["overdue"] = True
    return f


@router.get("/ledger", response_class=HTMLResponse)
def ledger(request: Request, user: WebUser, session: SessionDep, grade: str | None = None,
           status: str | None = None, feeder: str | None = None, overdue: bool = False,
           sort: str = "-grade", page_no: int = 1) -> HTMLResponse:
    """One page of the defects that match the filters."""
    sort = sort if sort.lstrip("-") in service.SORTS else "-grade"
    result = service.list_defects(session, ledger_filters(grade, status, feeder, overdue), sort=sort,
                                  page=max(page_no, 1), per_page=PER_PAGE)
    query = {k: v for k, v in {"grade": grade, "status": status, "feeder": feeder,
                               "overdue": "1" if overdue else None, "sort": sort}.items() if v}
    feeders = session.scalars(select(Feeder.name).order_by(Feeder.name)).all()
    rows = [to_row(d) for d in result.items]
    return page(request, session, user, "ledger.html", nav="ledger", defects=rows, result=result, q=query,
                qs=urlencode(query), feeders=feeders, grades=GRADES,
                statuses=[s.value for s in workflow.DefectStatus])


@router.get("/ledger/{defect_id}", response_class=HTMLResponse)
def defect_page(defect_id: int, request: Request, user: WebUser, session: SessionDep,
                flash: str | None = None, ok: str | None = None) -> HTMLResponse:
    """A defect: readings, evidence images, temperature trend, history and the allowed transitions."""
    defect = service.get_defect(session, defect_id)
    findings = session.scalars(
        select(Finding).where(Finding.defect_id == defect_id)
        .options(selectinload(Finding.image).selectinload(Image.patrol)).order_by(Finding.id)
    ).all()
    trend = [
        {"at": (f.image.captured_at or f.created_at).isoformat(), "t_max_c": f.t_max_c,
         "delta_t_k": f.delta_t_k}
        for f in findings
    ]
    form = form_context(user.language, workflow.TRANSITIONS[workflow.parse_status(defect.status)],
                        workflow.REASON_REQUIRED, flash, ok)
    return page(request, session, user, "defect.html", nav="ledger", d=defect, row=to_row(defect),
                findings=findings, trend=trend,
                advice=advice_text(findings[-1].diagnosis) if findings else None, **form)


@router.post("/ledger/{defect_id}/transition", response_model=None)
def transition(
    defect_id: int,
    request: Request,
    user: AnalystUser,
    session: SessionDep,
    to_status: Annotated[str, Form()],
    comment: Annotated[str | None, Form()] = None,
    reason: Annotated[str | None, Form()] = None,
) -> HTMLResponse | RedirectResponse:
    """Move the defect along the workflow; a refused change shows its reason on the page."""
    return apply_change(
        session, user.language,
        lambda: service.transition(session, defect_id, to_status, user=user.username,
                                   comment=comment or None, reason=reason or None),
        refused=lambda message: defect_page(defect_id, request, user, session, flash=message),
        done_url=f"{PREFIX}/ledger/{defect_id}",
    )


