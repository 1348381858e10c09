"""Supervised work sites (``/sites``, ``/violations``): sites from their work tickets, safety
measures, violations and their workflow, the violation register, the mission and the report.

Every endpoint needs a signed-in user; what each role may do is decided in one place,
:data:`irpatrol.acceptance.permissions.PERMISSIONS`, by the services these routes call (403 when
the role may not). Crews see only their own sites (others answer 404)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from pydantic import BaseModel, Field

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
from irpatrol.http_files import attachment
from irpatrol.registry.model import User
from irpatrol.registry.photos import staged_uploads
from irpatrol.reports.exports import report_file
from irpatrol.supervision import service as sites

router = APIRouter(tags=["work sites"])


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
def read_sites(user: ReadUser, session: SessionDep) -> list[dict[str, Any]]:
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
def read_site(site_id: RecordId, user: ReadUser, session: SessionDep) -> dict[str, Any]:
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
    user: ReadUser,
    session: SessionDep,
    mode: Annotated[Literal["orbit", "hover"], Query()] = "orbit",
    model: Annotated[str, Query(max_length=20)] = "M30T",
) -> Response:
    """An orbit or hover mission over the site as a DJI WPML KMZ."""
    sites.visible_site(session, site_id, user=user.username, role=user.role)
    name, data = sites.site_mission(session, site_id, mode=mode, model=model)
    return attachment(data, KMZ, name)


@router.post("/sites/measures/{measure_id}/confirm", responses={404: {"description": "No such measure"}})
def confirm_measure(
    measure_id: RecordId,
    user: Annotated[User, allowed("site.observe")],
    session: SessionDep,
    settings: SettingsDep,
    photo: Annotated[UploadFile | None, File()] = None,
) -> dict[str, Any]:
    """Record a required measure as seen present (supervisor)."""
    with staged_uploads([photo], settings.data_dir, settings.upload_limit_bytes) as staged:
        _name, path = staged[0] if staged else (None, None)
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
    with staged_uploads([photo], settings.data_dir, settings.upload_limit_bytes) as staged:
        name, path = staged[0] if staged else (None, None)
        v = sites.record_violation(
            session,
            site_id,
            type=type,
            description=description,
            photo=path,
            photo_name=name,
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
    violation_id: RecordId, body: ViolationTransition, user: Annotated[User, allowed("site.rectify")],
    session: SessionDep
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
    user: ReadUser,
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
    responses={200: {"content": REPORT_CONTENT}, 404: {"description": "No such site"}},
)
def site_report(
    site_id: RecordId,
    user: ReadUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangQuery = None,
    format: ReportFormat = "pdf",
) -> Response:
    """The site report (PDF or Excel)."""
    sites.visible_site(session, site_id, user=user.username, role=user.role)
    report = report_file(session, "site", site_id, format, user_lang(lang, user), data_dir=settings.data_dir)
    return attachment(report.data, report.media_type, report.filename)
