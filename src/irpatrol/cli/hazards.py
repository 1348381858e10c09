"""``irpatrol hazards``: list, show, add and move corridor hazards along their workflow."""

from __future__ import annotations

from typing import Annotated

import typer

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.cli.defects import attach_photos, check_photos, move
from irpatrol.cli.shared import (
    DescriptionOpt,
    JsonOpt,
    LatOpt,
    LonOpt,
    PhotoOpt,
    UserOpt,
    cell,
    factory,
    table,
    user_or_login,
)
from irpatrol.errors import InputError

hazards_app = typer.Typer(help="Corridor hazards (trees, buildings, foreign objects…).", no_args_is_help=True)


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
    table(rows, ["id", "kind", "grade", "status", "clearance_m", "required_m", "lat", "lon", "description"])


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
        f"{out['lon']:.6f}; clearance {cell(out['clearance_m'])} m of {cell(out['required_m'])} m"
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
    who = user_or_login(user)
    check_photos(photo)
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
        attach_photos(session, photo, hazard_id=h.id, user=who, lat=lat, lon=lon)
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

    move("hazard", hazards, hazard_id, to_status,
          user=user, comment=comment, reason=reason, json_out=json_out)
