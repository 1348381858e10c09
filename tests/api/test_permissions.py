"""One authorisation rule per action, shared by the API and the pages (issue 12, item 7).

Every route of the composed app (API and pages, found by walking the app's route table, not from
a hand list) is looked up in :data:`irpatrol.registry.permissions.ROUTES` and then requested by
every role (a fresh session each time, so routes that sign out do not disturb the others) and
anonymously; what happens must agree with the table: below the route's role → 403, at or above →
neither 401/403 nor a redirect to the login page nor a server error; anonymous → 401 (API) or the
login page (pages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from irpatrol import db
from irpatrol.api.app import create_app
from irpatrol.asgi import compose_app
from irpatrol.config import Settings, ensure_secret_key
from irpatrol.registry import auth, permissions
from irpatrol.registry.auth import ROLES

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Settings]]:
    """The app ``irpatrol serve`` runs (API + pages) over a fresh SQLite database with one user per
    role."""
    data_dir: Path = tmp_path_factory.mktemp("permissions")
    settings = Settings(data_dir=data_dir)
    db.upgrade(settings.effective_database_url)
    with db.session_scope(settings) as session:
        for role in ROLES:
            auth.add_user(session, role, role=role, password=PASSWORD)
    with TestClient(compose_app(create_app(settings))) as client:
        yield client, settings


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route of ``app``'s route table (API and pages)."""
    routes = {(method, path) for method, path, _ in permissions.iter_routes(app.routes)}
    assert len(routes) > 60, "the route walk found too few routes: FastAPI's route table changed?"
    return routes


def test_every_route_of_api_and_pages_is_in_the_permission_table(
    composed: tuple[TestClient, Settings],
) -> None:
    client, _ = composed
    routes = app_routes(client.app)  # type: ignore[arg-type]
    missing = sorted(f"{m} {p}" for m, p in routes if permissions.route_role(m, p) is None)
    assert not missing, (
        "these routes have no row in irpatrol.registry.permissions.ROUTES (add one naming the action "
        "they perform, with the role of ACTIONS): " + ", ".join(missing)
    )
    stale = sorted(key for key in permissions.ROUTES if tuple(key.split(" ", 1)) not in routes)
    assert not stale, "rows of permissions.ROUTES naming no route of the app: " + ", ".join(stale)


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
    for method, path in sorted(app_routes(client.app)):  # type: ignore[arg-type]
        required = permissions.route_role(method, path)
        if required is None or required == permissions.PUBLIC:
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
    assert permissions.route_role("POST", "/hazards/{hazard_id}/transition") == permissions.route_role(
        "POST", "/ui/hazards/{hazard_id}/transition"
    ) == "analyst"
    r = _request(client, settings, "POST", "/ui/hazards/{hazard_id}/transition", "pilot")
    assert r.status_code == 403
