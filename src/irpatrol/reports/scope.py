"""What a feeder report and a period report say, read from the registry (issue 14).

* **Feeder report**: every open defect of one feeder and those closed (verified or rejected)
  within the last ``closed_days`` days, each with its deciding reading, and the last inspection
  of every pole of the feeder.
* **Period report**: the patrols flown and the defects found between two dates (inclusive, in
  the configured zone, ``IRPATROL_TIMEZONE``), optionally in one area.

Both are frozen dataclasses like :class:`irpatrol.reports.content.PatrolReport`, so the PDF and
the Excel workbook render the same content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from irpatrol.db import utcnow
from irpatrol.errors import NotFound, ParameterError
from irpatrol.registry.grades import defect_grades
from irpatrol.registry.model import Area, Defect, Feeder, Finding, Hazard, Image, Patrol, PatrolFeeder, Pole
from irpatrol.registry.selection import MAX_YEAR, MIN_YEAR
from irpatrol.registry.workflow import CLOSED, DefectStatus
from irpatrol.reports.content import (
    DEMO_MARK,
    DefectSection,
    HazardLine,
    ImageLoader,
    MapCache,
    defect_section,
    pole_key,
)
from irpatrol.reports.timefmt import zone

DEFAULT_CLOSED_DAYS = 90
"""A feeder report lists defects closed within this many days (d) beside the open ones."""
MAX_CLOSED_DAYS = 3660
"""Longest look-back a feeder report accepts (d, about ten years)."""
MAX_PERIOD_DAYS = 3660
"""Longest period a period report covers (d)."""
GRADE_RANK = {g: rank for rank, g in enumerate(defect_grades())}
"""A defect grade's place in a report, worst first (:func:`irpatrol.registry.grades.defect_grades`)."""


@dataclass(frozen=True)
class PoleInspection:
    """A pole of the feeder and when it was last inspected (an accepted image of it)."""

    pole: str
    seq: int
    last_inspected: datetime | None
    patrol_id: int | None
    open_defects: int


@dataclass(frozen=True)
class PatrolLine:
    """A patrol flown in the period."""

    patrol_id: int
    date: date
    crew: str | None
    feeders: str
    km_flown: float
    defects: int


@dataclass(frozen=True)
class ScopeReport:
    """A feeder report (``kind == "feeder"``) or a period report (``kind == "period"``)."""

    kind: str
    feeder: str | None
    area: str | None
    date_from: date | None
    date_to: date | None
    closed_days: int | None
    defects: Sequence[DefectSection]
    poles: Sequence[PoleInspection] = ()
    patrols: Sequence[PatrolLine] = ()
    hazards: Sequence[HazardLine] = ()
    demo: bool = False
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def defect_ids(self) -> list[int]:
        """The defects in report order (the Excel workbook lists the same)."""
        return [d.defect_id for d in self.defects]


def feeder_report(
    session: Session,
    feeder_id: int,
    *,
    closed_days: int = DEFAULT_CLOSED_DAYS,
    images: ImageLoader | None = None,
    now: datetime | None = None,
) -> ScopeReport:
    """The feeder report of ``feeder_id``; NotFound when there is no such feeder."""
    if not 0 <= closed_days <= MAX_CLOSED_DAYS:
        raise ParameterError(f"closed days {closed_days}: give 0 to {MAX_CLOSED_DAYS}")
    feeder = session.get(Feeder, feeder_id, options=[joinedload(Feeder.area)])
    if feeder is None:
        raise NotFound(f"no feeder {feeder_id}")
    since = (now or utcnow()) - timedelta(days=closed_days)
    defects = [d for d in _defects(session, Pole.feeder_id == feeder_id) if _listed(d, since)]
    maps: MapCache = {}
    sections = _ordered([defect_section(session, d, images, maps) for d in defects])
    open_by_pole: dict[str, int] = {}
    for s in sections:
        if DefectStatus(s.status) not in CLOSED:
            open_by_pole[s.pole] = open_by_pole.get(s.pole, 0) + 1
    from irpatrol.reports.content import hazard_lines

    return ScopeReport(
        kind="feeder",
        feeder=feeder.name,
        area=feeder.area.name if feeder.area else None,
        date_from=None,
        date_to=None,
        closed_days=closed_days,
        defects=sections,
        poles=_inspections(session, feeder_id, open_by_pole),
        hazards=hazard_lines(session, [feeder_id]),
        demo=_any_demo(session, select(PatrolFeeder.patrol_id).where(PatrolFeeder.feeder_id == feeder_id)),
    )


