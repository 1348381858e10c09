"""The dependencies both HTTP entry points declare (the API routes and the web pages), read from
what the composition root :func:`irpatrol.api.app.create_app` put on ``app.state``: the settings
the app was created with, one database session per request from its session factory, the
deadline policy built from those settings, and the role check. Nothing here reads the
environment.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from irpatrol.config import Settings
from irpatrol.db import transactional
from irpatrol.errors import PermissionDenied
from irpatrol.registry import auth
from irpatrol.registry.defects import DeadlinePolicy

if TYPE_CHECKING:
    from irpatrol.registry.model import User

__all__ = [
    "DeadlinesDep",
    "SessionDep",
    "SettingsDep",
    "check_role",
    "get_deadlines",
    "get_session",
    "get_settings",
]


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with (async: no thread-pool hop for a pure lookup)."""
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: committed when the route returns, rolled back on error."""
    yield from transactional(request.app.state.session_factory)


async def get_deadlines(request: Request) -> DeadlinePolicy:
    """The repair deadlines of the settings the app was created with."""
    return DeadlinePolicy.from_settings(request.app.state.settings)


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
DeadlinesDep = Annotated[DeadlinePolicy, Depends(get_deadlines)]


def check_role(user: User, role: str) -> User:
    """``user`` when their role is ``role`` or above; PermissionDenied otherwise."""
    if not auth.has_role(user.role, role):
        raise PermissionDenied(f"role {user.role!r} may not do this; {role!r} or above is required")
    return user
