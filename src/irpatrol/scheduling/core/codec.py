"""Plans and counties as JSON-ready dicts (stable schema, for files, the registry and the API).

Schema names: ``irpatrol.plan/1`` and ``irpatrol.county/1``. Dates are ISO 8601, times of day
seconds after local midnight, coordinates WGS84 degrees. Readers raise :class:`InputError` naming
the field that is missing or malformed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from irpatrol.errors import InputError
from irpatrol.scheduling.core.model import (
    Area,
    County,
    Crew,
    CrewDay,
    Drone,
    Feeder,
    Figures,
    Plan,
    Pole,
    Segment,
    Site,
    Sortie,
    Unplanned,
    Visit,
    Weather,
)

PLAN_SCHEMA = "irpatrol.plan/1"
COUNTY_SCHEMA = "irpatrol.county/1"


def _site(s: Site) -> dict[str, Any]:
    d: dict[str, Any] = {"id": s.id, "lat": s.lat, "lon": s.lon, "area": s.area}
    if s.ground_m is not None:
        d["ground_m"] = s.ground_m
    return d


def _row(row: list[Any], ground_m: float | None) -> list[Any]:
    """A pole or visit row; the ground elevation is a 7th item only when known."""
    return row if ground_m is None else [*row, ground_m]


def _ground(rest: list[Any]) -> float | None:
    return float(rest[0]) if rest and rest[0] is not None else None


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    f = plan.figures
    return {
        "schema": PLAN_SCHEMA,
        "county": plan.county,
        "start": plan.start.isoformat(),
        "deadline": plan.deadline.isoformat(),
        "figures": {
            "poles": f.poles, "planned_poles": f.planned_poles, "unplanned_poles": f.unplanned_poles,
            "coverage_pct": f.coverage_pct, "sorties": f.sorties, "flight_hours": f.flight_hours,
            "driving_km": f.driving_km, "cost_s": f.cost_s, "crew_days": f.crew_days,
            "last_day": f.last_day.isoformat() if f.last_day else None,
            **({"measuring_score": f.measuring_score} if f.measuring_score is not None else {}),
        },
        "crew_days": [
            {
                "day": cd.day.isoformat(), "crew": cd.crew, "area": cd.area, "drone": cd.drone,
                "solver": cd.solver, "drive_m": cd.drive_m, "start_s": cd.start_s, "end_s": cd.end_s,
                **({"score": cd.score} if cd.score is not None else {}),
                "segments": [[s.feeder_id, s.first_seq, s.last_seq] for s in cd.segments],
                "sorties": [
                    {
                        "id": s.id, "takeoff": _site(s.takeoff), "flight_s": s.flight_s,
                        "start_s": s.start_s,
                        "visits": [_row([v.pole_id, v.feeder_id, v.seq, v.lat, v.lon, v.height_m], v.ground_m)
                                   for v in s.visits],
                    }
                    for s in cd.sorties
                ],
            }
            for cd in plan.crew_days
        ],
        "unplanned": [{"pole_id": u.pole_id, "reason": u.reason} for u in plan.unplanned],
        "notes": list(plan.notes),
        **({"weather": weather_assumptions(plan)} if plan.climate_flyable is not None else {}),
    }


def weather_assumptions(plan: Plan) -> dict[str, Any]:
    """What the plan assumed about the weather: the forecast horizon and, beyond it, the monthly
    flyable shares; the crew days planned without forecast are "weather unknown"."""
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    unknown = sorted({cd.day.isoformat() for cd in plan.crew_days if plan.weather_unknown(cd.day)})
    return {
        "forecast_until": plan.forecast_until.isoformat() if plan.forecast_until else None,
        "beyond_forecast": "climatological flyable share per month",
        "climate_flyable": dict(zip(months, plan.climate_flyable or (), strict=False)),
        "weather_unknown_days": unknown,
    }


def plan_from_dict(d: Mapping[str, Any], source: str = "plan") -> Plan:
    _schema(d, PLAN_SCHEMA, source)
    try:
        f = d["figures"]
        figures = Figures(
            poles=int(f["poles"]), planned_poles=int(f["planned_poles"]),
            unplanned_poles=int(f["unplanned_poles"]), coverage_pct=float(f["coverage_pct"]),
            sorties=int(f["sorties"]), flight_hours=float(f["flight_hours"]),
            driving_km=float(f["driving_km"]), cost_s=int(f["cost_s"]), crew_days=int(f["crew_days"]),
            last_day=date.fromisoformat(f["last_day"]) if f["last_day"] else None,
            measuring_score=float(f["measuring_score"]) if f.get("measuring_score") is not None else None,
        )
        crew_days = tuple(
            CrewDay(
                day=date.fromisoformat(cd["day"]), crew=str(cd["crew"]), area=str(cd["area"]),
                drone=str(cd["drone"]), solver=str(cd["solver"]), drive_m=float(cd["drive_m"]),
                start_s=int(cd["start_s"]), end_s=int(cd["end_s"]),
                score=float(cd["score"]) if cd.get("score") is not None else None,
                segments=tuple(Segment(str(a), int(b), int(c)) for a, b, c in cd["segments"]),
                sorties=tuple(
                    Sortie(
                        id=str(s["id"]), takeoff=_site_from(s["takeoff"]), flight_s=int(s["flight_s"]),
                        start_s=int(s["start_s"]),
                        visits=tuple(Visit(str(a), str(b), int(c), float(la), float(lo), float(h), _ground(g))
                                     for a, b, c, la, lo, h, *g in s["visits"]),
                    )
                    for s in cd["sorties"]
                ),
            )
            for cd in d["crew_days"]
        )
        return Plan(
            county=str(d["county"]), start=date.fromisoformat(d["start"]),
            deadline=date.fromisoformat(d["deadline"]), crew_days=crew_days,
            unplanned=tuple(Unplanned(str(u["pole_id"]), str(u["reason"])) for u in d["unplanned"]),
            figures=figures, notes=tuple(str(n) for n in d.get("notes", ())),
            **_weather_from(d.get("weather")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed plan: {type(exc).__name__}: {exc}", source=source) from None


def _weather_from(w: Mapping[str, Any] | None) -> dict[str, Any]:
    if not w:
        return {}
    until = w.get("forecast_until")
    return {"forecast_until": date.fromisoformat(until) if until else None,
            "climate_flyable": tuple(float(x) for x in w["climate_flyable"].values())}


def _site_from(s: Mapping[str, Any]) -> Site:
    g = s.get("ground_m")
    return Site(id=str(s["id"]), lat=float(s["lat"]), lon=float(s["lon"]), area=str(s.get("area", "")),
                ground_m=float(g) if g is not None else None)


def _schema(d: Mapping[str, Any], expected: str, source: str) -> None:
    if not isinstance(d, Mapping) or d.get("schema") != expected:
        got = d.get("schema") if isinstance(d, Mapping) else type(d).__name__
        raise InputError(f"not an {expected} document (schema: {got!r})", source=source)


def county_to_dict(c: County) -> dict[str, Any]:
    return {
        "schema": COUNTY_SCHEMA,
        "name": c.name,
        "areas": [{"id": a.id, "name": a.name, "lat": a.lat, "lon": a.lon} for a in c.areas],
        "feeders": [{"id": f.id, "area": f.area, "feeder_class": f.feeder_class, "priority": f.priority,
                     "pole_ids": list(f.pole_ids)} for f in c.feeders],
        "poles": [_row([p.id, p.feeder_id, p.seq, p.lat, p.lon, p.height_m], p.ground_m) for p in c.poles],
        "takeoffs": [_site(t) for t in c.takeoffs],
        "crews": [{"name": k.name, "area": k.area, "base": _site(k.base), "drone": k.drone,
                   "members": list(k.members), "weekdays": list(k.weekdays), "day_start_s": k.day_start_s,
                   "day_end_s": k.day_end_s, "sorties_per_day": k.sorties_per_day,
                   **({"poles_per_day": k.poles_per_day} if k.poles_per_day is not None else {})}
                  for k in c.crews],
        "drones": [{"model": d.model, "endurance_s": d.endurance_s, "cruise_m_s": d.cruise_m_s,
                    "seconds_per_pole": d.seconds_per_pole, "climb_s": d.climb_s,
                    "sortie_overhead_s": d.sortie_overhead_s, "max_wind_m_s": d.max_wind_m_s}
                   for d in c.drones],
        "weather": [weather_to_dict(w) for w in c.weather],
    }


def weather_to_dict(w: Weather) -> dict[str, Any]:
    d: dict[str, Any] = {"day": w.day.isoformat(), "area": w.area, "rain": w.rain, "wind_m_s": w.wind_m_s}
    if w.fog:
        d["fog"] = True
    if w.humidity_pct is not None:
        d["humidity_pct"] = w.humidity_pct
    if w.cloud_pct is not None:
        d["cloud_pct"] = w.cloud_pct
    return d


def weather_from_dict(w: Mapping[str, Any]) -> Weather:
    h = w.get("humidity_pct")
    c = w.get("cloud_pct")
    return Weather(day=date.fromisoformat(str(w["day"])), area=str(w["area"]),
                   rain=_bool(w.get("rain", False)), wind_m_s=float(w.get("wind_m_s", 0.0)),
                   fog=_bool(w.get("fog", False)), humidity_pct=float(h) if h not in (None, "") else None,
                   cloud_pct=float(c) if c not in (None, "") else None)


def _bool(v: Any) -> bool:
    if isinstance(v, str):
        if v.strip().lower() in ("1", "true", "yes", "y"):
            return True
        if v.strip().lower() in ("", "0", "false", "no", "n"):
            return False
        raise ValueError(f"not a yes/no value: {v!r}")
    return bool(v)


def county_from_dict(d: Mapping[str, Any], source: str = "county") -> County:
    _schema(d, COUNTY_SCHEMA, source)
    try:
        return County(
            name=str(d["name"]),
            areas=tuple(Area(str(a["id"]), str(a["name"]), float(a["lat"]), float(a["lon"]))
                        for a in d["areas"]),
            feeders=tuple(Feeder(id=str(f["id"]), area=str(f["area"]),
                                 pole_ids=tuple(map(str, f["pole_ids"])),
                                 feeder_class=str(f.get("feeder_class", "standard")),
                                 priority=bool(f.get("priority", False))) for f in d["feeders"]),
            poles=tuple(Pole(str(a), str(b), int(c), float(la), float(lo), float(h), _ground(g))
                        for a, b, c, la, lo, h, *g in d["poles"]),
            takeoffs=tuple(_site_from(t) for t in d["takeoffs"]),
            crews=tuple(Crew(name=str(k["name"]), area=str(k["area"]), base=_site_from(k["base"]),
                             drone=str(k["drone"]), members=tuple(k.get("members", ())),
                             weekdays=tuple(int(x) for x in k["weekdays"]), day_start_s=int(k["day_start_s"]),
                             day_end_s=int(k["day_end_s"]), sorties_per_day=int(k["sorties_per_day"]),
                             poles_per_day=int(k["poles_per_day"]) if k.get("poles_per_day") else None)
                        for k in d["crews"]),
            drones=tuple(_build(Drone, dr) for dr in d["drones"]),
            weather=tuple(weather_from_dict(w) for w in d.get("weather", ())),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed county: {type(exc).__name__}: {exc}", source=source) from None


def _build[T](cls: Callable[..., T], d: Mapping[str, Any]) -> T:
    return cls(**dict(d))
