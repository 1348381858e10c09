"""``irpatrol defects``: list, show, add and move defects along their workflow; the workflow step
and the photo handling that ``irpatrol hazards`` shares."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from irpatrol.cli.common import handles_errors, print_json_line
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

defects_app = typer.Typer(help="Defects and their workflow.", no_args_is_help=True)


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
    table(
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
        f"{cell(d['component'])}; deadline {d['deadline']}{' (OVERDUE)' if d['overdue'] else ''}"
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

    move("defect", defects, defect_id, to_status,
          user=user, comment=comment, reason=reason, json_out=json_out, verdict=verdict)


def move(kind: str, service: Any, record_id: int, to_status: str, *, user: str | None,
          comment: str | None, reason: str | None, json_out: bool, verdict: str | None = None) -> None:
    """One workflow step through ``service.transition`` (defects or hazards), committed, then reported."""
    extra = {"verdict": verdict} if verdict is not None else {}
    with factory()() as session:
        record = service.transition(session, record_id, to_status, user=user_or_login(user), comment=comment,
                                    reason=reason, **extra)
        session.commit()
        out = service.summary(record)
    if json_out:
        print_json_line(out)
    else:
        typer.echo(f"{kind} #{record_id} is now {out['status']}")


def check_photos(paths: list[str] | None) -> None:
    """InputError naming the first ``--photo`` that is not a file (checked before anything is recorded)."""
    for path in paths or []:
        if not Path(path).is_file():
            raise InputError("photo not found", source=path)


def attach_photos(
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

    who = user_or_login(user)
    check_photos(photo)
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
        attach_photos(session, photo, defect_id=d.id, user=who, lat=lat, lon=lon)
        session.commit()
        out = summary(d)
    if json_out:
        print_json_line(out)
    else:
        typer.echo(f"defect #{out['id']}: {out['grade']} {out['kind']}, deadline {out['deadline']}")
