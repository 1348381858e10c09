"""Registry commands: ``db upgrade``, ``assets import``, ``ingest``, ``stats``; ``defects`` and ``hazards``
(:mod:`irpatrol.cli.defects`, :mod:`irpatrol.cli.hazards`) are registered here too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.cli.defects import defects_app
from irpatrol.cli.hazards import hazards_app
from irpatrol.cli.shared import JsonOpt, UserOpt, cell, factory
from irpatrol.cli.shared import user_or_login as _user
from irpatrol.errors import InputError

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
assets_app = typer.Typer(help="Areas, feeders and poles.", no_args_is_help=True)


@db_app.command("upgrade")
@handles_errors
def db_upgrade(revision: Annotated[str, typer.Option(help="Target revision.")] = "head") -> None:
    """Create or migrate the database schema (SQLite under the data folder, or IRPATROL_DATABASE_URL)."""
    from irpatrol import db
    from irpatrol.config import get_settings

    url = get_settings().effective_database_url
    db.upgrade(url, revision)
    engine = db.make_engine(url)
    db.analyze(engine)
    typer.echo(f"database at revision {db.current_revision(engine)}")
    engine.dispose()


@db_app.command("current")
@handles_errors
def db_current() -> None:
    """Print the schema revision of the database."""
    from irpatrol import db
    from irpatrol.config import get_settings

    typer.echo(db.current_revision(db.engine_for(get_settings())) or "empty")


@assets_app.command("import")
@handles_errors
def assets_import(
    file: Annotated[Path, typer.Argument(help="CSV, GeoJSON or KML file.")],
    json_out: JsonOpt = False,
    user: UserOpt = None,
) -> None:
    """Import poles and feeders; a re-import updates by external id and duplicates nothing."""
    from irpatrol.registry.assets import import_assets

    with factory()() as session:
        result = import_assets(session, file, user=_user(user))
        session.commit()
    if json_out:
        print_json_line(result.to_dict())
    else:
        typer.echo(
            f"{file.name}: {result.poles_created} poles created, {result.poles_updated} updated, "
            f"{result.poles_unchanged} unchanged; {result.feeders_created} feeders and "
            f"{result.areas_created} areas created"
        )


def _parse_loads(values: list[str] | None, feeders: list[str]) -> dict[str, float] | None:
    if not values:
        return None
    out: dict[str, float] = {}
    for v in values:
        name, _, amps = v.rpartition("=")
        if not name:
            if len(feeders) != 1:
                raise InputError(f"--load {v!r}: name the feeder (FEEDER=AMPS) when flying several")
            name = feeders[0]
        try:
            out[name] = float(amps)
        except ValueError:
            raise InputError(f"--load {v!r}: AMPS is not a number") from None
    return out


def ingest(
    folder: Annotated[Path, typer.Argument(help="Folder of thermal images.")],
    feeder: Annotated[list[str], typer.Option("--feeder", help="Feeder flown (repeat for several).")],
    date: Annotated[str, typer.Option("--date", help="Patrol date YYYY-MM-DD.")],
    crew: Annotated[str | None, typer.Option("--crew", help="Crew name.")] = None,
    drone: Annotated[str | None, typer.Option("--drone", help="Drone name.")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Component kind examined (default: feeder's).")
    ] = None,
    standard: Annotated[str | None, typer.Option("--standard", help="Rule set (default: settings).")] = None,
    ambient: Annotated[float | None, typer.Option("--ambient", help="Ambient temperature (°C).")] = None,
    humidity: Annotated[float | None, typer.Option("--humidity", help="Relative humidity (%).")] = None,
    wind: Annotated[float | None, typer.Option("--wind", help="Wind speed (m/s).")] = None,
    rain: Annotated[bool, typer.Option("--rain", help="Rain, snow or fog at the time.")] = False,
    load: Annotated[list[str] | None, typer.Option("--load", help="Load current: [FEEDER=]AMPS.")] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Worker processes (default: cores).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Decode, match to poles, analyse and record a folder of images as a patrol (re-runnable)."""
    from irpatrol.config import get_settings
    from irpatrol.ingest import ingest_folder

    loads = _parse_loads(load, feeder)
    f = factory()
    options = dict(
        feeder=feeder,
        date=date,
        crew=crew,
        drone=drone,
        kind=kind,
        standard=standard,
        ambient_c=ambient,
        humidity_pct=humidity,
        wind_m_s=wind,
        rain=rain,
        load_current_a=loads,
        workers=workers,
        settings=get_settings(),
    )
    if quiet or json_out:
        result = ingest_folder(f, folder, **options)  # type: ignore[arg-type]
    else:
        result = _with_progress_bar(
            lambda progress: ingest_folder(f, folder, progress=progress, **options)  # type: ignore[arg-type]
        )
    if json_out:
        print_json_line(result.to_dict())
        return
    typer.echo(
        f"patrol #{result.patrol_id}: {result.analysed} analysed, {result.rejected} rejected, "
        f"{result.skipped} already recorded, {result.unmatched} unmatched; {result.findings} findings; "
        f"defects {result.defects_opened} opened, {result.defects_joined} joined, "
        f"{result.defects_verified} verified; {result.km_flown:.2f} km; {result.images_per_s:.1f} images/s"
    )
    for name, reason in result.rejected_files:
        typer.echo(f"  rejected {name}: {reason}", err=True)


