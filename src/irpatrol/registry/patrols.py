"""Patrol queries: the list of patrols and one patrol's summary (feeders, images, findings, km)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from irpatrol.errors import NotFound
from irpatrol.registry.model import Crew, Feeder, Finding, Image, Patrol, PatrolFeeder


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
