"""Acceptance projects (``/acceptance/…``) and supervised work sites (``/sites``, ``/violations``).

Every endpoint needs a signed-in user; what each role may do is decided in one place,
:data:`irpatrol.acceptance.permissions.PERMISSIONS`, by the services these routes call (403 when
the role may not). Crews see only their own sites (others answer 404)."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from irpatrol.acceptance import permissions
from irpatrol.acceptance import service as acceptance
from irpatrol.acceptance.checklist import kinds, load_checklist
from irpatrol.api.deps import RecordId, SessionDep, SettingsDep, ViewerUser
from irpatrol.errors import InputError
from irpatrol.registry.model import User
from irpatrol.supervision import service as sites

router = APIRouter(tags=["acceptance", "work sites"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KMZ = "application/vnd.google-earth.kmz"
LangQuery = Annotated[Literal["en", "zh"] | None, Query(description="Language (default: the user's)")]
Text = Annotated[str | None, Field(max_length=2000)]
Name = Annotated[str | None, Field(max_length=200)]


def allowed(action: str) -> Any:
    """A dependency giving the signed-in user when :data:`permissions.PERMISSIONS` lets their role do
    ``action`` (403 otherwise, before the body is read). Routes whose exact action depends on the
    body (waive vs mark, close vs rectified) check the least privileged one here; the service checks
    the exact one."""

    def user_allowed(user: ViewerUser) -> User:
        permissions.require(user.role, action)
        return user

    user_allowed.__name__ = f"allowed_{action.replace('.', '_')}"
    return Depends(user_allowed)


def _download(data: bytes, media_type: str, filename: str) -> Response:
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


def _lang(lang: str | None, user: User) -> str:
    return lang or (user.language if user.language in ("en", "zh") else "en")


def _save(upload: UploadFile, folder: Path, n: int, limit: int) -> Path:
    """Copy an uploaded file into ``folder`` in chunks; InputError past ``limit`` bytes."""
    path = folder / f"{n}.upload"
    size = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise InputError(f"file larger than the upload limit of {limit} bytes")
            out.write(chunk)
    return path


def _scratch(data_dir: Path) -> Path:
    folder = data_dir / "photos" / ".incoming"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- acceptance --------------------------------------------------------------------------------


class NewPole(BaseModel):
    """A pole built by the project (imported into the registry with it)."""

    number: str = Field(min_length=1, max_length=60)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    pole_type: str | None = Field(default=None, max_length=60)


class ProjectCreate(BaseModel):
    """A new acceptance project: a feeder and pole range, new poles, or the repaired defect."""

    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(max_length=60, description="Kind of work (GET /acceptance/checklists)")
    feeder: Name = None
    from_pole: Annotated[str | None, Field(max_length=60)] = None
    to_pole: Annotated[str | None, Field(max_length=60)] = None
    new_poles: list[NewPole] = Field(default_factory=list, max_length=500)
    defect_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    contractor: Name = None
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    inspector: Name = None
    reviewer: Name = None
    approver: Name = None


class MarkRequest(BaseModel):
    """Mark an item; ``fail`` opens a rectification, ``waived`` needs a reason."""

    result: Literal["pass", "fail", "na", "waived"]
    note: Text = None
    reason: Text = None
    deadline: date | None = None
    assignee: Name = None


class RectificationRequest(BaseModel):
    """Move a rectification: rectified, verified (re-check passed) or open (re-check failed)."""

    to: Literal["rectified", "verified", "open"]
    note: Text = None
    reason: Text = None


class RemeasureRequest(BaseModel):
    """The re-measurement of a repaired infrared defect under load (°C, A)."""

    hot_c: float = Field(ge=-50, le=1500, description="T1, hot spot (°C)")
    ref_c: float | None = Field(default=None, ge=-50, le=1500, description="T2, reference (°C)")
    ambient_c: float | None = Field(default=None, ge=-50, le=60, description="T0, ambient (°C)")
    load_current_a: float | None = Field(default=None, ge=0, le=10000)
    rated_current_a: float | None = Field(default=None, gt=0, le=10000)


def _project(session: Any, project_id: int, lang: str) -> dict[str, Any]:
    p = acceptance.get_project(session, project_id)
    return acceptance.project_summary(p) | {"items": [acceptance.item_summary(i, lang) for i in p.items]}


@router.get("/acceptance/checklists")
def read_checklists(user: ViewerUser, lang: LangQuery = None) -> list[dict[str, Any]]:
    """The kinds of work with a checklist (versioned data)."""
    out = []
    for k in kinds():
        c = load_checklist(k)
        out.append(
            {"kind": k, "version": c.version, "name": c.name(_lang(lang, user)), "items": len(c.items)}
        )
    return out


@router.get("/acceptance/checklists/{kind}", responses={422: {"description": "No such kind of work"}})
def read_checklist(
    kind: Annotated[str, PathParam(max_length=60)], user: ViewerUser, lang: LangQuery = None
) -> dict[str, Any]:
    """One checklist with its items."""
    if kind not in kinds():
        raise InputError(f"no checklist for kind of work {kind!r}; one of {', '.join(kinds())}")
    c, lg = load_checklist(kind), _lang(lang, user)
    return {
        "kind": c.kind,
        "version": c.version,
        "name": c.name(lg),
        "source": c.source,
        "items": [
            {
                "code": i.code,
                "scope": i.scope,
                "method": i.method,
                "what": i.what(lg),
                "criterion": i.criterion(lg),
                "evidence": i.evidence(lg),
                "source": i.source,
            }
            for i in c.items
        ],
    }


@router.get("/acceptance/projects")
def read_projects(
    _: ViewerUser, session: SessionDep, status: Annotated[Literal["open", "accepted"] | None, Query()] = None
) -> list[dict[str, Any]]:
    """Acceptance projects, newest first."""
    return [acceptance.project_summary(p) for p in acceptance.list_projects(session, status=status)]


@router.post("/acceptance/projects", status_code=status.HTTP_201_CREATED)
def create_project(
    body: ProjectCreate, user: Annotated[User, allowed("acceptance.create")], session: SessionDep
) -> dict[str, Any]:
    """Open a project (inspector/supervisor): new poles are imported into the registry with it."""
    data = body.model_dump(exclude={"new_poles", "defect_id"})
    poles_file = None
    if body.new_poles:
        if not body.feeder:
            raise InputError("new poles need the feeder they are built on")
        rows = ["feeder,pole,lat,lon,pole_type"] + [
            ",".join(
                _csv(v) for v in (body.feeder, p.number, f"{p.lat:.8f}", f"{p.lon:.8f}", p.pole_type or "")
            )
            for p in body.new_poles
        ]
        poles_file = ("new-poles.csv", ("\n".join(rows) + "\n").encode())
    p = acceptance.create_project(
        session, **data, poles_file=poles_file, defect_id=body.defect_id, user=user.username, role=user.role
    )
    return _project(session, p.id, _lang(None, user))


def _csv(v: str) -> str:
    return '"' + v.replace('"', '""') + '"'


@router.get("/acceptance/projects/{project_id}", responses={404: {"description": "No such project"}})
def read_project(
    project_id: RecordId, user: ViewerUser, session: SessionDep, lang: LangQuery = None
) -> dict[str, Any]:
    """A project with every item, its evidence and rectifications."""
    return _project(session, project_id, _lang(lang, user))


@router.get(
    "/acceptance/projects/{project_id}/mission.kmz",
    response_class=Response,
    responses={200: {"content": {KMZ: {}}}, 404: {"description": "No such project"}},
)
def project_mission(
    project_id: RecordId,
    _: ViewerUser,
    session: SessionDep,
    model: Annotated[str, Query(max_length=20)] = "M30T",
) -> Response:
    """The project's pole mission as a DJI WPML KMZ (the scheduling export)."""
    name, data = acceptance.mission_kmz(session, project_id, model=model)
    return _download(data, KMZ, name)


