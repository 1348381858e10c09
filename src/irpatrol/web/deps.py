"""What every page declares: the settings, a database session and the deadline policy (shared with
the API, :mod:`irpatrol.http_deps`), the signed-in user (from the token cookie) and role checks.
A page without a valid cookie redirects to the login page (:class:`LoginRequired`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request

from irpatrol.config import ensure_secret_key
from irpatrol.errors import PermissionDenied
from irpatrol.http_deps import DeadlinesDep, SessionDep, SettingsDep, check_role, get_session, get_settings
from irpatrol.registry import auth, permissions
from irpatrol.web.render import PREFIX

if TYPE_CHECKING:
    from irpatrol.registry.model import User
else:
    User = Any

__all__ = [
    "COOKIE",
    "AdminUser",
    "AnalystUser",
    "DeadlinesDep",
    "LoginRequired",
    "PilotUser",
    "SessionDep",
    "SettingsDep",
    "WebUser",
    "current_user",
    "get_session",
    "get_settings",
    "require",
    "route_permission",
]

COOKIE = "irpatrol_token"
"""Cookie holding the signed token of the signed-in user (see :mod:`irpatrol.registry.auth`)."""


class LoginRequired(Exception):
    """No valid session cookie: the page redirects to the login form."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def current_user(request: Request, session: SessionDep, settings: SettingsDep) -> User:
    """The user of the token cookie; LoginRequired when absent, expired or revoked. Their language
    is kept on ``request.state.language``."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise LoginRequired(str(request.url.path))
    try:
        user = auth.user_for_token(session, token, ensure_secret_key(settings))
    except auth.AuthenticationFailed:
        raise LoginRequired(str(request.url.path)) from None
    request.state.language = user.language  # for an error page of this request (web.errors)
    return user


def require(role: str) -> Callable[..., Awaitable[User]]:
    """A dependency giving the signed-in user when their role is ``role`` or above."""

    async def user_with_role(user: Annotated[User, Depends(current_user)]) -> User:
        return check_role(user, role)

    return user_with_role


async def route_permission(request: Request, user: Annotated[User, Depends(current_user)]) -> User:
    """A router dependency: the signed-in user when their role reaches the least role the one
    permission table (:mod:`irpatrol.registry.permissions`) gives this route; checked before the
    form is read, so a role below gets 403 whatever it sent."""
    path = getattr(request.scope.get("route"), "path", "")  # the page router's own path, under /ui
    least = permissions.route_role(request.method, path if path.startswith(PREFIX) else PREFIX + path)
    if least is None:
        raise PermissionDenied(f"{request.method} {request.url.path} has no row in the permission table")
    return user if least == permissions.PUBLIC else check_role(user, least)


WebUser = Annotated[User, Depends(current_user)]
AnalystUser = Annotated[User, Depends(require("analyst"))]
PilotUser = Annotated[User, Depends(require("pilot"))]
AdminUser = Annotated[User, Depends(require("admin"))]
