"""Dependencies every route declares: settings, a database session and the deadline policy (shared
with the web pages, :mod:`irpatrol.http_deps`), the action it performs — ``allowed(action)``, the
user of the bearer token when the one permission table (:data:`irpatrol.registry.permissions.ACTIONS`)
lets their role do it; ``ReadUser`` and ``AccountUser`` for the actions ``read`` and
``own_account`` — and a list's page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Query
from fastapi.security import OAuth2PasswordBearer

from irpatrol.config import ensure_secret_key
from irpatrol.http_deps import (
    DeadlinesDep,
    SessionDep,
    SettingsDep,
    allowed_by,
    get_session,
    get_settings,
)
from irpatrol.registry import auth
from irpatrol.registry.listing import MAX_PER_PAGE, PageRequest
from irpatrol.registry.model import User

__all__ = [
    "MAX_ID",
    "AccountUser",
    "DeadlinesDep",
    "IdFilter",
    "PageDep",
    "ReadUser",
    "RecordId",
    "SessionDep",
    "SettingsDep",
    "allowed",
    "get_current_user",
    "get_session",
    "get_settings",
    "page_params",
]

MAX_ID = 2_147_483_647
"""Largest record id accepted in a path or query (fits every backend's integer column)."""
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="Record id")]
"""A record id in the URL path."""
IdFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]
"""An optional record id in the query string, to filter a list by."""

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_current_user(
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    """The user the bearer token was issued to; 401 when there is none or it is invalid."""
    if not token:
        raise auth.AuthenticationFailed("not authenticated: send 'Authorization: Bearer <token>'")
    return auth.user_for_token(session, token, ensure_secret_key(settings))


def allowed(action: str) -> Any:
    """``Depends`` on the user of the bearer token when :data:`permissions.ACTIONS` lets their role
    do ``action`` (401 without a valid token, 403 below the role, both before the body is read); a
    ``public`` action checks nothing. Declared by every route, as its user parameter
    (``user: Annotated[User, allowed("defect.transition")]``) or in ``dependencies=[...]``."""
    return allowed_by(action, get_current_user)


ReadUser = Annotated[User, allowed("read")]
"""The user of a route that reads (every list, detail, map, report and statistic)."""
AccountUser = Annotated[User, allowed("own_account")]
"""The user of a route acting on their own account (sign out, password, language)."""


def page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="Items per page")] = 50,
    sort: Annotated[
        str | None,
        Query(max_length=64, description="Field to sort by; prefix with '-' for descending"),
    ] = None,
) -> PageRequest:
    """``?page=&per_page=&sort=`` of every list endpoint (pages count from 1), for
    :func:`irpatrol.registry.listing.search_page`."""
    return PageRequest(page=page, per_page=per_page, sort=sort)


PageDep = Annotated[PageRequest, Depends(page_params)]
