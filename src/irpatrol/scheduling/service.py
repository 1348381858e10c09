"""Scheduling against the registry: read the county from it, store plans in it.

The only module of :mod:`irpatrol.scheduling` that talks to the database; the planning itself is
the pure :mod:`irpatrol.scheduling.core`. Crews' working days, hours and sorties per day come from
the registry (NULL: the planner's defaults); takeoff points too, and an area with none gets points
derived near the line (:mod:`irpatrol.scheduling.core.takeoffs`). The stored forecast
(:func:`import_weather`) becomes the county's weather; a caller's weather file overrides it per
day and area.

It is also the edges' one door to the core (docs/architecture.md; import-linter checks that cli,
web, api and demo import :mod:`irpatrol.scheduling.core` only through here): the planner's
functions and types they use are re-exported below and listed in ``__all__``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.errors import InputError, NotFound, PlanningError
from irpatrol.registry import grades, workflow
from irpatrol.registry import model as rm
from irpatrol.registry.county import WEEKDAYS
from irpatrol.scheduling.core.campaign import REASON_NO_CAPACITY, plan_campaign, replan
from irpatrol.scheduling.core.codec import plan_from_dict, plan_to_dict, weather_assumptions
from irpatrol.scheduling.core.conditions import CLIMATE_FLYABLE, check_fractions, no_fly_reason
from irpatrol.scheduling.core.county import DRONES, generate
from irpatrol.scheduling.core.model import (
    Area,
    County,
    Crew,
    Drone,
    Feeder,
    Plan,
    Pole,
    Policy,
    Site,
    Weather,
)
from irpatrol.scheduling.core.sortie import mission
from irpatrol.scheduling.core.takeoffs import derive_takeoffs
from irpatrol.scheduling.core.validator import check

__all__ = [
    "CLIMATE_FLYABLE",
    "DRONES",
    "REASON_NO_CAPACITY",
    "County",
    "Drone",
    "Plan",
    "Policy",
    "PolicyInputs",
    "check",
    "check_fractions",
    "crew_capacity",
    "format_working_days",
    "generate",
    "import_takeoffs",
    "import_weather",
    "load_county",
    "load_plan",
    "load_weather",
    "mission",
    "parse_working_days",
    "plan_campaign",
    "plan_from_dict",
    "plan_to_dict",
    "policy_inputs",
    "replan",
    "set_ground",
    "store_plan",
    "weather_assumptions",
]

DEFAULT_DRONE = "M30T"
"""Model assumed for a crew without a drone in the registry (scheduling.md §6.7 default)."""
_RULES = Policy(start=date.min, deadline=date.min)
NO_FLY_WIND_M_S = _RULES.max_wind_m_s
"""The planner's default operating wind limit (m/s). A stored forecast is marked ``no_fly`` when
it breaks it or the infrared conditions (:func:`conditions.no_fly_reason`: rain, fog, wind above
5 m/s, humidity above 85 %)."""


def parse_working_days(text: str) -> tuple[int, ...]:
    """``"mon,tue,..."`` → core weekdays (0 = Monday), sorted and each once."""
    names = [x.strip().lower()[:3] for x in text.split(",") if x.strip()]
    bad = [n for n in names if n not in WEEKDAYS]
    if bad or not names:
        raise PlanningError(f"working days {text!r}: use comma-separated {', '.join(WEEKDAYS)}")
    return tuple(sorted({WEEKDAYS.index(n) for n in names}))


def format_working_days(weekdays: Iterable[int]) -> str:
    """Core weekdays → the registry's ``"mon,tue,..."``."""
    return ",".join(WEEKDAYS[d] for d in sorted(set(weekdays)))


def _crew_schedule(c: rm.Crew) -> dict[str, Any]:
    """The crew's working days, hours and sorties per day that the registry sets (NULL: left out,
    so the core's defaults apply)."""
    out: dict[str, Any] = {}
    if c.working_days is not None:
        out["weekdays"] = parse_working_days(c.working_days)
    for key in ("sorties_per_day", "day_start_s", "day_end_s"):
        if getattr(c, key) is not None:
            out[key] = int(getattr(c, key))
    return out


