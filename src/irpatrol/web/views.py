"""The web app: server-rendered pages (Jinja2, htmx, static scripts) as one FastAPI router.

``install(app)`` adds the pages under ``/ui``, the vendored static files under ``/static``, the
redirect to the login form and HTML error pages; ``irpatrol serve`` calls it on the API app
(``irpatrol.asgi.compose_app``), since the entry points never import each other.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from irpatrol.http_security import BodyLimit, install_http_security
from irpatrol.web import pages
from irpatrol.web.csrf import CsrfMiddleware
from irpatrol.web.deps import LoginRequired, allowed
from irpatrol.web.errors import install_page_errors, too_large_page
from irpatrol.web.i18n import add_labels
from irpatrol.web.render import PREFIX, add_nav

STATIC_DIR = Path(__file__).parent / "static"
MULTIPART_OVERHEAD = 64 * 1024
"""Room for a form's other fields and multipart framing on top of the upload limit (bytes)."""


def page_modules() -> list[ModuleType]:
    """Every module of the :mod:`irpatrol.web.pages` package, in name order: the package's own
    folder lists them (``pkgutil``), so a page is mounted by being there (only names that exist
    are imported). Each defines its routes on a module-level ``router`` (TypeError otherwise) and
    may carry its own en/zh ``LABELS`` (:func:`irpatrol.web.i18n.add_labels`) and its links of the
    navigation bar, ``NAV`` (:class:`irpatrol.web.render.NavItem`, :func:`irpatrol.web.render.add_nav`)."""
    modules = [importlib.import_module(f"{pages.__name__}.{info.name}")
               for info in pkgutil.iter_modules(pages.__path__)]
    for module in modules:
        if not isinstance(getattr(module, "router", None), APIRouter):
            raise TypeError(f"{module.__name__}: a module of web/pages defines its routes on `router`")
    return modules


router = APIRouter(include_in_schema=False)
for _module in page_modules():
    router.include_router(_module.router, prefix=PREFIX)
    add_labels(getattr(_module, "LABELS", {}), _module.__name__)
    add_nav(getattr(_module, "NAV", ()), _module.__name__)


@router.get("/", dependencies=[allowed("public")])
def root() -> RedirectResponse:
    """The app's front door: the dashboard."""
    return RedirectResponse(f"{PREFIX}/", status_code=307)


def install(app: FastAPI) -> None:
    """Add the pages, the static files, the login redirect, the page error handler, CSRF protection
    (:mod:`irpatrol.web.csrf`) and the security headers (:mod:`irpatrol.http_security`) to ``app``;
    the headers go outermost, so the CSRF refusal and the upload limit's page carry them too."""
    settings = getattr(app.state, "settings", None)
    limit = getattr(settings, "upload_limit_bytes", 200 * 1024 * 1024)
    app.add_middleware(BodyLimit, limit=limit + MULTIPART_OVERHEAD, refuse=too_large_page(limit))
    app.add_middleware(CsrfMiddleware, secure=getattr(settings, "cookie_secure", None))
    install_http_security(app, getattr(settings, "tile_url", None))
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(LoginRequired, _to_login)  # type: ignore[arg-type]
    install_page_errors(app)


async def _to_login(request: Request, exc: LoginRequired) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/login?next={quote(exc.next_url)}", status_code=303)