@router.post("/acceptance/projects/{project_id}/photos", responses={404: {"description": "No such project"}})
def project_photos(
    project_id: RecordId,
    user: Annotated[User, allowed("acceptance.evidence")],
    session: SessionDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(description="Photos and thermograms")],
) -> dict[str, Any]:
    """Attach the mission's photos and thermograms, matched to poles (file suffix or GPS) and items."""
    with tempfile.TemporaryDirectory(dir=_scratch(settings.data_dir)) as tmp:
        saved = [
            (f.filename or f"{n}.jpg", _save(f, Path(tmp), n, settings.upload_limit_bytes))
            for n, f in enumerate(files)
        ]
        return acceptance.ingest_photos(
            session, project_id, saved, data_dir=settings.data_dir, user=user.username, role=user.role
        )


@router.post(
    "/acceptance/items/{item_id}/evidence",
    status_code=status.HTTP_201_CREATED,
    responses={404: {"description": "No such item"}},
)
def item_evidence(
    item_id: RecordId,
    user: Annotated[User, allowed("acceptance.evidence")],
    session: SessionDep,
    settings: SettingsDep,
    photo: Annotated[UploadFile | None, File()] = None,
    value: Annotated[float | None, Form(ge=-1e6, le=1e6)] = None,
    unit: Annotated[str | None, Form(max_length=20)] = None,
    note: Annotated[str | None, Form(max_length=2000)] = None,
) -> dict[str, Any]:
    """Add a photo/thermogram and/or a measured value to an item."""
    with tempfile.TemporaryDirectory(dir=_scratch(settings.data_dir)) as tmp:
        path = _save(photo, Path(tmp), 0, settings.upload_limit_bytes) if photo is not None else None
        acceptance.add_evidence(
            session,
            item_id,
            data_dir=settings.data_dir,
            photo=path,
            photo_name=photo.filename if photo else None,
            value=value,
            unit=unit or None,
            note=note,
            user=user.username,
            role=user.role,
        )
    return acceptance.item_summary(acceptance.get_item(session, item_id), _lang(None, user))


