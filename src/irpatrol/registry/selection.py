"""The selection statistics follow: a :class:`Period`, the :class:`StatsFilter` the edge builds from
its text (dashboard query, CLI options, API query), the :class:`Scope` of ids it resolves to and
the SQL conditions that pick a scope's patrols, images and defects. Used by
:mod:`irpatrol.registry.stats`, which re-exports the public names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select, true
from sqlalchemy.orm import Session

from irpatrol.db import utcnow
from irpatrol.errors import InputError, NotFound
from irpatrol.registry.model import Area, Crew, Defect, Feeder, Finding, Image, Patrol, PatrolFeeder, Pole


@dataclass(frozen=True)
class Period:
    """Days ``start`` ≤ d ≤ ``end`` (inclusive)."""

    start: date
    end: date

    def shifted_years(self, years: int) -> Period:
        return Period(_shift(self.start, years), _shift(self.end, years))

    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, day after end 00:00) in UTC."""
        return (
            datetime.combine(self.start, time(), UTC),
            datetime.combine(self.end + timedelta(days=1), time(), UTC),
        )

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def _shift(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


MIN_YEAR, MAX_YEAR = 1900, 2999
"""Periods outside these years are refused (the year-earlier comparison must stay a valid date)."""


def parse_period(text: str | None) -> Period | None:
    """``2026``, ``2026-07``, ``2026-Q3``, ``2026-07-15`` or ``START..END`` (dates); None: all time."""
    if text is None or not text.strip():
        return None
    t = text.strip()
    try:
        if ".." in t:
            a, b = t.split("..", 1)
            start, end = date.fromisoformat(a), date.fromisoformat(b)
        elif re.fullmatch(r"\d{4}", t):
            start, end = date(int(t), 1, 1), date(int(t), 12, 31)
        elif m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", t):
            y, q = int(m[1]), int(m[2])
            start = date(y, 3 * q - 2, 1)
            end = (date(y + 1, 1, 1) if q == 4 else date(y, 3 * q + 1, 1)) - timedelta(days=1)
        elif re.fullmatch(r"\d{4}-\d{2}", t):
            y, mo = map(int, t.split("-"))
            start = date(y, mo, 1)
            end = (date(y + 1, 1, 1) if mo == 12 else date(y, mo + 1, 1)) - timedelta(days=1)
        else:
            start = end = date.fromisoformat(t)
    except ValueError:
        raise InputError(f"period {text!r}: use YYYY, YYYY-MM, YYYY-Qn, YYYY-MM-DD or START..END") from None
    if end < start:
        raise InputError(f"period {text!r} ends before it starts")
    if not (start.year >= MIN_YEAR and end.year <= MAX_YEAR):
        raise InputError(f"period {text!r}: years must lie within {MIN_YEAR}–{MAX_YEAR}")
    return Period(start, end)


@dataclass(frozen=True)
class StatsFilter:
    """The selection every figure follows: a period (None: all time) and an area, feeder and crew
    (each a name or an id; None: all). Built at the edge with :meth:`of` and passed down."""

    period: Period | None = None
    area: str | int | None = None
    feeder: str | int | None = None
    crew: str | int | None = None

    @classmethod
    def of(
        cls,
        period: Period | str | None = None,
        start: date | str | None = None,
        end: date | str | None = None,
        area: str | int | None = None,
        feeder: str | int | None = None,
        crew: str | int | None = None,
    ) -> StatsFilter:
        """From the edge's text: ``period`` (see :func:`parse_period`) or a ``start``/``end`` date
        range (either end may be left open: from 1 January 1900 / to today); blank texts mean all."""
        if isinstance(start, str):
            start = _date_or_none(start, "start")
        if isinstance(end, str):
            end = _date_or_none(end, "end")
        if period is not None and not isinstance(period, Period):
            period = parse_period(period)
        if start is not None or end is not None:
            if period is not None:
                raise InputError("give a period or a start/end date range, not both")
            lo = start or date(MIN_YEAR + 1, 1, 1)
            hi = end or utcnow().date()
            period = parse_period(f"{lo.isoformat()}..{hi.isoformat()}")
        return cls(period, _blank(area), _blank(feeder), _blank(crew))

    @property
    def narrowed(self) -> bool:
        """True when an area, feeder or crew is chosen."""
        return any(v is not None for v in (self.area, self.feeder, self.crew))

    def to_dict(self) -> dict[str, Any]:
        return {"area": self.area, "feeder": self.feeder, "crew": self.crew}


def _blank(v: str | int | None) -> str | int | None:
    return None if isinstance(v, str) and not v.strip() else (v.strip() if isinstance(v, str) else v)


def _date_or_none(text: str, what: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{what} date {text!r}: use YYYY-MM-DD") from None


@dataclass(frozen=True)
class Scope:
    """A :class:`StatsFilter` resolved to ids (``feeder_ids`` None: every feeder)."""

    period: Period | None
    feeder_ids: list[int] | None
    crew_id: int | None


def resolve(session: Session, f: StatsFilter) -> Scope:
    """The ids behind ``f``; NotFound names the area, feeder or crew that does not exist."""
    feeder_ids: list[int] | None = None
    if f.area is not None:
        area_id = _id_of(session, Area, f.area)
        feeder_ids = list(session.scalars(select(Feeder.id).where(Feeder.area_id == area_id)))
    if f.feeder is not None:
        feeder_id = _id_of(session, Feeder, f.feeder)
        feeder_ids = [feeder_id] if feeder_ids is None or feeder_id in feeder_ids else []
    crew_id = None if f.crew is None else _id_of(session, Crew, f.crew)
    return Scope(f.period, feeder_ids, crew_id)


def _id_of[M: (Area, Feeder, Crew)](session: Session, model: type[M], key: str | int) -> int:
    """The id of the area, feeder or crew with id ``key`` (an int) or name ``key``; NotFound otherwise."""
    row = (
        session.get(model, key)
        if isinstance(key, int)
        else session.scalar(select(model).where(model.name == key))
    )
    if row is None:
        raise NotFound(f"no {model.__tablename__} {key!r}")
    return row.id


def patrol_ids(scope: Scope, period: Period | None) -> Select[Any]:
    """Ids of the patrols of ``scope`` flown in ``period`` (None: any day)."""
    stmt = select(Patrol.id)
    if period is not None:
        stmt = stmt.where(Patrol.date >= period.start, Patrol.date <= period.end)
    if scope.crew_id is not None:
        stmt = stmt.where(Patrol.crew_id == scope.crew_id)
    if scope.feeder_ids is not None:
        stmt = stmt.where(
            Patrol.id.in_(select(PatrolFeeder.patrol_id).where(PatrolFeeder.feeder_id.in_(scope.feeder_ids)))
        )
    return stmt


def image_condition(scope: Scope, period: Period | None) -> Any:
    """SQL condition: an image of ``scope``'s patrols flown in ``period``, at one of its feeders'
    poles or at no pole."""
    cond: Any = Image.patrol_id.in_(patrol_ids(scope, period))
    if scope.feeder_ids is not None:
        poles = select(Pole.id).where(Pole.feeder_id.in_(scope.feeder_ids))
        cond = and_(cond, or_(Image.pole_id.is_(None), Image.pole_id.in_(poles)))
    return cond


def defect_condition(scope: Scope) -> Any:
    """SQL condition: a defect of ``scope``'s feeders and crew (any date)."""
    conds = []
    if scope.feeder_ids is not None:
        conds.append(Defect.pole_id.in_(select(Pole.id).where(Pole.feeder_id.in_(scope.feeder_ids))))
    if scope.crew_id is not None:
        crew_images = (
            select(Image.id).join(Patrol, Patrol.id == Image.patrol_id).where(Patrol.crew_id == scope.crew_id)
        )
        conds.append(Defect.id.in_(select(Finding.defect_id).where(Finding.image_id.in_(crew_images))))
    return and_(true(), *conds)
