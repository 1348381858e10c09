"""Patrols: find-or-create one (ingest, API), its GPS track length, the list and one patrol's summary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from irpatrol.errors import NotFound
from irpatrol.registry.audit import record
from irpatrol.registry.geo import track_length_m
from irpatrol.registry.model import Crew, Drone, Feeder, Finding, Image, Patrol, PatrolFeeder


def summary(session: Session, patrol: Patrol) -> dict[str, Any]:
    """JSON-ready dict of a patrol with its counts (images, rejected, findings, poles) and km flown."""
    images = session.execute(
        select(Image.status, func.count(Image.id)).where(Image.patrol_id == patrol.id).group_by(Image.status)
    ).all()
    by_status = {str(s): int(n) for s, n in images}
    findings = session.scalar(
        select(func.count(Finding.id))
        .join(Image, Image.id == Finding.image_id)
        .where(Image.patrol_id == patrol.id)
    )
    poles = session.scalar(
        select(func.count(func.distinct(Image.pole_id))).where(
            Image.patrol_id == patrol.id, Image.pole_id.is_not(None)
        )
    )
    feeders = session.execute(
        select(Feeder.name, PatrolFeeder.load_current_a)
        .join(PatrolFeeder, PatrolFeeder.feeder_id == Feeder.id)
        .where(PatrolFeeder.patrol_id == patrol.id)
        .order_by(Feeder.name)
    ).all()
    crew = session.get(Crew, patrol.crew_id) if patrol.crew_id else None
    return {
        "id": patrol.id,
        "date": patrol.date.isoformat(),
        "crew": crew.name if crew else None,
        "feeders": [{"name": n, "load_current_a": a} for n, a in feeders],
        "ambient_c": patrol.ambient_c,
        "humidity_pct": patrol.humidity_pct,
        "wind_m_s": patrol.wind_m_s,
        "rain": patrol.rain,
        "km_flown": round(patrol.km_flown or 0.0, 3),
        "images": sum(by_status.values()),
        "rejected": by_status.get("rejected", 0),
        "findings": int(findings or 0),
        "poles_inspected": int(poles or 0),
    }


def get_patrol(session: Session, patrol_id: int) -> Patrol:
    """The patrol; NotFound otherwise."""
    patrol = session.get(Patrol, patrol_id)
    if patrol is None:
        raise NotFound(f"no patrol #{patrol_id}")
    return patrol


def list_patrols(
    session: Session,
    *,
    start: date | None = None,
    end: date | None = None,
    crew: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[Patrol], int]:
    """Patrols flown between ``start`` and ``end`` (inclusive), newest first, and their total."""
    conds = []
    if start is not None:
        conds.append(Patrol.date >= start)
    if end is not None:
        conds.append(Patrol.date <= end)
    if crew is not None:
        conds.append(Patrol.crew_id.in_(select(Crew.id).where(Crew.name == crew)))
    total = session.scalar(select(func.count(Patrol.id)).where(*conds)) or 0
    items = session.scalars(
        select(Patrol)
        .where(*conds)
        .order_by(Patrol.date.desc(), Patrol.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(items), int(total)


def ensure_patrol(
    session: Session,
    *,
    feeders: Sequence[str],
    day: date,
    crew: str | None = None,
    ambient_c: float | None = None,
    humidity_pct: float | None = None,
    wind_m_s: float | None = None,
    rain: bool = False,
    load_current_a: dict[str, float] | None = None,
    drone: str | None = None,
) -> Patrol:
    """The patrol of ``crew`` on ``day`` (created on first use, key ``<day>|<crew>``), flying
    ``feeders`` (added if missing) with the weather and per-feeder load current given."""
    rows = []
    for name in feeders:
        f = session.scalar(select(Feeder).where(Feeder.name == name))
        if f is None:
            raise NotFound(f"no feeder named {name!r}; import the assets first (irpatrol assets import)")
        rows.append(f)
    crew_row = None
    if crew:
        crew_row = session.scalar(select(Crew).where(Crew.name == crew))
        if crew_row is None:
            crew_row = Crew(name=crew)
            session.add(crew_row)
            session.flush()
            record(session, None, "create", "crew", crew_row.id, {"name": crew, "by": "ingest"})
    drone_row = None
    if drone:
        drone_row = session.scalar(select(Drone).where(Drone.name == drone))
        if drone_row is None:
            drone_row = Drone(name=drone, crew_id=crew_row.id if crew_row else None)
            session.add(drone_row)
            session.flush()
            record(session, None, "create", "drone", drone_row.id, {"name": drone, "by": "ingest"})
    key = f"{day.isoformat()}|{crew or ''}"
    patrol = session.scalar(select(Patrol).where(Patrol.key == key))
    if patrol is None:
        patrol = Patrol(key=key, date=day, crew_id=crew_row.id if crew_row else None)
        session.add(patrol)
        session.flush()
        record(session, None, "create", "patrol", patrol.id, {"key": key})
    for attr, value in (("ambient_c", ambient_c), ("humidity_pct", humidity_pct), ("wind_m_s", wind_m_s)):
        if value is not None:
            setattr(patrol, attr, value)
    if rain:
        patrol.rain = True
    if drone_row is not None:
        patrol.drone_id = drone_row.id
    have = {
        pf.feeder_id: pf
        for pf in session.scalars(select(PatrolFeeder).where(PatrolFeeder.patrol_id == patrol.id))
    }
    for f in rows:
        pf = have.get(f.id)
        if pf is None:
            pf = PatrolFeeder(patrol_id=patrol.id, feeder_id=f.id)
            session.add(pf)
        if load_current_a and f.name in load_current_a:
            pf.load_current_a = load_current_a[f.name]
    session.flush()
    return patrol


def update_track(session: Session, patrol_id: int) -> float:
    """Recompute the patrol's km flown from its images' GPS positions in capture order (km)."""
    points = session.execute(
        select(Image.lat, Image.lon)
        .where(Image.patrol_id == patrol_id, Image.lat.is_not(None), Image.lon.is_not(None))
        .order_by(Image.captured_at, Image.original_name, Image.id)
    ).all()
    km = track_length_m([(float(p[0] or 0.0), float(p[1] or 0.0)) for p in points]) / 1000.0
    patrol = session.get(Patrol, patrol_id)
    assert patrol is not None
    patrol.km_flown = km
    return km
