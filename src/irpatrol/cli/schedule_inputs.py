"""``irpatrol schedule weather | takeoffs | dem import``: the planning inputs kept in the registry
(the forecast, the crews' take-off points, ground elevations), stored through
:mod:`irpatrol.scheduling.service`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from irpatrol.cli.common import handles_errors, print_json_line


@handles_errors
def weather_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Forecast CSV (day,area,rain,wind_m_s)/JSON")],
) -> None:
    """Store a forecast in the registry; a re-import updates each (day, area) in place."""
    from irpatrol.cli.registry import factory
    from irpatrol.scheduling.files import read_weather
    from irpatrol.scheduling.service import import_weather

    forecast = read_weather(file)
    with factory()() as session:
        counts = import_weather(session, forecast)
        session.commit()
    print_json_line({"file": str(file), "entries": len(forecast), **counts})


@handles_errors
def takeoffs_import(
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help="Take-off points CSV (name,lat,lon[,area][,ground_m]) or GeoJSON Points")],
) -> None:
    """Store the crews' real take-off points; a re-import updates each point (by name) in place."""
    from irpatrol.cli.registry import factory
    from irpatrol.scheduling.files import read_takeoffs
    from irpatrol.scheduling.service import import_takeoffs

    sites = read_takeoffs(file)
    with factory()() as session:
        counts = import_takeoffs(session, sites)
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
    from irpatrol.scheduling.service import set_ground

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
        set_ground(session, found["poles"], found["takeoffs"])
        result["poles_unknown"] = sum(1 for p in session.scalars(select(rm.Pole)) if p.ground_m is None)
        result["takeoffs_unknown"] = sum(1 for t in session.scalars(select(rm.TakeoffPoint))
                                         if t.ground_m is None)
        session.commit()
    print_json_line({"file": str(file), **result})
    if result["poles_unknown"] or result["takeoffs_unknown"]:
        typer.echo(f"warning: ground elevation still unknown for {result['poles_unknown']} pole(s) and "
                   f"{result['takeoffs_unknown']} take-off point(s): their missions assume level ground",
                   err=True)
