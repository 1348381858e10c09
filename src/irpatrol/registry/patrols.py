"""Patrols: find-or-create one (ingest, API) with its weather, the weather its images recorded, its
GPS track length, the list and one patrol's summary."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from irpatrol.errors import InputError, NotFound
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


WEATHER_RANGES: dict[str, tuple[float, float]] = {
    "ambient_c": (-50.0, 60.0),
    "humidity_pct": (0.0, 100.0),
    "wind_m_s": (0.0, 60.0),
    "load_current_a": (0.0, 5000.0),
}
"""The values a person may enter for a patrol's weather and load, inclusive: ambient temperature
(°C), relative humidity (%), wind speed (m/s) and a feeder's load current (A). Wider than any
weather a drone flies in (DL/T 664-2016 §4.3 wants wind ≤ 5 m/s) or a 10 kV feeder carries, so only
typing errors are refused; the upload form, the patrol page and the API's ingest body all check
against this table."""


def check_weather_value(name: str, value: float | None) -> float | None:
    """``value`` of the :data:`WEATHER_RANGES` field ``name`` when finite and in range (None: not
    given); InputError naming the field and the range otherwise."""
    if value is None:
        return None
    lo, hi = WEATHER_RANGES[name]
    if not math.isfinite(value) or not lo <= value <= hi:
        raise InputError(f"{name} must be between {lo:g} and {hi:g}, got {value:g}")
    return float(value)


@dataclass(frozen=True)
class Weather:
    """The conditions of a patrol: ambient temperature (°C), relative humidity (%), wind (m/s),
    rain, and the load current (A) per feeder name. None: not known (left as stored)."""

    ambient_c: float | None = None
    humidity_pct: float | None = None
    wind_m_s: float | None = None
    rain: bool = False
    load_current_a: dict[str, float] | None = None


def entered_weather(
    feeder: str,
    *,
    ambient_c: float | None = None,
    humidity_pct: float | None = None,
    wind_m_s: float | None = None,
    rain: bool = False,
    load_current_a: float | None = None,
) -> Weather:
    """The weather and ``feeder``'s load current (A) a person entered for a flight, each checked
    against :data:`WEATHER_RANGES` (InputError naming the field otherwise); None: not entered."""
    load = check_weather_value("load_current_a", load_current_a)
    return Weather(
        ambient_c=check_weather_value("ambient_c", ambient_c),
        humidity_pct=check_weather_value("humidity_pct", humidity_pct),
        wind_m_s=check_weather_value("wind_m_s", wind_m_s),
        rain=bool(rain),
        load_current_a=None if load is None else {feeder: load},
    )


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
    crew_row = _named(session, Crew, crew)
    drone_row = _named(session, Drone, drone, crew_id=crew_row.id if crew_row else None)
    key = f"{day.isoformat()}|{crew or ''}"
    patrol = session.scalar(select(Patrol).where(Patrol.key == key))
    if patrol is None:
        patrol = Patrol(key=key, date=day, crew_id=crew_row.id if crew_row else None)
        session.add(patrol)
        session.flush()
        record(session, None, "create", "patrol", patrol.id, {"key": key})
    if drone_row is not None:
        patrol.drone_id = drone_row.id
    set_weather(session, patrol, rows, Weather(ambient_c, humidity_pct, wind_m_s, rain, load_current_a))
    session.flush()
    return patrol


def _named[M: (Crew, Drone)](session: Session, model: type[M], name: str | None, **values: Any) -> M | None:
    """The crew or drone called ``name``, created (and audited) on first use; None without a name."""
    if not name:
        return None
    row = session.scalar(select(model).where(model.name == name))
    if row is None:
        row = model(name=name, **values)
        session.add(row)
        session.flush()
        record(session, None, "create", model.__tablename__, row.id, {"name": name, "by": "ingest"})
    return row


def set_weather(session: Session, patrol: Patrol, feeders: Sequence[Feeder], weather: Weather) -> None:
    """Record the known parts of ``weather`` on ``patrol`` and its ``feeders`` (added when missing).
    What this changes is audited (``weather-entered``: entered by a person, in the upload form, the
    API or the command line), as :func:`weather_from_images` audits what the images gave."""
    entered: dict[str, Any] = {}
    for attr in ("ambient_c", "humidity_pct", "wind_m_s"):
        value = getattr(weather, attr)
        if value is not None:
            if getattr(patrol, attr) != value:
                entered[attr] = value
            setattr(patrol, attr, value)
    if weather.rain:
        if not patrol.rain:
            entered["rain"] = True
        patrol.rain = True
    have = {
        pf.feeder_id: pf
        for pf in session.scalars(select(PatrolFeeder).where(PatrolFeeder.patrol_id == patrol.id))
    }
    loads = weather.load_current_a or {}
    for f in feeders:
        pf = have.get(f.id)
        if pf is None:
            pf = PatrolFeeder(patrol_id=patrol.id, feeder_id=f.id)
            session.add(pf)
        if f.name in loads:
            if pf.load_current_a != loads[f.name]:
                entered.setdefault("load_current_a", {})[f.name] = loads[f.name]
            pf.load_current_a = loads[f.name]
    if entered:
        session.flush()
        record(session, None, "weather-entered", "patrol", patrol.id, entered)


def weather_from_images(session: Session, patrol_id: int) -> dict[str, float]:
    """Fill the patrol's ambient temperature (°C) and relative humidity (%) when it has none from
    what its images recorded (the camera's atmospheric temperature and humidity, ``Image.params``
    ``atmospheric_c`` and ``humidity``: the median over the images that carry them), audited
    (``weather-from-images``). Returns what was filled. Wind and load current are in no camera
    file: the patrol form or the ingest's options give them."""
    patrol = session.get(Patrol, patrol_id)
    if patrol is None:
        raise NotFound(f"no patrol #{patrol_id}")
    wanted = {"ambient_c": "atmospheric_c", "humidity_pct": "humidity"}
    wanted = {column: key for column, key in wanted.items() if getattr(patrol, column) is None}
    if not wanted:
        return {}
    params = session.scalars(
        select(Image.params).where(Image.patrol_id == patrol_id, Image.params.is_not(None))
    ).all()
    filled = {}
    for column, key in wanted.items():
        values = [
            float(p[key]) for p in params if isinstance(p, dict) and isinstance(p.get(key), int | float)
        ]
        if values:
            filled[column] = round(median(values), 1)
            setattr(patrol, column, filled[column])
    if filled:
        record(session, None, "weather-from-images", "patrol", patrol_id, filled)
    return filled


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