def load_county(session: Session, name: str = "registry") -> County:
    """The registry's areas, feeders with their poles in line order, crews and their drones."""
    areas = list(session.scalars(select(rm.Area).order_by(rm.Area.id)))
    area_name = {a.id: a.name for a in areas}
    feeders: list[Feeder] = []
    poles: list[Pole] = []
    for f in session.scalars(select(rm.Feeder).order_by(rm.Feeder.id)):
        rows = sorted(f.poles, key=lambda p: (p.seq, p.id))
        ids = []
        for k, p in enumerate(rows):
            pid = p.external_id or f"P{p.id}"
            ids.append(pid)
            extra = {"height_m": p.height_m} if p.height_m is not None else {}
            poles.append(Pole(id=pid, feeder_id=f.name, seq=k, lat=p.lat, lon=p.lon, ground_m=p.ground_m,
                              **extra))
        if ids:
            feeders.append(Feeder(id=f.name, area=area_name.get(f.area_id or -1, "-"), pole_ids=tuple(ids),
                                  priority=bool(f.urban)))
    if not poles:
        raise PlanningError("the registry holds no poles to plan "
                            "(import assets or run `irpatrol simulate county`)")
    used_areas = {f.area for f in feeders}
    area_list = []
    area_of = {f.id: f.area for f in feeders}
    for a in areas:
        if a.name in used_areas:
            members = [p for p in poles if area_of[p.feeder_id] == a.name]
            area_list.append(Area(id=a.name, name=a.name, lat=sum(p.lat for p in members) / len(members),
                                  lon=sum(p.lon for p in members) / len(members)))
    if "-" in used_areas:
        area_list.append(Area(id="-", name="no area", lat=poles[0].lat, lon=poles[0].lon))
    presets = {d.model: d for d in DRONES}
    capacity = crew_capacity(session)
    drones: dict[str, Drone] = {}
    crews: list[Crew] = []
    for c in session.scalars(select(rm.Crew).order_by(rm.Crew.id)):
        row = session.scalars(select(rm.Drone).where(rm.Drone.crew_id == c.id).order_by(rm.Drone.id)).first()
        model = (row.model if row is not None and row.model else DEFAULT_DRONE)
        drone = presets.get(model, Drone(model))
        if row is not None and row.endurance_s:
            drone = replace(drone, endurance_s=int(row.endurance_s))
        drones.setdefault(model, drone)
        area = area_name.get(c.area_id or -1, "-")
        home = next((a for a in area_list if a.id == area), area_list[0])
        lat = c.base_lat if c.base_lat is not None else home.lat
        lon = c.base_lon if c.base_lon is not None else home.lon
        pilots = tuple(p.name for p in session.scalars(select(rm.Pilot).where(rm.Pilot.crew_id == c.id)))
        crews.append(Crew(name=c.name, area=area, base=Site(f"base-{c.id}", lat, lon, area), drone=model,
                          members=pilots, poles_per_day=capacity.get(c.id, capacity.get(0)),
                          **_crew_schedule(c)))
    if not crews:
        raise PlanningError("the registry holds no crews (add crews with their base and drone)")
    stored = tuple(Site(t.name, t.lat, t.lon, area_name.get(t.area_id or -1, "-"), ground_m=t.ground_m)
                   for t in session.scalars(select(rm.TakeoffPoint).order_by(rm.TakeoffPoint.id)))
    county = County(name=name, areas=tuple(area_list), feeders=tuple(feeders), poles=tuple(poles),
                    takeoffs=(), crews=tuple(crews), drones=tuple(drones.values()),
                    weather=load_weather(session))
    given = {t.area for t in stored}
    derived = tuple(t for t in derive_takeoffs(county) if t.area not in given)
    return replace(county, takeoffs=stored + derived)


MIN_PATROL_POLES = 5
"""Patrols with fewer poles photographed are not used to learn a crew's capacity."""


