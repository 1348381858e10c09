"""Acceptance (验收) and work-site supervision (安全督查) pages, laid out for tablets in the field:
projects, items with evidence, marks and rectifications, accepting a project; work sites, measures,
violations recorded from photos, the violation register; downloads of missions and reports.

Every change goes through :mod:`irpatrol.acceptance.service` / :mod:`irpatrol.supervision.service`,
which decide who may do it (:data:`irpatrol.acceptance.permissions.PERMISSIONS`); a refused change
comes back to the page as a message."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.acceptance import permissions
from irpatrol.acceptance import service as acceptance
from irpatrol.acceptance.checklist import kinds, load_checklist
from irpatrol.config import Settings
from irpatrol.errors import InputError, IrPatrolError
from irpatrol.registry.model import Crew, Feeder, User
from irpatrol.supervision import service as sites
from irpatrol.supervision import workflow as vworkflow
from irpatrol.supervision.violations import load_catalogue
from irpatrol.web.deps import SessionDep, SettingsDep, WebUser, route_permission
from irpatrol.web.i18n import error_text
from irpatrol.web.render import PREFIX, page

router = APIRouter(dependencies=[Depends(route_permission)])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KMZ = "application/vnd.google-earth.kmz"
CSS = "/static/fieldwork.css"


def _ctx(user: User, flash: str | None, ok: str | None) -> dict[str, Any]:
    """Shared context: the permission check for templates and the line above the page."""
    from irpatrol.web.i18n import t

    return {
        "may": lambda action: permissions.may(user.role, action),
        "css": CSS,
        "flash": flash or (t("saved", user.language) if ok else None),
        "flash_kind": "ok" if ok else "error",
    }


def _do(
    session: Session, user: User, change: Callable[[], object], back: str, done: str | None = None
) -> RedirectResponse:
    """Run a service change: committed and on to ``done`` (default ``back``) with ``ok=1``, or rolled
    back and back to ``back`` with the reason (in the user's language) as ``flash``."""
    try:
        result = change()
    except IrPatrolError as exc:
        session.rollback()
        return RedirectResponse(
            f"{back}?flash={quote(error_text(exc.message, user.language))}", status_code=303
        )
    session.commit()
    target = done(result) if callable(done) else (done or back)
    return RedirectResponse(f"{target}?ok=1", status_code=303)


def _save(upload: UploadFile, folder: Path, n: int, limit: int) -> Path:
    path = folder / f"{n}.upload"
    size = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise InputError(f"photo larger than the upload limit of {limit} bytes")
            out.write(chunk)
    return path


def _scratch(settings: Settings) -> str:
    folder = settings.data_dir / "photos" / ".incoming"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _real(uploads: list[UploadFile] | None) -> list[UploadFile]:
    return [u for u in uploads or [] if u.filename]


def _day(v: str | None) -> date | None:
    if not v:
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise InputError(f"not a date (YYYY-MM-DD): {v!r}") from None


def _download(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


# --- acceptance --------------------------------------------------------------------------------


@router.get("/acceptance", response_class=HTMLResponse)
def projects(
    request: Request, user: WebUser, session: SessionDep, flash: str | None = None, ok: str | None = None
) -> HTMLResponse:
    """Acceptance projects and the form to open one."""
    rows = [(p, acceptance.decision(p)) for p in acceptance.list_projects(session)]
    feeders = session.scalars(select(Feeder.name).order_by(Feeder.name)).all()
    checklists = [load_checklist(k) for k in kinds()]
    return page(
        request,
        session,
        user,
        "acceptance_list.html",
        nav="acceptance",
        rows=rows,
        feeders=feeders,
        checklists=checklists,
        **_ctx(user, flash, ok),
    )


@router.post("/acceptance", response_model=None)
def create_project(
    user: WebUser,
    session: SessionDep,
    name: Annotated[str, Form(max_length=200)],
    kind: Annotated[str, Form(max_length=60)],
    feeder: Annotated[str, Form(max_length=200)] = "",
    from_pole: Annotated[str, Form(max_length=60)] = "",
    to_pole: Annotated[str, Form(max_length=60)] = "",
    contractor: Annotated[str, Form(max_length=200)] = "",
    planned_start: Annotated[str, Form(max_length=10)] = "",
    planned_end: Annotated[str, Form(max_length=10)] = "",
    inspector: Annotated[str, Form(max_length=120)] = "",
    reviewer: Annotated[str, Form(max_length=120)] = "",
    approver: Annotated[str, Form(max_length=120)] = "",
    defect_id: Annotated[str, Form(max_length=12)] = "",
    poles_file: Annotated[UploadFile | None, File()] = None,
) -> RedirectResponse:
    """Open a project (new poles file imported into the registry with it)."""

    def change() -> object:
        pf = None
        if poles_file is not None and poles_file.filename:
            pf = (poles_file.filename, poles_file.file.read(20_000_000))
        return acceptance.create_project(
            session,
            name=name,
            kind=kind,
            feeder=feeder or None,
            from_pole=from_pole or None,
            to_pole=to_pole or None,
            poles_file=pf,
            defect_id=int(defect_id) if defect_id.isdigit() else None,
            contractor=contractor or None,
            planned_start=_day(planned_start),
            planned_end=_day(planned_end),
            inspector=inspector or None,
            reviewer=reviewer or None,
            approver=approver or None,
            user=user.username,
            role=user.role,
        )

    return _do(session, user, change, f"{PREFIX}/acceptance", done=lambda p: f"{PREFIX}/acceptance/{p.id}")  # type: ignore[arg-type]


@router.get("/acceptance/{project_id}", response_class=HTMLResponse)
def project_page(
    project_id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    flash: str | None = None,
    ok: str | None = None,
) -> HTMLResponse:
    """A project: poles, checklist items by pole, mission and photos, acceptance."""
    p = acceptance.get_project(session, project_id)
    checklist = acceptance.checklist_of(p)
    rows = [(it, checklist.item(it.code)) for it in p.items]
    return page(
        request,
        session,
        user,
        "acceptance_project.html",
        nav="acceptance",
        p=p,
        checklist=checklist,
        rows=rows,
        decision=acceptance.decision(p),
        **_ctx(user, flash, ok),
    )


@router.post("/acceptance/{project_id}/photos", response_model=None)
def project_photos(
    project_id: int,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File()],
) -> RedirectResponse:
    """Attach the mission's photos and thermograms to poles and items."""
    back = f"{PREFIX}/acceptance/{project_id}"

    def change() -> object:
        with tempfile.TemporaryDirectory(dir=_scratch(settings)) as tmp:
            saved = [
                (f.filename or f"{n}.jpg", _save(f, Path(tmp), n, settings.upload_limit_bytes))
                for n, f in enumerate(_real(files))
            ]
            return acceptance.ingest_photos(
                session, project_id, saved, data_dir=settings.data_dir, user=user.username, role=user.role
            )

    return _do(session, user, change, back)


@router.post("/acceptance/{project_id}/accept", response_model=None)
def accept(project_id: int, user: WebUser, session: SessionDep) -> RedirectResponse:
    """Accept the project (manager)."""
    return _do(
        session,
        user,
        lambda: acceptance.accept_project(session, project_id, user=user.username, role=user.role),
        f"{PREFIX}/acceptance/{project_id}",
    )


@router.get("/acceptance/{project_id}/mission.kmz")
def project_mission(project_id: int, user: WebUser, session: SessionDep) -> Response:
    """The project's pole mission (DJI WPML KMZ)."""
    name, data = acceptance.mission_kmz(session, project_id)
    return _download(data, KMZ, name)


@router.get("/acceptance/{project_id}/report.{fmt}")
def project_report(
    project_id: int, fmt: str, user: WebUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """The acceptance report as PDF or Excel, in the user's language."""
    from irpatrol.reports import fieldwork

    if fmt == "xlsx":
        return _download(
            fieldwork.acceptance_xlsx(session, project_id, user.language),
            XLSX,
            f"acceptance-{project_id}.xlsx",
        )
    if fmt != "pdf":
        raise InputError("report format: pdf or xlsx")
    return _download(
        fieldwork.acceptance_pdf(session, project_id, user.language, data_dir=settings.data_dir),
        "application/pdf",
        f"acceptance-{project_id}.pdf",
    )


@router.get("/acceptance/items/{item_id}", response_class=HTMLResponse)
def item_page(
    item_id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    flash: str | None = None,
    ok: str | None = None,
) -> HTMLResponse:
    """One checklist item: what and how to check, its evidence, marking, rectification."""
    item = acceptance.get_item(session, item_id)
    spec = acceptance.checklist_of(item.project).item(item.code)
    return page(
        request,
        session,
        user,
        "acceptance_item.html",
        nav="acceptance",
        it=item,
        spec=spec,
        p=item.project,
        **_ctx(user, flash, ok),
    )


@router.post("/acceptance/items/{item_id}/evidence", response_model=None)
def item_evidence(
    item_id: int,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    photo: Annotated[UploadFile | None, File()] = None,
    value: Annotated[str, Form(max_length=20)] = "",
    unit: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """Add a photo and/or a measured value to the item."""

    def change() -> object:
        try:
            number = float(value) if value.strip() else None
        except ValueError:
            raise InputError(f"not a number: {value!r}") from None
        with tempfile.TemporaryDirectory(dir=_scratch(settings)) as tmp:
            real = _real([photo] if photo is not None else [])
            path = _save(real[0], Path(tmp), 0, settings.upload_limit_bytes) if real else None
            return acceptance.add_evidence(
                session,
                item_id,
                data_dir=settings.data_dir,
                photo=path,
                photo_name=real[0].filename if real else None,
                value=number,
                unit=unit or None,
                note=note or None,
                user=user.username,
                role=user.role,
            )

    return _do(session, user, change, f"{PREFIX}/acceptance/items/{item_id}")


@router.post("/acceptance/items/{item_id}/mark", response_model=None)
def item_mark(
    item_id: int,
    user: WebUser,
    session: SessionDep,
    result: Annotated[str, Form(max_length=10)],
    note: Annotated[str, Form(max_length=2000)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    deadline: Annotated[str, Form(max_length=10)] = "",
    assignee: Annotated[str, Form(max_length=120)] = "",
) -> RedirectResponse:
    """Mark the item pass / fail / n.a., or waive it with a reason."""
    return _do(
        session,
        user,
        lambda: acceptance.mark_item(
            session,
            item_id,
            result,
            note=note or None,
            reason=reason or None,
            deadline=_day(deadline),
            assignee=assignee or None,
            user=user.username,
            role=user.role,
        ),
        f"{PREFIX}/acceptance/items/{item_id}",
    )


@router.post("/acceptance/items/{item_id}/remeasure", response_model=None)
def item_remeasure(
    item_id: int,
    user: WebUser,
    session: SessionDep,
    hot_c: Annotated[float, Form(ge=-50, le=1500)],
    ref_c: Annotated[float | None, Form(ge=-50, le=1500)] = None,
    ambient_c: Annotated[float | None, Form(ge=-50, le=60)] = None,
) -> RedirectResponse:
    """Record the re-measurement under load of a repaired infrared defect."""
    return _do(
        session,
        user,
        lambda: acceptance.remeasure(
            session,
            item_id,
            hot_c=hot_c,
            ref_c=ref_c,
            ambient_c=ambient_c,
            user=user.username,
            role=user.role,
        ),
        f"{PREFIX}/acceptance/items/{item_id}",
    )


@router.post("/acceptance/rectifications/{rect_id}", response_model=None)
def rectification(
    rect_id: int,
    user: WebUser,
    session: SessionDep,
    to: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=2000)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    item_id: Annotated[int, Form()] = 0,
) -> RedirectResponse:
    """Rectified, re-check passed, or re-check failed (reason)."""
    return _do(
        session,
        user,
        lambda: acceptance.update_rectification(
            session, rect_id, to, note=note or None, reason=reason or None, user=user.username, role=user.role
        ),
        f"{PREFIX}/acceptance/items/{item_id}",
    )


# --- work sites --------------------------------------------------------------------------------


@router.get("/sites", response_class=HTMLResponse)
def site_list(
    request: Request, user: WebUser, session: SessionDep, flash: str | None = None, ok: str | None = None
) -> HTMLResponse:
    """The work sites the user may see and the form to record one."""
    rows = sites.list_sites(session, user=user.username, role=user.role)
    feeders = session.scalars(select(Feeder.name).order_by(Feeder.name)).all()
    crews = session.scalars(select(Crew.name).order_by(Crew.name)).all()
    return page(
        request,
        session,
        user,
        "sites.html",
        nav="sites",
        rows=rows,
        feeders=feeders,
        crews=crews,
        catalogue=load_catalogue(),
        open_states=[s.value for s in vworkflow.OPEN],
        **_ctx(user, flash, ok),
    )


@router.post("/sites", response_model=None)
def create_site(
    user: WebUser,
    session: SessionDep,
    ticket_no: Annotated[str, Form(max_length=80)],
    feeder: Annotated[str, Form(max_length=200)],
    poles: Annotated[str, Form(max_length=2000)],
    starts_at: Annotated[str, Form(max_length=25)],
    ends_at: Annotated[str, Form(max_length=25)],
    crew: Annotated[str, Form(max_length=200)] = "",
    contractor: Annotated[str, Form(max_length=200)] = "",
    supervisor: Annotated[str, Form(max_length=120)] = "",
    title: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    """Record a work site from its work ticket (times are local wall-clock in the form, kept as UTC)."""

    def when(v: str) -> datetime:
        try:
            d = datetime.fromisoformat(v)
        except ValueError:
            raise InputError(f"not a date and time: {v!r}") from None
        return d if d.tzinfo else d.replace(tzinfo=UTC)

    def change() -> object:
        return sites.create_site(
            session,
            ticket_no=ticket_no,
            feeder=feeder,
            poles=[p.strip() for p in poles.replace("，", ",").split(",") if p.strip()],
            starts_at=when(starts_at),
            ends_at=when(ends_at),
            crew=crew or None,
            contractor=contractor or None,
            supervisor=supervisor or user.username,
            title=title or None,
            user=user.username,
            role=user.role,
        )

    return _do(session, user, change, f"{PREFIX}/sites", done=lambda s: f"{PREFIX}/sites/{s.id}")  # type: ignore[arg-type]


@router.get("/sites/{site_id}", response_class=HTMLResponse)
def site_page(
    site_id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    flash: str | None = None,
    ok: str | None = None,
) -> HTMLResponse:
    """A work site: ticket, measures, violations with their workflow, missions and report."""
    site = sites.visible_site(session, site_id, user=user.username, role=user.role)
    cat = load_catalogue()
    moves = {v.id: sorted(vworkflow.TRANSITIONS[vworkflow.parse_status(v.status)]) for v in site.violations}
    return page(
        request,
        session,
        user,
        "site.html",
        nav="sites",
        site=site,
        catalogue=cat,
        moves=moves,
        **_ctx(user, flash, ok),
    )


@router.post("/sites/{site_id}/violations", response_model=None)
def site_violation(
    site_id: int,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    type: Annotated[str, Form(max_length=60)],
    description: Annotated[str, Form(max_length=2000)] = "",
    photo: Annotated[UploadFile | None, File()] = None,
) -> RedirectResponse:
    """Record a violation seen on the site, from a photo."""

    def change() -> object:
        with tempfile.TemporaryDirectory(dir=_scratch(settings)) as tmp:
            real = _real([photo] if photo is not None else [])
            path = _save(real[0], Path(tmp), 0, settings.upload_limit_bytes) if real else None
            return sites.record_violation(
                session,
                site_id,
                type=type,
                description=description or None,
                photo=path,
                photo_name=real[0].filename if real else None,
                data_dir=settings.data_dir,
                user=user.username,
                role=user.role,
            )

    return _do(session, user, change, f"{PREFIX}/sites/{site_id}")


@router.post("/sites/measures/{measure_id}/confirm", response_model=None)
def site_confirm(
    measure_id: int, user: WebUser, session: SessionDep, site_id: Annotated[int, Form()]
) -> RedirectResponse:
    """Record a required measure as seen present."""
    return _do(
        session,
        user,
        lambda: sites.confirm_measure(session, measure_id, user=user.username, role=user.role),
        f"{PREFIX}/sites/{site_id}",
    )


@router.post("/violations/{violation_id}/transition", response_model=None)
def violation_move(
    violation_id: int,
    user: WebUser,
    session: SessionDep,
    to: Annotated[str, Form(max_length=20)],
    site_id: Annotated[int, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """Move a violation along its workflow."""
    return _do(
        session,
        user,
        lambda: sites.transition_violation(
            session, violation_id, to, reason=reason or None, user=user.username, role=user.role
        ),
        f"{PREFIX}/sites/{site_id}",
    )


@router.post("/sites/{site_id}/status", response_model=None)
def site_status(
    site_id: int, user: WebUser, session: SessionDep, status: Annotated[str, Form(max_length=20)]
) -> RedirectResponse:
    """Set the site active or closed."""
    return _do(
        session,
        user,
        lambda: sites.set_status(session, site_id, status, user=user.username, role=user.role),
        f"{PREFIX}/sites/{site_id}",
    )


@router.get("/sites/{site_id}/mission.kmz")
def site_mission(site_id: int, user: WebUser, session: SessionDep, mode: str = "orbit") -> Response:
    """An orbit or hover mission over the site (DJI WPML KMZ)."""
    sites.visible_site(session, site_id, user=user.username, role=user.role)
    name, data = sites.site_mission(session, site_id, mode=mode)
    return _download(data, KMZ, name)


@router.get("/sites/{site_id}/report.{fmt}")
def site_report(
    site_id: int, fmt: str, user: WebUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """The site report as PDF or Excel, in the user's language."""
    from irpatrol.reports import fieldwork

    sites.visible_site(session, site_id, user=user.username, role=user.role)
    if fmt == "xlsx":
        return _download(fieldwork.site_xlsx(session, site_id, user.language), XLSX, f"site-{site_id}.xlsx")
    if fmt != "pdf":
        raise InputError("report format: pdf or xlsx")
    return _download(
        fieldwork.site_pdf(session, site_id, user.language, data_dir=settings.data_dir),
        "application/pdf",
        f"site-{site_id}.pdf",
    )


@router.get("/violations", response_class=HTMLResponse)
def register(
    request: Request, user: WebUser, session: SessionDep, status: str | None = None, type: str | None = None
) -> HTMLResponse:
    """The violation register with statistics per crew, contractor and type."""
    rows, stats = sites.register(
        session, user=user.username, role=user.role, status=status or None, type=type or None
    )
    site_of = {s.id: s for s in sites.list_sites(session, user=user.username, role=user.role)}
    return page(
        request,
        session,
        user,
        "violations.html",
        nav="sites",
        rows=rows,
        stats=stats,
        site_of=site_of,
        catalogue=load_catalogue(),
        q={"status": status, "type": type},
        css=CSS,
    )