def check_period(date_from: date, date_to: date) -> None:
    """ParameterError unless ``date_from`` … ``date_to`` is a period a report covers: in order, at
    most :data:`MAX_PERIOD_DAYS` days, within the years ``MIN_YEAR``–``MAX_YEAR`` (year 1 and 9999
    overflowed converting local midnight to UTC)."""
    if date_to < date_from:
        raise ParameterError(f"period {date_from} to {date_to}: the end is before the start")
    if not all(MIN_YEAR <= d.year <= MAX_YEAR for d in (date_from, date_to)):
        raise ParameterError(f"period {date_from} to {date_to}: years must lie within {MIN_YEAR}–{MAX_YEAR}")
    if (date_to - date_from).days >= MAX_PERIOD_DAYS:
        raise ParameterError(f"period {date_from} to {date_to}: at most {MAX_PERIOD_DAYS} days")


def period_report(
    session: Session,
    date_from: date,
    date_to: date,
    *,
    area: str | None = None,
    images: ImageLoader | None = None,
) -> ScopeReport:
    """The period report from ``date_from`` to ``date_to`` (inclusive, local dates), in ``area``
    (its name) when given; NotFound for an unknown area, ParameterError for a bad range."""
    check_period(date_from, date_to)
    area_row = None
    if area:
        area_row = session.scalar(select(Area).where(Area.name == area))
        if area_row is None:
            raise NotFound(f"no area {area!r}")
    start, end = _utc_bounds(date_from, date_to)
    where = [Defect.found_at >= start, Defect.found_at < end]
    if area_row is not None:
        where.append(Feeder.area_id == area_row.id)
    maps: MapCache = {}
    sections = _ordered([defect_section(session, d, images, maps) for d in _defects(session, *where)])
    patrol_ids = select(Patrol.id).where(Patrol.date >= date_from, Patrol.date <= date_to)
    if area_row is not None:
        patrol_ids = patrol_ids.where(
            Patrol.id.in_(
                select(PatrolFeeder.patrol_id)
                .join(Feeder, Feeder.id == PatrolFeeder.feeder_id)
                .where(Feeder.area_id == area_row.id)
            )
        )
    feeder_ids = (
        select(Feeder.id) if area_row is None else select(Feeder.id).where(Feeder.area_id == area_row.id)
    )
    return ScopeReport(
        kind="period",
        feeder=None,
        area=area_row.name if area_row is not None else None,
        date_from=date_from,
        date_to=date_to,
        closed_days=None,
        defects=sections,
        patrols=_patrol_lines(session, patrol_ids),
        hazards=_period_hazards(session, feeder_ids, start, end),
        demo=_any_demo(session, patrol_ids),
    )


def _defects(session: Session, *where: object) -> list[Defect]:
    return list(
        session.scalars(
            select(Defect)
            .join(Pole, Defect.pole_id == Pole.id)
            .join(Feeder, Pole.feeder_id == Feeder.id)
            .where(*where)  # type: ignore[arg-type]
            .options(
                joinedload(Defect.pole).joinedload(Pole.feeder),
                joinedload(Defect.component),
                selectinload(Defect.findings),
                selectinload(Defect.events),
            )
            .order_by(Defect.id)
        ).unique()
    )


def _listed(defect: Defect, since: datetime) -> bool:
    """Open, or closed at or after ``since`` (the time of the step that closed it)."""
    if DefectStatus(defect.status) not in CLOSED:
        return True
    closed_at = closed_time(defect)
    return closed_at is not None and closed_at >= since


