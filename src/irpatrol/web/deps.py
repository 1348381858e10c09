"""What every page declares: the settings, a database session and the deadline policy (shared with
the API, :mod:`irpatrol.http_deps`) and the action it performs — ``allowed(action)``, the signed-in
user (from the token cookie) when the one permission table
(:data:`irpatrol.registry.permissions.ACTIONS`) lets their role do it; ``ReadUser`` and
``AccountUser`` for ``read`` and ``own_account``. A page without a valid cookie redirects to the
login page (:class:`LoginRequired`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Request

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

if TYPE_CHECKING:
    from irpatrol.registry.model import User
else:
    User = Any

__all__ = [
    "COOKIE",
    "AccountUser",
    "DeadlinesDep",
    "LoginRequired",
    "ReadUser",
    "SessionDep",
    "SettingsDep",
    "allowed",
    "current_user",
    "get_session",
    "get_settings",
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


def allowed(action: str) -> Any:
    """``Depends`` on the signed-in user when :data:`permissions.ACTIONS` lets their role do
    ``action`` (the login page without a valid cookie, 403 below the role, both before the form is
    read, so a role below gets 403 whatever it sent); a ``public`` action checks nothing. Declared
    by every page route, as its user parameter (``user: Annotated[User, allowed("hazard.photo")]``)
    or in ``dependencies=[...]``."""
    return allowed_by(action, current_user)


ReadUser = Annotated[User, allowed("read")]
"""The user of a page that reads (every list, detail, map, report and statistic)."""
AccountUser = Annotated[User, allowed("own_account")]
"""The user of a page acting on their own account (password, language, sign out everywhere)."""
