"""Errors on the pages: an IrPatrolError raised under ``/ui`` becomes an HTML page with the
status of the one error-to-status table (:mod:`irpatrol.http_errors`) and the message, in the
signed-in user's language, or the ``Accept-Language`` header's when the user is not known (the
API keeps its JSON answers for its own paths).

The rest of what can go wrong under ``/ui`` gets the same page, never raw JSON, a traceback or a
server path: an unknown address or method (404, 405), a value the route cannot read — a bad id,
date or number (422), an upload over the limit (413), a database too busy (503) and any
unexpected error (500, logged with its traceback on the server only)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope, Send

from irpatrol.errors import IrPatrolError
from irpatrol.http_errors import headers_for, status_for
from irpatrol.http_security import Message
from irpatrol.web.i18n import LABELS, error_text, header_language, translator
from irpatrol.web.render import PREFIX, TEMPLATES

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]

log = logging.getLogger(__name__)

STATUS_MESSAGES = {404: "err_no_such_record", 405: "err_method", 413: "err_too_large", 422: "err_bad_value",
                   500: "err_server", 503: "err_busy"}
"""What the page says for an HTTP status with no irpatrol message (labels in :mod:`.i18n`)."""


def install_page_errors(app: FastAPI) -> None:
    """Render IrPatrolErrors of page requests as HTML; other paths keep the app's handler."""
    previous: Handler | None = app.exception_handlers.get(IrPatrolError)

    async def handler(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(PREFIX) or previous is None:
            return error_page(request, exc)
        result = previous(request, exc)
        return await result if isinstance(result, Awaitable) else result

    app.add_exception_handler(IrPatrolError, handler)
    _install_http_errors(app)


def _install_http_errors(app: FastAPI) -> None:
    """Page versions of FastAPI's own 404/405/413/422 answers, of a busy database and of the 500."""
    previous_http: Handler | None = app.exception_handlers.get(StarletteHTTPException)
    previous_422: Handler | None = app.exception_handlers.get(RequestValidationError)
    previous_db: Handler | None = app.exception_handlers.get(OperationalError)

    async def delegate(previous: Handler | None, request: Request, exc: Exception) -> Response:
        if previous is None:
            raise exc
        result = previous(request, exc)
        return await result if isinstance(result, Awaitable) else result

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not _is_page(request):
            return await delegate(previous_http, request, exc)
        message = "err_no_page" if exc.status_code == 404 else None
        return status_page(request, exc.status_code, headers=getattr(exc, "headers", None), message=message)

    async def validation_error(request: Request, exc: Exception) -> Response:
        if not _is_page(request):
            return await delegate(previous_422, request, exc)
        return status_page(request, 422, fields=_fields(exc))

    async def database_error(request: Request, exc: Exception) -> Response:
        from irpatrol.db import BUSY_RETRY_AFTER_S, is_database_busy

        if not _is_page(request) or not is_database_busy(exc):
            return await delegate(previous_db, request, exc)
        return status_page(request, 503, headers={"Retry-After": str(BUSY_RETRY_AFTER_S)})

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("page %s %s failed", request.method, request.url.path, exc_info=exc)
        if not _is_page(request):
            from fastapi.responses import PlainTextResponse

            return PlainTextResponse("Internal Server Error", status_code=500)
        return status_page(request, 500)

    async def out_of_range(request: Request, exc: Exception) -> Response:
        """An id or number past what the database holds (SQLite: OverflowError; PostgreSQL:
        DataError, "integer out of range"): no such record on a page."""
        if not _is_page(request):
            return await server_error(request, exc)
        return status_page(request, 404 if isinstance(exc, OverflowError) else 422)

    app.add_exception_handler(OverflowError, out_of_range)
    app.add_exception_handler(DataError, out_of_range)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(OperationalError, database_error)
    app.add_exception_handler(Exception, server_error)


def _is_page(request: Request) -> bool:
    return request.url.path.startswith(PREFIX)


def _fields(exc: Exception) -> str:
    """The names of the values a RequestValidationError refused (never their content)."""
    names = []
    for error in getattr(exc, "errors", lambda: [])():
        loc = [str(part) for part in error.get("loc", ()) if part not in ("path", "query", "body", "form")]
        if loc and loc[-1] not in names:
            names.append(loc[-1])
    return ", ".join(names[:5])


def status_page(request: Request, status: int, *, fields: str = "", message: str | None = None,
                headers: dict[str, str] | None = None) -> HTMLResponse:
    """The error page for an HTTP ``status`` without an irpatrol message, in the page's language
    (the signed-in user's even where no route ran to look them up, e.g. an unknown address)."""
    if getattr(request.state, "language", None) is None and status < 500:
        _cookie_language(request)
    lang = page_language(request)
    t = translator(lang)
    title = t(f"error_{status}" if f"error_{status}" in LABELS else "error_other")
    text = t(message or STATUS_MESSAGES.get(status, "err_server" if status >= 500 else "err_bad_value"))
    if fields:
        text = f"{text} ({fields})"
    context = {"message": text, "status": status, "title": title, "lang": lang, "t": t, "P": PREFIX}
    return TEMPLATES.TemplateResponse(request, "error.html", context, status_code=status, headers=headers)


def error_page(request: Request, exc: Exception) -> HTMLResponse:
    """A plain page naming the problem, with a way back; its status from the one error-to-status
    table the API uses too (:mod:`irpatrol.http_errors`)."""
    status = status_for(exc)
    headers = headers_for(exc) if status != 401 else None  # a page is not a bearer-token client
    lang = page_language(request)
    message = exc.message if isinstance(exc, IrPatrolError) else str(exc)
    t = translator(lang)
    title = t(f"error_{status}" if f"error_{status}" in LABELS else "error_other")
    context = {"message": error_text(message, lang), "status": status, "title": title, "lang": lang, "t": t,
               "P": PREFIX}
    return TEMPLATES.TemplateResponse(request, "error.html", context, status_code=status, headers=headers)


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


def _cookie_language(request: Request) -> None:
    """Look up the user of the token cookie (when there is one) and keep their language on
    ``request.state.language``; nothing when it cannot be read."""
    from irpatrol.web.deps import COOKIE, current_user

    factory = getattr(request.app.state, "session_factory", None)
    settings = getattr(request.app.state, "settings", None)
    if not request.cookies.get(COOKIE) or factory is None or settings is None:
        return
    try:
        with factory() as session:
            current_user(request, session, settings)
    except Exception:  # no valid session, or no database: the browser's language decides
        log.debug("error page: no user for the cookie", exc_info=True)


def page_language(request: Request) -> str:
    """The signed-in user's language (set by :func:`irpatrol.web.deps.current_user`), else the one
    ``Accept-Language`` prefers, else English."""
    known = getattr(request.state, "language", None)
    if known in ("en", "zh"):
        return known
    return header_language(request.headers.get("accept-language"))
