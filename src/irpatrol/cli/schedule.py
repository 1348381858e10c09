"""``irpatrol schedule county | plan | show | missions``: campaign plans, day plans and missions.

The county comes from ``--county FILE`` (a county JSON, e.g. from ``schedule county``) or, when
omitted, from the registry through :mod:`irpatrol.scheduling.service` (``load_county(session)``);
plans are JSON files, and plans made from the registry are also stored there
(``store_plan(session, plan, ...)``). ``schedule weather import FILE`` stores a forecast in the
registry, which ``plan`` without ``--county`` uses (``--weather FILE`` overrides it per day and area).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.errors import InputError, NotFound, ParameterError
from irpatrol.scheduling.files import read_county, write_county
from irpatrol.scheduling.service import County, Plan

FORMATS = ("wpml", "kml", "geojson", "ical")


def register(app: typer.Typer) -> None:
    """Add the ``schedule`` group to the irpatrol command."""
    schedule = typer.Typer(help="Plan patrol campaigns, crew days and drone missions.", no_args_is_help=True)
    schedule.command("county")(county)
    schedule.command("plan")(plan)
    schedule.command("show")(show)
    schedule.command("missions")(missions)
    weather = typer.Typer(help="The forecast kept in the registry.", no_args_is_help=True)
    weather.command("import")(weather_import)
    schedule.add_typer(weather, name="weather")
    takeoffs = typer.Typer(help="The crews' take-off points kept in the registry.", no_args_is_help=True)
    takeoffs.command("import")(takeoffs_import)
    schedule.add_typer(takeoffs, name="takeoffs")
    dem = typer.Typer(help="Ground elevations from a digital elevation model.", no_args_is_help=True)
    dem.command("import")(dem_import)
    schedule.add_typer(dem, name="dem")
    app.add_typer(schedule, name="schedule")


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def _service() -> Any | None:
    from irpatrol.scheduling import service

    return service


def _registry_county(reinspect_days: int) -> tuple[County, dict[str, Any]]:
    """The county as the registry holds it and what it knows for the policy (open defects,
    re-inspections due, last patrols), through :mod:`irpatrol.scheduling.service`."""
    service = _service()
    if service is None or not hasattr(service, "load_county"):
        raise InputError("no --county FILE given and the registry offers no county to plan "
                         "(irpatrol.scheduling.service is not available)")
    from irpatrol.cli.registry import factory

    policy: dict[str, Any] = {}
    with factory()() as session:
        county: County = service.load_county(session)
        if hasattr(service, "policy_inputs"):
            known = service.policy_inputs(session, reinspect_days=reinspect_days)
            policy = {"open_defects": known.open_defects, "reinspect": known.reinspect,
                      "last_inspected": known.last_inspected}
    return county, policy


def _store(p: Plan, params: dict[str, Any]) -> int | None:
    """Keep the plan in the registry when planning from it; returns the plan's id."""
    service = _service()
    if service is None or not hasattr(service, "store_plan"):
        return None
    from irpatrol.cli.registry import factory

    with factory()() as session:
        plan_id = int(service.store_plan(session, p, user="cli", params=params))
        session.commit()
    return plan_id


def _lines(path: Path) -> frozenset[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"not readable: {exc.strerror or exc}", source=str(path)) from None
    return frozenset(x.strip() for x in text.splitlines() if x.strip() and not x.startswith("#"))


