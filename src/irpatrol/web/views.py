"""The web app: server-rendered pages (Jinja2, htmx, static scripts) as one FastAPI router.

``install(app)`` adds the pages under ``/ui``, the vendored static files under ``/static``, the
redirect to the login form and HTML error pages; ``irpatrol serve`` calls it on the API app
(``irpatrol.cli.server.compose_app``), since the entry points never import each other.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from irpatrol.http_security import BodyLimit, install_http_security
from irpatrol.web.csrf import CsrfMiddleware
from irpatrol.web.deps import LoginRequired
from irpatrol.web.errors import install_page_errors, too_large_page
from irpatrol.web.pages import (
    assets,
    dashboard,
    fieldwork,
    hazards,
    ledger,
    login,
    patrols,
    reports,
    schedule,
    viewer,
)
from irpatrol.web.pages import judgement as judgement_pages
from irpatrol.web.pages import map as map_pages
from irpatrol.web.pages import upload as upload_pages
from irpatrol.web.render import PREFIX

STATIC_DIR = Path(__file__).parent / "static"
MULTIPART_OVERHEAD = 64 * 1024
"""Room for a form's other fields and multipart framing on top of the upload limit (bytes)."""

router = APIRouter(include_in_schema=False)
for _module in (login, dashboard, map_pages, patrols, viewer, ledger, hazards, schedule, assets, reports,
                fieldwork, judgement_pages, upload_pages):
    router.include_router(_module.router, prefix=PREFIX)


@router.get("/")
def root() -> RedirectResponse:
    """The app's front door: the dashboard."""
    return RedirectResponse(f"{PREFIX}/", status_code=307)


def install(app: FastAPI) -> None:
    """Add the pages, the static files, the login redirect, the page error handler, CSRF protection
    (:mod:`irpatrol.web.csrf`) and the security headers (:mod:`irpatrol.http_security`) to ``app``."""
    settings = getattr(app.state, "settings", None)
    limit = getattr(settings, "upload_limit_bytes", 200 * 1024 * 1024)
    app.add_middleware(BodyLimit, limit=limit + MULTIPART_OVERHEAD, html_reply=too_large_page)
    app.add_middleware(CsrfMiddleware, secure=getattr(settings, "cookie_secure", None))
    install_http_security(app, getattr(settings, "tile_url", None))
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(LoginRequired, _to_login)  # type: ignore[arg-type]
    install_page_errors(app)


async def _to_login(request: Request, exc: LoginRequired) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/login?next={quote(exc.next_url)}", status_code=303)
