"""Read-side queries behind the dashboard and the map (aggregates; no state changes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from irpatrol.registry import stats
from irpatrol.registry.listing import Sorting
from irpatrol.registry.model import Area, Crew, Defect, Feeder, Image, Patrol, Pole
from irpatrol.registry.stats import StatsFilter
from irpatrol.registry.workflow import OPEN

OPEN_STATUSES = [s.value for s in OPEN]
NEWEST_PATROLS = Sorting(columns={"date": Patrol.date}, default="-date", tiebreak=Patrol.id,
                         tiebreak_follows=True)
"""The pages' order of patrols (lists, recent patrols, flight tracks): the newest first."""


@dataclass
class Dashboard:
    """The selection's figures: the registry's statistics (with the same dates a year earlier)
    plus the breakdowns the charts draw, all following one :class:`stats.StatsFilter`."""

    start: date
    end: date
    stats: dict[str, Any]
    """:func:`irpatrol.registry.stats.compute` of the selection (``previous_year`` inside)."""
    selection: StatsFilter = field(default_factory=StatsFilter)
    open_by_grade: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_area: list[tuple[str, int, int]] = field(default_factory=list)
    """(area, poles inspected, poles total)."""
    by_feeder: list[tuple[str, int, int]] = field(default_factory=list)
    monthly: list[tuple[str, float, int]] = field(default_factory=list)
    """(YYYY-MM, km flown, defects found) for the 13 months up to the end of the period."""

    def before(self, key: str) -> float | None:
        """The figure ``key`` a year earlier (None when unknown)."""
        prev = self.stats.get("previous_year") or {}
        value = prev.get(key)
        return float(value) if isinstance(value, int | float) else None


def default_period(today: date | None = None) -> stats.Period:
    """This year to date (the dashboard's period when none is chosen)."""
    today = today or datetime.now(UTC).date()
    return stats.Period(date(today.year, 1, 1), today)


def dashboard(session: Session, selection: stats.StatsFilter | None = None,
              today: date | None = None) -> Dashboard:
    """The figures of ``selection`` (default: this year to date, everywhere) against the same
    dates a year earlier; every breakdown follows the same selection."""
    selection = selection or stats.StatsFilter()
    if selection.period is None:
        selection = stats.StatsFilter(default_period(today), selection.area, selection.feeder, selection.crew)
    period = selection.period
    assert period is not None
    figures = stats.compute(session, selection=selection)
    scope = stats.resolve(session, selection)
    d = Dashboard(start=period.start, end=period.end, stats=figures, selection=selection)
    d.open_by_grade = dict(figures["open_by_grade"])
    d.by_status = dict(figures["defects_by_status"])
    d.by_area = _coverage(session, Area.name, scope)
    d.by_feeder = _coverage(session, Feeder.name, scope)
    d.monthly = _monthly(session, scope, period.end)
    return d


def _inspected(scope: stats.Scope) -> Select[Any]:
    return (
        select(Image.pole_id)
        .where(Image.pole_id.is_not(None), Image.status == "analysed",
               Image.patrol_id.in_(stats.patrol_ids(scope, scope.period)))
        .distinct()
    )


def _coverage(session: Session, name_col: Any, scope: stats.Scope) -> list[tuple[str, int, int]]:
    inspected = _inspected(scope).subquery()
    stmt = (
        select(name_col, func.count(Pole.id), func.count(inspected.c.pole_id))
        .select_from(Pole)
        .join(Feeder, Pole.feeder_id == Feeder.id)
        .outerjoin(Area, Feeder.area_id == Area.id)
        .outerjoin(inspected, inspected.c.pole_id == Pole.id)
        .group_by(name_col)
        .order_by(name_col)
    )
    if scope.feeder_ids is not None:
        stmt = stmt.where(Feeder.id.in_(scope.feeder_ids))
    return [(name or "—", int(done), int(total)) for name, total, done in session.execute(stmt).all()]


def _monthly(session: Session, scope: stats.Scope, last: date) -> list[tuple[str, float, int]]:
    months = []
    y, m = last.year, last.month
    for _ in range(13):
        months.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    out = []
    for y, m in reversed(months):
        start = date(y, m, 1)
        end = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
        month = stats.Period(start, end)
        km = float(session.scalar(select(func.coalesce(func.sum(Patrol.km_flown), 0.0))
                                  .where(Patrol.id.in_(stats.patrol_ids(scope, month)))) or 0.0)
        lo, hi = month.bounds()
        found = session.scalar(select(func.count(Defect.id)).where(
            stats.defect_condition(scope), Defect.found_at >= lo, Defect.found_at < hi)) or 0
        out.append((f"{y:04d}-{m:02d}", km, int(found)))
    return out


def choices(session: Session) -> dict[str, list[str]]:
    """Names of the areas, feeders and crews (the dashboard's filter lists)."""
    return {
        "areas": list(session.scalars(select(Area.name).order_by(Area.name))),
        "feeders": list(session.scalars(select(Feeder.name).order_by(Feeder.name))),
        "crews": list(session.scalars(select(Crew.name).order_by(Crew.name))),
    }


def map_data(session: Session, worst: dict[int, int]) -> dict[str, object]:
    """Feeders and poles with their worst open defect, compact for the page.

    ``feeders``: names; ``poles``: [[id, lat, lon, rank, feeder index, number], …] in line order
    per feeder (the page draws each feeder through its poles). Coordinates to 1e-5° (about 1 m).
    ``worst``: pole id → rank of its worst open defect (the map page derives it from the open
    defects it reads anyway). The
    poles are read as plain Core rows: the page lists every pole of the registry, so per-row cost
    is what counts.
    """
    p, f = Pole.__table__.c, Feeder.__table__.c
    rows = session.connection().execute(
        select(p.id, p.lat, p.lon, p.number, p.feeder_id, f.name)
        .join_from(Pole.__table__, Feeder.__table__, p.feeder_id == f.id)
        .order_by(f.name, p.seq, p.id)
    ).all()
    feeders: list[str] = []
    index: dict[int, int] = {}
    poles: list[list[object]] = []
    for pid, lat, lon, number, fid, fname in rows:
        at = index.get(fid)
        if at is None:
            at = index[fid] = len(feeders)
            feeders.append(fname)
        poles.append([pid, round(lat, 5), round(lon, 5), worst.get(pid, 0), at, number])
    return {"feeders": feeders, "poles": poles}
