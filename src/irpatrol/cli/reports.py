"""``irpatrol report patrol``, ``irpatrol ledger`` and ``irpatrol demo``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from irpatrol.cli.common import base_url, handles_errors, print_json_line
from irpatrol.errors import ParameterError

report_app = typer.Typer(help="Reports: the PDF patrol report; feeder and period reports (PDF, Excel).",
                         no_args_is_help=True)
Lang = Annotated[str, typer.Option("--lang", help="Language of the labels: zh or en.")]


def _check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise ParameterError(f"--lang {lang!r}: choose zh or en")
    return lang


Out = Annotated[list[Path] | None, typer.Option(
    "--out", help="File to write, its format named by its suffix (e.g. .pdf, .xlsx, .csv); repeatable.")]


def _targets(kind: str, named: dict[str, Path | None], out: list[Path] | None) -> list[tuple[str, Path]]:
    """(format, file) of every file asked for: the per-format options, then ``--out`` files whose
    suffix is one of the formats :data:`irpatrol.reports.exports.EXPORTERS` has for ``kind``."""
    from irpatrol.reports.exports import formats

    targets = [(fmt, path) for fmt, path in named.items() if path is not None]
    for path in out or ():
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in formats(kind):
            known = ", ".join(formats(kind))
            raise ParameterError(f"--out {path}: the suffix names the format, one of {known}")
        targets.append((fmt, path))
    if not targets:
        options = " and/or ".join(f"--{fmt} FILE" for fmt in named)
        raise ParameterError(f"give {options} (or --out FILE)")
    return targets


def _export(session: Any, kind: str, query: Any, targets: list[tuple[str, Path]], lang: str) -> list[str]:
    """Write ``kind`` chosen by ``query`` to each (format, file) of ``targets``; the files written."""
    from irpatrol.reports.exports import export

    return [_write(path, export(session, kind, fmt, query, lang).data) for fmt, path in targets]


@report_app.command("patrol")
@handles_errors
def patrol(
    patrol_id: Annotated[int, typer.Argument(metavar="ID", help="Patrol id.")],
    pdf: Annotated[Path, typer.Option("--pdf", help="PDF file to write.")],
    lang: Lang = "zh",
) -> None:
    """Write the PDF patrol report (cover, summary, one section per defect) of patrol ID."""
    from irpatrol.config import get_settings
    from irpatrol.db import session_scope
    from irpatrol.reports.exports import RecordQuery, export

    settings = get_settings()
    with session_scope(settings) as session:
        query = RecordQuery("patrol", patrol_id, settings.data_dir)
        data = export(session, "patrol", "pdf", query, _check_lang(lang)).data
    _write(pdf, data)
    typer.echo(f"{pdf}: {len(data)} bytes")


def _write(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


@report_app.command("feeder")
@handles_errors
def feeder(
    name: Annotated[str, typer.Argument(metavar="FEEDER", help="Feeder name.")],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="PDF file to write.")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Excel file to write.")] = None,
    closed_days: Annotated[int, typer.Option("--closed-days", min=0, max=3660,
                                             help="Also list defects closed in the last N days.")] = 90,
    lang: Lang = "zh",
    out: Out = None,
) -> None:
    """Write the feeder report of FEEDER: its open defects and those closed recently, each with
    its reading, map and rule, and the last inspection of every pole (PDF and/or Excel)."""
    from irpatrol.config import get_settings
    from irpatrol.db import session_scope
    from irpatrol.reports import service
    from irpatrol.reports.exports import FeederQuery

    targets = _targets("feeder", {"pdf": pdf, "xlsx": xlsx}, out)
    lang = _check_lang(lang)
    settings = get_settings()
    with session_scope(settings) as session:
        feeder_id = service.feeder_id_by_name(session, name)
        report = service.feeder_report(session, feeder_id, closed_days=closed_days)
        query = FeederQuery(feeder_id, closed_days=closed_days, data_dir=settings.data_dir)
        written = _export(session, "feeder", query, targets, lang)
    print_json_line({"feeder": name, "defects": len(report.defects), "files": written})


@report_app.command("period")
@handles_errors
def period(
    date_from: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"],
                                                help="First day (YYYY-MM-DD).")],
    date_to: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (YYYY-MM-DD).")],
    area: Annotated[str | None, typer.Option("--area", help="Only this area (its name).")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="PDF file to write.")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Excel file to write.")] = None,
    lang: Lang = "zh",
    out: Out = None,
) -> None:
    """Write the period report: the patrols flown and the defects found from --from to --to
    (inclusive, local dates), optionally in one --area (PDF and/or Excel)."""
    from irpatrol.config import get_settings
    from irpatrol.db import session_scope
    from irpatrol.reports import service
    from irpatrol.reports.exports import PeriodQuery

    targets = _targets("period", {"pdf": pdf, "xlsx": xlsx}, out)
    lang = _check_lang(lang)
    settings = get_settings()
    with session_scope(settings) as session:
        report = service.period_report(session, date_from.date(), date_to.date(), area=area)
        query = PeriodQuery(date_from.date(), date_to.date(), area=area, data_dir=settings.data_dir)
        written = _export(session, "period", query, targets, lang)
    print_json_line({"patrols": len(report.patrols), "defects": len(report.defects), "files": written})


@handles_errors
def ledger(
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Excel file to write.")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="CSV file to write.")] = None,
    lang: Lang = "zh",
    grade: Annotated[str | None, typer.Option(help="Only this grade: general, serious or critical.")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status (or 'open').")] = None,
    feeder: Annotated[str | None, typer.Option(help="Only this feeder.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue defects.")] = False,
    out: Out = None,
) -> None:
    """Write the defect ledger as Excel (--xlsx) and/or CSV (--csv), with zh or en headers."""
    from irpatrol.config import get_settings
    from irpatrol.db import session_scope
    from irpatrol.registry.defects import list_defects
    from irpatrol.reports.exports import LedgerQuery
    from irpatrol.reports.ledger import EXPORT_LIMIT

    targets = _targets("ledger", {"xlsx": xlsx, "csv": csv}, out)
    lang = _check_lang(lang)
    filters: dict[str, object] = {"grade": grade, "feeder": feeder, "overdue": True if overdue else None}
    filters["open_only" if status == "open" else "status"] = True if status == "open" else status
    with session_scope(get_settings()) as session:
        count = min(list_defects(session, filters, per_page=1).total, EXPORT_LIMIT)
        written = _export(session, "ledger", LedgerQuery(filters=filters), targets, lang)
    print_json_line({"defects": count, "files": written})


@handles_errors
def demo(
    reset: Annotated[bool, typer.Option("--reset", help="Rebuild the demo from scratch (refused when the "
                                        "database holds anything the demo did not create).")] = False,
    force: Annotated[bool, typer.Option("--force", hidden=True, help="Old name of --reset.")] = False,
    county_poles: Annotated[int, typer.Option("--county-poles", help="Poles of the demo county.")] = 1200,
    host: Annotated[str, typer.Option(help="Address `irpatrol serve` will listen on (for the printed URL).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port `irpatrol serve` will use (for the "
                                      "printed URL).")] = 8000,
) -> None:
    """Build the demo into the configured database when it is empty, and print the demo logins.

    A demo built earlier is kept with every change made to it since; ``--reset`` rebuilds it. A
    database holding anything the demo did not create is never touched (exit 2).
    """
    from irpatrol.config import get_settings
    from irpatrol.demo import build_demo, demo_state

    settings = get_settings()
    r = build_demo(settings, reset=reset or force, county_poles=county_poles,
                   log=lambda m: typer.echo(m, err=True))
    if r is None:
        state = demo_state(settings)
        logins = state.logins
        if state.kind == "demo":
            typer.echo(f"The demo in {settings.effective_database_url} is kept as it is, with every change "
                       "made since it was built (`irpatrol demo --reset` rebuilds it).")
        else:
            rows = ", ".join(f"{n} {t}" for t, n in sorted(state.foreign.items()))
            typer.echo(f"{settings.effective_database_url} also holds data the demo did not create ({rows}); "
                       "it is served as it is, and `irpatrol demo --reset` will not rebuild it.")
    else:
        logins = r.logins
        typer.echo(f"Demo data built in {settings.effective_database_url}: patrol #{r.patrol_id} "
                   f"({r.images} images, {r.defects} defect(s), {r.hazards} hazards), "
                   f"{r.counts.get('poles', 0)} county poles, plan #{r.plan_id}.")
    if logins:
        typer.echo("Demo logins (demo data only; as created, unless changed since):")
        for name, role, password in logins:
            typer.echo(f"  {name:<14} {role:<8} password: {password}")
    typer.echo(f"Open {base_url(host, port)}/ui/ once `irpatrol serve --host {host} --port {port}` "
               "runs.")


def register(app: typer.Typer) -> None:
    """Add ``report``, ``ledger`` and ``demo`` to the ``irpatrol`` app."""
    app.add_typer(report_app, name="report")
    app.command("ledger")(ledger)
    app.command("demo")(demo)
