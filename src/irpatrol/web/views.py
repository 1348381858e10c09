"""The web app: server-rendered pages (Jinja2, htmx, Alpine) as one FastAPI router.

``install(app)`` adds the pages under ``/ui``, the vendored static files under ``/static`` and the
redirect to the login form; ``create_app`` in :mod:`irpatrol.api.app` calls it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from irpatrol.web.deps import LoginRequired
from irpatrol.web.pages import (
    assets,
    dashboard,
    hazards,
    ledger,
    login,
    map,
    patrols,
    reports,
    schedule,
    viewer,
)
from irpatrol.web.render import PREFIX

STATIC_DIR = Path(__file__).parent / "static"

router = APIRouter(include_in_schema=False)
for _module in (login, dashboard, map, patrols, viewer, ledger, hazards, schedule, assets, reports):
    router.include_router(_module.router, prefix=PREFIX)


@router.get("/")
def root() -> RedirectResponse:
    """The app's front door: the dashboard."""
    return RedirectResponse(f"{PREFIX}/", status_code=307)


def install(app: FastAPI) -> None:
    """Add the pages, the static files and the login redirect to ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(LoginRequired, _to_login)  # type: ignore[arg-type]


async def _to_login(request: Request, exc: LoginRequired) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/login?next={quote(exc.next_url)}", status_code=303)
