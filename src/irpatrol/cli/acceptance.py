"""Acceptance commands (``irpatrol acceptance …``): checklists, projects, evidence, marks,
rectifications, acceptance, the mission and the report. The CLI acts with the ``admin`` role;
``--user`` names who acts. The work-site commands are in :mod:`irpatrol.cli.sites`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from irpatrol.cli.common import LangOpt, ModelOpt, data_dir, handles_errors, print_json_line
from irpatrol.cli.registry import JsonOpt, UserOpt, _user, factory
from irpatrol.cli.sites import site_app
from irpatrol.errors import InputError

acceptance_app = typer.Typer(
    help="Drone acceptance (验收) of new and repaired line sections.", no_args_is_help=True
)

DateOpt = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])]


def _day(v: datetime | None) -> date | None:
    return v.date() if v is not None else None


def _photos(folder: Path) -> list[tuple[str, Path]]:
    if not folder.is_dir():
        raise InputError("not a folder", source=str(folder))
    exts = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"}
    return [(p.name, p) for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix.lower() in exts]


@acceptance_app.command("checklists")
@handles_errors
def checklists(json_out: JsonOpt = False, lang: LangOpt = "en") -> None:
    """The kinds of work with a checklist, their versions and item counts."""
    from irpatrol.acceptance.checklist import kinds, load_checklist

    for kind in kinds():
        c = load_checklist(kind)
        row = {"kind": kind, "version": c.version, "name": c.name(lang), "items": len(c.items)}
        if json_out:
            print_json_line(row)
        else:
            typer.echo(f"{kind:24} {c.version:8} {len(c.items):3} items  {c.name(lang)}")


@acceptance_app.command("checklist")
@handles_errors
def checklist(
    kind_or_file: Annotated[str, typer.Argument(help="Kind of work or a checklist TOML file.")],
    json_out: JsonOpt = False,
    lang: LangOpt = "en",
) -> None:
    """Show (and so validate) a checklist: a wrong field is refused with its row and field named."""
    from irpatrol.acceptance.checklist import load_checklist

    c = load_checklist(kind_or_file)
    if json_out:
        print_json_line(
            {
                "kind": c.kind,
                "version": c.version,
                "name": c.name(lang),
                "source": c.source,
                "items": [
                    {
                        "code": i.code,
                        "scope": i.scope,
                        "method": i.method,
                        "what": i.what(lang),
                        "criterion": i.criterion(lang),
                        "evidence": i.evidence(lang),
                        "source": i.source,
                    }
                    for i in c.items
                ],
            }
        )
        return
    typer.echo(f"{c.name(lang)} ({c.kind} {c.version})")
    for i in c.items:
        typer.echo(f"  {i.code:22} {i.scope:8} {i.method:12} {i.what(lang)}")


@acceptance_app.command("create")
@handles_errors
def create(
    name: Annotated[str, typer.Argument(help="Project name.")],
    kind: Annotated[str, typer.Option("--kind", help="Kind of work (see 'acceptance checklists').")],
    feeder: Annotated[str | None, typer.Option("--feeder")] = None,
    from_pole: Annotated[str | None, typer.Option("--from", help="First pole number of the range.")] = None,
    to_pole: Annotated[str | None, typer.Option("--to", help="Last pole number of the range.")] = None,
    poles_file: Annotated[
        Path | None, typer.Option("--poles-file", help="New poles (asset CSV/GeoJSON/KML).")
    ] = None,
    defect: Annotated[int | None, typer.Option("--defect", help="Repaired infrared defect id.")] = None,
    contractor: Annotated[str | None, typer.Option("--contractor")] = None,
    planned_start: DateOpt = None,
    planned_end: DateOpt = None,
    actual_start: DateOpt = None,
    inspector: Annotated[str | None, typer.Option("--inspector")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer")] = None,
    approver: Annotated[str | None, typer.Option("--approver")] = None,
    json_out: JsonOpt = False,
    user: UserOpt = None,
) -> None:
    """Open an acceptance project over a pole range and/or new poles imported with it."""
    from irpatrol.acceptance import service

    pf = None
    if poles_file is not None:
        try:
            pf = (poles_file.name, poles_file.read_bytes())
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", source=str(poles_file)) from None
    with factory().begin() as s:
        p = service.create_project(
            s,
            name=name,
            kind=kind,
            feeder=feeder,
            from_pole=from_pole,
            to_pole=to_pole,
            poles_file=pf,
            defect_id=defect,
            contractor=contractor,
            planned_start=_day(planned_start),
            planned_end=_day(planned_end),
            actual_start=_day(actual_start),
            inspector=inspector,
            reviewer=reviewer,
            approver=approver,
            user=_user(user),
        )
        out = service.project_summary(p)
    if json_out:
        print_json_line(out)
    else:
        typer.echo(
            f"project #{out['id']} {out['name']}: {len(out['poles'])} poles, "
            f"{sum(out['results'].values())} items"
        )


@acceptance_app.command("list")
@handles_errors
def list_(
    status: Annotated[str | None, typer.Option("--status", help="open or accepted")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Acceptance projects, newest first."""
    from irpatrol.acceptance import service

    with factory()() as s:
        for p in service.list_projects(s, status=status):
            out = service.project_summary(p)
            if json_out:
                print_json_line(out)
            else:
                typer.echo(f"#{p.id:<4} {p.status:9} {p.kind:22} {p.name}  (blocking {out['blocking']})")


