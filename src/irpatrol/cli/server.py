"""``irpatrol serve``, ``irpatrol worker``, ``irpatrol users add`` and ``irpatrol users passwd``."""

from __future__ import annotations

from typing import Annotated

import typer

from irpatrol import serving
from irpatrol.cli.common import base_url, handles_errors, print_json_line

LANGUAGE_HELP = "Interface language: en or zh."
ROLE_HELP = "viewer, pilot, analyst or admin."


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``worker`` and the ``users`` group to the irpatrol command."""
    app.command("serve")(serve)
    app.command("worker")(worker)
    users = typer.Typer(help="Users of the API and web interface.", no_args_is_help=True)
    users.command("add")(users_add)
    users.command("passwd")(users_passwd)
    app.add_typer(users, name="users")


@handles_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    upgrade: Annotated[bool, typer.Option(help="Bring the database schema up to date first.")] = True,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="Server processes (default: one per core)."),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(help="Proxies trusted to set X-Forwarded-For/-Proto (comma-separated; "
                     "default 127.0.0.1)."),
    ] = None,
    pin_cores: Annotated[
        bool,
        typer.Option(help="Each worker process on a core of its own (Linux; --no-pin-cores when the "
                     "machine's cores are shared with other busy services)."),
    ] = True,
) -> None:
    """Serve the REST API (OpenAPI description at /docs) and the pages (/ui) with uvicorn: ``workers``
    processes under uvicorn's supervisor (a worker that dies is replaced), sharing the database
    and the data folder. The secret key is made (or checked) before any worker starts.

    With more than one worker this process becomes :mod:`irpatrol.serving` (``exec``): uvicorn's
    supervisor with one ``SO_REUSEPORT`` socket per worker, so the kernel spreads connections
    evenly over the workers. Worker processes are started fresh (spawn) and import the main module
    of their parent, which then is that small module instead of the whole ``irpatrol`` command
    (about 2 s of CPU less per worker)."""
    import os

    from irpatrol import db
    from irpatrol.config import ensure_secret_key, get_settings

    settings = get_settings()
    ensure_secret_key(settings)
    if upgrade:
        db.upgrade(settings.effective_database_url)
    count = workers or os.cpu_count() or 1
    url = base_url(host, port)
    processes = "1 worker process" if count == 1 else f"{count} worker processes"
    typer.echo(f"irpatrol: web app at {url}/ui/, API description at {url}/docs ({processes})", err=True)
    if count > 1:
        import sys

        sys.stderr.flush()
        os.execv(sys.executable, serving.command(host, port, count, forwarded_allow_ips, pin_cores))
    import uvicorn

    if pin_cores:
        serving.pin_to_free_core(host, port)  # a core of its own, as each of several workers has
    uvicorn.run(
        serving.APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=1,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        log_level="info",
    )


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
    from irpatrol.ingest.jobs import STALLED_AFTER_S, run_worker

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


@handles_errors
def users_passwd(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password: Annotated[
        str | None,
        typer.Option(help="New password (asked for when left out; the policy of the password page)."),
    ] = None,
) -> None:
    """Set a user's password (the policy applies: at least 8 characters, not the user name, not
    easy to guess) and end all their sessions; also lifts the account's sign-in delay."""
    from irpatrol import db
    from irpatrol.config import get_settings
    from irpatrol.registry.auth import change_password, get_user

    if password is None:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    settings = get_settings()
    db.ensure_schema(db.engine_for(settings))
    with db.session_scope(settings) as session:
        user = get_user(session, username)
        assert user is not None
        ended = change_password(session, user, password, by=None)
    typer.echo(f"password of {username} changed; {ended} session(s) ended")
