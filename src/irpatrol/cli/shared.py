"""What the registry's command modules share: the option types, who does it, the database session
maker and the plain-text table. (:mod:`irpatrol.cli.common` holds what every command shares.)"""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session, sessionmaker

JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")]
UserOpt = Annotated[
    str | None, typer.Option("--user", help="Who does it (audit trail); default: login name.")
]
LatOpt = Annotated[float | None, typer.Option("--lat")]
LonOpt = Annotated[float | None, typer.Option("--lon")]
DescriptionOpt = Annotated[str | None, typer.Option("--description")]
PhotoOpt = Annotated[list[str] | None, typer.Option("--photo", help="Photo file (repeat).")]



def user_or_login(user: str | None) -> str:
    """``--user`` when given, else the login name (``cli`` when there is none)."""
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


def table(rows: list[dict[str, Any]], cols: list[str]) -> None:
    """Echo ``rows`` as a plain-text table of the columns ``cols``."""
    if not rows:
        typer.echo("(none)")
        return
    widths = {c: max(len(c), *(len(cell(r.get(c))) for r in rows)) for c in cols}
    typer.echo("  ".join(c.ljust(widths[c]) for c in cols))
    for r in rows:
        typer.echo("  ".join(cell(r.get(c)).ljust(widths[c]) for c in cols))


def cell(v: Any) -> str:
    """The text of one table cell (``-`` for None, floats to 0.1, at most 40 characters)."""
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}"
    if isinstance(v, dict):
        return "/".join(str(x) for x in v.values() if x)
    return str(v)[:40]
