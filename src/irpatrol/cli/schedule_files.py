"""``irpatrol schedule show | missions``: read a plan JSON file, show it, write a crew day's
missions; :func:`summary` is the ``schedule plan --json`` object."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.errors import NotFound, ParameterError
from irpatrol.scheduling.service import Plan

FORMATS = ("wpml", "kml", "geojson", "ical")


def parse_day(text: str, option: str) -> date:
    """The date ``text`` (YYYY-MM-DD) given to ``option``; ParameterError naming the option otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


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
    d = parse_day(day, "--day")
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