@router.post(
    "/acceptance/items/{item_id}/mark",
    responses={404: {"description": "No such item"}, 409: {"description": "Not allowed now"}},
)
def mark_item(
    item_id: RecordId,
    body: MarkRequest,
    user: Annotated[User, allowed("acceptance.mark")],
    session: SessionDep,
) -> dict[str, Any]:
    """Mark an item pass / fail / n.a. (inspector) or waive it with a reason (manager)."""
    item = acceptance.mark_item(
        session,
        item_id,
        body.result,
        note=body.note,
        reason=body.reason,
        deadline=body.deadline,
        assignee=body.assignee,
        user=user.username,
        role=user.role,
    )
    return acceptance.item_summary(item, _lang(None, user))


@router.post("/acceptance/items/{item_id}/remeasure", responses={404: {"description": "No such item"}})
def remeasure(
    item_id: RecordId,
    body: RemeasureRequest,
    user: Annotated[User, allowed("acceptance.mark")],
    session: SessionDep,
) -> dict[str, Any]:
    """Re-measure a repaired infrared defect under load: passes only when it grades none."""
    item = acceptance.remeasure(session, item_id, **body.model_dump(), user=user.username, role=user.role)
    return acceptance.item_summary(item, _lang(None, user))


@router.post(
    "/acceptance/rectifications/{rect_id}/transition",
    responses={404: {"description": "No such rectification"}, 409: {"description": "Not allowed"}},
)
def rectification(
    rect_id: RecordId,
    body: RectificationRequest,
    user: Annotated[User, allowed("acceptance.rectify")],
    session: SessionDep,
) -> dict[str, Any]:
    """Rectified (contractor side), re-check passed or failed (supervisor)."""
    r = acceptance.update_rectification(
        session, rect_id, body.to, note=body.note, reason=body.reason, user=user.username, role=user.role
    )
    return acceptance.rectification_summary(r)


