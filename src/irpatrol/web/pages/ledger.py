"""The defect ledger: filters, pages, one defect with its timeline, trend and workflow."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from irpatrol.diagnosis.catalogue import catalogue
from irpatrol.errors import InputError, IrPatrolError
from irpatrol.registry import defects as service
from irpatrol.registry import grades as scale
from irpatrol.registry import judgement, photos, precision, workflow
from irpatrol.registry.model import Feeder, Finding, Image, User
from irpatrol.reports.ledger import to_row
from irpatrol.reports.timefmt import local, zone
from irpatrol.reports.why import advice, deciding_finding
from irpatrol.web.deps import ReadUser, SessionDep, SettingsDep, allowed
from irpatrol.web.i18n import error_text
from irpatrol.web.pages.hazards import _save, _scratch
from irpatrol.web.render import PREFIX, NavItem, page
from irpatrol.web.transitions import apply_change, form_context

router = APIRouter()
NAV = NavItem("ledger", "/ledger", 40)
"""This page's link(s) in the navigation bar."""
PER_PAGE = 100


def ledger_filters(
    grade: str | None, status: str | None, feeder: str | None, overdue: bool
) -> dict[str, Any]:
    """The registry's defect filters from the page's query (``status=open`` means every open status)."""
    f: dict[str, Any] = {}
    if grade in scale.defect_grades():
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
def ledger(request: Request, user: ReadUser, session: SessionDep, grade: str | None = None,
           status: str | None = None, feeder: str | None = None, overdue: bool = False,
           sort: str = "-grade", page_no: int = 1) -> HTMLResponse:
    """One page of the defects that match the filters."""
    sort = sort if sort.lstrip("-") in service.SORTS else "-grade"
    result = service.list_defects(session, ledger_filters(grade, status, feeder, overdue), sort=sort,
                                  page=max(page_no, 1), per_page=PER_PAGE, with_history=True)
    query = {k: v for k, v in {"grade": grade, "status": status, "feeder": feeder,
                               "overdue": "1" if overdue else None, "sort": sort}.items() if v}
    feeders = session.scalars(select(Feeder.name).order_by(Feeder.name)).all()
    rows = [to_row(d) for d in result.items]
    return page(request, session, user, "ledger.html", nav="ledger", defects=rows, result=result, q=query,
                qs=urlencode(query), feeders=feeders, grades=scale.defect_grades(),
                statuses=[s.value for s in workflow.DefectStatus])


@router.get("/ledger/{defect_id}", response_class=HTMLResponse)
def defect_page(defect_id: int, request: Request, user: ReadUser, session: SessionDep,
                flash: str | None = None, ok: str | None = None) -> HTMLResponse:
    """A defect: readings, evidence images, temperature trend, history and the allowed transitions."""
    defect = service.get_defect(session, defect_id)
    findings = session.scalars(
        select(Finding).where(Finding.defect_id == defect_id)
        .options(selectinload(Finding.image).selectinload(Image.patrol)).order_by(Finding.id)
    ).all()
    trend = [
        {"at": local(f.image.captured_at or f.created_at).isoformat(), "t_max_c": f.t_max_c,  # type: ignore[union-attr]
         "delta_t_k": f.delta_t_k}
        for f in findings
    ]
    form = form_context(user.language, workflow.TRANSITIONS[workflow.parse_status(defect.status)],
                        workflow.REASON_REQUIRED, flash, ok)
    deciding = deciding_finding(findings)
    return page(request, session, user, "defect.html", nav="ledger", d=defect, row=to_row(defect),
                findings=findings, trend=trend, deciding=deciding,
                advice=advice(deciding.diagnosis, user.language) if deciding else None,
                kinds=[(c.kind, c.name_zh if user.language == "zh" else c.name_en) for c in catalogue()],
                grades=[g.id for g in scale.ruleset(deciding.standard if deciding else None).grades],
                heatings=judgement.HEATING_TYPES,
                reject_verdicts=precision.REJECT_VERDICTS, verdicts=precision.VERDICTS, **form)


