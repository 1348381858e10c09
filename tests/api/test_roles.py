"""Role boundaries on every endpoint: anonymous → 401, a role below the endpoint's → 403, the
endpoint's own role → neither (whatever the body: 2xx, 404 or 422).

:func:`min_role` (the least role of the action each API route declares, read from the app's route
table and :data:`irpatrol.registry.permissions.ACTIONS`) must cover every route of the OpenAPI
description; a route declaring no action fails :func:`test_every_route_has_a_declared_role`, so a
new endpoint cannot slip through unchecked.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from irpatrol import db, http_deps
from irpatrol.config import Settings
from irpatrol.registry import defects, permissions
from irpatrol.registry.auth import ROLES

PUBLIC = {("GET", "/health"), ("POST", "/auth/token")}



def min_role(client: TestClient) -> dict[tuple[str, str], str]:
    """(method, path) → the least role of the action each non-public API route declares."""
    return {
        key: permissions.role_for(action)
        for key, action in http_deps.route_actions(client.app.routes).items()  # type: ignore[attr-defined]
        if action is not None and permissions.role_for(action) != permissions.PUBLIC
    }

ENDS_OWN_SESSION = {("POST", "/auth/logout"), ("POST", "/auth/logout-all")}
"""Routes that end the shared token's session: probed with fresh sessions in test_permissions."""


def app_routes(client: TestClient) -> set[tuple[str, str]]:
    """(method, path) of every API route (from the app's OpenAPI description)."""
    paths = client.app.openapi()["paths"]
    out = {(method.upper(), path) for path, ops in paths.items() for method in ops}
    assert len(out) > 20
    return out


def concrete(path: str) -> str:
    """The path with every ``{param}`` set to 1."""
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_has_a_declared_role(client: TestClient) -> None:
    routes = app_routes(client)
    declared = min_role(client)
    undeclared = routes - set(declared) - PUBLIC
    assert not undeclared, f"routes declaring no action (api.deps.allowed): {sorted(undeclared)}"
    missing = set(declared) - routes
    assert not missing, f"routes with an action missing from the OpenAPI description: {sorted(missing)}"


def test_anonymous_gets_401_everywhere_but_login_health_and_docs(client: TestClient) -> None:
    for method, path in sorted(app_routes(client) - PUBLIC):
        r = client.request(method, concrete(path))
        assert r.status_code == 401, (method, path, r.status_code, r.text)
        assert r.headers.get("www-authenticate") == "Bearer"
    assert client.get("/health").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200


def test_roles_below_the_required_one_get_403(client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    routes = app_routes(client)
    for (method, path), required in sorted(min_role(client).items()):
        if (method, path) not in routes:
            continue
        for role in ROLES[: ROLES.index(required)]:
            r = client.request(method, concrete(path), headers=headers[role])
            assert r.status_code == 403, (role, method, path, r.status_code, r.text)


def test_the_required_role_passes_the_check(client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    routes = app_routes(client)
    for (method, path), required in sorted(min_role(client).items()):
        if (method, path) not in routes or (method, path) in ENDS_OWN_SESSION:
            continue
        r = client.request(method, concrete(path), headers=headers[required])
        assert r.status_code not in (401, 403), (required, method, path, r.status_code, r.text)
        assert r.status_code < 500, (required, method, path, r.status_code, r.text)


@pytest.fixture
def new_defect(settings: Settings) -> int:
    """A fresh defect in status ``new``."""
    with db.session_scope(settings) as session:
        return defects.open_defect(session, grade="serious", pole_id=None, description="role test").id


def test_a_viewer_cannot_transition_a_defect(
    client: TestClient, headers: dict[str, dict[str, str]], new_defect: int
) -> None:
    body = {"to": "confirmed", "comment": "looks real"}
    r = client.post(f"/defects/{new_defect}/transition", json=body, headers=headers["viewer"])
    assert r.status_code == 403
    assert client.get(f"/defects/{new_defect}", headers=headers["viewer"]).json()["status"] == "new"
    r = client.post(f"/defects/{new_defect}/transition", json=body, headers=headers["analyst"])
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["status"] == "confirmed"
    assert detail["events"][-1]["user"] == "analyst"
    assert detail["events"][-1]["comment"] == "looks real"


def test_a_pilot_cannot_delete_assets(client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    csv = "feeder,pole,lat,lon\nF-DEL,D1,30.5,120.5\n"
    r = client.post("/assets/import", files={"file": ("p.csv", csv, "text/csv")}, headers=headers["admin"])
    assert r.status_code == 200, r.text
    poles = client.get("/assets/poles", params={"feeder": "F-DEL"}, headers=headers["viewer"]).json()
    pole_id = poles["items"][0]["id"]
    r = client.delete(f"/assets/poles/{pole_id}", params={"reason": "gone"}, headers=headers["pilot"])
    assert r.status_code == 403
    assert client.get(f"/assets/poles/{pole_id}", headers=headers["viewer"]).status_code == 200
    r = client.delete(f"/assets/poles/{pole_id}", headers=headers["admin"])
    assert r.status_code == 422, "a reason is required"
    reason = {"reason": "pole replaced"}
    r = client.delete(f"/assets/poles/{pole_id}", params=reason, headers=headers["admin"])
    assert r.status_code == 200, r.text
    assert client.get(f"/assets/poles/{pole_id}", headers=headers["viewer"]).status_code == 404


def test_only_an_admin_creates_users(client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    body = {"username": "new-pilot", "password": "a-long-password", "role": "pilot"}
    assert client.post("/users", json=body, headers=headers["analyst"]).status_code == 403
    r = client.post("/users", json=body, headers=headers["admin"])
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "pilot"
    assert client.post("/users", json=body, headers=headers["admin"]).status_code == 409
    login = client.post("/auth/token", data={"username": "new-pilot", "password": "a-long-password"})
    assert login.status_code == 200
