"""Work-site supervision commands (``irpatrol site …``): sites from their work tickets, safety
measures, violations and their workflow, the register, the mission and the report. The CLI acts
with the ``admin`` role; ``--user`` names who acts. Registered with ``acceptance`` by
:func:`irpatrol.cli.acceptance.register`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from irpatrol.cli.common import LangOpt, ModelOpt, data_dir, handles_errors, print_json_line
from irpatrol.cli.registry import JsonOpt, UserOpt, _user, factory

site_app = typer.Typer(help="Safety supervision (安全督查) of work sites.", no_args_is_help=True)


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
        m = service.confirm_measure(s, measure_id, photo=photo, data_dir=data_dir(), user=_user(user))
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
            data_dir=data_dir(),
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
        violations = [service.violation_summary(v) for v in rows]
    if json_out:
        print_json_line({"violations": violations, "stats": asdict(stats)})
        return
    for v in violations:
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
    from irpatrol.reports.exports import report_file

    fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "pdf"
    with factory()() as s:
        data = report_file(s, "site", site_id, fmt, lang, data_dir=data_dir()).data
    out.write_bytes(data)
    typer.echo(f"wrote {out}")
