"""One authorisation rule per action, shared by the API and the pages (issue 12, item 7).

Every route of the composed app (API and pages, found by walking the app's route table, not from
a hand list) declares the action it performs (``allowed(action)``, read back by
:func:`irpatrol.http_deps.route_action`); the one table :data:`irpatrol.registry.permissions.ACTIONS`
gives that action's least role. Each route is then requested by every role (a fresh session each
time, so routes that sign out do not disturb the others) and anonymously; what happens must agree
with the table: below the route's role → 403, at or above → neither 401/403 nor a redirect to the
login page nor a server error; anonymous → 401 (API) or the login page (pages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from database import sqlite_copy
from irpatrol import db, http_deps
from irpatrol.api.app import create_app
from irpatrol.asgi import compose_app
from irpatrol.config import Settings, ensure_secret_key
from irpatrol.registry import auth, permissions
from irpatrol.registry.auth import ROLES

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def composed(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[TestClient, Settings]]:
    """The app ``irpatrol serve`` runs (API + pages) over a fresh SQLite test database with one
    user per role."""
    settings = sqlite_copy(sqlite_template, Settings(data_dir=tmp_path_factory.mktemp("permissions")))
    with db.session_scope(settings) as session:
        for role in ROLES:
            auth.add_user(session, role, role=role, password=PASSWORD)
    with TestClient(compose_app(create_app(settings))) as client:
        yield client, settings


def app_routes(app: FastAPI) -> dict[tuple[str, str], str | None]:
    """(method, path) → the declared action of every route of ``app``'s route table (API and
    pages)."""
    routes = http_deps.route_actions(app.routes)
    assert len(routes) > 60, "the route walk found too few routes: FastAPI's route table changed?"
    return routes


def route_role(routes: dict[tuple[str, str], str | None], method: str, path: str) -> str:
    """The least role the table gives the action ``method path`` declares."""
    action = routes[(method, path)]
    assert action is not None, f"{method} {path} declares no action"
    return permissions.role_for(action)


def test_every_route_of_api_and_pages_declares_an_action_of_the_table(
    composed: tuple[TestClient, Settings],
) -> None:
    client, _ = composed
    routes = app_routes(client.app)  # type: ignore[arg-type]
    missing = sorted(f"{m} {p}" for (m, p), action in routes.items() if action is None)
    assert not missing, (
        "these routes declare no action (give the route's user parameter, or its dependencies=, "
        "api.deps.allowed(action) / web.deps.allowed(action) with an action of "
        "irpatrol.registry.permissions.ACTIONS): " + ", ".join(missing)
    )
    unknown = sorted(f"{m} {p}: {a}" for (m, p), a in routes.items() if a not in permissions.ACTIONS)
    assert not unknown, "actions missing from permissions.ACTIONS: " + ", ".join(unknown)
    public = sorted(f"{m} {p}" for (m, p), a in routes.items() if a == "public")
    assert public == [
        "GET /", "GET /docs", "GET /health", "GET /redoc", "GET /ui/login",
        "POST /auth/token", "POST /ui/login", "POST /ui/logout",
    ], "a new route open to anyone: is that meant?"


def _fresh_session(settings: Settings, role: str) -> str:
    with db.session_scope(settings) as session:
        user = auth.get_user(session, role)
        assert user is not None
        return auth.start_session(session, user, ensure_secret_key(settings), kind="web")


def _concrete(path: str, role: str) -> str:
    path = path.replace("{username}", role)
    return re.sub(r"\{[^}]+\}", "1", path)


def _request(client: TestClient, settings: Settings, method: str, path: str, role: str | None):
    """``method path`` as ``role`` (None: anonymous): a bearer token for the API, the session and
    CSRF cookies plus the CSRF header for the pages."""
    url = _concrete(path, role or "nobody")
    client.cookies.clear()
    page = path.startswith("/ui")
    headers: dict[str, str] = {}
    if page:
        client.get("/ui/login")
        headers["X-CSRF-Token"] = client.cookies["irpatrol_csrf"]
    if role is not None:
        token = _fresh_session(settings, role)
        if page:
            client.cookies.set("irpatrol_token", token)
        else:
            headers["Authorization"] = f"Bearer {token}"
    return client.request(method, url, headers=headers, follow_redirects=False)


@pytest.mark.slow
def test_every_route_answers_every_role_as_the_table_says(composed: tuple[TestClient, Settings]) -> None:
    client, settings = composed
    wrong: list[str] = []
    routes = app_routes(client.app)  # type: ignore[arg-type]
    for method, path in sorted(routes):
        required = route_role(routes, method, path)
        if required == permissions.PUBLIC:
            continue
        anonymous = _request(client, settings, method, path, None)
        to_login = anonymous.status_code == 303 and "/ui/login" in anonymous.headers.get("location", "")
        if not (anonymous.status_code == 401 or to_login):
            wrong.append(f"anonymous {method} {path}: {anonymous.status_code}")
        for role in ROLES:
            r = _request(client, settings, method, path, role)
            allowed = auth.has_role(role, required)
            refused = r.status_code in (401, 403) or (
                r.status_code == 303 and r.headers.get("location", "").startswith("/ui/login?")
            )
            if allowed and (refused or r.status_code >= 500):
                wrong.append(f"{role} {method} {path}: {r.status_code} but the table allows {required}")
            if not allowed and r.status_code != 403:
                wrong.append(f"{role} {method} {path}: {r.status_code} but the table requires {required}")
    assert not wrong, "routes disagreeing with irpatrol.registry.permissions:\n" + "\n".join(wrong)


def test_a_pilot_may_not_change_a_hazard_on_the_page_either(composed: tuple[TestClient, Settings]) -> None:
    """Item 7: the page refused what the API refused (a pilot moving a hazard along its workflow)."""
    client, settings = composed
    routes = app_routes(client.app)  # type: ignore[arg-type]
    assert routes[("POST", "/hazards/{hazard_id}/transition")] == routes[
        ("POST", "/ui/hazards/{hazard_id}/transition")
    ] == "hazard.transition"
    assert permissions.role_for("hazard.transition") == "analyst"
    r = _request(client, settings, "POST", "/ui/hazards/{hazard_id}/transition", "pilot")
    assert r.status_code == 403
