"""Errors on the pages: an IrPatrolError raised under ``/ui`` becomes an HTML page with the
message, in the signed-in user's language, or the ``Accept-Language`` header's when the user is
not known (the API keeps its JSON answers for its own paths)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from irpatrol.errors import Conflict, IrPatrolError, NotFound, PermissionDenied
from irpatrol.http_security import Message, Scope, Send
from irpatrol.web.i18n import LABELS, error_text, header_language, translator
from irpatrol.web.render import PREFIX, TEMPLATES

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]

STATUS = ((NotFound, 404), (PermissionDenied, 403), (Conflict, 409))
"""HTTP status of an error on a page (400 for the rest of the tree)."""


def install_page_errors(app: FastAPI) -> None:
    """Render IrPatrolErrors of page requests as HTML; other paths keep the app's handler."""
    previous: Handler | None = app.exception_handlers.get(IrPatrolError)

    async def handler(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(PREFIX) or previous is None:
            return error_page(request, exc)
        result = previous(request, exc)
        return await result if isinstance(result, Awaitable) else result

    app.add_exception_handler(IrPatrolError, handler)


def error_page(request: Request, exc: Exception) -> HTMLResponse:
    """A plain page naming the problem, with a way back."""
    status = next((code for kind, code in STATUS if isinstance(exc, kind)), 400)
    lang = page_language(request)
    message = exc.message if isinstance(exc, IrPatrolError) else str(exc)
    t = translator(lang)
    title = t(f"error_{status}" if f"error_{status}" in LABELS else "error_other")
    context = {"message": error_text(message, lang), "status": status, "title": title, "lang": lang, "t": t,
               "P": PREFIX}
    return TEMPLATES.TemplateResponse(request, "error.html", context, status_code=status)


def too_large_page(upload_limit_bytes: int) -> Callable[[Scope, Send, int], Awaitable[None]]:
    """The answer of :class:`irpatrol.http_security.BodyLimit` on the pages: an error page (413) in
    the ``Accept-Language`` language naming the upload limit, instead of the API's JSON."""

    async def refuse(scope: Scope, send: Send, _limit: int) -> None:
        request = Request(scope)
        lang = page_language(request)
        t = translator(lang)
        limit = f"{upload_limit_bytes / (1024 * 1024):g} MB"
        context = {"message": t("upload_too_large").format(limit=limit), "status": 413,
                   "title": t("error_413"), "lang": lang, "t": t, "P": PREFIX}
        response = TEMPLATES.TemplateResponse(request, "error.html", context, status_code=413)
        await response(scope, _no_body, send)

    return refuse


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def page_language(request: Request) -> str:
    """The signed-in user's language (set by :func:`irpatrol.web.deps.current_user`), else the one
    ``Accept-Language`` prefers, else English."""
    known = getattr(request.state, "language", None)
    if known in ("en", "zh"):
        return known
    return header_language(request.headers.get("accept-language"))
