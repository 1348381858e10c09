"""Corridor hazards (tree clearance, buildings, foreign objects…): list, one hazard with its
photos, workflow, photo upload; and the photo files of hazards and defects."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from irpatrol.errors import InputError, IrPatrolError, NotFound
from irpatrol.registry import hazards, judgement, photos, workflow
from irpatrol.registry.listing import PageRequest, Sorting, search_page
from irpatrol.registry.model import AuditLog, Feeder, Hazard, Pole, User
from irpatrol.web.deps import ReadUser, SessionDep, SettingsDep, allowed
from irpatrol.web.i18n import error_text
from irpatrol.web.render import PREFIX, NavItem, page
from irpatrol.web.transitions import apply_change, form_context

router = APIRouter()
NAV = NavItem("hazards", "/hazards", 50)
"""This page's link(s) in the navigation bar."""
PER_PAGE = 100
NEWEST_FIRST = Sorting(columns={"observed_at": Hazard.observed_at}, default="-observed_at",
                       tiebreak=Hazard.id, tiebreak_follows=True)
"""The list's order: the newest observation first."""


@router.get("/hazards", response_class=HTMLResponse)
def hazard_list(request: Request, user: ReadUser, session: SessionDep, status: str | None = None,
                kind: str | None = None, page_no: int = 1) -> HTMLResponse:
    """Hazards, worst and newest first, filtered by status and kind."""
    query = select(Hazard, Feeder.name, Pole.number).outerjoin(Feeder, Hazard.feeder_id == Feeder.id) \
        .outerjoin(Pole, Hazard.pole_id == Pole.id)
    count = select(func.count(Hazard.id))
    if status in {s.value for s in workflow.HazardStatus}:
        query, count = query.where(Hazard.status == status), count.where(Hazard.status == status)
    if kind:
        query, count = query.where(Hazard.kind == kind), count.where(Hazard.kind == kind)
    found = search_page(session, query, PageRequest(page=max(page_no, 1), per_page=PER_PAGE), NEWEST_FIRST,
                        count=count, rows=True)
    rows, total = found.items, found.total
    return page(request, session, user, "hazards.html", nav="hazards", rows=rows, total=total,
                q={"status": status, "kind": kind}, statuses=[s.value for s in workflow.HazardStatus])


@router.get("/hazards/{hazard_id}", response_class=HTMLResponse)
def hazard_page(hazard_id: int, request: Request, user: ReadUser, session: SessionDep,
                flash: str | None = None, ok: str | None = None) -> HTMLResponse:
    """A hazard with its photos, history (audit trail) and the allowed transitions."""
    hazard = session.get(Hazard, hazard_id, options=[selectinload(Hazard.photos)])
    if hazard is None:
        raise NotFound(f"no hazard {hazard_id}")
    feeder = session.get(Feeder, hazard.feeder_id) if hazard.feeder_id else None
    pole = session.get(Pole, hazard.pole_id) if hazard.pole_id else None
    kept = sorted(hazard.photos, key=lambda p: p.id)
    history = session.scalars(
        select(AuditLog)
        .where(AuditLog.entity == "hazard", AuditLog.entity_id == hazard_id)
        .order_by(AuditLog.at)
    ).all()
    allowed = workflow.HAZARD_TRANSITIONS[workflow.parse_hazard_status(hazard.status)]
    form = form_context(user.language, allowed, workflow.HAZARD_REASON_REQUIRED, flash, ok)
    return page(request, session, user, "hazard.html", nav="hazards", h=hazard, feeder=feeder, pole=pole,
                history=history, photos=kept, **form)


@router.post("/hazards/{hazard_id}/transition", response_model=None)
def transition(
    hazard_id: int, request: Request, user: Annotated[User, allowed("hazard.transition")],
    session: SessionDep, to_status: Annotated[str, Form()], comment: Annotated[str | None, Form()] = None,
    reason: Annotated[str | None, Form()] = None
) -> HTMLResponse | RedirectResponse:
    """Move the hazard along its workflow (the registry's hazard service)."""
    def change() -> None:
        hazard = session.get(Hazard, hazard_id)
        if hazard is not None and to_status == workflow.HazardStatus.CLEARED.value:
            workflow.check_hazard_transition(hazard.status, to_status, reason=reason or None)
            judgement.check_hazard_clearance_evidence(session, hazard)
        hazards.transition(session, hazard_id, to_status, user=user.username, comment=comment or None,
                           reason=reason or None)

    return apply_change(
        session, user.language, change,
        refused=lambda message: hazard_page(hazard_id, request, user, session, flash=message),
        done_url=f"{PREFIX}/hazards/{hazard_id}",
    )


@router.post("/hazards/{hazard_id}/photos", response_model=None)
async def add_photos(
    hazard_id: int, request: Request, user: Annotated[User, allowed("hazard.photo")], session: SessionDep,
    settings: SettingsDep, files: Annotated[list[UploadFile], File()],
    caption: Annotated[str | None, Form(max_length=2000)] = None
) -> HTMLResponse | RedirectResponse:
    """Attach photos to the hazard (the registry's photo service: stored once by SHA-256, GPS from
    the EXIF); a file that is not a picture or is too large is shown on the page."""
    try:
        with tempfile.TemporaryDirectory(dir=_scratch(settings.data_dir)) as tmp:
            for n, upload in enumerate(files):
                path = Path(tmp) / f"{n}.upload"
                await _save(upload, path, settings.upload_limit_bytes)
                photos.attach_photo(session, path, data_dir=settings.data_dir, hazard_id=hazard_id,
                                     caption=caption or None, user=user.username)
    except IrPatrolError as exc:
        session.rollback()
        if isinstance(exc, NotFound):
            raise
        return hazard_page(hazard_id, request, user, session, flash=error_text(exc.message, user.language))
    session.commit()
    return RedirectResponse(f"{PREFIX}/hazards/{hazard_id}?ok=1", status_code=303)


@router.get("/photos/{photo_id}")
def photo(photo_id: int, user: ReadUser, session: SessionDep, settings: SettingsDep) -> FileResponse:
    """The file of a hazard's or defect's photo."""
    path, media_type = photos.photo_file(photos.get_photo(session, photo_id), settings.data_dir)
    return FileResponse(path, media_type=media_type)


def _scratch(data_dir: Path) -> Path:
    folder = data_dir / photos.PHOTO_FOLDER / ".incoming"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _save(upload: UploadFile, path: Path, limit: int) -> None:
    """Copy an uploaded file to ``path`` in chunks; InputError past ``limit`` bytes."""
    size = 0
    with path.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise InputError(f"photo larger than the upload limit of {limit} bytes")
            out.write(chunk)
