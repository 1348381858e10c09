"""Acceptance commands (``irpatrol acceptance …``) and work-site supervision commands
(``irpatrol site …``). The CLI acts with the ``admin`` role; ``--user`` names who acts."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.cli.registry import JsonOpt, UserOpt, _user, factory
from irpatrol.errors import InputError

acceptance_app = typer.Typer(
    help="Drone acceptance (验收) of new and repaired line sections.", no_args_is_help=True
)
site_app = typer.Typer(help="Safety supervision (安全督查) of work sites.", no_args_is_help=True)

DateOpt = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])]
LangOpt = Annotated[str, typer.Option("--lang", help="en or zh.")]
ModelOpt = Annotated[str, typer.Option("--model", help="Drone model (WPML enumeration), e.g. M30T.")]


def _day(v: datetime | None) -> date | None:
    return v.date() if v is not None else None


def _data_dir() -> Path:
    from irpatrol.config import get_settings

    return get_settings().data_dir


def _photos(folder: Path) -> list[tuple[str, Path]]:
    if not folder.is_dir():
        raise InputError("not a folder", source=str(folder))
    exts = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"}
    return [(p.name, p) for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix.lower() in exts]


# --- acceptance --------------------------------------------------------------------------------


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
        out = service.ingest_photos(s, project_id, _photos(folder), data_dir=_data_dir(), user=_user(user))
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
            s, item_id, data_dir=_data_dir(), photo=photo, value=value, unit=unit, note=note, user=_user(user)
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
            hot_c=hot,
            ref_c=ref,
            ambient_c=ambient,
            load_current_a=load,
            rated_current_a=rated,
            photo=photo,
            data_dir=_data_dir(),
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
    from irpatrol.reports import fieldwork

    with factory()() as s:
        data = (fieldwork.acceptance_xlsx if out.suffix.lower() == ".xlsx" else fieldwork.acceptance_pdf)(
            s, project_id, lang, data_dir=_data_dir()
        )
    out.write_bytes(data)
    typer.echo(f"wrote {out}")


# --- work sites --------------------------------------------------------------------------------


@site_app.command("create")
@handles_errors
def site_create(
    ticket: Annotated[str, typer.Option("--ticket", help="Work ticket number (工作票).")],
    feeder: Annotated[str, typer.Option("--feeder")],
    poles: Annotated[str, typer.Option("--poles", help="Pole numbers, comma-separated.")],
    start: Annotated[datetime, typer.Option("--start", help="Start of the work (ISO 8601, UTC if no zone).")],
    end: Annotated[datetime, typer.Option("--end")],
    crew: Annotated[str | None, typer.Option("--crew")] = None,
    contractor: Annotated[str | None, typer.Option("--contractor")] = None,
    supervisor: Annotated[str | None, typer.Option("--supervisor")] = None,
    title: Annotated[str | None, typer.Option("--title")] = None,
    measure: Annotated[
        list[str] | None, typer.Option("--measure", help="Measure code, earthing-set@N3 (repeat).")
    ] = None,
    json_out: JsonOpt = False,
    user: UserOpt = None,
) -> None:
    """Record a work site from its work ticket, with the safety measures it requires."""
    from irpatrol.supervision import service

    with factory().begin() as s:
        site = service.create_site(
            s,
            ticket_no=ticket,
            feeder=feeder,
            poles=[p for p in poles.split(",") if p.strip()],
            starts_at=start,
            ends_at=end,
            crew=crew,
            contractor=contractor,
            supervisor=supervisor,
            title=title,
            measures=measure,
            user=_user(user),
        )
        out = service.site_summary(site)
    if json_out:
        print_json_line(out)
    else:
        typer.echo(f"work site #{out['id']} ticket {out['ticket_no']}: {len(out['measures'])} measures")


@site_app.command("list")
@handles_errors
def site_list(json_out: JsonOpt = False) -> None:
    """Work sites, newest first."""
    from irpatrol.supervision import service

    with factory()() as s:
        for site in service.list_sites(s):
            out = service.site_summary(site)
            if json_out:
                print_json_line(out)
            else:
                typer.echo(
                    f"#{site.id:<4} {site.status:8} {site.ticket_no:16} {out['feeder']}  "
                    f"violations {len(out['violations'])}"
                )


@site_app.command("show")
@handles_errors
def site_show(site_id: Annotated[int, typer.Argument()], json_out: JsonOpt = False) -> None:
    """A work site with its measures and violations."""
    from irpatrol.supervision import service

    with factory()() as s:
        out = service.site_summary(service.get_site(s, site_id))
    if json_out:
        print_json_line(out)
        return
    typer.echo(
        f"#{out['id']} ticket {out['ticket_no']} ({out['status']}) {out['starts_at']} – {out['ends_at']}"
    )
    for m in out["measures"]:
        typer.echo(f"  measure {m['id']:<5} {m['kind']:20} {m['pole'] or '':6} {m['status']}")
    for v in out["violations"]:
        typer.echo(f"  violation {v['id']:<4} {v['type']:22} {v['status']:10} {v['observer'] or ''}")


@site_app.command("mission")
@handles_errors
def site_mission(
    site_id: Annotated[int, typer.Argument()],
    out: Annotated[Path, typer.Option("--out")],
    mode: Annotated[str, typer.Option("--mode", help="orbit or hover")] = "orbit",
    radius: Annotated[float, typer.Option("--radius-m")] = 40.0,
    height: Annotated[float, typer.Option("--height-m")] = 30.0,
    model: ModelOpt = "M30T",
) -> None:
    """Write an orbit or hover mission over the site as a DJI WPML KMZ."""
    from irpatrol.supervision import service

    with factory()() as s:
        _name, data = service.site_mission(
            s, site_id, mode=mode, model=model, radius_m=radius, height_m=height
        )
    out.write_bytes(data)
    typer.echo(f"wrote {out}")


@site_app.command("confirm")
@handles_errors
def site_confirm(
    measure_id: Annotated[int, typer.Argument()],
    photo: Annotated[Path | None, typer.Option("--photo")] = None,
    user: UserOpt = None,
) -> None:
    """Record a required safety measure as seen present."""
    from irpatrol.supervision import service

    with factory().begin() as s:
        m = service.confirm_measure(s, measure_id, photo=photo, data_dir=_data_dir(), user=_user(user))
        typer.echo(f"measure #{m.id} {m.kind}: {m.status}")


@site_app.command("violation")
@handles_errors
def site_violation(
    site_id: Annotated[int, typer.Argument()],
    type_: Annotated[str, typer.Option("--type", help="Violation type (see 'site types').")],
    photo: Annotated[Path | None, typer.Option("--photo")] = None,
    description: Annotated[str | None, typer.Option("--description")] = None,
    lat: Annotated[float | None, typer.Option("--lat")] = None,
    lon: Annotated[float | None, typer.Option("--lon")] = None,
    user: UserOpt = None,
) -> None:
    """Record a violation seen on the site (photo, time, position, observer)."""
    from irpatrol.supervision import service

    with factory().begin() as s:
        v = service.record_violation(
            s,
            site_id,
            type=type_,
            photo=photo,
            description=description,
            lat=lat,
            lon=lon,
            data_dir=_data_dir(),
            user=_user(user),
        )
        typer.echo(f"violation #{v.id} {v.type}: {v.status}")


@site_app.command("transition")
@handles_errors
def site_transition(
    violation_id: Annotated[int, typer.Argument()],
    status: Annotated[str, typer.Argument(help="rectified, closed, escalated, reported")],
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    comment: Annotated[str | None, typer.Option("--comment")] = None,
    user: UserOpt = None,
) -> None:
    """Move a violation through its workflow."""
    from irpatrol.supervision import service

    with factory().begin() as s:
        v = service.transition_violation(
            s, violation_id, status, reason=reason, comment=comment, user=_user(user)
        )
        typer.echo(f"violation #{v.id}: {v.status}")


@site_app.command("status")
@handles_errors
def site_status(
    site_id: Annotated[int, typer.Argument()],
    status: Annotated[str, typer.Argument(help="planned, active or closed")],
    user: UserOpt = None,
) -> None:
    """Set a work site planned, active or closed."""
    from irpatrol.supervision import service

    with factory().begin() as s:
        site = service.set_status(s, site_id, status, user=_user(user))
        typer.echo(f"work site #{site.id}: {site.status}")


@site_app.command("register")
@handles_errors
def site_register(
    status: Annotated[str | None, typer.Option("--status", help="open or a status")] = None,
    type_: Annotated[str | None, typer.Option("--type")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The violation register with statistics per crew, contractor and type."""
    from dataclasses import asdict

    from irpatrol.supervision import service

    with factory()() as s:
        rows, stats = service.register(s, status=status, type=type_)
        out: dict[str, Any] = {"violations": [service.violation_summary(v) for v in rows],
                               "stats": asdict(stats)}
    if json_out:
        print_json_line(out)
        return
    for v in out["violations"]:
        typer.echo(f"#{v['id']:<4} site {v['site_id']:<4} {v['type']:22} {v['status']:10} {v['observed_at']}")
    typer.echo(
        f"total {stats.total}, open {stats.open}; by type {stats.by_type}; by crew {stats.by_crew}; "
        f"by contractor {stats.by_contractor}"
    )


