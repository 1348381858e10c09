"""Scheduling against the registry: read the county from it, store plans in it.

The only module of :mod:`irpatrol.scheduling` that talks to the database; the planning itself is
the pure :mod:`irpatrol.scheduling.core`. Takeoff points are not kept in the registry yet, so they
are derived near the line (:mod:`irpatrol.scheduling.core.takeoffs`); the forecast comes from the
caller (a weather file).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.errors import NotFound, PlanningError
from irpatrol.registry import model as rm
from irpatrol.scheduling.core.codec import plan_from_dict, plan_to_dict
from irpatrol.scheduling.core.county import DRONES
from irpatrol.scheduling.core.model import Area, County, Crew, Drone, Feeder, Plan, Pole, Site
from irpatrol.scheduling.core.takeoffs import derive_takeoffs

DEFAULT_DRONE = "M30T"
"""Model assumed for a crew without a drone in the registry (scheduling.md §6.7 default)."""


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
            poles.append(Pole(id=pid, feeder_id=f.name, seq=k, lat=p.lat, lon=p.lon))
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
                          members=pilots))
    if not crews:
        raise PlanningError("the registry holds no crews (add crews with their base and drone)")
    county = County(name=name, areas=tuple(area_list), feeders=tuple(feeders), poles=tuple(poles),
                    takeoffs=(), crews=tuple(crews), drones=tuple(drones.values()))
    return replace(county, takeoffs=derive_takeoffs(county))


@dataclass(frozen=True, slots=True)
class PolicyInputs:
    """What the registry knows for the inspection policy: poles with open defects, repaired
    serious/critical defects to re-inspect by a due date, and the last patrol of each pole."""

    open_defects: frozenset[str]
    reinspect: tuple[tuple[str, date], ...]
    last_inspected: tuple[tuple[str, date], ...]


OPEN_STATUSES = ("new", "confirmed", "repair_scheduled", "reopened")
"""Defect statuses still open (irpatrol.registry.workflow.DefectStatus)."""
REINSPECT_GRADES = ("serious", "critical")
"""Grades whose repair is re-inspected (issue 5: "re-inspection of repaired serious/critical
defects within N days"; DL/T 664-2016 §9 grade names)."""
REINSPECT_DAYS = 7
"""Default N (days after the repair): a policy choice, set per campaign."""


def policy_inputs(session: Session, reinspect_days: int = REINSPECT_DAYS) -> PolicyInputs:
    """Open defects, re-inspections due (repair date + ``reinspect_days``) and last patrol dates."""
    pole_ids = {p.id: p.external_id or f"P{p.id}" for p in session.scalars(select(rm.Pole))}
    open_ = frozenset(pole_ids[d.pole_id] for d in session.scalars(
        select(rm.Defect).where(rm.Defect.status.in_(OPEN_STATUSES), rm.Defect.pole_id.is_not(None)))
        if d.pole_id in pole_ids)
    due: dict[str, date] = {}
    for d in session.scalars(select(rm.Defect).where(rm.Defect.status == "repaired",
                                                     rm.Defect.grade.in_(REINSPECT_GRADES))):
        if d.pole_id in pole_ids and d.repaired_at is not None:
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
