"""Acceptance of line work (``/acceptance/…``): checklists, projects, items with evidence, marks,
rectifications, acceptance, the mission and the report.

Every endpoint needs a signed-in user; what each role may do is decided in one place,
:data:`irpatrol.acceptance.permissions.PERMISSIONS`, by the services these routes call (403 when
the role may not)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from irpatrol.acceptance import service as acceptance
from irpatrol.acceptance.checklist import kinds, load_checklist
from irpatrol.api.deps import ReadUser, RecordId, SessionDep, SettingsDep, allowed
from irpatrol.api.routes.fieldwork_access import (
    KMZ,
    REPORT_CONTENT,
    LangQuery,
    Name,
    ReportFormat,
    Text,
    user_lang,
)
from irpatrol.errors import InputError
from irpatrol.http_files import attachment
from irpatrol.registry.model import User
from irpatrol.registry.photos import staged_uploads
from irpatrol.reports.exports import report_file

router = APIRouter(tags=["acceptance"])


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
def read_checklists(user: ReadUser, lang: LangQuery = None) -> list[dict[str, Any]]:
    """The kinds of work with a checklist (versioned data)."""
    out = []
    for k in kinds():
        c = load_checklist(k)
        out.append(
            {"kind": k, "version": c.version, "name": c.name(user_lang(lang, user)), "items": len(c.items)}
        )
    return out


@router.get("/acceptance/checklists/{kind}", responses={422: {"description": "No such kind of work"}})
def read_checklist(
    kind: Annotated[str, PathParam(max_length=60)], user: ReadUser, lang: LangQuery = None
) -> dict[str, Any]:
    """One checklist with its items."""
    if kind not in kinds():
        raise InputError(f"no checklist for kind of work {kind!r}; one of {', '.join(kinds())}")
    c, lg = load_checklist(kind), user_lang(lang, user)
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
    _: ReadUser, session: SessionDep, status: Annotated[Literal["open", "accepted"] | None, Query()] = None
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
    return _project(session, p.id, user_lang(None, user))


def _csv(v: str) -> str:
    return '"' + v.replace('"', '""') + '"'


@router.get("/acceptance/projects/{project_id}", responses={404: {"description": "No such project"}})
def read_project(
    project_id: RecordId, user: ReadUser, session: SessionDep, lang: LangQuery = None
) -> dict[str, Any]:
    """A project with every item, its evidence and rectifications."""
    return _project(session, project_id, user_lang(lang, user))


@router.get(
    "/acceptance/projects/{project_id}/mission.kmz",
    response_class=Response,
    responses={200: {"content": {KMZ: {}}}, 404: {"description": "No such project"}},
)
def project_mission(
    project_id: RecordId,
    _: ReadUser,
    session: SessionDep,
    model: Annotated[str, Query(max_length=20)] = "M30T",
) -> Response:
    """The project's pole mission as a DJI WPML KMZ (the scheduling export)."""
    name, data = acceptance.mission_kmz(session, project_id, model=model)
    return attachment(data, KMZ, name)


@router.post("/acceptance/projects/{project_id}/photos", responses={404: {"description": "No such project"}})
def project_photos(
    project_id: RecordId,
    user: Annotated[User, allowed("acceptance.evidence")],
    session: SessionDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(description="Photos and thermograms")],
) -> dict[str, Any]:
    """Attach the mission's photos and thermograms, matched to poles (file suffix or GPS) and items."""
    with staged_uploads(files, settings.data_dir, settings.upload_limit_bytes) as saved:
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
    with staged_uploads([photo], settings.data_dir, settings.upload_limit_bytes) as staged:
        name, path = staged[0] if staged else (None, None)
        acceptance.add_evidence(
            session,
            item_id,
            data_dir=settings.data_dir,
            photo=path,
            photo_name=name,
            value=value,
            unit=unit or None,
            note=note,
            user=user.username,
            role=user.role,
        )
    return acceptance.item_summary(acceptance.get_item(session, item_id), user_lang(None, user))


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
    return acceptance.item_summary(item, user_lang(None, user))


@router.post("/acceptance/items/{item_id}/remeasure", responses={404: {"description": "No such item"}})
def remeasure(
    item_id: RecordId,
    body: RemeasureRequest,
    user: Annotated[User, allowed("acceptance.recheck")],
    session: SessionDep,
) -> dict[str, Any]:
    """Re-measure a repaired infrared defect under load: passes only when it grades none."""
    item = acceptance.remeasure(
        session, item_id, t1_c=body.hot_c, t2_c=body.ref_c, t0_c=body.ambient_c,
        load_current_a=body.load_current_a, rated_current_a=body.rated_current_a,
        user=user.username, role=user.role,
    )
    return acceptance.item_summary(item, user_lang(None, user))


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
    responses={200: {"content": REPORT_CONTENT}, 404: {"description": "No such project"}},
)
def project_report(
    project_id: RecordId,
    user: ReadUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangQuery = None,
    format: ReportFormat = "pdf",
) -> Response:
    """The acceptance report (PDF or Excel)."""
    report = report_file(
        session, "acceptance", project_id, format, user_lang(lang, user), data_dir=settings.data_dir
    )
    return attachment(report.data, report.media_type, report.filename)
