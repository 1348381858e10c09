"""The API's rendering of errors: an IrPatrolError becomes JSON with the status of the one
error-to-status table (:mod:`irpatrol.http_errors`, shared with the web pages); a busy database
(locked, lock timeout) becomes 503 with ``Retry-After``.

The body is ``{"detail": "<message>", "error": "<ErrorClass>"}``.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from irpatrol.db import BUSY_RETRY_AFTER_S, is_database_busy
from irpatrol.errors import IrPatrolError
from irpatrol.http_errors import STATUS_BY_ERROR, UploadTooLarge, headers_for, status_for

__all__ = [
    "ERROR_RESPONSES",
    "STATUS_BY_ERROR",
    "UploadTooLarge",
    "install_error_handlers",
    "status_for",
]


async def irpatrol_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Render an IrPatrolError as JSON with its status."""
    assert isinstance(exc, IrPatrolError)
    body = {"detail": str(exc), "error": type(exc).__name__}
    return JSONResponse(body, status_code=status_for(exc), headers=headers_for(exc))


async def database_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Database busy → 503 with ``Retry-After``; any other OperationalError is re-raised (500)."""
    if not is_database_busy(exc):
        raise exc
    return JSONResponse(
        {"detail": "the database is busy: try again shortly", "error": "DatabaseBusy"},
        status_code=503,
        headers={"Retry-After": str(BUSY_RETRY_AFTER_S)},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handler for the whole error tree and for a busy database on ``app``."""
    app.add_exception_handler(IrPatrolError, irpatrol_error_handler)
    app.add_exception_handler(OperationalError, database_error_handler)


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"description": "Not authenticated, or an invalid or expired token"},
    403: {"description": "The user's role may not do this"},
    422: {"description": "Invalid input"},
}
"""Responses every authenticated endpoint may give (for the OpenAPI description)."""