def crew_capacity(session: Session) -> dict[int, int]:
    """Crew-day capacity (poles) learnt from past patrols: a patrol is one crew day; its poles are
    the distinct poles its images were matched to, its duration the span of their capture times.
    Per crew the median of poles per patrol day (at least ``MIN_PATROL_POLES``); key 0 holds the
    median over all crews, used for crews without patrols. Empty when the registry has none."""
    rows = session.execute(select(rm.Patrol.id, rm.Patrol.crew_id, rm.Patrol.date, rm.Image.pole_id)
                           .join(rm.Image, rm.Image.patrol_id == rm.Patrol.id)
                           .where(rm.Image.pole_id.is_not(None)))
    per_day: dict[tuple[int, date], set[int]] = {}
    for _pid, crew_id, day, pole_id in rows:
        if crew_id is not None and pole_id is not None:
            per_day.setdefault((crew_id, day), set()).add(pole_id)
    counts: dict[int, list[int]] = {}
    for (crew_id, _day), poles in per_day.items():
        if len(poles) >= MIN_PATROL_POLES:
            counts.setdefault(crew_id, []).append(len(poles))
    if not counts:
        return {}

    def median(xs: list[int]) -> int:
        s = sorted(xs)
        return s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) // 2

    out = {crew_id: median(xs) for crew_id, xs in counts.items()}
    out[0] = median([x for xs in counts.values() for x in xs])
    return out


def load_weather(session: Session) -> tuple[Weather, ...]:
    """The stored forecast, by day and area name."""
    rows = session.execute(select(rm.WeatherForecast, rm.Area.name)
                           .join(rm.Area, rm.Area.id == rm.WeatherForecast.area_id)
                           .order_by(rm.WeatherForecast.date, rm.Area.name))
    return tuple(Weather(day=w.date, area=area, rain=bool(w.rain), wind_m_s=float(w.wind_m_s),
                         fog=bool(w.fog), humidity_pct=w.humidity_pct, cloud_pct=w.cloud_pct)
                 for w, area in rows)


def import_weather(session: Session, forecast: Iterable[Weather], *,
                   max_wind_m_s: float = NO_FLY_WIND_M_S) -> dict[str, int]:
    """Store a forecast (areas by name): one row per (day, area), a re-import updates it in place
    (the last entry of a day and area wins). ``no_fly``: rain or wind above ``max_wind_m_s``.
    Returns counts ``created``, ``updated``. The caller commits."""
    areas = {a.name: a.id for a in session.scalars(select(rm.Area))}
    latest = {(w.day, w.area): w for w in forecast}
    unknown = sorted({area for _, area in latest if area not in areas})
    if unknown:
        raise InputError(f"forecast for area(s) not in the registry: {', '.join(unknown)}")
    existing = {(r.date, r.area_id): r for r in session.scalars(select(rm.WeatherForecast))}
    created = updated = 0
    for (day, area), w in latest.items():
        row = existing.get((day, areas[area]))
        if row is None:
            row = rm.WeatherForecast(date=day, area_id=areas[area])
            session.add(row)
            created += 1
        else:
            updated += 1
        row.rain, row.wind_m_s, row.fog, row.humidity_pct = w.rain, w.wind_m_s, w.fog, w.humidity_pct
        row.cloud_pct = w.cloud_pct
        row.no_fly = no_fly_reason(w, Drone("any", max_wind_m_s=max_wind_m_s), _RULES) is not None
    session.flush()
    return {"created": created, "updated": updated}


def import_takeoffs(session: Session, sites: Iterable[Site]) -> dict[str, int]:
    """Store the crews' real take-off points (upsert by name; areas by name, "" for none).
    A re-import updates each point in place; points not in the file are kept. Returns counts
    ``created``, ``updated``, ``unchanged``. The caller commits."""
    areas = {a.name: a.id for a in session.scalars(select(rm.Area))}
    latest = {s.id: s for s in sites}
    unknown = sorted({s.area for s in latest.values() if s.area and s.area not in areas})
    if unknown:
        raise InputError(f"take-off points for area(s) not in the registry: {', '.join(unknown)}")
    existing = {t.name: t for t in session.scalars(select(rm.TakeoffPoint))}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for name, s in latest.items():
        values = {"lat": s.lat, "lon": s.lon, "area_id": areas.get(s.area) if s.area else None,
                  "ground_m": s.ground_m}
        row = existing.get(name)
        if row is None:
            session.add(rm.TakeoffPoint(name=name, **values))
            counts["created"] += 1
        elif all(getattr(row, k) == v for k, v in values.items()):
            counts["unchanged"] += 1
        else:
            for k, v in values.items():
                setattr(row, k, v)
            counts["updated"] += 1
    session.flush()
    return counts


