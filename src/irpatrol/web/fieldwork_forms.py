"""What the acceptance and work-site pages share: the template context, running a change from a
form (commit and redirect, or roll back and come back with the reason) and reading form dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from irpatrol.acceptance import permissions
from irpatrol.errors import InputError, IrPatrolError
from irpatrol.registry.model import User
from irpatrol.reports.exports import KMZ_MEDIA_TYPE
from irpatrol.web.i18n import error_text, t

__all__ = ["CSS", "KMZ", "form_context", "parse_day", "run_change"]

KMZ = KMZ_MEDIA_TYPE
CSS = "/static/fieldwork.css"


def form_context(user: User, flash: str | None, ok: str | None) -> dict[str, Any]:
    """Shared context: the permission check for templates and the line above the page."""
    return {
        "may": lambda action: permissions.may(user.role, action),
        "css": CSS,
        "flash": flash or (t("saved", user.language) if ok else None),
        "flash_kind": "ok" if ok else "error",
    }


def run_change(
    session: Session,
    user: User,
    change: Callable[[], Any],
    back: str,
    done: Callable[[Any], str] | None = None,
) -> RedirectResponse:
    """Run a service change: committed and on to ``done(result)`` (default ``back``) with ``ok=1``, or
    rolled back and back to ``back`` with the reason (in the user's language) as ``flash``."""
    try:
        result = change()
    except IrPatrolError as exc:
        session.rollback()
        return RedirectResponse(
            f"{back}?flash={quote(error_text(exc.message, user.language))}", status_code=303
        )
    session.commit()
    target = done(result) if done is not None else back
    return RedirectResponse(f"{target}?ok=1", status_code=303)


def parse_day(v: str | None) -> date | None:
    """A form's ``YYYY-MM-DD`` field; None when empty; InputError otherwise."""
    if not v:
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise InputError(f"not a date (YYYY-MM-DD): {v!r}") from None
