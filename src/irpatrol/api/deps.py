"""Dependencies every route declares: settings, a database session, and the current user
at or above a role (``ViewerUser``, ``PilotUser``, ``AnalystUser``, ``AdminUser``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from irpatrol.config import Settings, ensure_secret_key
from irpatrol.db import transactional
from irpatrol.errors import PermissionDenied
from irpatrol.registry import auth
from irpatrol.registry.model import User

MAX_ID = 2_147_483_647
"""Largest record id accepted in a path or query (fits every backend's integer column)."""
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="Record id")]
"""A record id in the URL path."""
IdFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]
"""An optional record id in the query string, to filter a list by."""

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with (async: no thread-pool hop for a pure lookup)."""
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: committed when the route returns, rolled back on error."""
    yield from transactional(request.app.state.session_factory)


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


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
        if not auth.has_role(user.role, role):
            raise PermissionDenied(f"role {user.role!r} may not do this; {role!r} or above is required")
        return user

    current_user_with_role.__name__ = f"require_{role}"
    return current_user_with_role


ViewerUser = Annotated[User, Depends(require("viewer"))]
PilotUser = Annotated[User, Depends(require("pilot"))]
AnalystUser = Annotated[User, Depends(require("analyst"))]
AdminUser = Annotated[User, Depends(require("admin"))]


class PageParams:
    """``?page=&per_page=&sort=`` of every list endpoint (pages count from 1)."""

    def __init__(
        self,
        page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1")] = 1,
        per_page: Annotated[int, Query(ge=1, le=500, description="Items per page")] = 50,
        sort: Annotated[
            str | None,
            Query(max_length=64, description="Field to sort by; prefix with '-' for descending"),
        ] = None,
    ) -> None:
        self.page = page
        self.per_page = per_page
        self.sort = sort

    @property
    def offset(self) -> int:
        """Rows to skip before this page."""
        return (self.page - 1) * self.per_page


PageDep = Annotated[PageParams, Depends()]