def closed_time(defect: Defect) -> datetime | None:
    """When the defect reached its closed status: its last status event into it, else
    ``verified_at`` (UTC)."""
    at = (
        next(
            (e.at for e in reversed(defect.events) if e.event == "status" and e.to_status == defect.status),
            None,
        )
        or defect.verified_at
    )
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def _ordered(sections: list[DefectSection]) -> list[DefectSection]:
    """Worst grade first, then feeder, then pole in line order."""
    return sorted(
        sections, key=lambda s: (GRADE_RANK.get(s.grade, 3), s.feeder, pole_key(s.pole), s.defect_id)
    )


def _inspections(session: Session, feeder_id: int, open_by_pole: dict[str, int]) -> list[PoleInspection]:
    """Each pole of the feeder in line order with its newest accepted image."""
    latest = (
        select(Image.pole_id, func.max(func.coalesce(Image.captured_at, Image.created_at)).label("at"))
        .where(Image.status != "rejected", Image.pole_id.is_not(None))
        .group_by(Image.pole_id)
        .subquery()
    )
    rows = session.execute(
        select(Pole.id, Pole.number, Pole.seq, latest.c.at)
        .outerjoin(latest, latest.c.pole_id == Pole.id)
        .where(Pole.feeder_id == feeder_id)
        .order_by(Pole.seq, Pole.id)
    ).all()
    patrol_of = dict(
        session.execute(
            select(Image.pole_id, Image.patrol_id).join(
                latest,
                (latest.c.pole_id == Image.pole_id)
                & (func.coalesce(Image.captured_at, Image.created_at) == latest.c.at),
            )
        ).all()
    )
    result = []
    for pole_id, number, seq, at in rows:
        at = at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at
        result.append(
            PoleInspection(
                number, seq or 0, at, patrol_of.get(pole_id) if at else None, open_by_pole.get(number, 0)
            )
        )
    return result


def _utc_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The period as [start, end) in UTC: local midnight of the first day to that after the last."""
    tz = zone()
    start = datetime.combine(date_from, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def _patrol_lines(session: Session, patrol_ids: object) -> list[PatrolLine]:
    patrols = (
        session.scalars(
            select(Patrol)
            .where(Patrol.id.in_(patrol_ids))  # type: ignore[arg-type]
            .options(joinedload(Patrol.crew), selectinload(Patrol.feeders).joinedload(PatrolFeeder.feeder))
            .order_by(Patrol.date, Patrol.id)
        )
        .unique()
        .all()
    )
    counts = (
        dict(
            session.execute(
                select(Image.patrol_id, func.count(func.distinct(Finding.defect_id)))
                .join(Finding, Finding.image_id == Image.id)
                .where(Image.patrol_id.in_([p.id for p in patrols]), Finding.defect_id.is_not(None))
                .group_by(Image.patrol_id)
            ).all()
        )
        if patrols
        else {}
    )
    return [
        PatrolLine(
            p.id,
            p.date,
            p.crew.name if p.crew else None,
            ", ".join(sorted(pf.feeder.name for pf in p.feeders)),
            p.km_flown or 0.0,
            counts.get(p.id, 0),
        )
        for p in patrols
    ]


def _period_hazards(session: Session, feeder_ids: Any, start: datetime, end: datetime) -> list[HazardLine]:
    rows = session.execute(
        select(Hazard, Feeder.name, Pole.number)
        .join(Feeder, Hazard.feeder_id == Feeder.id)
        .outerjoin(Pole, Hazard.pole_id == Pole.id)
        .where(
            Hazard.feeder_id.in_(feeder_ids),
            Hazard.observed_at >= start,
            Hazard.observed_at < end,
        )
        .order_by(Hazard.id)
    ).all()
    return [
        HazardLine(h.id, h.kind, h.grade, h.status, name, pole, h.clearance_m, h.required_m, h.description)
        for h, name, pole in rows
    ]


def _any_demo(session: Session, patrol_ids: object) -> bool:
    mark = f"%{DEMO_MARK}%"
    return bool(
        session.scalar(
            select(func.count(Patrol.id)).where(
                Patrol.id.in_(patrol_ids),  # type: ignore[arg-type]
                func.lower(Patrol.note).like(mark),
            )
        )
    )
