"""Registry commands: ``db upgrade``, ``assets import``, ``ingest``, ``defects``, ``hazards``, ``stats``."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.errors import InputError

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
assets_app = typer.Typer(help="Areas, feeders and poles.", no_args_is_help=True)
defects_app = typer.Typer(help="Defects and their workflow.", no_args_is_help=True)
hazards_app = typer.Typer(help="Corridor hazards (trees, buildings, foreign objects…).", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")]
UserOpt = Annotated[
    str | None, typer.Option("--user", help="Who does it (audit trail); default: login name.")
]
LatOpt = Annotated[float | None, typer.Option("--lat")]
LonOpt = Annotated[float | None, typer.Option("--lon")]
DescriptionOpt = Annotated[str | None, typer.Option("--description")]
PhotoOpt = Annotated[list[str] | None, typer.Option("--photo", help="Photo file (repeat).")]


def _user(user: str | None) -> str:
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def factory() -> sessionmaker[Session]:
    """A session maker on the configured database, migrated to the newest schema first."""
    from irpatrol import db
    from irpatrol.config import get_settings

    engine = db.engine_for(get_settings())
    db.ensure_schema(engine)
    return db.session_factory(engine)


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
    from irpatrol.registry.ingest import ingest_folder

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
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, auto_refresh=False, transient=True) as bar:  # redrawn once per image
            task = bar.add_task("ingest", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)
                bar.refresh()

            result = ingest_folder(f, folder, progress=progress, **options)  # type: ignore[arg-type]
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


def _table(rows: list[dict[str, Any]], cols: list[str]) -> None:
    if not rows:
        typer.echo("(none)")
        return
    widths = {c: max(len(c), *(len(_cell(r.get(c))) for r in rows)) for c in cols}
    typer.echo("  ".join(c.ljust(widths[c]) for c in cols))
    for r in rows:
        typer.echo("  ".join(_cell(r.get(c)).ljust(widths[c]) for c in cols))


def _cell(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}"
    if isinstance(v, dict):
        return "/".join(str(x) for x in v.values() if x)
    return str(v)[:40]


@defects_app.command("list")
@handles_errors
def defects_list(
    status: Annotated[list[str] | None, typer.Option("--status", help="Repeat for several.")] = None,
    grade: Annotated[list[str] | None, typer.Option("--grade", help="Repeat for several.")] = None,
    feeder: Annotated[str | None, typer.Option("--feeder")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue defects.")] = False,
    open_only: Annotated[bool, typer.Option("--open", help="Only defects still needing work.")] = False,
    sort: Annotated[
        str, typer.Option("--sort", help="id, deadline, grade, status, found_at, pole; -desc.")
    ] = "deadline",
    page: Annotated[int, typer.Option("--page")] = 1,
    per_page: Annotated[int, typer.Option("--per-page")] = 50,
    json_out: JsonOpt = False,
) -> None:
    """List defects (filter, sort, page)."""
    from irpatrol.registry.defects import list_defects, summary

    filters = {
        "status": status or None,
        "grade": grade or None,
        "feeder": feeder,
        "overdue": True if overdue else None,
        "open_only": open_only,
    }
    with factory()() as session:
        pg = list_defects(session, filters, sort=sort, page=page, per_page=per_page)
        rows = [summary(d) for d in pg.items]
    if json_out:
        print_json_line({"total": pg.total, "page": pg.page, "per_page": pg.per_page, "items": rows})
        return
    _table(
        rows, ["id", "grade", "status", "feeder", "pole", "component", "deadline", "overdue", "last_t_max_c"]
    )
    typer.echo(f"{pg.total} defect(s); page {pg.page} of {pg.pages}")


@defects_app.command("show")
@handles_errors
def defects_show(defect_id: Annotated[int, typer.Argument()], json_out: JsonOpt = False) -> None:
    """A defect with its timeline, findings (temperature history) and photos."""
    from irpatrol.registry.defects import detail

    with factory()() as session:
        d = detail(session, defect_id)
    if json_out:
        print_json_line(d)
        return
    typer.echo(
        f"defect #{d['id']}: {d['grade']} {d['kind']}, {d['status']} — feeder {d['feeder']} pole {d['pole']} "
        f"{_cell(d['component'])}; deadline {d['deadline']}{' (OVERDUE)' if d['overdue'] else ''}"
    )
    for e in d["events"]:
        what = f"{e['from'] or ''} → {e['to']}" if e["event"] == "status" else e["event"]
        extra = e["reason"] or e["comment"] or ""
        temp = f" {e['t_max_c']:.1f} °C" if e["t_max_c"] is not None else ""
        typer.echo(f"  {e['at']}  {what}{temp}  {e['user'] or 'system'}  {extra}")
    typer.echo(f"  next: {', '.join(d['allowed']) or 'closed'}")


@defects_app.command("transition")
@handles_errors
def defects_transition(
    defect_id: Annotated[int, typer.Argument()],
    to_status: Annotated[
        str, typer.Argument(help="confirmed, rejected, repair_scheduled, repaired, verified, reopened")
    ],
    comment: Annotated[str | None, typer.Option("--comment")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Required to reject or reopen.")] = None,
    user: UserOpt = None,
    json_out: JsonOpt = False,
    verdict: Annotated[
        str | None,
        typer.Option(
            "--verdict",
            help="Rejecting automatic findings: wrong_component, reflection, background or duplicate "
            "(the reason when --reason is not given). Confirming records real.",
        ),
    ] = None,
) -> None:
    """Move a defect along its workflow (new → confirmed → repair_scheduled → repaired → verified)."""
    from irpatrol.registry import defects

    _move("defect", defects, defect_id, to_status,
          user=user, comment=comment, reason=reason, json_out=json_out, verdict=verdict)


def _move(kind: str, service: Any, record_id: int, to_status: str, *, user: str | None,
          comment: str | None, reason: str | None, json_out: bool, verdict: str | None = None) -> None:
    """One workflow step through ``service.transition`` (defects or hazards), committed, then reported."""
    extra = {"verdict": verdict} if verdict is not None else {}
    with factory()() as session:
        record = service.transition(session, record_id, to_status, user=_user(user), comment=comment,
                                    reason=reason, **extra)
        session.commit()
        out = service.summary(record)
    if json_out:
        print_json_line(out)
    else:
        typer.echo(f"{kind} #{record_id} is now {out['status']}")


def _check_photos(paths: list[str] | None) -> None:
    """InputError naming the first ``--photo`` that is not a file (checked before anything is recorded)."""
    for path in paths or []:
        if not Path(path).is_file():
            raise InputError("photo not found", source=path)


def _attach_photos(
    session: Session,
    paths: list[str] | None,
    *,
    user: str,
    lat: float | None,
    lon: float | None,
    hazard_id: int | None = None,
    defect_id: int | None = None,
) -> None:
    """Copy each ``--photo`` into the photo store under the data folder and attach it to the new
    hazard or defect (:func:`irpatrol.registry.photos.attach_photo`: stored once by SHA-256; the
    position given on the command line, else the photo's EXIF GPS)."""
    from irpatrol.config import get_settings
    from irpatrol.registry.photos import attach_photo

    if not paths:
        return
    data_dir = get_settings().data_dir
    both = lat is not None and lon is not None
    for path in paths:
        attach_photo(
            session,
            path,
            data_dir=data_dir,
            hazard_id=hazard_id,
            defect_id=defect_id,
            lat=lat if both else None,
            lon=lon if both else None,
            user=user,
        )


@defects_app.command("add")
@handles_errors
def defects_add(
    feeder: Annotated[str, typer.Option("--feeder")],
    pole: Annotated[str, typer.Option("--pole", help="Pole number on the feeder.")],
    grade: Annotated[str, typer.Option("--grade", help="general, serious or critical.")],
    kind: Annotated[str, typer.Option("--kind", help="thermal, structural or other.")] = "structural",
    description: DescriptionOpt = None,
    lat: LatOpt = None,
    lon: LonOpt = None,
    photo: PhotoOpt = None,
    user: UserOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Record a defect seen on site (visual or structural) with GPS and photos; it starts as ``new``."""
    from irpatrol.config import get_settings
    from irpatrol.registry.assets import get_pole
    from irpatrol.registry.defects import DeadlinePolicy, open_defect, summary

    who = _user(user)
    _check_photos(photo)
    with factory()() as session:
        p = get_pole(session, feeder, pole)
        d = open_defect(
            session,
            grade=grade,
            pole_id=p.id,
            kind=kind,
            description=description,
            user=who,
            lat=lat if lat is not None else p.lat,
            lon=lon if lon is not None else p.lon,
            policy=DeadlinePolicy.from_settings(get_settings()),
        )
        _attach_photos(session, photo, defect_id=d.id, user=who, lat=lat, lon=lon)
        session.commit()
        out = summary(d)
    if json_out:
        print_json_line(out)
    else:
        typer.echo(f"defect #{out['id']}: {out['grade']} {out['kind']}, deadline {out['deadline']}")


@hazards_app.command("list")
@handles_errors
def hazards_list(
    status: Annotated[list[str] | None, typer.Option("--status")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind")] = None,
    open_only: Annotated[bool, typer.Option("--open")] = False,
    json_out: JsonOpt = False,
) -> None:
    """List hazards, worst first."""
    from irpatrol.registry.hazards import list_hazards, summary

    with factory()() as session:
        items, total = list_hazards(
            session, {"status": status or None, "kind": kind or None, "open_only": open_only}, per_page=500
        )
        rows = [summary(h) for h in items]
    if json_out:
        print_json_line({"total": total, "items": rows})
        return
    _table(rows, ["id", "kind", "grade", "status", "clearance_m", "required_m", "lat", "lon", "description"])


@hazards_app.command("show")
@handles_errors
def hazards_show(hazard_id: Annotated[int, typer.Argument()], json_out: JsonOpt = False) -> None:
    """A hazard with its photos and the statuses it may move to."""
    from irpatrol.registry import workflow
    from irpatrol.registry.hazards import get_hazard, summary

    with factory()() as session:
        h = get_hazard(session, hazard_id)
        out = summary(h)
        out["photos"] = [{"id": p.id, "path": p.path, "caption": p.caption} for p in h.photos]
        out["allowed"] = sorted(workflow.HAZARD_TRANSITIONS[workflow.parse_hazard_status(h.status)])
    if json_out:
        print_json_line(out)
        return
    typer.echo(
        f"hazard #{out['id']}: {out['kind']}, {out['grade']}, {out['status']} at {out['lat']:.6f}, "
        f"{out['lon']:.6f}; clearance {_cell(out['clearance_m'])} m of {_cell(out['required_m'])} m"
    )
    for p in out["photos"]:
        typer.echo(f"  photo {p['path']}")
    typer.echo(f"  next: {', '.join(out['allowed']) or 'closed'}")


@hazards_app.command("add")
@handles_errors
def hazards_add(
    kind: Annotated[str, typer.Option("--kind", help="vegetation, building, foreign_object, crossing, …")],
    lat: LatOpt = None,
    lon: LonOpt = None,
    feeder: Annotated[str | None, typer.Option("--feeder", help="With --pole: the pole's feeder.")] = None,
    pole: Annotated[str | None, typer.Option("--pole", help="Pole number on --feeder.")] = None,
    clearance: Annotated[float | None, typer.Option("--clearance", help="Measured clearance (m).")] = None,
    required: Annotated[float | None, typer.Option("--required", help="Required distance (m).")] = None,
    grade: Annotated[str | None, typer.Option("--grade")] = None,
    description: DescriptionOpt = None,
    photo: PhotoOpt = None,
    user: UserOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Record a hazard with its position (GPS or pole), clearance and photos."""
    from irpatrol.registry.assets import get_pole
    from irpatrol.registry.hazards import add_hazard, summary

    if pole is not None and feeder is None:
        raise InputError("--pole needs --feeder")
    who = _user(user)
    _check_photos(photo)
    with factory()() as session:
        pole_id = None if pole is None or feeder is None else get_pole(session, feeder, pole).id
        h = add_hazard(
            session,
            kind=kind,
            lat=lat,
            lon=lon,
            pole_id=pole_id,
            clearance_m=clearance,
            required_m=required,
            grade=grade,
            description=description,
            user=who,
        )
        _attach_photos(session, photo, hazard_id=h.id, user=who, lat=lat, lon=lon)
        session.commit()
        out = summary(h)
    if json_out:
        print_json_line(out)
    else:
        typer.echo(f"hazard #{out['id']}: {out['kind']}, {out['grade']}")


@hazards_app.command("transition")
@handles_errors
def hazards_transition(
    hazard_id: Annotated[int, typer.Argument()],
    to_status: Annotated[str, typer.Argument(help="mitigation_scheduled, cleared, rejected, reopened")],
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    comment: Annotated[str | None, typer.Option("--comment")] = None,
    user: UserOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Move a hazard along its workflow."""
    from irpatrol.registry import hazards

    _move("hazard", hazards, hazard_id, to_status,
          user=user, comment=comment, reason=reason, json_out=json_out)


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
        value = texts.get(key, _cell(s[key]) if s[key] is not None else "-")
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
