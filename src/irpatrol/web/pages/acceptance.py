"""Acceptance (验收) pages, laid out for tablets in the field: projects, checklist items with
evidence, marks and rectifications, accepting a project, the mission and the report.

Every change goes through :mod:`irpatrol.acceptance.service`, which decides who may do it
(:data:`irpatrol.acceptance.permissions.PERMISSIONS`); a refused change comes back to the page as a
message (:func:`irpatrol.web.fieldwork_forms.run_change`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from irpatrol.acceptance import service as acceptance
from irpatrol.acceptance.checklist import kinds, load_checklist
from irpatrol.errors import InputError
from irpatrol.http_files import attachment
from irpatrol.registry.model import Feeder, User
from irpatrol.registry.photos import staged_uploads
from irpatrol.reports.exports import report_file
from irpatrol.web.deps import ReadUser, SessionDep, SettingsDep, allowed
from irpatrol.web.fieldwork_forms import KMZ, form_context, parse_day, run_change
from irpatrol.web.render import PREFIX, NavItem, page

router = APIRouter()
NAV = NavItem("acceptance", "/acceptance", 90)
"""This page's link(s) in the navigation bar."""


@router.get("/acceptance", response_class=HTMLResponse)
def projects(
    request: Request, user: ReadUser, session: SessionDep, flash: str | None = None, ok: str | None = None
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
        **form_context(user, flash, ok),
    )


@router.post("/acceptance", response_model=None)
def create_project(
    user: Annotated[User, allowed("acceptance.create")],
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
            planned_start=parse_day(planned_start),
            planned_end=parse_day(planned_end),
            inspector=inspector or None,
            reviewer=reviewer or None,
            approver=approver or None,
            user=user.username,
            role=user.role,
        )

    return run_change(
        session, user, change, f"{PREFIX}/acceptance", done=lambda p: f"{PREFIX}/acceptance/{p.id}"
    )


@router.get("/acceptance/{project_id}", response_class=HTMLResponse)
def project_page(
    project_id: int,
    request: Request,
    user: ReadUser,
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
        **form_context(user, flash, ok),
    )


@router.post("/acceptance/{project_id}/photos", response_model=None)
def project_photos(
    project_id: int,
    user: Annotated[User, allowed("acceptance.evidence")],
    session: SessionDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File()],
) -> RedirectResponse:
    """Attach the mission's photos and thermograms to poles and items."""
    back = f"{PREFIX}/acceptance/{project_id}"

    def change() -> object:
        with staged_uploads(files, settings.data_dir, settings.upload_limit_bytes) as saved:
            return acceptance.ingest_photos(
                session, project_id, saved, data_dir=settings.data_dir, user=user.username, role=user.role
            )

    return run_change(session, user, change, back)


@router.post("/acceptance/{project_id}/accept", response_model=None)
def accept(
    project_id: int, user: Annotated[User, allowed("acceptance.accept")], session: SessionDep
) -> RedirectResponse:
    """Accept the project (manager)."""
    return run_change(
        session,
        user,
        lambda: acceptance.accept_project(session, project_id, user=user.username, role=user.role),
        f"{PREFIX}/acceptance/{project_id}",
    )


@router.get("/acceptance/{project_id}/mission.kmz")
def project_mission(project_id: int, user: ReadUser, session: SessionDep) -> Response:
    """The project's pole mission (DJI WPML KMZ)."""
    name, data = acceptance.mission_kmz(session, project_id)
    return attachment(data, KMZ, name)


@router.get("/acceptance/{project_id}/report.{fmt}")
def project_report(
    project_id: int, fmt: str, user: ReadUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """The acceptance report as PDF or Excel, in the user's language."""
    report = report_file(session, "acceptance", project_id, fmt, user.language, data_dir=settings.data_dir)
    return attachment(report.data, report.media_type, report.filename)


@router.get("/acceptance/items/{item_id}", response_class=HTMLResponse)
def item_page(
    item_id: int,
    request: Request,
    user: ReadUser,
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
        **form_context(user, flash, ok),
    )


@router.post("/acceptance/items/{item_id}/evidence", response_model=None)
def item_evidence(
    item_id: int,
    user: Annotated[User, allowed("acceptance.evidence")],
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
        with staged_uploads([photo], settings.data_dir, settings.upload_limit_bytes) as staged:
            name, path = staged[0] if staged else (None, None)
            return acceptance.add_evidence(
                session,
                item_id,
                data_dir=settings.data_dir,
                photo=path,
                photo_name=name,
                value=number,
                unit=unit or None,
                note=note or None,
                user=user.username,
                role=user.role,
            )

    return run_change(session, user, change, f"{PREFIX}/acceptance/items/{item_id}")


@router.post("/acceptance/items/{item_id}/mark", response_model=None)
def item_mark(
    item_id: int,
    user: Annotated[User, allowed("acceptance.mark")],
    session: SessionDep,
    result: Annotated[str, Form(max_length=10)],
    note: Annotated[str, Form(max_length=2000)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    deadline: Annotated[str, Form(max_length=10)] = "",
    assignee: Annotated[str, Form(max_length=120)] = "",
) -> RedirectResponse:
    """Mark the item pass / fail / n.a., or waive it with a reason."""
    return run_change(
        session,
        user,
        lambda: acceptance.mark_item(
            session,
            item_id,
            result,
            note=note or None,
            reason=reason or None,
            deadline=parse_day(deadline),
            assignee=assignee or None,
            user=user.username,
            role=user.role,
        ),
        f"{PREFIX}/acceptance/items/{item_id}",
    )


@router.post("/acceptance/items/{item_id}/remeasure", response_model=None)
def item_remeasure(
    item_id: int,
    user: Annotated[User, allowed("acceptance.recheck")],
    session: SessionDep,
    hot_c: Annotated[float, Form(ge=-50, le=1500)],
    ref_c: Annotated[float | None, Form(ge=-50, le=1500)] = None,
    ambient_c: Annotated[float | None, Form(ge=-50, le=60)] = None,
) -> RedirectResponse:
    """Record the re-measurement under load of a repaired infrared defect."""
    return run_change(
        session,
        user,
        lambda: acceptance.remeasure(
            session,
            item_id,
            t1_c=hot_c,
            t2_c=ref_c,
            t0_c=ambient_c,
            user=user.username,
            role=user.role,
        ),
        f"{PREFIX}/acceptance/items/{item_id}",
    )


@router.post("/acceptance/rectifications/{rect_id}", response_model=None)
def rectification(
    rect_id: int,
    user: Annotated[User, allowed("acceptance.rectify")],
    session: SessionDep,
    to: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=2000)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    item_id: Annotated[int, Form()] = 0,
) -> RedirectResponse:
    """Rectified, re-check passed, or re-check failed (reason)."""
    return run_change(
        session,
        user,
        lambda: acceptance.update_rectification(
            session, rect_id, to, note=note or None, reason=reason or None, user=user.username, role=user.role
        ),
        f"{PREFIX}/acceptance/items/{item_id}",
    )