@site_app.command("types")
@handles_errors
def site_types(lang: LangOpt = "en") -> None:
    """Violation types and safety measures (the data list)."""
    from irpatrol.supervision.violations import load_catalogue

    c = load_catalogue()
    for m in c.measures:
        typer.echo(f"measure   {m.code:22} {m.name(lang)}")
    for t in c.types:
        typer.echo(f"violation {t.code:22} {t.name(lang)}")


@site_app.command("crew-member")
@handles_errors
def site_crew_member(
    crew: Annotated[str, typer.Argument()], username: Annotated[str, typer.Argument()], user: UserOpt = None
) -> None:
    """Put a user in a crew: they will see that crew's work sites."""
    from irpatrol.supervision import service

    with factory().begin() as s:
        service.add_crew_member(s, crew, username, user=_user(user))
    typer.echo(f"{username} is in crew {crew}")


@site_app.command("report")
@handles_errors
def site_report(
    site_id: Annotated[int, typer.Argument()],
    out: Annotated[Path, typer.Option("--out")],
    lang: LangOpt = "en",
) -> None:
    """Write the site report: PDF, or Excel when OUT ends in .xlsx."""
    from irpatrol.reports import fieldwork

    with factory()() as s:
        data = (fieldwork.site_xlsx if out.suffix.lower() == ".xlsx" else fieldwork.site_pdf)(
            s, site_id, lang, data_dir=_data_dir()
        )
    out.write_bytes(data)
    typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add ``acceptance`` and ``site`` to the ``irpatrol`` app."""
    app.add_typer(acceptance_app, name="acceptance")
    app.add_typer(site_app, name="site")