@router.post("/ledger/{defect_id}/transition", response_model=None)
async def transition(
    defect_id: int,
    request: Request,
    user: Annotated[User, allowed("defect.transition")],
    session: SessionDep,
    settings: SettingsDep,
    to_status: Annotated[str | None, Form()] = None,
    comment: Annotated[str | None, Form()] = None,
    reason: Annotated[str | None, Form()] = None,
    assignee: Annotated[str | None, Form(max_length=120)] = None,
    crew: Annotated[str | None, Form(max_length=120)] = None,
    due_date: Annotated[str | None, Form()] = None,
    files: Annotated[list[UploadFile] | None, File()] = None,
    verdict: Annotated[str | None, Form(max_length=40)] = None,
) -> HTMLResponse | RedirectResponse:
    """Move the defect along the workflow as a work order does: ``repair_scheduled`` needs an
    assignee and a due date (and takes the crew); ``repaired`` needs the repair note and takes
    photos; ``verified`` needs evidence (a later patrol's measurement, or a photo and a reason).
    A rejection asks for the verdict on the automatic findings (wrong component, reflection,
    background, duplicate); a confirmation records them real (:mod:`irpatrol.registry.precision`).
    A refused change shows its reason on the page; nothing is pre-selected."""
    uploads = [f for f in files or [] if f.filename]
    with tempfile.TemporaryDirectory(dir=_scratch(settings.data_dir)) as tmp:
        paths = []
        try:
            for n, upload in enumerate(uploads):
                path = Path(tmp) / f"{n}.upload"
                await _save(upload, path, settings.upload_limit_bytes)
                paths.append(path)
        except IrPatrolError as exc:
            message = error_text(exc.message, user.language)
            return defect_page(defect_id, request, user, session, flash=message)

        order = WorkOrder(to_status, comment, reason, assignee, crew, due_date, verdict)

        def change() -> None:
            _apply_work_order(session, defect_id, order, paths, user=user.username,
                              data_dir=settings.data_dir)

        return apply_change(
            session, user.language, change,
            refused=lambda message: defect_page(defect_id, request, user, session, flash=message),
            done_url=f"{PREFIX}/ledger/{defect_id}",
        )


@dataclass(frozen=True)
class WorkOrder:
    """What the transition form of a defect asks for."""

    to_status: str | None
    comment: str | None
    reason: str | None
    assignee: str | None
    crew: str | None
    due_date: str | None
    verdict: str | None


def _apply_work_order(session: Session, defect_id: int, order: WorkOrder, photo_paths: list[Path], *,
                      user: str, data_dir: Path) -> None:
    """Attach the photos and move the defect as ``order`` asks (refused moves raise before any
    change of status)."""
    to_status, comment, reason = order.to_status, order.comment, order.reason
    if not to_status:
        raise InputError("choose the next status")
    for path in photo_paths:
        photos.attach_photo(session, path, data_dir=data_dir, defect_id=defect_id,
                             caption=comment or None, user=user)
    session.flush()
    current = service.get_defect(session, defect_id).status
    rejecting = to_status == workflow.DefectStatus.REJECTED.value
    chosen = precision.parse_verdict(order.verdict) if rejecting else None
    workflow.check_transition(current, to_status, reason=reason or chosen)  # refused moves first
    if to_status == workflow.DefectStatus.REPAIR_SCHEDULED.value:
        if not (order.assignee and order.assignee.strip()):
            raise InputError("a scheduled repair needs an assignee")
        judgement.schedule_repair(session, defect_id, assignee=order.assignee, crew=order.crew,
                                  due_at=_due(order.due_date), user=user, comment=comment or None)
        return
    if to_status == workflow.DefectStatus.REPAIRED.value and not (comment and comment.strip()):
        raise InputError("a repair needs its note: what was done")
    if to_status == workflow.DefectStatus.VERIFIED.value:
        defect = service.get_defect(session, defect_id)
        session.refresh(defect)
        judgement.check_verification_evidence(defect, reason)
    service.transition(session, defect_id, to_status, user=user, comment=comment or None,
                       reason=reason or None, verdict=chosen)


def _due(value: str | None) -> datetime:
    """The due date typed in the form (YYYY-MM-DD, end of that day in the configured zone)."""
    if not value:
        raise InputError("a scheduled repair needs a due date")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InputError(f"due date: expected YYYY-MM-DD, got {value!r}") from None
    return datetime.combine(day, time(23, 59), tzinfo=zone()).astimezone(UTC)


