"""Load a synthetic county (``irpatrol.scheduling.core.county.generate``) into the registry.

Areas, feeders, poles, crews (with working days, hours and sorties per day), pilots and drones
are upserted by name (poles by their county id as ``external_id``), so loading the same county
twice duplicates nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.registry.audit import record
from irpatrol.registry.model import Area, Crew, Drone, Feeder, Pilot, Pole

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""``Crew.working_days`` names, Monday first (as :mod:`irpatrol.scheduling.service` reads them)."""
RATED_CURRENT_A = 400.0
"""Rated current given to synthetic feeders (A): a typical 10 kV overhead line (LGJ-185 class)."""


def load_county(session: Session, county: Any, *, user: str | None = None) -> dict[str, int]:
    """Upsert the county's assets and resources; returns counts of what it holds."""
    areas = _areas(session, county)
    feeders = _feeders(session, county, areas)
    created = _poles(session, county, feeders)
    _crews(session, county, areas)
    counts = {
        "areas": len(county.areas),
        "feeders": len(county.feeders),
        "poles": len(county.poles),
        "poles_created": created,
        "crews": len(county.crews),
        "pilots": sum(len(c.members) for c in county.crews),
        "drones": len(county.crews),
    }
    record(session, user, "load_county", "asset", None, {"name": county.name, **counts})
    return counts


def _areas(session: Session, county: Any) -> dict[str, Area]:
    """Upsert the county's areas by name (flushed); the rows by county area id."""
    areas = {a.name: a for a in session.scalars(select(Area))}
    by_id: dict[str, Area] = {}
    for a in county.areas:
        area = areas.get(a.name) or Area(name=a.name)
        session.add(area)
        by_id[a.id] = area
    session.flush()
    return by_id


def _feeders(session: Session, county: Any, areas: dict[str, Area]) -> dict[str, Feeder]:
    """Upsert the county's feeders by name (flushed); the rows by county feeder id."""
    feeders = {f.name: f for f in session.scalars(select(Feeder))}
    feeder_rows: dict[str, Feeder] = {}
    for f in county.feeders:
        feeder = feeders.get(f.id) or Feeder(name=f.id)
        feeder.area_id = areas[f.area].id
        feeder.voltage_kv = 10.0
        feeder.rated_current_a = feeder.rated_current_a or RATED_CURRENT_A
        feeder.urban = bool(f.priority)
        session.add(feeder)
        feeder_rows[f.id] = feeder
    session.flush()
    return feeder_rows


def _poles(session: Session, county: Any, feeders: dict[str, Feeder]) -> int:
    """Upsert the county's poles by ``external_id`` (flushed); the number created."""
    poles = {p.external_id: p for p in session.scalars(select(Pole).where(Pole.external_id.is_not(None)))}
    new: list[Pole] = []
    for p in county.poles:
        pole = poles.get(p.id)
        values = {
            "feeder_id": feeders[p.feeder_id].id,
            "number": str(p.seq + 1),
            "seq": p.seq + 1,
            "lat": p.lat,
            "lon": p.lon,
            "height_m": p.height_m,
            "ground_m": p.ground_m,
        }
        if pole is None:
            new.append(Pole(external_id=p.id, pole_type="concrete", **values))
        else:
            for k, v in values.items():
                setattr(pole, k, v)
    session.add_all(new)
    session.flush()
    return len(new)


def _crews(session: Session, county: Any, areas: dict[str, Area]) -> None:
    """Upsert the county's crews, their pilots and drones by name (flushed)."""
    crews = {c.name: c for c in session.scalars(select(Crew))}
    pilots = {p.name: p for p in session.scalars(select(Pilot))}
    drones = {d.name: d for d in session.scalars(select(Drone))}
    models = {d.model: d for d in county.drones}
    for c in county.crews:
        crew = crews.get(c.name) or Crew(name=c.name)
        crew.area_id = areas[c.area].id
        crew.base_lat, crew.base_lon = c.base.lat, c.base.lon
        crew.working_days = ",".join(WEEKDAYS[d] for d in sorted(set(c.weekdays)))
        crew.sorties_per_day, crew.day_start_s, crew.day_end_s = c.sorties_per_day, c.day_start_s, c.day_end_s
        session.add(crew)
        session.flush()
        for m in c.members:
            pilot = pilots.get(m) or Pilot(name=m)
            pilot.crew_id, pilot.home_area_id = crew.id, crew.area_id
            pilot.certificate = pilot.certificate or f"CAAC-{m}"
            session.add(pilot)
        name = f"{c.name}/{c.drone}"
        drone = drones.get(name) or Drone(name=name)
        drone.model, drone.crew_id = c.drone, crew.id
        drone.endurance_s = float(models[c.drone].endurance_s) if c.drone in models else None
        session.add(drone)
    session.flush()
