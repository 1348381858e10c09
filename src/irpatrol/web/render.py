"""Rendering a page: the Jinja2 environment and the context every template gets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from irpatrol import figures
from irpatrol.registry import auth
from irpatrol.reports.ledger import component_name
from irpatrol.reports.service import has_demo_data
from irpatrol.reports.system_text import system_text
from irpatrol.reports.timefmt import local_text, zone_label
from irpatrol.reports.why import explain
from irpatrol.web.i18n import grade_label, status_label, translator

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
PREFIX = "/ui"
"""Where the pages live (the API keeps the root paths)."""


@dataclass(frozen=True)
class NavItem:
    """A link of the navigation bar: the label ``key`` (also the ``nav`` a page passes to mark
    itself active), its ``path`` under :data:`PREFIX`, its place (``order``, ascending) and whether
    only admins see it. A page module declares its own as ``NAV`` (one or a tuple);
    :mod:`irpatrol.web.views` adds them (:func:`add_nav`)."""

    key: str
    path: str
    order: int
    admin: bool = False


NAV_ITEMS: list[NavItem] = []
"""The navigation bar, in order (filled by :func:`add_nav` as the pages are mounted)."""


def add_nav(items: NavItem | tuple[NavItem, ...], owner: str) -> None:
    """Add a page module's ``NAV`` link(s) to the bar; ValueError naming ``owner`` for a key or a
    place already taken."""
    for item in (items,) if isinstance(items, NavItem) else items:
        if any(i.key == item.key or i.order == item.order for i in NAV_ITEMS):
            raise ValueError(f"{owner}: navigation key {item.key!r} or place {item.order} already taken")
        NAV_ITEMS.append(item)
    NAV_ITEMS.sort(key=lambda i: i.order)


def page(request: Request, session: Session, user: Any, name: str, *, lang: str | None = None,
         status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render template ``name`` for ``user`` (None on the login page) in their language (or
    ``lang``), with the shared context."""
    lang = lang or (user.language if user is not None else "en")
    lang = lang if lang in ("en", "zh") else "en"
    shared = {
        "request": request,
        "user": user,
        "lang": lang,
        "t": translator(lang),
        "grade": lambda g: grade_label(g, lang),
        "status": lambda s: status_label(s, lang),
        "component": lambda k: component_name(k, lang),
        "num": _num,
        "fig": figures,
        "when": _when,
        "zone": zone_label(lang),
        "why": lambda f: explain(f, lang),
        "sys_text": lambda s: system_text(s, lang),
        "demo": _demo(request, session),
        "P": PREFIX,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "is_admin": user is not None and auth.has_role(user.role, "admin"),
        "is_analyst": user is not None and auth.has_role(user.role, "analyst"),
        "nav_items": NAV_ITEMS,
    }
    return TEMPLATES.TemplateResponse(request, name, {**shared, **context}, status_code=status_code)


def _demo(request: Request, session: Session) -> bool:
    cached = getattr(request.app.state, "web_demo", None)
    if cached is None:
        cached = has_demo_data(session)
        if cached:  # once demo data is there it stays for the life of the process
            request.app.state.web_demo = True
    return bool(cached)


def _num(value: float | None, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals by the one rule of :mod:`irpatrol.figures` (no "-0.0")."""
    return figures.number(value, digits)


def _when(value: datetime | None, with_time: bool = True) -> str:
    """In the configured zone (``IRPATROL_TIMEZONE``, default Asia/Shanghai)."""
    return local_text(value, with_time)