@router.post(
    "/acceptance/projects/{project_id}/accept",
    responses={404: {"description": "No such project"}, 409: {"description": "Items still open"}},
)
def accept(
    project_id: RecordId, user: Annotated[User, allowed("acceptance.accept")], session: SessionDep
) -> dict[str, Any]:
    """Accept the project (manager): refused while an item is pending/failed or a rectification open."""
    p = acceptance.accept_project(session, project_id, user=user.username, role=user.role)
    return acceptance.project_summary(p)


@router.get(
    "/acceptance/projects/{project_id}/report",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, XLSX: {}}}, 404: {"description": "No such project"}},
)
def project_report(
    project_id: RecordId,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangQuery = None,
    format: Annotated[Literal["pdf", "xlsx"], Query()] = "pdf",
) -> Response:
    """The acceptance report (PDF or Excel)."""
    from irpatrol.reports import fieldwork

    lg = _lang(lang, user)
    if format == "xlsx":
        data = fieldwork.acceptance_xlsx(session, project_id, lg)
        return _download(data, XLSX, f"acceptance-{project_id}.xlsx")
    return _download(
        fieldwork.acceptance_pdf(session, project_id, lg, data_dir=settings.data_dir),
        "application/pdf",
        f"acceptance-{project_id}.pdf",
    )


# --- work sites --------------------------------------------------------------------------------


class SiteCreate(BaseModel):
    """A work site from its work ticket."""

    ticket_no: str = Field(min_length=1, max_length=80)
    feeder: str = Field(min_length=1, max_length=200)
    poles: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(min_length=1, max_length=200)
    starts_at: datetime
    ends_at: datetime
    crew: Name = None
    contractor: Name = None
    supervisor: Name = None
    title: Name = None
    measures: list[Annotated[str, Field(max_length=120)]] | None = Field(default=None, max_length=50)


class ViolationTransition(BaseModel):
    """Move a violation: rectified, closed, escalated (reason), or back to reported."""

    to: Literal["rectified", "closed", "escalated", "reported"]
    reason: Text = None
    comment: Text = None


class SiteStatus(BaseModel):
    """Set a site planned, active or closed."""

    status: Literal["planned", "active", "closed"]


@router.get("/sites")
def read_sites(user: ViewerUser, session: SessionDep) -> list[dict[str, Any]]:
    """The work sites the user may see (crews: their own)."""
    return [sites.site_summary(s) for s in sites.list_sites(session, user=user.username, role=user.role)]


@router.post("/sites", status_code=status.HTTP_201_CREATED)
def create_site(
    body: SiteCreate, user: Annotated[User, allowed("site.create")], session: SessionDep
) -> dict[str, Any]:
    """Record a work site (supervisor)."""
    site = sites.create_site(session, **body.model_dump(), user=user.username, role=user.role)
    return sites.site_summary(site)


@router.get("/sites/{site_id}", responses={404: {"description": "No such site (or not yours)"}})
def read_site(site_id: RecordId, user: ViewerUser, session: SessionDep) -> dict[str, Any]:
    """A work site with its measures and violations."""
    return sites.site_summary(sites.visible_site(session, site_id, user=user.username, role=user.role))


@router.post("/sites/{site_id}/status", responses={404: {"description": "No such site"}})
def site_status(
    site_id: RecordId, body: SiteStatus, user: Annotated[User, allowed("site.close")], session: SessionDep
) -> dict[str, Any]:
    """Set the site planned, active or closed (supervisor)."""
    return sites.site_summary(
        sites.set_status(session, site_id, body.status, user=user.username, role=user.role)
    )


@router.get(
    "/sites/{site_id}/mission.kmz",
    response_class=Response,
    responses={200: {"content": {KMZ: {}}}, 404: {"description": "No such site"}},
)
def site_mission(
    site_id: RecordId,
    user: ViewerUser,
    session: SessionDep,
    mode: Annotated[Literal["orbit", "hover"], Query()] = "orbit",
    model: Annotated[str, Query(max_length=20)] = "M30T",
) -> Response:
    """An orbit or hover mission over the site as a DJI WPML KMZ."""
    sites.visible_site(session, site_id, user=user.username, role=user.role)
    name, data = sites.site_mission(session, site_id, mode=mode, model=model)
    return _download(data, KMZ, name)