@handles_errors
def county(
    out: Annotated[Path, typer.Option("--out", help="County JSON file to write")],
    poles: Annotated[int, typer.Option(help="Number of poles")] = 7800,
    feeders: Annotated[int, typer.Option(help="Number of feeders")] = 60,
    areas: Annotated[int, typer.Option(help="Number of areas")] = 3,
    crews: Annotated[int, typer.Option(help="Number of crews")] = 13,
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
    start: Annotated[str, typer.Option(help="First forecast day (YYYY-MM-DD)")] = "2026-11-02",
    days: Annotated[int, typer.Option(help="Forecast days")] = 50,
    pilots: Annotated[int | None, typer.Option(
        help="Number of pilots, at least 2 per crew (default: 27 for 13 crews, else 2 per crew)")] = None,
) -> None:
    """Write a synthetic county (feeders, poles, takeoff points, crews, drones, forecast) as JSON."""
    from irpatrol.scheduling.service import generate

    c = generate(poles, feeders, areas, crews, seed, start=_date(start, "--start"), days=days, pilots=pilots)
    write_county(out, c)
    print_json_line({"county": c.name, "poles": len(c.poles), "feeders": len(c.feeders),
                     "takeoffs": len(c.takeoffs), "crews": len(c.crews),
                     "pilots": sum(len(k.members) for k in c.crews), "areas": len(c.areas), "out": str(out)})


def summary(p: Plan, seconds: float | None = None) -> dict[str, Any]:
    """The ``schedule plan --json`` object: figures, the finish date and the weather assumptions."""
    from irpatrol.scheduling.service import weather_assumptions

    f = p.figures
    out: dict[str, Any] = {
        "county": p.county, "start": p.start, "deadline": p.deadline,
        "poles": f.poles, "planned_poles": f.planned_poles, "unplanned_poles": f.unplanned_poles,
        "coverage_pct": f.coverage_pct, "sorties": f.sorties, "flight_hours": f.flight_hours,
        "driving_km": f.driving_km, "cost_s": f.cost_s, "crew_days": f.crew_days, "last_day": f.last_day,
        "finish_date": f.last_day if not p.unplanned else None,
        "weather": weather_assumptions(p) if p.climate_flyable is not None else {
            "forecast_until": None, "beyond_forecast": "days without forecast count as flyable"},
    }
    if seconds is not None:
        out["seconds"] = round(seconds, 2)
    return out


