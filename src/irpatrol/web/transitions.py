"""What the pages of a record with a workflow (a defect in the ledger, a hazard) share: the
context of the status-change form, and applying a change posted from it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from irpatrol.errors import IrPatrolError
from irpatrol.web.i18n import error_text, t


def form_context(lang: str, allowed: Iterable[Any], needs_reason: Iterable[Any], flash: str | None,
                 ok: str | None) -> dict[str, Any]:
    """The template context of the status-change form: the statuses the record may move to (sorted),
    those that need a reason, and the line above the page (``flash`` as an error, or "Saved."
    in ``lang`` after a change, when ``ok`` is set)."""
    return {"allowed": [str(s) for s in sorted(allowed)], "needs_reason": [str(s) for s in needs_reason],
            "flash": flash or (t("saved", lang) if ok else None), "flash_kind": "ok" if ok else "error"}


def apply_change(session: Session, lang: str, change: Callable[[], object], *,
                 refused: Callable[[str], HTMLResponse], done_url: str) -> HTMLResponse | RedirectResponse:
    """Run ``change`` (a registry service call). A refused change (an IrPatrolError) is rolled back
    and ``refused`` shows the page again with the reason in ``lang``; a change that went through is
    committed and the browser sent to ``done_url?ok=1``."""
    try:
        change()
    except IrPatrolError as exc:
        session.rollback()
        return refused(error_text(exc.message, lang))
    session.commit()  # before the redirect: the browser reads the page at once
    return RedirectResponse(f"{done_url}?ok=1", status_code=303)
