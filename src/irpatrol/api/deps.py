"""Dependencies every route declares: settings, a database session and the deadline policy (shared
with the web pages, :mod:`irpatrol.http_deps`), the current user of the bearer token at or above a
role (``ViewerUser``, ``PilotUser``, ``AnalystUser``, ``AdminUser``) and a list's page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Query
from fastapi.security import OAuth2PasswordBearer

from irpatrol.config import ensure_secret_key
from irpatrol.http_deps import DeadlinesDep, SessionDep, SettingsDep, check_role, get_session, get_settings
from irpatrol.registry import auth
from irpatrol.registry.listing import MAX_PER_PAGE, PageRequest
from irpatrol.registry.model import User

__all__ = [
    "MAX_ID",
    "AdminUser",
    "AnalystUser",
    "DeadlinesDep",
    "IdFilter",
    "PageDep",
    "PilotUser",
    "RecordId",
    "SessionDep",
    "SettingsDep",
    "ViewerUser",
    "get_current_user",
    "get_session",
    "get_settings",
    "page_params",
    "require",
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


def require(role: str) -> Callable[..., Awaitable[User]]:
    """A dependency giving the current user if their role is ``role`` or above (403 otherwise)."""
    auth.role_rank(role)

    async def current_user_with_role(user: Annotated[User, Depends(get_current_user)]) -> User:
        return check_role(user, role)

    current_user_with_role.__name__ = f"require_{role}"
    return current_user_with_role


ViewerUser = Annotated[User, Depends(require("viewer"))]
PilotUser = Annotated[User, Depends(require("pilot"))]
AnalystUser = Annotated[User, Depends(require("analyst"))]
AdminUser = Annotated[User, Depends(require("admin"))]


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