def shortfall(p: Plan, c: County, policy: Any, earliest: Plan | None) -> dict[str, Any] | None:
    """What the plan leaves undone by the deadline (None: nothing): poles, feeders and areas, the
    earliest finish found by planning on without a deadline, and what would meet the deadline
    (more crews at the same pace, or more days)."""
    from irpatrol.scheduling.service import REASON_NO_CAPACITY

    short = [u.pole_id for u in p.unplanned if u.reason == REASON_NO_CAPACITY]
    lost = [u.pole_id for u in p.unplanned if u.reason != REASON_NO_CAPACITY]
    if not short and not lost:
        return None
    feeder_of = {x.id: x.feeder_id for x in c.poles}
    area_of = {x.id: x.area for x in c.feeders}
    feeders = sorted({feeder_of[i] for i in [*short, *lost]})
    finish = earliest.figures.last_day if earliest is not None and not [
        u for u in earliest.unplanned if u.reason == REASON_NO_CAPACITY] else None
    out: dict[str, Any] = {
        "poles": len(short) + len(lost), "poles_no_capacity": len(short), "poles_unreachable": len(lost),
        "feeders": feeders, "areas": sorted({area_of[f] for f in feeders}),
        "earliest_finish": finish,
    }
    if finish is not None and short:
        window = (policy.deadline - policy.start).days + 1
        need = (finish - policy.start).days + 1
        out["to_meet"] = {"crews": -(-len(c.crews) * need // window), "crews_now": len(c.crews),
                          "days_after_deadline": (finish - policy.deadline).days,
                          "assumes": "crews at the same pace and flyable share; more crews need "
                                     "drones and takeoff points too"}
    return out


@handles_errors
def plan(
    out: Annotated[Path, typer.Option("--out", help="Plan JSON file to write")],
    start: Annotated[str, typer.Option("--from", help="First day of the plan (YYYY-MM-DD)")],
    deadline: Annotated[str, typer.Option("--deadline", help="Last day (YYYY-MM-DD)")],
    weather: Annotated[Path | None, typer.Option(
        help="Forecast CSV (day,area,rain,wind_m_s)/JSON (else the registry's, without --county)")] = None,
    county_file: Annotated[Path | None, typer.Option("--county", help="County JSON (else registry)")] = None,
    holiday: Annotated[list[str] | None, typer.Option(help="A day off for everyone (repeatable)")] = None,
    priority: Annotated[list[str] | None, typer.Option(help="A feeder to fly first (repeatable)")] = None,
    done: Annotated[Path | None, typer.Option(help="File of pole ids already inspected, one a line")] = None,
    replan_file: Annotated[Path | None, typer.Option(
        "--replan", help="Earlier plan: keep its days before --from, re-plan the rest")] = None,
    reinspect_days: Annotated[int, typer.Option(
        help="Re-inspect repaired serious/critical defects within N days (registry)")] = 7,
    time_limit: Annotated[float | None, typer.Option(
        help="Wall-clock cap in s per crew day for PyVRP (0 = feeder-order split only; default: no "
             "cap, --iterations decide, so the same seed gives the same plan)")] = None,
    iterations: Annotated[int, typer.Option(
        help="PyVRP iterations per crew day")] = 200,  # campaign.ITERATIONS; lazy import keeps the CLI fast
    seed: Annotated[int, typer.Option(help="PyVRP random seed (same seed, same plan)")] = 1,
    holidays: Annotated[str, typer.Option(
        help="Holiday calendar: 'cn' (bundled China public holidays and make-up working days), "
             "'none', or a JSON file")] = "cn",
    workday: Annotated[list[str] | None, typer.Option(
        help="A make-up working day (调休上班) on a weekend (repeatable; YYYY-MM-DD or a range)")] = None,
    climate: Annotated[str, typer.Option(
        help="Flyable share per month beyond the forecast: 'default', 'none' (count as flyable) "
             "or 12 comma-separated values Jan..Dec")] = "default",
    battery_temp: Annotated[float, typer.Option(help="Planning air temperature for the battery (°C)")] = 5.0,
    battery_wind: Annotated[float, typer.Option(help="Planning wind for the battery (m/s)")] = 5.0,
    battery_reserve: Annotated[float, typer.Option(help="Battery reserve kept on top (share)")] = 0.1,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary")] = False,
) -> None:
    """Plan the campaign from --from to --deadline; every plan is re-checked by the validator.

    Exits 3 when the plan leaves poles undone by the deadline, printing the shortfall (poles,
    feeders, areas), the earliest feasible finish and what would meet the deadline."""
    import time
    from dataclasses import replace as dc_replace
    from datetime import timedelta

    from irpatrol.scheduling.files import read_plan, read_weather, write_plan
    from irpatrol.scheduling.holidays import calendar_days, calendar_workdays, parse_range
    from irpatrol.scheduling.service import (
        CLIMATE_FLYABLE,
        Policy,
        check,
        check_fractions,
        plan_campaign,
        replan,
    )

    limit = float("inf") if time_limit is None else time_limit
    if limit < 0 or iterations < 1:
        raise ParameterError(f"--time-limit {time_limit} must be ≥ 0 s and --iterations {iterations} ≥ 1")
    if reinspect_days < 0:
        raise ParameterError(f"--reinspect-days {reinspect_days} must be ≥ 0")
    fractions = _climate(climate, CLIMATE_FLYABLE, check_fractions)
    days_off: set[date] = set()
    make_up: set[date] = set()
    if holidays != "none":
        days_off |= calendar_days(holidays)[0]
        make_up |= calendar_workdays(holidays)[0]
    for h in holiday or ():
        days_off.update(parse_range(h))
    for w in workday or ():
        make_up.update(parse_range(w, option="--workday"))
    c, known = (read_county(county_file), {}) if county_file else _registry_county(reinspect_days)
    forecast = read_weather(weather) if weather else []
    first = _date(start, "--from")
    earlier = read_plan(replan_file) if replan_file else None
    policy = Policy(start=earlier.start if earlier else first, deadline=_date(deadline, "--deadline"),
                    holidays=frozenset(days_off), workdays=frozenset(make_up - days_off),
                    priority_feeders=frozenset(priority or ()),
                    done=_lines(done) if done else frozenset(), climate_flyable=fractions,
                    battery=(battery_temp, battery_wind, battery_reserve), **known)
    t0 = time.perf_counter()
    if earlier is not None:
        p = replan(earlier, c, policy, first, weather=forecast, time_limit_s=limit,
                   iterations=iterations, seed=seed)
    else:
        p = plan_campaign(c, policy, weather=forecast, time_limit_s=limit, iterations=iterations, seed=seed)
    check(p, c, policy, forecast)
    seconds = time.perf_counter() - t0
    write_plan(out, p)
    params = {"from": first.isoformat(), "deadline": policy.deadline.isoformat(),
              "weather": str(weather) if weather else None, "iterations": iterations,
              "time_limit_s": time_limit, "seed": seed}
    plan_id = None if county_file else _store(p, params)
    short = None
    if p.unplanned:
        # earliest finish: the same campaign with the feeder-order split and no deadline pressure
        open_ended = dc_replace(policy, start=first, deadline=first + timedelta(days=730),
                                done=policy.done | {v.pole_id for cd in p.crew_days for s in cd.sorties
                                                    for v in s.visits if cd.day < first})
        later = plan_campaign(c, open_ended, weather=forecast, time_limit_s=0.0, iterations=iterations,
                              seed=seed)
        short = shortfall(p, c, policy, later)
    if as_json:
        print_json_line({**summary(p, seconds), **({"plan_id": plan_id} if plan_id is not None else {}),
                         **({"shortfall": short} if short is not None else {})})
    else:
        f = p.figures
        typer.echo(f"{out}: {f.planned_poles}/{f.poles} poles in {f.sorties} sorties on {f.crew_days} crew "
                   f"days, {f.flight_hours} flight h, {f.driving_km} km driving, last day {f.last_day}; "
                   f"{f.unplanned_poles} unplanned ({seconds:.1f} s)")
        typer.echo(_weather_line(p))
        if short is None:
            typer.echo(f"finish: {f.last_day}, before the deadline {policy.deadline}")
    if short is not None:
        _say_short(short, policy.deadline)
        raise typer.Exit(3)


def _climate(text: str, default: tuple[float, ...], check: Any) -> tuple[float, ...] | None:
    if text == "none":
        return None
    if text == "default":
        return default
    try:
        return tuple(check(tuple(float(x) for x in text.split(","))))
    except ValueError:
        raise ParameterError(f"--climate {text!r}: give 12 comma-separated shares (Jan..Dec)") from None


def _weather_line(p: Plan) -> str:
    if p.climate_flyable is None:
        return "weather: forecast only; days without a forecast counted as flyable"
    unknown = sorted({cd.day for cd in p.crew_days if p.weather_unknown(cd.day)})
    horizon = p.forecast_until.isoformat() if p.forecast_until else "none"
    return (f"weather: forecast until {horizon}; after it a climatological flyable share per month; "
            f"{len(unknown)} planned day(s) are WEATHER UNKNOWN"
            + (f" (from {unknown[0]})" if unknown else ""))


def _say_short(short: dict[str, Any], deadline: date) -> None:
    lines = [f"SHORTFALL: {short['poles']} pole(s) not done by the deadline {deadline} "
             f"({short['poles_no_capacity']} for lack of flyable crew days, {short['poles_unreachable']} "
             f"unreachable) on {len(short['feeders'])} feeder(s) in area(s) {', '.join(short['areas'])}"]
    if short["earliest_finish"] is not None:
        lines.append(f"earliest feasible finish: {short['earliest_finish']}")
    else:
        lines.append("earliest feasible finish: not within two years (or poles unreachable)")
    meet = short.get("to_meet")
    if meet:
        lines.append(f"to meet the deadline: about {meet['crews']} crews instead of {meet['crews_now']} "
                     f"(same pace), or {meet['days_after_deadline']} more day(s)")
    typer.echo("\n".join(lines), err=True)


def show_dict(p: Plan) -> dict[str, Any]:
    """The ``schedule show --json`` object: each day's crews with their sorties."""
    days: dict[str, list[dict[str, Any]]] = {}
    for cd in p.crew_days:
        days.setdefault(cd.day.isoformat(), []).append({
            "crew": cd.crew, "area": cd.area, "drone": cd.drone, "solver": cd.solver,
            "weather_unknown": p.weather_unknown(cd.day), "score": cd.score,
            "drive_km": round(cd.drive_m / 1000.0, 2), "start_s": cd.start_s, "end_s": cd.end_s,
            "segments": [{"feeder_id": s.feeder_id, "first_seq": s.first_seq, "last_seq": s.last_seq}
                         for s in cd.segments],
            "sorties": [{"id": s.id,
                         "takeoff": {"id": s.takeoff.id, "lat": s.takeoff.lat, "lon": s.takeoff.lon},
                         "start_s": s.start_s, "flight_s": s.flight_s, "poles": list(s.pole_ids)}
                        for s in cd.sorties],
        })
    return {**summary(p), "days": [{"day": d, "crews": crews} for d, crews in days.items()],
            "unplanned": [{"pole_id": u.pole_id, "reason": u.reason} for u in p.unplanned]}


@handles_errors
def weather_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Forecast CSV (day,area,rain,wind_m_s)/JSON")],
) -> None:
    """Store a forecast in the registry; a re-import updates each (day, area) in place."""
    from irpatrol.scheduling.files import read_weather

    service = _service()
    if service is None or not hasattr(service, "import_weather"):
        raise InputError("the registry cannot store a forecast "
                         "(irpatrol.scheduling.service is not available)")
    from irpatrol.cli.registry import factory

    forecast = read_weather(file)
    with factory()() as session:
        counts = service.import_weather(session, forecast)
        session.commit()
    print_json_line({"file": str(file), "entries": len(forecast), **counts})


