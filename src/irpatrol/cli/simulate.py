"""Simulation commands: ``simulate flight`` (synthetic radiometric images) and ``simulate county``."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.errors import InputError

simulate_app = typer.Typer(
    help="Synthetic flights and counties for tests, demos and benchmarks.", no_args_is_help=True
)


@simulate_app.command("scenes")
@handles_errors
def scenes(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the TIFFs and truth.json.")],
    count: Annotated[int, typer.Option("--count", help="Frames per scenario.", min=1, max=10000)] = 5,
    scenario: Annotated[list[str] | None, typer.Option(
        "--scenario", help="Scenario (repeat); default all: healthy, healthy-clutter, hot-joint, "
                           "hot-joint-single-phase, far, arrester, strain-clamp, terminal-clamp, "
                           "disconnector-contact, dropout-fuse, bushing-voltage.")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Write field-like radiometric TIFFs of a pole top (docs/physics.md) with their truth record."""
    import json

    from irpatrol.simulate.scene import SCENARIOS, encode_scene, render

    chosen = scenario or list(SCENARIOS)
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown:
        raise InputError(f"unknown scenario {unknown[0]!r}; valid: {', '.join(SCENARIOS)}")
    try:
        out.mkdir(parents=True, exist_ok=True)
        records = []
        for si, name in enumerate(chosen):
            for k in range(count):
                img, truth = render(seed + 1000 * si + k, name)
                file = f"{name}_{k:04d}.tiff"
                (out / file).write_bytes(encode_scene(img, truth))
                records.append({"file": file, **truth.to_dict()})
        (out / "truth.json").write_text(json.dumps(records, indent=1), encoding="utf-8")
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), source=str(out)) from exc
    if json_out:
        print_json_line({"out": str(out), "frames": len(records), "scenarios": chosen})
    else:
        typer.echo(f"{len(records)} frames in {out} (truth.json)")


@simulate_app.command("flight")
@handles_errors
def flight(
    feeder: Annotated[str, typer.Option("--feeder", help="Feeder in the registry whose poles are flown.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the images and ground_truth.json.")],
    hot: Annotated[list[str] | None, typer.Option("--hot", help="POLE:KIND:KELVIN[:PHASE] (repeat).")] = None,
    per_pole: Annotated[int, typer.Option("--per-pole", help="Images per pole.")] = 1,
    poles: Annotated[int | None, typer.Option("--poles", help="Fly only the first N poles.")] = None,
    ambient: Annotated[float, typer.Option("--ambient", help="Ambient temperature (°C).")] = 25.0,
    width: Annotated[int, typer.Option("--width")] = 640,
    height: Annotated[int, typer.Option("--height")] = 512,
    start: Annotated[
        str | None, typer.Option("--start", help="Take-off time, ISO 8601 (UTC if naive).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    scene: Annotated[str | None, typer.Option(
        "--scene", help="field (default): field-like drone views of each pole top (docs/physics.md); "
                        "flat: the earlier schematic frames.")] = None,
    visible: Annotated[bool, typer.Option(
        "--visible/--no-visible", help="Also write each shot's visible photo, <name>_V.JPG (field scenes); "
                                       "ingest pairs it with the thermal image.")] = True,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Write radiometric TIFFs of a feeder's poles (geotagged, timed) with chosen hot clamps, and
    the visible photo of each shot."""
    from irpatrol.cli.registry import factory
    from irpatrol.registry.assets import feeder_poles, get_feeder
    from irpatrol.simulate.flight import DEFAULT_SCENE, FlightSpec, HotSpec, PoleSpot, write_flight

    specs = [HotSpec.parse(h) for h in hot or []]
    kw: dict[str, datetime] = {}
    if start:
        try:
            t = datetime.fromisoformat(start)
        except ValueError:
            raise InputError(f"--start {start!r} is not an ISO 8601 time") from None
        kw["start"] = t if t.tzinfo else t.replace(tzinfo=UTC)
    spec = FlightSpec(width=width, height=height, images_per_pole=per_pole, ambient_c=ambient, seed=seed,
                      scene=scene or DEFAULT_SCENE, visible=visible).check()
    if "start" in kw:
        spec = dataclasses.replace(spec, start=kw["start"])
    with factory()() as session:
        f = get_feeder(session, feeder)
        spots = [PoleSpot(p.number, p.lat, p.lon) for p in feeder_poles(session, f.id)]
    if poles is not None:
        spots = spots[:poles]
    truth = write_flight(out, feeder, spots, spec, specs)
    if json_out:
        photos = sum(1 for i in truth["images"] if i.get("visible"))
        print_json_line(
            {"feeder": feeder, "out": str(out), "images": len(truth["images"]), "hot": truth["hot"],
             "visible": photos, "scene": spec.scene}
        )
    else:
        typer.echo(
            f"{len(truth['images'])} images of {len(spots)} poles written to {out} (ground_truth.json)"
        )


@simulate_app.command("county")
@handles_errors
def county(
    poles: Annotated[int, typer.Option("--poles")] = 7800,
    feeders: Annotated[int, typer.Option("--feeders")] = 60,
    areas: Annotated[int, typer.Option("--areas")] = 3,
    crews: Annotated[int, typer.Option("--crews")] = 13,
    pilots: Annotated[int | None, typer.Option(
        "--pilots", min=1, help="Pilots in all (default: the seed county's 27 for 13 crews, else two a crew)."
    )] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Fill the registry with a synthetic county: areas, feeders, poles (with heights and ground
    elevations), crews, pilots and drones, take-off points and a 50-day forecast. ``--pilots``
    below two a crew is refused (a crew flies with a pilot and an observer)."""
    from irpatrol.cli.registry import factory
    from irpatrol.registry.county import load_county
    from irpatrol.scheduling.service import generate

    c = generate(poles=poles, feeders=feeders, areas=areas, crews=crews, seed=seed, pilots=pilots)
    with factory()() as session:
        counts = load_county(session, c, user="simulate")
        from dataclasses import replace

        from irpatrol.scheduling import service

        name = {a.id: a.name for a in c.areas}  # the registry keys areas by name
        counts["takeoffs"] = len(c.takeoffs)
        service.import_takeoffs(session, [replace(t, area=name[t.area]) for t in c.takeoffs])
        counts["forecast_days"] = len({w.day for w in c.weather})
        service.import_weather(session, [replace(w, area=name[w.area]) for w in c.weather])
        session.commit()
    if json_out:
        print_json_line(counts)
    else:
        typer.echo(", ".join(f"{v} {k}" for k, v in counts.items()))


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the ``irpatrol`` app."""
    app.add_typer(simulate_app, name="simulate")