def set_ground(session: Session, pole_ground: dict[int, float],
               takeoff_ground: dict[int, float]) -> dict[str, int]:
    """Store ground elevations (m) by pole and take-off point row id. The caller commits."""
    for pid, g in pole_ground.items():
        pole = session.get(rm.Pole, pid)
        if pole is not None:
            pole.ground_m = g
    for tid, g in takeoff_ground.items():
        t = session.get(rm.TakeoffPoint, tid)
        if t is not None:
            t.ground_m = g
    session.flush()
    return {"poles": len(pole_ground), "takeoffs": len(takeoff_ground)}


@dataclass(frozen=True, slots=True)
class PolicyInputs:
    """What the registry knows for the inspection policy: poles with open defects, repaired
    serious/critical defects to re-inspect by a due date, and the last patrol of each pole."""

    open_defects: frozenset[str]
    reinspect: tuple[tuple[str, date], ...]
    last_inspected: tuple[tuple[str, date], ...]


OPEN_STATUSES = tuple(sorted(s.value for s in workflow.OPEN - {workflow.DefectStatus.REPAIRED}))
"""Defect statuses that keep a pole on the campaign's list: the workflow's open ones
(:data:`irpatrol.registry.workflow.OPEN`) but ``repaired``, whose pole is due instead by the
re-inspection date (:func:`policy_inputs`)."""
REINSPECT_DAYS = 7
"""Default N (days after the repair): a policy choice, set per campaign."""


def policy_inputs(session: Session, reinspect_days: int = REINSPECT_DAYS) -> PolicyInputs:
    """Open defects, re-inspections due (repair date + ``reinspect_days``) and last patrol dates."""
    pole_ids = {p.id: p.external_id or f"P{p.id}" for p in session.scalars(select(rm.Pole))}
    open_ = frozenset(pole_ids[d.pole_id] for d in session.scalars(
        select(rm.Defect).where(rm.Defect.status.in_(OPEN_STATUSES), rm.Defect.pole_id.is_not(None)))
        if d.pole_id in pole_ids)
    due: dict[str, date] = {}
    for d in session.scalars(select(rm.Defect).where(rm.Defect.status == "repaired")):
        # whose repair is re-inspected: the grade's ``reinspect`` in its rule set (issue 5: serious/critical)
        if grades.reinspects(d.standard, d.grade) and d.pole_id in pole_ids and d.repaired_at is not None:
            when = d.repaired_at.date() + timedelta(days=reinspect_days)
            pid = pole_ids[d.pole_id]
            due[pid] = min(due.get(pid, when), when)
    last: dict[str, date] = {}
    rows = session.execute(select(rm.PatrolFeeder.feeder_id, rm.Patrol.date)
                           .join(rm.Patrol, rm.Patrol.id == rm.PatrolFeeder.patrol_id))
    by_feeder: dict[int, date] = {}
    for feeder_id, day in rows:
        by_feeder[feeder_id] = max(by_feeder.get(feeder_id, day), day)
    for p in session.scalars(select(rm.Pole).where(rm.Pole.feeder_id.in_(list(by_feeder)))):
        last[pole_ids[p.id]] = by_feeder[p.feeder_id]
    return PolicyInputs(open_, tuple(sorted(due.items())), tuple(sorted(last.items())))


def store_plan(session: Session, plan: Plan, *, name: str | None = None, user: str | None = None,
               params: dict[str, Any] | None = None) -> int:
    """Keep ``plan`` as a registry Plan row (JSON result); returns its id. The caller commits."""
    row = rm.Plan(name=name or f"{plan.county} {plan.start}..{plan.deadline}", status="draft",
                  created_by=user, period_start=plan.start, period_end=plan.deadline,
                  params=params or {}, result=plan_to_dict(plan))
    session.add(row)
    session.flush()
    return int(row.id)


def load_plan(session: Session, plan_id: int) -> Plan:
    """A stored plan, decoded."""
    row = session.get(rm.Plan, plan_id)
    if row is None or not row.result:
        raise NotFound(f"no plan {plan_id} in the registry")
    return plan_from_dict(row.result, source=f"plan {plan_id}")
