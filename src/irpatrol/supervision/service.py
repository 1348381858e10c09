"""Supervised work sites in the registry: create a site from its work ticket, the orbit / hover
mission, measures confirmed, violations recorded from photos and moved through their workflow, the
register and its statistics, and who may see which site.

Plain functions taking a Session first (flush, the caller commits; each change audit-logged).
``user``/``role`` are the acting user's name and registry role, checked against
:data:`irpatrol.acceptance.permissions.PERMISSIONS` (the CLI acts as ``admin``). Crew members
(``crew_member`` rows) see the sites of their crews only; supervisors and managers see all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from irpatrol.acceptance import permissions
from irpatrol.acceptance.service import keep_photo
from irpatrol.db import utcnow
from irpatrol.errors import Conflict, InputError, NotFound
from irpatrol.registry import assets
from irpatrol.registry.audit import record
from irpatrol.registry.model import Crew, CrewMember, SiteMeasure, SiteViolation, WorkSite, WorkSitePole
from irpatrol.supervision import workflow
from irpatrol.supervision.mission import hover_mission, orbit_mission
from irpatrol.supervision.register import RegisterRow, RegisterStats, statistics
from irpatrol.supervision.violations import load_catalogue

DEFAULT_MEASURES = ("power-cut", "verified-dead", "earthing-set", "fence-signs", "supervisor-on-site")
"""Measures a 10 kV line work ticket requires when none are named: power cut, verify dead,
earthing sets at both ends of the site, fences and signs, the supervisor on site (安规 line part)."""


def _aware(v: datetime) -> datetime:
    from datetime import UTC

    return v if v.tzinfo else v.replace(tzinfo=UTC)


def add_crew_member(
    session: Session, crew: str, username: str, *, user: str | None = None, role: str = "admin"
) -> CrewMember:
    """Put ``username`` in ``crew`` (creates nothing else; a second call returns the same row)."""
    permissions.require(role, "site.crew_members")
    crew_row = session.scalar(select(Crew).where(Crew.name == crew))
    if crew_row is None:
        raise NotFound(f"no crew {crew!r}")
    existing = session.scalar(
        select(CrewMember).where(CrewMember.crew_id == crew_row.id, CrewMember.username == username)
    )
    if existing is not None:
        return existing
    row = CrewMember(crew_id=crew_row.id, username=username)
    session.add(row)
    session.flush()
    record(session, user, "add_member", "crew", crew_row.id, {"username": username})
    return row


def create_site(
    session: Session,
    *,
    ticket_no: str,
    feeder: str,
    poles: Sequence[str],
    starts_at: datetime,
    ends_at: datetime,
    crew: str | None = None,
    contractor: str | None = None,
    supervisor: str | None = None,
    title: str | None = None,
    measures: Sequence[str] | None = None,
    user: str | None = None,
    role: str = "admin",
) -> WorkSite:
    """Record a work site for work ticket ``ticket_no`` (Conflict when the ticket has one already).

    ``measures``: codes from the violation-types data; ``earthing-set@N3`` names the pole of an
    earthing set. Default :data:`DEFAULT_MEASURES`, earthing sets at the first and last pole."""
    permissions.require(role, "site.create")
    ticket_no = ticket_no.strip()
    if not ticket_no:
        raise InputError("a work site needs its work ticket number")
    if session.scalar(select(WorkSite.id).where(WorkSite.ticket_no == ticket_no)) is not None:
        raise Conflict(f"work ticket {ticket_no!r} has a work site already")
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    if ends_at <= starts_at:
        raise InputError("the work's time window ends before it starts")
    if not poles:
        raise InputError("a work site needs at least one pole")
    feeder_row = assets.get_feeder(session, feeder)
    pole_rows = [assets.get_pole(session, feeder, n.strip()) for n in poles]
    crew_row = None
    if crew:
        crew_row = session.scalar(select(Crew).where(Crew.name == crew))
        if crew_row is None:
            raise NotFound(f"no crew {crew!r}")
    catalogue = load_catalogue()
    specs: list[tuple[str, int | None]] = []
    for m in measures if measures else DEFAULT_MEASURES:
        code, _, pole_no = m.partition("@")
        code = code.strip()
        spec = catalogue.measure(code)
        if pole_no:
            specs.append((code, assets.get_pole(session, feeder, pole_no.strip()).id))
        elif spec.per_pole and not measures:
            ends = dict.fromkeys([pole_rows[0].id, pole_rows[-1].id])
            specs.extend((code, pid) for pid in ends)
        else:
            specs.append((code, None))
    site = WorkSite(
        ticket_no=ticket_no,
        title=title,
        feeder_id=feeder_row.id,
        crew_id=crew_row.id if crew_row else None,
        contractor=contractor,
        supervisor=supervisor,
        starts_at=starts_at,
        ends_at=ends_at,
        lat=sum(p.lat for p in pole_rows) / len(pole_rows),
        lon=sum(p.lon for p in pole_rows) / len(pole_rows),
        status="planned",
        created_by=user,
    )
    session.add(site)
    session.flush()
    for pole_id in dict.fromkeys(p.id for p in pole_rows):
        session.add(WorkSitePole(site_id=site.id, pole_id=pole_id))
    for code, pid in specs:
        session.add(SiteMeasure(site_id=site.id, kind=code, pole_id=pid, status="required"))
    session.flush()
    record(session, user, "create", "work_site", site.id, {"ticket_no": ticket_no, "poles": len(pole_rows)})
    return site


def get_site(session: Session, site_id: int) -> WorkSite:
    """The site with poles, measures and violations; NotFound otherwise."""
    site = session.get(
        WorkSite,
        site_id,
        options=[
            selectinload(WorkSite.poles).selectinload(WorkSitePole.pole),
            selectinload(WorkSite.measures),
            selectinload(WorkSite.violations),
        ],
    )
    if site is None:
        raise NotFound(f"no work site #{site_id}")
    return site


def crews_of(session: Session, username: str) -> set[int]:
    """Ids of the crews ``username`` belongs to."""
    return set(session.scalars(select(CrewMember.crew_id).where(CrewMember.username == username)))


def may_see(session: Session, site: WorkSite, username: str | None, role: str) -> bool:
    """Supervisors and managers see every site; a crew member the sites of their crews."""
    if permissions.may(role, "site.view_all") or username is None:
        return True
    return site.crew_id is not None and site.crew_id in crews_of(session, username)


def visible_site(session: Session, site_id: int, *, user: str | None = None, role: str = "admin") -> WorkSite:
    """The site when the user may see it; NotFound otherwise (a crew does not learn others' sites)."""
    site = get_site(session, site_id)
    if not may_see(session, site, user, role):
        raise NotFound(f"no work site #{site_id}")
    return site


def list_sites(
    session: Session, *, user: str | None = None, role: str = "admin", status: str | None = None
) -> list[WorkSite]:
    """The sites the user may see, newest window first."""
    q = (
        select(WorkSite)
        .options(selectinload(WorkSite.violations))
        .order_by(WorkSite.starts_at.desc(), WorkSite.id.desc())
    )
    if status:
        q = q.where(WorkSite.status == status)
    if user is not None and not permissions.may(role, "site.view_all"):
        q = q.where(WorkSite.crew_id.in_(crews_of(session, user) or {-1}))
    return list(session.scalars(q))


def site_mission(
    session: Session,
    site_id: int,
    *,
    mode: str = "orbit",
    model: str = "M30T",
    radius_m: float = 40.0,
    height_m: float = 30.0,
) -> tuple[str, bytes]:
    """(file name, DJI WPML KMZ) of an ``orbit`` or ``hover`` mission over the site, written by the
    scheduling export (:func:`irpatrol.scheduling.export.wpml.kmz`)."""
    from irpatrol.scheduling.export import wpml

    site = get_site(session, site_id)
    assert site.lat is not None and site.lon is not None
    name = f"site-{site.id}-{mode}"
    if mode == "orbit":
        m = orbit_mission(name, site.lat, site.lon, radius_m=radius_m, height_m=height_m, site_id=site.id)
    elif mode == "hover":
        m = hover_mission(name, site.lat, site.lon, height_m=height_m, site_id=site.id)
    else:
        raise InputError(f"mission mode {mode!r}: orbit or hover")
    return f"{name}.kmz", wpml.kmz(m, model, utcnow())


def set_status(
    session: Session, site_id: int, status: str, *, user: str | None = None, role: str = "admin"
) -> WorkSite:
    """Set a site planned, active or closed (supervisors). Closing needs no open violation."""
    permissions.require(role, "site.close")
    if status not in ("planned", "active", "closed"):
        raise InputError(f"site status {status!r}: planned, active or closed")
    site = get_site(session, site_id)
    if status == "closed" and any(workflow.parse_status(v.status) in workflow.OPEN for v in site.violations):
        raise Conflict("the site has open violations: close or escalate them first")
    before, site.status = site.status, status
    record(session, user, "status", "work_site", site.id, {"from": before, "to": status})
    session.flush()
    return site


def confirm_measure(
    session: Session,
    measure_id: int,
    *,
    photo: Path | None = None,
    data_dir: Path | None = None,
    user: str | None = None,
    role: str = "admin",
) -> SiteMeasure:
    """Record a required measure as seen present (from the drone's photo or live view)."""
    permissions.require(role, "site.observe")
    m = session.get(SiteMeasure, measure_id)
    if m is None:
        raise NotFound(f"no safety measure #{measure_id}")
    if photo is not None and data_dir is not None:
        m.photo_id = keep_photo(session, photo, data_dir=data_dir, caption=photo.name).id
    m.status, m.observed_at, m.observer = "confirmed", utcnow(), user
    record(session, user, "confirm_measure", "work_site", m.site_id, {"measure_id": m.id, "kind": m.kind})
    session.flush()
    return m


def record_violation(
    session: Session,
    site_id: int,
    *,
    type: str,
    description: str | None = None,
    photo: Path | None = None,
    photo_name: str | None = None,
    data_dir: Path | None = None,
    observed_at: datetime | None = None,
    lat: float | None = None,
    lon: float | None = None,
    measure_id: int | None = None,
    user: str | None = None,
    role: str = "admin",
) -> SiteViolation:
    """Record a violation of ``type`` (from the data list) seen on the site, with photo, time,
    position (given, else the photo's GPS, else the site's centre) and observer. When the type breaks
    a measure the ticket requires (or ``measure_id`` names one), that measure is marked violated."""
    permissions.require(role, "site.observe")
    site = get_site(session, site_id)
    if site.status == "closed":
        raise Conflict(f"work site {site.ticket_no} is closed")
    vtype = load_catalogue().type(type)
    if (lat is None) != (lon is None):
        raise InputError("give both lat and lon, or neither")
    photo_row = None
    if photo is not None:
        if data_dir is None:
            raise InputError("a photo needs the data folder")
        photo_row = keep_photo(session, photo, data_dir=data_dir, caption=photo_name or photo.name)
    if lat is None:
        lat, lon = (
            (photo_row.lat, photo_row.lon)
            if photo_row and photo_row.lat is not None
            else (site.lat, site.lon)
        )
    measure = None
    if measure_id is not None:
        measure = session.get(SiteMeasure, measure_id)
        if measure is None or measure.site_id != site.id:
            raise NotFound(f"no safety measure #{measure_id} on this site")
    elif vtype.measure:
        candidates = [m for m in site.measures if m.kind == vtype.measure and m.status != "violated"]
        # a measure not yet seen is the likelier one to be missing than one already confirmed
        candidates.sort(key=lambda m: m.status == "confirmed")
        measure = candidates[0] if candidates else None
    v = SiteViolation(
        site_id=site.id,
        measure_id=measure.id if measure else None,
        type=vtype.code,
        status=workflow.ViolationStatus.REPORTED.value,
        description=description,
        photo_id=photo_row.id if photo_row else None,
        observed_at=_aware(observed_at)
        if observed_at
        else (photo_row.taken_at if photo_row and photo_row.taken_at else utcnow()),
        lat=lat,
        lon=lon,
        observer=user,
    )
    session.add(v)
    if measure is not None:
        measure.status, measure.observed_at, measure.observer = "violated", utcnow(), user
    if site.status == "planned":
        site.status = "active"
    session.flush()
    record(session, user, "create", "site_violation", v.id, {"site_id": site.id, "type": vtype.code})
    return v


def get_violation(session: Session, violation_id: int) -> SiteViolation:
    """The violation; NotFound otherwise."""
    v = session.get(SiteViolation, violation_id)
    if v is None:
        raise NotFound(f"no violation #{violation_id}")
    return v


def transition_violation(
    session: Session,
    violation_id: int,
    to_status: str,
    *,
    reason: str | None = None,
    comment: str | None = None,
    user: str | None = None,
    role: str = "admin",
) -> SiteViolation:
    """Move a violation through :data:`workflow.TRANSITIONS`. ``rectified`` may be reported by a
    member of the site's crew or a supervisor; closing and escalating are the supervisor's. When a
    violation of a measure is closed the measure counts as confirmed."""
    v = get_violation(session, violation_id)
    to = workflow.check_transition(v.status, to_status, reason=reason)
    permissions.require(role, workflow.ACTION[to])
    crew_side = to is workflow.ViolationStatus.RECTIFIED and not permissions.may(role, "site.view_all")
    if crew_side and (user is None or not may_see(session, v.site, user, role)):
        raise NotFound(f"no violation #{violation_id}")
    before = v.status
    v.status = to.value
    if reason:
        v.reason = reason
    v.closed_at = utcnow() if to is workflow.ViolationStatus.CLOSED else None
    if to is workflow.ViolationStatus.CLOSED and v.measure_id is not None:
        m = session.get(SiteMeasure, v.measure_id)
        if m is not None:
            m.status, m.observed_at, m.observer = "confirmed", utcnow(), user
    record(
        session,
        user,
        "transition",
        "site_violation",
        v.id,
        {"from": before, "to": to.value, "reason": reason, "comment": comment},
    )
    session.flush()
    return v


def register(
    session: Session,
    *,
    user: str | None = None,
    role: str = "admin",
    status: str | None = None,
    type: str | None = None,
) -> tuple[list[SiteViolation], RegisterStats]:
    """The violations the user may see (newest first, filtered by status and type) and the
    statistics per crew, contractor and type over them."""
    sites = {s.id: s for s in list_sites(session, user=user, role=role)}
    q = (
        select(SiteViolation)
        .where(SiteViolation.site_id.in_(list(sites) or [-1]))
        .order_by(SiteViolation.observed_at.desc(), SiteViolation.id.desc())
    )
    if status == "open":
        q = q.where(SiteViolation.status.in_([s.value for s in workflow.OPEN]))
    elif status:
        q = q.where(SiteViolation.status == status)
    if type:
        q = q.where(SiteViolation.type == type)
    rows = list(session.scalars(q))
    stats = statistics(
        RegisterRow(
            type=v.type,
            status=v.status,
            crew=_crew_name(sites[v.site_id]),
            contractor=sites[v.site_id].contractor or "",
        )
        for v in rows
    )
    return rows, stats


def _crew_name(site: WorkSite) -> str:
    return site.crew.name if site.crew is not None else ""


def open_violations(session: Session) -> int:
    """Violations still open (reported, rectified, escalated), for the dashboard."""
    return int(
        session.scalar(
            select(func.count(SiteViolation.id)).where(
                SiteViolation.status.in_([s.value for s in workflow.OPEN])
            )
        )
        or 0
    )


def site_summary(site: WorkSite) -> dict[str, Any]:
    """JSON-ready dict of a site with its measures and violations."""
    return {
        "id": site.id,
        "ticket_no": site.ticket_no,
        "title": site.title,
        "feeder": site.feeder.name if site.feeder else None,
        "crew": site.crew.name if site.crew else None,
        "contractor": site.contractor,
        "supervisor": site.supervisor,
        "starts_at": site.starts_at.isoformat(),
        "ends_at": site.ends_at.isoformat(),
        "lat": site.lat,
        "lon": site.lon,
        "status": site.status,
        "poles": [sp.pole.number for sp in site.poles],
        "measures": [
            {
                "id": m.id,
                "kind": m.kind,
                "pole": m.pole.number if m.pole else None,
                "status": m.status,
                "observer": m.observer,
                "observed_at": m.observed_at.isoformat() if m.observed_at else None,
                "photo_id": m.photo_id,
            }
            for m in site.measures
        ],
        "violations": [violation_summary(v) for v in site.violations],
    }


def violation_summary(v: SiteViolation) -> dict[str, Any]:
    """JSON-ready dict of a violation."""
    return {
        "id": v.id,
        "site_id": v.site_id,
        "type": v.type,
        "status": v.status,
        "description": v.description,
        "photo_id": v.photo_id,
        "observed_at": v.observed_at.isoformat(),
        "lat": v.lat,
        "lon": v.lon,
        "observer": v.observer,
        "reason": v.reason,
        "measure_id": v.measure_id,
        "closed_at": v.closed_at.isoformat() if v.closed_at else None,
    }
