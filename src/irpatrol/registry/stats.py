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
* ``open_by_grade``: defects open now, found by the end of the period (or now), by grade;
* ``ageing``: those open defects by days since detection (:data:`AGE_BUCKETS`) and grade, the
  oldest, and how many are past their deadline;
* ``change_pct``: (current − previous) / previous × 100 for every number of ``change`` whose
  previous figure is not 0, from the unrounded figures;
* ``figures``: the texts of the shown figures (km, %, days), each rounded once from the stored
  value by :mod:`irpatrol.figures` — the dashboard, the CLI and the reports write the same text.

The selection is one :class:`StatsFilter`, built at the edge (dashboard query, CLI options, API
query) and passed down here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, distinct, func, or_, select, true
from sqlalchemy.orm import Session

from irpatrol import figures
from irpatrol.db import utcnow
from irpatrol.errors import InputError, NotFound
from irpatrol.registry.defects import OVERDUE_EXEMPT
from irpatrol.registry.model import Area, Crew, Defect, Feeder, Finding, Image, Patrol, PatrolFeeder, Pole
from irpatrol.registry.precision import auto_precision
from irpatrol.registry.workflow import OPEN

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
    return _patrols(scope, period)


def defect_condition(scope: Scope) -> Any:
    """SQL condition: a defect of ``scope``'s feeders and crew (any date)."""
    return _defect_filter(scope)


def _patrols(scope: Scope, period: Period | None) -> Select[Any]:
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


def _image_filter(scope: Scope, period: Period | None) -> Any:
    cond: Any = Image.patrol_id.in_(_patrols(scope, period))
    if scope.feeder_ids is not None:
        poles = select(Pole.id).where(Pole.feeder_id.in_(scope.feeder_ids))
        cond = and_(cond, or_(Image.pole_id.is_(None), Image.pole_id.in_(poles)))
    return cond


def _defect_filter(scope: Scope) -> Any:
    conds = []
    if scope.feeder_ids is not None:
        conds.append(Defect.pole_id.in_(select(Pole.id).where(Pole.feeder_id.in_(scope.feeder_ids))))
    if scope.crew_id is not None:
        crew_images = (
            select(Image.id).join(Patrol, Patrol.id == Image.patrol_id).where(Patrol.crew_id == scope.crew_id)
        )
        conds.append(Defect.id.in_(select(Finding.defect_id).where(Finding.image_id.in_(crew_images))))
    return and_(true(), *conds)


def _counts(session: Session, scope: Scope, period: Period | None) -> dict[str, Any]:
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
        "km_flown": float(km or 0.0),
        "coverage_pct": figures.share(inspected, pole_total) or 0.0,
        "defects_by_grade": {str(k): int(v) for k, v in sorted(by_grade.items())},
        "defects_by_status": {str(k): int(v) for k, v in sorted(by_status.items())},
        "overdue": int(overdue),
        "mttr_days": sum(durations) / len(durations) / 86400.0 if durations else None,
    }


JSON_DIGITS = {"km_flown": 3, "coverage_pct": 2, "mttr_days": 3}
"""Decimals the JSON numbers keep (finer than the shown figures, which :mod:`irpatrol.figures`
rounds from the unrounded value)."""


CHANGE_DIGITS = {"km_flown": figures.KM_DIGITS, "coverage_pct": figures.PCT_DIGITS,
                 "mttr_days": figures.DAYS_DIGITS}
"""Decimals of a shown change (counts: none)."""


