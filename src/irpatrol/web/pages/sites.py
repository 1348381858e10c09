"""Work-site supervision (安全督查) pages, laid out for tablets in the field: work sites, their
safety measures, violations recorded from photos and moved along their workflow, the violation
register, the mission and the report.

Every change goes through :mod:`irpatrol.supervision.service`, which decides who may do it
(:data:`irpatrol.acceptance.permissions.PERMISSIONS`); a refused change comes back to the page as a
message (:func:`irpatrol.web.fieldwork_forms.run_change`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from irpatrol.errors import InputError
from irpatrol.http_files import attachment
from irpatrol.registry.model import Crew, Feeder, User
from irpatrol.registry.photos import staged_uploads
from irpatrol.reports.exports import report_file
from irpatrol.supervision import service as sites
from irpatrol.supervision import workflow as vworkflow
from irpatrol.supervision.violations import load_catalogue
from irpatrol.web.deps import ReadUser, SessionDep, SettingsDep, allowed
from irpatrol.web.fieldwork_forms import CSS, KMZ, form_context, run_change
from irpatrol.web.render import PREFIX, NavItem, page

router = APIRouter()
NAV = NavItem("sites", "/sites", 100)
"""This page's link(s) in the navigation bar."""


@router.get("/sites", response_class=HTMLResponse)
def site_list(
    request: Request, user: ReadUser, session: SessionDep, flash: str | None = None, ok: str | None = None
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
        **form_context(user, flash, ok),
    )


@router.post("/sites", response_model=None)
def create_site(
    user: Annotated[User, allowed("site.create")],
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

    return run_change(session, user, change, f"{PREFIX}/sites", done=lambda s: f"{PREFIX}/sites/{s.id}")


@router.get("/sites/{site_id}", response_class=HTMLResponse)
def site_page(
    site_id: int,
    request: Request,
    user: ReadUser,
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
        **form_context(user, flash, ok),
    )


@router.post("/sites/{site_id}/violations", response_model=None)
def site_violation(
    site_id: int,
    user: Annotated[User, allowed("site.observe")],
    session: SessionDep,
    settings: SettingsDep,
    type: Annotated[str, Form(max_length=60)],
    description: Annotated[str, Form(max_length=2000)] = "",
    photo: Annotated[UploadFile | None, File()] = None,
) -> RedirectResponse:
    """Record a violation seen on the site, from a photo."""

    def change() -> object:
        with staged_uploads([photo], settings.data_dir, settings.upload_limit_bytes) as staged:
            name, path = staged[0] if staged else (None, None)
            return sites.record_violation(
                session,
                site_id,
                type=type,
                description=description or None,
                photo=path,
                photo_name=name,
                data_dir=settings.data_dir,
                user=user.username,
                role=user.role,
            )

    return run_change(session, user, change, f"{PREFIX}/sites/{site_id}")


@router.post("/sites/measures/{measure_id}/confirm", response_model=None)
def site_confirm(
    measure_id: int, user: Annotated[User, allowed("site.observe")], session: SessionDep,
    site_id: Annotated[int, Form()]
) -> RedirectResponse:
    """Record a required measure as seen present."""
    return run_change(
        session,
        user,
        lambda: sites.confirm_measure(session, measure_id, user=user.username, role=user.role),
        f"{PREFIX}/sites/{site_id}",
    )


@router.post("/violations/{violation_id}/transition", response_model=None)
def violation_move(
    violation_id: int,
    user: Annotated[User, allowed("site.rectify")],
    session: SessionDep,
    to: Annotated[str, Form(max_length=20)],
    site_id: Annotated[int, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """Move a violation along its workflow."""
    return run_change(
        session,
        user,
        lambda: sites.transition_violation(
            session, violation_id, to, reason=reason or None, user=user.username, role=user.role
        ),
        f"{PREFIX}/sites/{site_id}",
    )


@router.post("/sites/{site_id}/status", response_model=None)
def site_status(
    site_id: int, user: Annotated[User, allowed("site.close")], session: SessionDep,
    status: Annotated[str, Form(max_length=20)]
) -> RedirectResponse:
    """Set the site active or closed."""
    return run_change(
        session,
        user,
        lambda: sites.set_status(session, site_id, status, user=user.username, role=user.role),
        f"{PREFIX}/sites/{site_id}",
    )


@router.get("/sites/{site_id}/mission.kmz")
def site_mission(site_id: int, user: ReadUser, session: SessionDep, mode: str = "orbit") -> Response:
    """An orbit or hover mission over the site (DJI WPML KMZ)."""
    sites.visible_site(session, site_id, user=user.username, role=user.role)
    name, data = sites.site_mission(session, site_id, mode=mode)
    return attachment(data, KMZ, name)


@router.get("/sites/{site_id}/report.{fmt}")
def site_report(
    site_id: int, fmt: str, user: ReadUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """The site report as PDF or Excel, in the user's language."""
    sites.visible_site(session, site_id, user=user.username, role=user.role)
    report = report_file(session, "site", site_id, fmt, user.language, data_dir=settings.data_dir)
    return attachment(report.data, report.media_type, report.filename)


@router.get("/violations", response_class=HTMLResponse)
def register(
    request: Request, user: ReadUser, session: SessionDep, status: str | None = None, type: str | None = None
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
