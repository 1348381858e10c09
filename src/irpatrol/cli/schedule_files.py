"""``irpatrol schedule show | missions``: read a plan JSON file, show it, write a crew day's
missions; :func:`summary` is the ``schedule plan --json`` object."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.errors import ParameterError
from irpatrol.scheduling.service import Plan


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
    crew's iCalendar (the formats of :data:`irpatrol.reports.missions.MISSION_FORMATS`)."""
    from irpatrol.reports.missions import MISSION_FORMATS, CrewDayQuery, mission_files
    from irpatrol.scheduling.files import read_plan

    if fmt not in MISSION_FORMATS:
        raise ParameterError(f"--format {fmt!r}: choose one of {', '.join(MISSION_FORMATS)}")
    p = read_plan(plan_file)
    d = parse_day(day, "--day")
    files = mission_files(fmt, CrewDayQuery(p, crew, d, tz=tz, source=str(plan_file)), option="--format")
    out.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for f in files:
        path = out / f.name
        path.write_bytes(f.data)
        written.append(str(path))
        for warning in f.warnings:
            typer.echo(f"{path}: warning: {warning}", err=True)
    print_json_line({"format": fmt, "files": written})
