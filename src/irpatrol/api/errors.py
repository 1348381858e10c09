"""The one translation of the irpatrol error tree into HTTP responses.

=======================================  ======
error                                    status
=======================================  ======
``registry.auth.AuthenticationFailed``   401 (with ``WWW-Authenticate: Bearer``)
``registry.auth.LoginThrottled``         429 (with ``Retry-After``)
``PermissionDenied``                     403
``NotFound``                             404
``Conflict``                             409
``UploadTooLarge``                       413
``InputError`` / ``ParameterError``      422
``PlanningError``                        422
any other ``IrPatrolError``              400
database busy (locked, lock timeout)     503 (with ``Retry-After``)
=======================================  ======

The body is ``{"detail": "<message>", "error": "<ErrorClass>"}``.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from irpatrol.db import BUSY_RETRY_AFTER_S, is_database_busy
from irpatrol.errors import (
    Conflict,
    InputError,
    IrPatrolError,
    NotFound,
    ParameterError,
    PermissionDenied,
    PlanningError,
)
from irpatrol.registry.auth import AuthenticationFailed, LoginThrottled


class UploadTooLarge(InputError):
    """An upload longer than ``settings.upload_limit_bytes``."""


STATUS_BY_ERROR: tuple[tuple[type[IrPatrolError], int], ...] = (
    (AuthenticationFailed, 401),
    (LoginThrottled, 429),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (UploadTooLarge, 413),
    (InputError, 422),
    (ParameterError, 422),
    (PlanningError, 422),
)
"""Most specific first: the first class an error is an instance of gives its status."""


def status_for(exc: IrPatrolError) -> int:
    """HTTP status for an irpatrol error (400 when no row matches)."""
    return next((status for cls, status in STATUS_BY_ERROR if isinstance(exc, cls)), 400)


async def irpatrol_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Render an IrPatrolError as JSON with its status."""
    assert isinstance(exc, IrPatrolError)
    status = status_for(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(exc, LoginThrottled):
        headers = {"Retry-After": str(exc.retry_after_s)}
    return JSONResponse(
        {"detail": str(exc), "error": type(exc).__name__}, status_code=status, headers=headers
    )


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