def _with_progress_bar[T](run: Callable[[Callable[[int, int], None]], T]) -> T:
    """``run(progress)`` under a progress bar on the terminal, redrawn each time ``progress(done,
    total)`` is called (once per image)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, auto_refresh=False, transient=True) as bar:
        task = bar.add_task("ingest", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            bar.refresh()

        return run(progress)


def stats(
    period: Annotated[
        str | None, typer.Option("--period", help="YYYY, YYYY-MM, YYYY-Qn, day or A..B.")
    ] = None,
    area: Annotated[str | None, typer.Option("--area")] = None,
    feeder: Annotated[str | None, typer.Option("--feeder")] = None,
    crew: Annotated[str | None, typer.Option("--crew")] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First day YYYY-MM-DD (a date range instead of --period).")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last day YYYY-MM-DD (default: today).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Images, findings, defects, poles inspected, km flown, coverage, ageing of open defects;
    change against a year earlier."""
    from irpatrol.registry.stats import AGE_BUCKETS, StatsFilter, compute

    selection = StatsFilter.of(period=period, start=start, end=end, area=area, feeder=feeder, crew=crew)
    with factory()() as session:
        s = compute(session, selection=selection)
    if json_out:
        print_json_line(s)
        return
    shown = s["figures"]
    change = shown.get("change") or {}
    change_pct = shown.get("change_pct") or {}
    texts = {"km_flown": f"{shown['km_flown']} km", "coverage_pct": shown["coverage_pct"],
             "mttr_days": f"{shown['mttr_days']} days" if s["mttr_days"] is not None else "-"}
    if s["period"]:
        typer.echo(f"{'period':16} {s['period']['start']} .. {s['period']['end']}")
    for key in (
        "images",
        "rejected",
        "findings",
        "defects",
        "overdue",
        "poles_inspected",
        "km_flown",
        "coverage_pct",
        "mttr_days",
    ):
        delta = f"  ({change[key]}, {change_pct[key]} vs a year earlier)" if key in change else ""
        value = texts.get(key, cell(s[key]) if s[key] is not None else "-")
        typer.echo(f"{key:16} {value}{delta}")
    typer.echo(f"{'by grade':16} {s['defects_by_grade']}")
    typer.echo(f"{'by status':16} {s['defects_by_status']}")
    ageing = s["ageing"]
    typer.echo(f"{'open defects':16} {ageing['open']} ({ageing['overdue']} past the deadline); "
               f"by grade {s['open_by_grade']}")
    for key, _lo, _hi in AGE_BUCKETS:
        b = ageing["buckets"][key]
        typer.echo(f"{'  ' + key + ' days':16} {b['count']}  {b['by_grade']}")
    if ageing["oldest"]:
        o = ageing["oldest"]
        typer.echo(f"{'oldest open':16} defect #{o['defect_id']} ({o['grade']}), "
                   f"{o['age_days']} days since found")
    overall = s["auto_precision"]["overall"]
    typer.echo(f"{'auto precision':16} {shown['auto_precision']} ({overall['real']} real of "
               f"{overall['decided']} decided, {overall['pending']} pending)")
    typer.echo(f"(computed {datetime.now(UTC).isoformat(timespec='seconds')})")


def register(app: typer.Typer) -> None:
    """Add the registry commands to the ``irpatrol`` app."""
    app.add_typer(db_app, name="db")
    app.add_typer(assets_app, name="assets")
    app.command("ingest")(handles_errors(ingest))
    app.add_typer(defects_app, name="defects")
    app.add_typer(hazards_app, name="hazards")
    app.command("stats")(handles_errors(stats))