@acceptance_app.command("show")
@handles_errors
def show(
    project_id: Annotated[int, typer.Argument()], json_out: JsonOpt = False, lang: LangOpt = "en"
) -> None:
    """A project with every item, its evidence and rectifications."""
    from irpatrol.acceptance import service

    with factory()() as s:
        p = service.get_project(s, project_id)
        out = service.project_summary(p) | {"items": [service.item_summary(i, lang) for i in p.items]}
    if json_out:
        print_json_line(out)
        return
    typer.echo(f"#{out['id']} {out['name']} — {out['status']}, can accept: {out['can_accept']}")
    for i in out["items"]:
        typer.echo(
            f"  item {i['id']:<5} {i['pole'] or '-':8} {i['code']:22} {i['result']:8} "
            f"evidence {len(i['evidence'])}"
            + "".join(f"  rect #{r['id']} {r['status']} due {r['deadline']}" for r in i["rectifications"])
        )


@acceptance_app.command("mission")
@handles_errors
def mission(
    project_id: Annotated[int, typer.Argument()],
    out: Annotated[Path, typer.Option("--out", help="KMZ file to write.")],
    model: ModelOpt = "M30T",
) -> None:
    """Write the project's pole mission as a DJI WPML KMZ (the scheduling export)."""
    from irpatrol.acceptance import service

    with factory()() as s:
        _name, data = service.mission_kmz(s, project_id, model=model)
    out.write_bytes(data)
    typer.echo(f"wrote {out}")


@acceptance_app.command("ingest")
@handles_errors
def ingest(
    project_id: Annotated[int, typer.Argument()],
    folder: Annotated[Path, typer.Argument()],
    json_out: JsonOpt = False,
    user: UserOpt = None,
) -> None:
    """Attach the mission's photos and thermograms in FOLDER to the project's poles and items."""
    from irpatrol.acceptance import service

    with factory().begin() as s:
        out = service.ingest_photos(s, project_id, _photos(folder), data_dir=data_dir(), user=_user(user))
    if json_out:
        print_json_line(out)
    else:
        typer.echo(
            f"{out['attached']} evidence attached from {out['files']} files; "
            f"unmatched: {', '.join(out['unmatched']) or 'none'}"
        )