@router.post("/sites/measures/{measure_id}/confirm", responses={404: {"description": "No such measure"}})
def confirm_measure(
    measure_id: RecordId,
    user: Annotated[User, allowed("site.observe")],
    session: SessionDep,
    settings: SettingsDep,
    photo: Annotated[UploadFile | None, File()] = None,
) -> dict[str, Any]:
    """Record a required measure as seen present (supervisor)."""
    with tempfile.TemporaryDirectory(dir=_scratch(settings.data_dir)) as tmp:
        path = _save(photo, Path(tmp), 0, settings.upload_limit_bytes) if photo is not None else None
        m = sites.confirm_measure(
            session, measure_id, photo=path, data_dir=settings.data_dir, user=user.username, role=user.role
        )
    return sites.site_summary(sites.get_site(session, m.site_id))


@router.post(
    "/sites/{site_id}/violations",
    status_code=status.HTTP_201_CREATED,
    responses={404: {"description": "No such site"}},
)
def record_violation(
    site_id: RecordId,
    user: Annotated[User, allowed("site.observe")],
    session: SessionDep,
    settings: SettingsDep,
    type: Annotated[str, Form(max_length=60)],
    photo: Annotated[UploadFile | None, File()] = None,
    description: Annotated[str | None, Form(max_length=2000)] = None,
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
) -> dict[str, Any]:
    """Record a violation with photo, time, position and observer (supervisor)."""
    with tempfile.TemporaryDirectory(dir=_scratch(settings.data_dir)) as tmp:
        path = _save(photo, Path(tmp), 0, settings.upload_limit_bytes) if photo is not None else None
        v = sites.record_violation(
            session,
            site_id,
            type=type,
            description=description,
            photo=path,
            photo_name=photo.filename if photo else None,
            data_dir=settings.data_dir,
            lat=lat,
            lon=lon,
            user=user.username,
            role=user.role,
        )
    return sites.violation_summary(v)


@router.post(
    "/violations/{violation_id}/transition",
    responses={404: {"description": "No such violation"}, 409: {"description": "Not allowed"}},
)
def violation_transition(
    violation_id: RecordId, body: ViolationTransition, user: ViewerUser, session: SessionDep
) -> dict[str, Any]:
    """Move a violation: the crew reports it rectified; the supervisor closes or escalates it."""
    v = sites.transition_violation(
        session,
        violation_id,
        body.to,
        reason=body.reason,
        comment=body.comment,
        user=user.username,
        role=user.role,
    )
    return sites.violation_summary(v)


@router.get("/violations")
def violation_register(
    user: ViewerUser,
    session: SessionDep,
    status: Annotated[str | None, Query(max_length=20, description="open or a status")] = None,
    type: Annotated[str | None, Query(max_length=60)] = None,
) -> dict[str, Any]:
    """The violation register the user may see, with statistics per crew, contractor and type."""
    rows, stats = sites.register(session, user=user.username, role=user.role, status=status, type=type)
    return {"violations": [sites.violation_summary(v) for v in rows], "stats": asdict(stats)}


@router.get(
    "/sites/{site_id}/report",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, XLSX: {}}}, 404: {"description": "No such site"}},
)
def site_report(
    site_id: RecordId,
    user: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangQuery = None,
    format: Annotated[Literal["pdf", "xlsx"], Query()] = "pdf",
) -> Response:
    """The site report (PDF or Excel)."""
    from irpatrol.reports import fieldwork

    sites.visible_site(session, site_id, user=user.username, role=user.role)
    lg = _lang(lang, user)
    if format == "xlsx":
        return _download(fieldwork.site_xlsx(session, site_id, lg), XLSX, f"site-{site_id}.xlsx")
    return _download(
        fieldwork.site_pdf(session, site_id, lg, data_dir=settings.data_dir),
        "application/pdf",
        f"site-{site_id}.pdf",
    )
