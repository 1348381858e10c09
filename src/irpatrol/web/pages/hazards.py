"""Corridor hazards (tree clearance, buildings, foreign objects…): list, one hazard, workflow."""

from __future__ import annotations

import importlib
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from irpatrol.errors import IrPatrolError, NotFound
from irpatrol.registry import workflow
from irpatrol.registry.model import AuditLog, Feeder, Hazard, Pole
from irpatrol.web.deps import PilotUser, SessionDep, WebUser
from irpatrol.web.i18n import t
from irpatrol.web.render import PREFIX, page

router = APIRouter()
PER_PAGE = 100


@router.get("/hazards", response_class=HTMLResponse)
def hazard_list(request: Request, user: WebUser, session: SessionDep, status: str | None = None,
                kind: str | None = None, page_no: int = 1) -> HTMLResponse:
    """Hazards, worst and newest first, filtered by status and kind."""
    query = select(Hazard, Feeder.name, Pole.number).outerjoin(Feeder, Hazard.feeder_id == Feeder.id) \
        .outerjoin(Pole, Hazard.pole_id == Pole.id)
    count = select(func.count(Hazard.id))
    if status in {s.value for s in workflow.HazardStatus}:
        query, count = query.where(Hazard.status == status), count.where(Hazard.status == status)
    if kind:
        query, count = query.where(Hazard.kind == kind), count.where(Hazard.kind == kind)
    total = session.scalar(count) or 0
    rows = session.execute(query.order_by(Hazard.observed_at.desc(), Hazard.id.desc())
                           .limit(PER_PAGE).offset((max(page_no, 1) - 1) * PER_PAGE)).all()
    return page(request, session, user, "hazards.html", nav="hazards", rows=rows, total=total,
                q={"status": status, "kind": kind}, statuses=[s.value for s in workflow.HazardStatus])


@router.get("/hazards/{hazard_id}", response_class=HTMLResponse)
def hazard_page(hazard_id: int, request: Request, user: WebUser, session: SessionDep,
                flash: str | None = None, ok: str | None = None) -> HTMLResponse:
    """A hazard with its photos, history (audit trail) and the allowed transitions."""
    hazard = session.get(Hazard, hazard_id, options=[selectinload(Hazard.photos)])
    if hazard is None:
        raise NotFound(f"no hazard {hazard_id}")
    feeder = session.get(Feeder, hazard.feeder_id) if hazard.feeder_id else None
    pole = session.get(Pole, hazard.pole_id) if hazard.pole_id else None
    history = session.scalars(
        select(AuditLog)
        .where(AuditLog.entity == "hazard", AuditLog.entity_id == hazard_id)
        .order_by(AuditLog.at)
    ).all()
    allowed = sorted(workflow.HAZARD_TRANSITIONS[workflow.parse_hazard_status(hazard.status)])
    return page(request, session, user, "hazard.html", nav="hazards", h=hazard, feeder=feeder, pole=pole,
                history=history, allowed=[str(s) for s in allowed],
                needs_reason=[str(s) for s in workflow.HAZARD_REASON_REQUIRED],
                flash=flash or (t("saved", user.language) if ok else None),
                flash_kind="ok" if ok else "error")


@router.post("/hazards/{hazard_id}/transition", response_model=None)
def transition(hazard_id: int, request: Request, user: PilotUser, session: SessionDep,
               to_status: Annotated[str, Form()], comment: Annotated[str | None, Form()] = None,
               reason: Annotated[str | None, Form()] = None) -> HTMLResponse | RedirectResponse:
    """Move the hazard along its workflow (the registry's hazard service)."""
    try:
        hazards = importlib.import_module("irpatrol.registry.hazards")
        hazards.transition(session, hazard_id, to_status, user=user.username, comment=comment or None,
                           reason=reason or None)
    except (IrPatrolError, ModuleNotFoundError, AttributeError) as exc:
        session.rollback()
        return hazard_page(hazard_id, request, user, session, flash=str(exc))
    session.commit()  # before the redirect: the browser reads the page at once
    return RedirectResponse(f"{PREFIX}/hazards/{hazard_id}?ok=1", status_code=303)