@acceptance_app.command("evidence")
@handles_errors
def evidence(
    item_id: Annotated[int, typer.Argument()],
    photo: Annotated[Path | None, typer.Option("--photo")] = None,
    value: Annotated[float | None, typer.Option("--value", help="Measured value.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="m, mm, ohm, °C, kV, A")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    user: UserOpt = None,
) -> None:
    """Add a photo and/or a measured value to an item."""
    from irpatrol.acceptance import service

    with factory().begin() as s:
        ev = service.add_evidence(
            s, item_id, data_dir=data_dir(), photo=photo, value=value, unit=unit, note=note, user=_user(user)
        )
        typer.echo(f"evidence #{ev.id} ({ev.kind}) on item {item_id}")


@acceptance_app.command("mark")
@handles_errors
def mark(
    item_id: Annotated[int, typer.Argument()],
    result: Annotated[str, typer.Argument(help="pass, fail, na or waived")],
    note: Annotated[str | None, typer.Option("--note")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Required to waive.")] = None,
    deadline: DateOpt = None,
    assignee: Annotated[str | None, typer.Option("--assignee")] = None,
    user: UserOpt = None,
) -> None:
    """Mark an item; a failed item opens a rectification (a hazard in the ledger)."""
    from irpatrol.acceptance import service

    with factory().begin() as s:
        it = service.mark_item(
            s,
            item_id,
            result,
            note=note,
            reason=reason,
            deadline=_day(deadline),
            assignee=assignee,
            user=_user(user),
        )
        rects = [f"#{r.id} due {r.deadline}" for r in it.rectifications if r.status != "verified"]
        typer.echo(
            f"item {it.id} {it.code}: {it.result}" + (f"; rectification {', '.join(rects)}" if rects else "")
        )


@acceptance_app.command("rectification")
@handles_errors
def rectification(
    rect_id: Annotated[int, typer.Argument()],
    status: Annotated[str, typer.Argument(help="rectified, verified (re-check passed) or open")],
    note: Annotated[str | None, typer.Option("--note")] = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    user: UserOpt = None,
) -> None:
    """Move a rectification: done by the contractor, re-check passed, or re-check failed."""
    from irpatrol.acceptance import service

    with factory().begin() as s:
        r = service.update_rectification(s, rect_id, status, note=note, reason=reason, user=_user(user))
        typer.echo(f"rectification #{r.id}: {r.status}")


@acceptance_app.command("remeasure")
@handles_errors
def remeasure(
    item_id: Annotated[int, typer.Argument()],
    hot: Annotated[float, typer.Option("--hot", help="T1 °C")],
    ref: Annotated[float | None, typer.Option("--ref", help="T2 °C")] = None,
    ambient: Annotated[float | None, typer.Option("--ambient", help="T0 °C")] = None,
    load: Annotated[float | None, typer.Option("--load-a")] = None,
    rated: Annotated[float | None, typer.Option("--rated-a")] = None,
    photo: Annotated[Path | None, typer.Option("--photo")] = None,
    user: UserOpt = None,
) -> None:
    """Record the re-measurement under load of a repaired infrared defect (passes on grade none)."""
    from irpatrol.acceptance import service

    with factory().begin() as s:
        it = service.remeasure(
            s,
            item_id,
            t1_c=hot,
            t2_c=ref,
            t0_c=ambient,
            load_current_a=load,
            rated_current_a=rated,
            photo=photo,
            data_dir=data_dir(),
            user=_user(user),
        )
        typer.echo(f"item {it.id}: grade {it.evidence[-1].grade} → {it.result}")


@acceptance_app.command("accept")
@handles_errors
def accept(project_id: Annotated[int, typer.Argument()], user: UserOpt = None) -> None:
    """Accept the project (refused while an item is pending or failed or a rectification open)."""
    from irpatrol.acceptance import service

    with factory().begin() as s:
        p = service.accept_project(s, project_id, user=_user(user))
        typer.echo(f"project #{p.id} {p.name}: {p.status}")


@acceptance_app.command("report")
@handles_errors
def report(
    project_id: Annotated[int, typer.Argument()],
    out: Annotated[Path, typer.Option("--out")],
    lang: LangOpt = "en",
) -> None:
    """Write the acceptance report: PDF, or Excel when OUT ends in .xlsx."""
    from irpatrol.reports.exports import report_file

    fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "pdf"
    with factory()() as s:
        data = report_file(s, "acceptance", project_id, fmt, lang, data_dir=data_dir()).data
    out.write_bytes(data)
    typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add ``acceptance`` and ``site`` to the ``irpatrol`` app."""
    app.add_typer(acceptance_app, name="acceptance")
    app.add_typer(site_app, name="site")
