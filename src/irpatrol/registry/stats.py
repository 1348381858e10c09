"""Statistics for a period, area, feeder or crew, with the change against a year earlier.

Definitions (all within the selection):

* ``images`` / ``rejected``: images of patrols flown in the period (rejected = not readable);
* ``findings``: hotspots recorded in those images; ``poles_inspected``: distinct poles matched;
* ``km_flown``: sum of the patrols' GPS track lengths (km, see ``ingest.update_track``);
* ``coverage_pct``: poles inspected / poles of the selected feeders (all feeders if none) × 100;
* ``defects``: defects found in the period, by grade and by status;
* ``overdue``: defects whose deadline had passed at the end of the period (or now) unrepaired;
* ``mttr_days``: mean time from finding to repair of the defects repaired in the period (days);
* ``auto_precision``: the detector's precision as the analysts judged it, over the automatic
  findings of the selection's images (overall, by device kind, by patrol; see
  :mod:`irpatrol.registry.precision`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, distinct, func, or_, select, true
from sqlalchemy.orm import Session

from irpatrol.db import utcnow
from irpatrol.errors import InputError, NotFound
from irpatrol.registry.defects import OVERDUE_EXEMPT
from irpatrol.registry.model import Area, Crew, Defect, Feeder, Finding, Image, Patrol, PatrolFeeder, Pole
from irpatrol.registry.precision import auto_precision

KEYS = ("images", "rejected", "findings", "defects", "poles_inspected", "km_flown", "coverage_pct")
"""Headline keys always present in :func:`compute` (the CLI's ``stats --json`` contract)."""


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
class _Scope:
    period: Period | None
    feeder_ids: list[int] | None
    crew_id: int | None


def _resolve(
    session: Session,
    period: Period | str | None,
    area: str | int | None,
    feeder: str | int | None,
    crew: str | int | None,
) -> _Scope:
    p = parse_period(period) if isinstance(period, str) or period is None else period
    feeder_ids: list[int] | None = None
    if area is not None:
        area_id = _id_of(session, Area, area)
        feeder_ids = list(session.scalars(select(Feeder.id).where(Feeder.area_id == area_id)))
    if feeder is not None:
        feeder_id = _id_of(session, Feeder, feeder)
        feeder_ids = [feeder_id] if feeder_ids is None or feeder_id in feeder_ids else []
    crew_id = None if crew is None else _id_of(session, Crew, crew)
    return _Scope(p, feeder_ids, crew_id)


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


def _patrols(scope: _Scope, period: Period | None) -> Select[Any]:
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


def _image_filter(scope: _Scope, period: Period | None) -> Any:
    cond: Any = Image.patrol_id.in_(_patrols(scope, period))
    if scope.feeder_ids is not None:
        poles = select(Pole.id).where(Pole.feeder_id.in_(scope.feeder_ids))
        cond = and_(cond, or_(Image.pole_id.is_(None), Image.pole_id.in_(poles)))
    return cond


def _defect_filter(scope: _Scope) -> Any:
    conds = []
    if scope.feeder_ids is not None:
        conds.append(Defect.pole_id.in_(select(Pole.id).where(Pole.feeder_id.in_(scope.feeder_ids))))
    if scope.crew_id is not None:
        crew_images = (
            select(Image.id).join(Patrol, Patrol.id == Image.patrol_id).where(Patrol.crew_id == scope.crew_id)
        )
        conds.append(Defect.id.in_(select(Finding.defect_id).where(Finding.image_id.in_(crew_images))))
    return and_(true(), *conds)


def _counts(session: Session, scope: _Scope, period: Period | None) -> dict[str, Any]:
    img = _image_filter(scope, period)
    images = session.scalar(select(func.count(Image.id)).where(img)) or 0
    rejected = session.scalar(select(func.count(Image.id)).where(img, Image.status == "rejected")) or 0
    findings = (
        session.scalar(select(func.count(Finding.id)).join(Image, Image.id == Finding.image_id).where(img))
        or 0
    )
    inspected = (
        session.scalar(
            select(func.count(distinct(Image.pole_id))).where(
                img, Image.pole_id.is_not(None), Image.status == "analysed"
            )
        )
        or 0
    )
    km = session.scalar(
        select(func.coalesce(func.sum(Patrol.km_flown), 0.0)).where(Patrol.id.in_(_patrols(scope, period)))
    )
    pole_total_q = select(func.count(Pole.id))
    if scope.feeder_ids is not None:
        pole_total_q = pole_total_q.where(Pole.feeder_id.in_(scope.feeder_ids))
    pole_total = session.scalar(pole_total_q) or 0
    dfilter = _defect_filter(scope)
    if period is not None:
        lo, hi = period.bounds()
        found = and_(dfilter, Defect.found_at >= lo, Defect.found_at < hi)
        repaired = and_(dfilter, Defect.repaired_at >= lo, Defect.repaired_at < hi)
        at = min(hi, utcnow())
    else:
        found, repaired, at = dfilter, and_(dfilter, Defect.repaired_at.is_not(None)), utcnow()
    by_grade = dict(
        session.execute(select(Defect.grade, func.count(Defect.id)).where(found).group_by(Defect.grade)).all()
    )
    by_status = dict(
        session.execute(
            select(Defect.status, func.count(Defect.id)).where(found).group_by(Defect.status)
        ).all()
    )
    overdue = (
        session.scalar(
            select(func.count(Defect.id)).where(
                dfilter, Defect.deadline < at, Defect.found_at < at, Defect.status.not_in(OVERDUE_EXEMPT)
            )
        )
        or 0
    )
    durations = [
        (_utc(r) - _utc(f)).total_seconds()
        for f, r in session.execute(select(Defect.found_at, Defect.repaired_at).where(repaired)).all()
        if f is not None and r is not None
    ]
    return {
        "images": int(images),
        "rejected": int(rejected),
        "findings": int(findings),
        "defects": int(sum(by_grade.values())),
        "poles_inspected": int(inspected),
        "poles_total": int(pole_total),
        "km_flown": round(float(km or 0.0), 3),
        "coverage_pct": round(100.0 * inspected / pole_total, 2) if pole_total else 0.0,
        "defects_by_grade": {str(k): int(v) for k, v in sorted(by_grade.items())},
        "defects_by_status": {str(k): int(v) for k, v in sorted(by_status.items())},
        "overdue": int(overdue),
        "mttr_days": round(sum(durations) / len(durations) / 86400.0, 3) if durations else None,
    }


def _utc(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def compute(
    session: Session,
    period: Period | str | None = None,
    area: str | int | None = None,
    feeder: str | int | None = None,
    crew: str | int | None = None,
) -> dict[str, Any]:
    """Statistics of the selection (see module doc) with ``previous_year`` and ``change`` (current −
    previous for every number) when a period is given."""
    scope = _resolve(session, period, area, feeder, crew)
    out = _counts(session, scope, scope.period)
    out["period"] = scope.period.to_dict() if scope.period else None
    out["filters"] = {"area": area, "feeder": feeder, "crew": crew}
    if scope.period is not None:
        prev = _counts(session, scope, scope.period.shifted_years(-1))
        prev["period"] = scope.period.shifted_years(-1).to_dict()
        out["previous_year"] = prev
        out["change"] = {
            k: round(v - prev[k], 3)
            for k, v in out.items()
            if isinstance(v, int | float) and not isinstance(v, bool) and isinstance(prev.get(k), int | float)
        }
    else:
        out["previous_year"] = None
        out["change"] = None
    out["auto_precision"] = auto_precision(session, _image_filter(scope, scope.period))
    return out