@handles_errors
def takeoffs_import(
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help="Take-off points CSV (name,lat,lon[,area][,ground_m]) or GeoJSON Points")],
) -> None:
    """Store the crews' real take-off points; a re-import updates each point (by name) in place."""
    from irpatrol.scheduling.files import read_takeoffs

    service = _service()
    if service is None or not hasattr(service, "import_takeoffs"):
        raise InputError("the registry cannot store take-off points "
                         "(irpatrol.scheduling.service is not available)")
    from irpatrol.cli.registry import factory

    sites = read_takeoffs(file)
    with factory()() as session:
        counts = service.import_takeoffs(session, sites)
        session.commit()
    print_json_line({"file": str(file), "points": len(sites), **counts})


@handles_errors
def dem_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="DEM GeoTIFF in WGS84 degrees (EPSG:4326)")],
    overwrite: Annotated[bool, typer.Option(help="Replace ground elevations already known")] = False,
) -> None:
    """Set the ground elevation of poles and take-off points from a DEM (bilinear); those outside
    the DEM keep theirs, and the command says how many are still unknown."""
    import numpy as np
    from sqlalchemy import select

    from irpatrol.cli.registry import factory
    from irpatrol.registry import model as rm
    from irpatrol.scheduling.files import read_dem

    service = _service()
    if service is None or not hasattr(service, "set_ground"):
        raise InputError("the registry cannot store elevations "
                         "(irpatrol.scheduling.service is not available)")
    dem = read_dem(file)
    with factory()() as session:
        result: dict[str, int] = {}
        found: dict[str, dict[int, float]] = {}
        tables: tuple[tuple[str, Any], ...] = (("poles", rm.Pole), ("takeoffs", rm.TakeoffPoint))
        for kind, table in tables:
            rows = [r for r in session.scalars(select(table)) if overwrite or r.ground_m is None]
            lat, lon = np.array([r.lat for r in rows]), np.array([r.lon for r in rows])
            z = dem.sample(lat, lon) if rows else np.array([])
            found[kind] = {r.id: round(float(v), 1) for r, v in zip(rows, z, strict=True) if np.isfinite(v)}
            result[f"{kind}_set"] = len(found[kind])
        service.set_ground(session, found["poles"], found["takeoffs"])
        result["poles_unknown"] = sum(1 for p in session.scalars(select(rm.Pole)) if p.ground_m is None)
        result["takeoffs_unknown"] = sum(1 for t in session.scalars(select(rm.TakeoffPoint))
                                         if t.ground_m is None)
        session.commit()
    print_json_line({"file": str(file), **result})
    if result["poles_unknown"] or result["takeoffs_unknown"]:
        typer.echo(f"warning: ground elevation still unknown for {result['poles_unknown']} pole(s) and "
                   f"{result['takeoffs_unknown']} take-off point(s): their missions assume level ground",
                   err=True)


