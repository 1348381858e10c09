"""``irpatrol serve``, ``irpatrol worker`` and ``irpatrol users add``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from irpatrol.cli.common import handles_errors, print_json_line

if TYPE_CHECKING:
    from fastapi import FastAPI

LANGUAGE_HELP = "Interface language: en or zh."
ROLE_HELP = "viewer, pilot, analyst or admin."


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``worker`` and the ``users`` group to the irpatrol command."""
    app.command("serve")(serve)
    app.command("worker")(worker)
    users = typer.Typer(help="Users of the API and web interface.", no_args_is_help=True)
    users.command("add")(users_add)
    app.add_typer(users, name="users")


@handles_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    upgrade: Annotated[bool, typer.Option(help="Bring the database schema up to date first.")] = True,
) -> None:
    """Serve the REST API (OpenAPI description at /docs) with uvicorn."""
    import uvicorn

    from irpatrol import db
    from irpatrol.api.app import create_app
    from irpatrol.config import get_settings

    settings = get_settings()
    if upgrade:
        db.upgrade(settings.effective_database_url)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    typer.echo(f"irpatrol: web app at http://{shown}:{port}/ui/, API description at http://{shown}:{port}/docs",
               err=True)
    uvicorn.run(compose_app(create_app(settings)), host=host, port=port)


def compose_app(app: FastAPI) -> FastAPI:
    """The API with the web pages (``/ui``) mounted beside it when the web feature is installed.

    The entry points api and web never import each other (docs/architecture.md); this command is
    where they are put together.
    """
    try:
        from irpatrol.web.views import install as install_web
    except ModuleNotFoundError as exc:  # web feature not built
        if not (exc.name or "").startswith("irpatrol.web"):
            raise
        return app
    install_web(app)
    return app


@handles_errors
def worker(
    name: Annotated[str | None, typer.Option(help="Worker name shown in the queue's records.")] = None,
    once: Annotated[bool, typer.Option("--once", help="Stop when the queue is empty.")] = False,
    stalled_after: Annotated[
        float | None,
        typer.Option(min=1.0, help="Queue again the jobs of workers silent this long (s; default 60)."),
    ] = None,
) -> None:
    """Take ingest jobs from the PostgreSQL queue (run as many as you like, on any machine that
    shares the database and the data folder)."""
    from irpatrol.config import get_settings
    from irpatrol.registry.jobs import STALLED_AFTER_S, run_worker

    run_worker(get_settings(), wait=not once, name=name, stalled_after_s=stalled_after or STALLED_AFTER_S)


@handles_errors
def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    password: Annotated[
        str | None, typer.Option(help="Password (asked for when left out; at least 8 characters).")
    ] = None,
    language: Annotated[str, typer.Option(help=LANGUAGE_HELP)] = "en",
    json_output: Annotated[bool, typer.Option("--json", help="Print the user as one JSON line.")] = False,
) -> None:
    """Create a user (the database is brought up to date first)."""
    from irpatrol import db
    from irpatrol.config import get_settings
    from irpatrol.registry.auth import add_user, role_rank

    role_rank(role)
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = get_settings()
    db.ensure_schema(db.engine_for(settings))
    with db.session_scope(settings) as session:
        user = add_user(session, username, role=role, password=password, language=language)
        shown = {"id": user.id, "username": user.username, "role": user.role, "language": user.language}
    if json_output:
        print_json_line(shown)
    else:
        typer.echo(f"user {shown['username']} ({shown['role']}) added")
