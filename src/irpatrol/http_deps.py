"""The dependencies both HTTP entry points declare (the API routes and the web pages), read from
what the composition root :func:`irpatrol.api.app.create_app` put on ``app.state``: the settings
the app was created with, one database session per request from its session factory, the
deadline policy built from those settings, and the permission check. Nothing here reads the
environment.

Every route declares the action it performs (``api.deps.allowed(action)``,
``web.deps.allowed(action)``: a dependency built by :func:`allowed_by`), and the one
permission table (:data:`irpatrol.registry.permissions.ACTIONS`) gives the least role of each
action. The route → action map is read back from the app's route table (:func:`route_actions`),
so ``tests/api/test_permissions.py`` walks every route × every role against the table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from irpatrol.config import Settings
from irpatrol.db import transactional
from irpatrol.errors import PermissionDenied
from irpatrol.registry import auth, permissions
from irpatrol.registry.defects import DeadlinePolicy
from irpatrol.registry.model import User

__all__ = [
    "DeadlinesDep",
    "SessionDep",
    "SettingsDep",
    "allowed_by",
    "check_role",
    "get_deadlines",
    "get_session",
    "get_settings",
    "iter_routes",
    "route_action",
    "route_actions",
]

ACTION_ATTRIBUTE = "irpatrol_action"
"""The attribute naming the action on the dependency a route declares (see :func:`route_action`)."""


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with (async: no thread-pool hop for a pure lookup)."""
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: committed when the route returns, before the response is sent
    (:data:`SessionDep`), rolled back on error."""
    yield from transactional(request.app.state.session_factory)


async def get_deadlines(request: Request) -> DeadlinePolicy:
    """The repair deadlines of the settings the app was created with."""
    return DeadlinePolicy.from_settings(request.app.state.settings)


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
"""The request's session, committed when the route function returns and *before* the response is sent
(``scope="function"``, FastAPI ≥ 0.121). By default, since FastAPI 0.118, the code after a dependency's
``yield`` runs after the response has gone out: a client was told "saved" (303, 201) before the commit,
which could still fail, and a browser test that read the database right after the answer found the new
user missing (``tests/web/test_browser_security.py``, once in a CI run of 1,777 tests)."""
DeadlinesDep = Annotated[DeadlinePolicy, Depends(get_deadlines)]


def check_role(user: User, role: str) -> User:
    """``user`` when their role is ``role`` or above; PermissionDenied otherwise."""
    if not auth.has_role(user.role, role):
        raise PermissionDenied(f"role {user.role!r} may not do this; {role!r} or above is required")
    return user


def allowed_by(action: str, current_user: Callable[..., Any]) -> Any:
    """``Depends`` on the user ``current_user`` (the API's bearer-token user, the pages' signed-in
    user) when :data:`permissions.ACTIONS` lets their role do ``action``; a ``public`` action checks
    nothing. The dependency is marked with ``action`` so that :func:`route_action` finds it in the
    route table. KeyError for an action not in the table, at import time of the route's module."""
    least = permissions.role_for(action)
    if least == permissions.PUBLIC:
        async def anyone() -> None:
            return None

        dependency: Callable[..., Awaitable[Any]] = anyone
    else:
        async def user_allowed(user: User = Depends(current_user)) -> User:
            return check_role(user, least)

        dependency = user_allowed
    dependency.__name__ = f"allowed_{action.replace('.', '_')}"
    setattr(dependency, ACTION_ATTRIBUTE, action)
    return Depends(dependency)


def route_action(route: APIRoute) -> str | None:
    """The action ``route`` declares (None when it declares none); ValueError when it declares
    two different ones."""
    actions: set[str] = set()
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        action = getattr(dependant.call, ACTION_ATTRIBUTE, None)
        if action is not None:
            actions.add(action)
        pending.extend(dependant.dependencies)
    if len(actions) > 1:
        raise ValueError(f"{route.path} declares several actions: {sorted(actions)}")
    return next(iter(actions), None)


def route_actions(routes: Iterable[Any]) -> dict[tuple[str, str], str | None]:
    """``(method, full path)`` → the action of every route under ``routes`` (an app's ``routes``)."""
    return {(method, path): route_action(route) for method, path, route in iter_routes(routes)}


def iter_routes(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, str, APIRoute]]:
    """``(method, full path, route)`` of every FastAPI route under ``routes`` (an app's or a
    router's ``routes``), included routers followed (also FastAPI's lazily included ones)."""
    for route in routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods or ()):
                yield method, prefix + route.path, route
        elif hasattr(route, "original_router"):  # FastAPI ≥ 0.16x: an included router, resolved lazily
            context = getattr(route, "include_context", None)
            yield from iter_routes(route.original_router.routes, prefix + getattr(context, "prefix", ""))