@handles_errors
def show(
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN", help="Plan JSON file")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Show a plan: days, crews, sorties."""
    from irpatrol.scheduling.files import read_plan

    p = read_plan(plan_file)
    if as_json:
        typer.echo(json.dumps(show_dict(p), ensure_ascii=False, default=str))
        return
    f = p.figures
    typer.echo(f"plan {p.county} {p.start}..{p.deadline}: {f.planned_poles}/{f.poles} poles, {f.sorties} "
               f"sorties, {f.flight_hours} flight h, {f.driving_km} km, last day {f.last_day}")
    for cd in p.crew_days:
        segs = ", ".join(f"{s.feeder_id}#{s.first_seq + 1}-{s.last_seq + 1}" for s in cd.segments)
        mark = "  [weather unknown]" if p.weather_unknown(cd.day) else ""
        score = f"  IR score {cd.score:.2f}" if cd.score is not None else ""
        typer.echo(f"{cd.day} {cd.crew:<10} {cd.area} {len(cd.sorties)} sorties "
                   f"{cd.flight_s / 60:.0f} min flight {cd.drive_m / 1000:.1f} km  {segs}{mark}{score}")
    for u in p.unplanned:
        typer.echo(f"unplanned {u.pole_id}: {u.reason}")


@handles_errors
def missions(
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN", help="Plan JSON file")],
    day: Annotated[str, typer.Option(help="Day (YYYY-MM-DD)")],
    crew: Annotated[str, typer.Option(help="Crew name")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write into")],
    fmt: Annotated[str, typer.Option("--format", help="wpml | kml | geojson | ical")] = "wpml",
    tz: Annotated[str, typer.Option("--tz", help="Time zone of the crews' hours (iCal)")] = "Asia/Shanghai",
) -> None:
    """Write one crew day's missions: a WPML KMZ per sortie, or the day as KML/GeoJSON, or the
    crew's iCalendar."""
    from irpatrol.scheduling.export import geojson, ical, kml, wpml
    from irpatrol.scheduling.files import read_plan
    from irpatrol.scheduling.service import DRONES, Drone, mission

    if fmt not in FORMATS:
        raise ParameterError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    p = read_plan(plan_file)
    d = _date(day, "--day")
    out.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    if fmt == "ical":
        path = out / f"{crew}.ics"
        path.write_bytes(ical.crew_calendar(crew, p.crew_days, datetime.now(UTC), tz=tz,
                                            weather_unknown=p.weather_unknown))
        written.append(str(path))
    else:
        cd = p.crew_day(d, crew)
        if cd is None:
            raise NotFound(f"no plan for crew {crew!r} on {d}", source=str(plan_file))
        if fmt == "wpml":
            drone = next((x for x in DRONES if x.model == cd.drone), Drone(cd.drone))
            now = datetime.now(UTC)
            for s in cd.sorties:
                path = out / f"{s.id}.kmz"
                m = mission(s, drone)
                path.write_bytes(wpml.kmz(m, cd.drone, now))
                written.append(str(path))
                for warning in m.warnings:
                    typer.echo(f"{path}: warning: {warning}", err=True)
        elif fmt == "kml":
            path = out / f"{d:%Y%m%d}-{crew}.kml"
            path.write_bytes(kml.day_kml([cd], f"{crew} {d}"))
            written.append(str(path))
        else:
            path = out / f"{d:%Y%m%d}-{crew}.geojson"
            path.write_text(json.dumps(geojson.day_geojson([cd]), ensure_ascii=False), encoding="utf-8")
            written.append(str(path))
    print_json_line({"format": fmt, "files": written})
