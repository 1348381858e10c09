"""The one table from the irpatrol error tree to HTTP statuses, shared by both HTTP entry points:
the API renders a matching error as JSON (:mod:`irpatrol.api.errors`), the web pages render the
same status as their friendly page (:mod:`irpatrol.web.errors`).

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
=======================================  ======
"""

from __future__ import annotations

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

__all__ = ["DEFAULT_STATUS", "STATUS_BY_ERROR", "UploadTooLarge", "headers_for", "status_for"]


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

DEFAULT_STATUS = 400
"""The status of an IrPatrolError no row of :data:`STATUS_BY_ERROR` matches."""


def status_for(exc: BaseException) -> int:
    """HTTP status for an irpatrol error (:data:`DEFAULT_STATUS` when no row matches)."""
    return next((status for cls, status in STATUS_BY_ERROR if isinstance(exc, cls)), DEFAULT_STATUS)


def headers_for(exc: BaseException) -> dict[str, str] | None:
    """Headers the status of ``exc`` asks for: ``WWW-Authenticate`` on 401, ``Retry-After`` when
    sign-ins are throttled."""
    if isinstance(exc, LoginThrottled):
        return {"Retry-After": str(exc.retry_after_s)}
    if status_for(exc) == 401:
        return {"WWW-Authenticate": "Bearer"}
    return None