def _json_numbers(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: (round(v, JSON_DIGITS[k]) if k in JSON_DIGITS and v is not None else v)
            for k, v in raw.items()}


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _utc(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def compute(
    session: Session,
    period: Period | str | None = None,
    area: str | int | None = None,
    feeder: str | int | None = None,
    crew: str | int | None = None,
    *,
    selection: StatsFilter | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Statistics of the selection (see module doc) with ``previous_year``, ``change`` (current −
    previous for every number) and ``change_pct`` when a period is given. ``selection`` replaces
    ``period``/``area``/``feeder``/``crew`` when given."""
    f = selection or StatsFilter.of(period=period, area=area, feeder=feeder, crew=crew)
    scope = resolve(session, f)
    now = now or utcnow()
    raw = _counts(session, scope, scope.period)
    out = _json_numbers(raw)
    out["period"] = scope.period.to_dict() if scope.period else None
    out["filters"] = f.to_dict()
    shown: dict[str, Any] = _shown(raw)
    if scope.period is not None:
        prev_raw = _counts(session, scope, scope.period.shifted_years(-1))
        prev = _json_numbers(prev_raw)
        prev["period"] = scope.period.shifted_years(-1).to_dict()
        out["previous_year"] = prev
        numeric = [k for k, v in raw.items() if _is_number(v) and _is_number(prev_raw.get(k))]
        out["change"] = {k: round(raw[k] - prev_raw[k], 3) for k in numeric}
        out["change_pct"] = {k: figures.pct_change(raw[k], prev_raw[k]) for k in numeric}
        shown["previous_year"] = _shown(prev_raw)
        shown["change_pct"] = {k: figures.signed_pct(v) for k, v in out["change_pct"].items()}
        shown["change"] = {k: figures.signed(raw[k] - prev_raw[k], CHANGE_DIGITS.get(k, 0)) for k in numeric}
    else:
        out["previous_year"] = None
        out["change"] = None
        out["change_pct"] = None
    out["auto_precision"] = auto_precision(session, _image_filter(scope, scope.period))
    at = min(scope.period.bounds()[1], now) if scope.period else now
    out["open_by_grade"], out["ageing"] = _ageing(session, scope, at)
    overall = out["auto_precision"]["overall"]
    shown["auto_precision"] = figures.pct(figures.share(overall["real"], overall["decided"]))
    out["figures"] = shown
    return out


def _shown(raw: dict[str, Any]) -> dict[str, str]:
    """The texts of the shown figures, rounded once from the unrounded ``raw`` figures."""
    return {"km_flown": figures.km(raw["km_flown"]), "coverage_pct": figures.pct(raw["coverage_pct"]),
            "mttr_days": figures.days(raw["mttr_days"])}


AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7), ("8-30", 8, 30), ("31-90", 31, 90), (">90", 91, None),
)
"""(key, first day, last day or None) of the age of an open defect in whole days since it was
found: a week, a month, a quarter and older — reporting buckets of our choosing (no standard sets
them; the repair deadlines of DL/T 664-2016 §9 are counted by ``overdue``)."""
GRADES = ("critical", "serious", "general")


def age_bucket(age_days: int) -> str:
    """The key of :data:`AGE_BUCKETS` that ``age_days`` (whole days, ≥ 0) falls in."""
    for key, lo, hi in AGE_BUCKETS:
        if age_days >= lo and (hi is None or age_days <= hi):
            return key
    return AGE_BUCKETS[0][0]  # negative (found in the future): youngest


def open_defect_condition(scope: Scope, at: datetime) -> Any:
    """SQL condition: a defect of ``scope`` found before ``at`` and open now."""
    return and_(_defect_filter(scope), Defect.found_at < at, Defect.status.in_([s.value for s in OPEN]))


def _ageing(session: Session, scope: Scope, at: datetime) -> tuple[dict[str, int], dict[str, Any]]:
    """Open defects (found before ``at``, open now) by grade, and their ageing at ``at``."""
    rows = session.execute(
        select(Defect.id, Defect.grade, Defect.found_at, Defect.deadline)
        .where(open_defect_condition(scope, at))
        .order_by(Defect.found_at, Defect.id)
    ).all()
    buckets: dict[str, dict[str, Any]] = {
        key: {"days": [lo, hi], "count": 0, "by_grade": dict.fromkeys(GRADES, 0)}
        for key, lo, hi in AGE_BUCKETS
    }
    by_grade = dict.fromkeys(GRADES, 0)
    overdue = 0
    for _id, grade, found, deadline in rows:
        age = max(0, int((at - _utc(found)).total_seconds() // 86400))
        b = buckets[age_bucket(age)]
        b["count"] += 1
        b["by_grade"][grade] = b["by_grade"].get(grade, 0) + 1
        by_grade[grade] = by_grade.get(grade, 0) + 1
        if deadline is not None and _utc(deadline) < at:
            overdue += 1
    oldest = None
    if rows:
        did, grade, found, deadline = rows[0]
        oldest = {"defect_id": int(did), "grade": grade, "found_at": _utc(found).isoformat(),
                  "age_days": max(0, int((at - _utc(found)).total_seconds() // 86400)),
                  "deadline": None if deadline is None else _utc(deadline).isoformat()}
    return by_grade, {"as_of": at.isoformat(), "open": len(rows), "overdue": overdue,
                      "buckets": buckets, "oldest": oldest}
