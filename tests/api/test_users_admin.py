"""Users and roles over HTTP: ``PATCH /users/{username}`` (role, active, language), the audit
trail, revoked tokens of a deactivated user and the last-admin guard."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from irpatrol import db
from irpatrol.api.app import create_app
from irpatrol.config import Settings
from irpatrol.errors import Conflict, PermissionDenied
from irpatrol.registry import auth
from irpatrol.registry.model import AuditLog

PASSWORD = "a-password-of-its-own"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres", id="postgres", marks=[pytest.mark.postgres, pytest.mark.xdist_group("postgres")]
    ),
]


@dataclass
class Own:
    """A client over a database of its own with one admin (``root``) and a viewer (``v1``)."""

    client: TestClient
    settings: Settings

    def token(self, username: str, password: str = PASSWORD) -> dict[str, str]:
        r = self.client.post("/auth/token", data={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture(params=BACKENDS)
def own(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, backend_maker: Callable
) -> Iterator[Own]:
    gen = backend_maker(request.param, tmp_path_factory.mktemp("users"))
    backend = next(gen)
    with db.session_scope(backend.settings) as session:
        auth.add_user(session, "root", role="admin", password=PASSWORD)
        auth.add_user(session, "v1", role="viewer", password=PASSWORD)
    try:
        with TestClient(create_app(backend.settings)) as client:
            yield Own(client, backend.settings)
    finally:
        gen.close()


def audit(settings: Settings, action: str) -> list[tuple[str | None, dict]]:
    with db.session_scope(settings) as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))
        return [(r.username, r.detail or {}) for r in rows]


def test_an_admin_changes_a_role_and_it_is_audited(own: Own) -> None:
    root = own.token("root")
    r = own.client.patch("/users/v1", json={"role": "analyst"}, headers=root)
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "analyst"
    assert own.client.get("/users/me", headers=own.token("v1")).json()["role"] == "analyst"
    assert audit(own.settings, "set_role") == [
        ("root", {"username": "v1", "from": "viewer", "to": "analyst"})
    ]
    assert own.client.patch("/users/v1", json={"role": "boss"}, headers=root).status_code == 422
    assert own.client.patch("/users/nobody", json={"role": "pilot"}, headers=root).status_code == 404


def test_non_admins_may_only_change_their_own_language(own: Own) -> None:
    v1 = own.token("v1")
    assert own.client.patch("/users/v1", json={"role": "admin"}, headers=v1).status_code == 403
    assert own.client.patch("/users/v1", json={"active": False}, headers=v1).status_code == 403
    assert own.client.patch("/users/root", json={"language": "zh"}, headers=v1).status_code == 403
    r = own.client.patch("/users/v1", json={"language": "zh"}, headers=v1)
    assert r.status_code == 200 and r.json()["language"] == "zh" and r.json()["role"] == "viewer"
    assert own.client.patch("/users/v1", json={"language": "fr"}, headers=v1).status_code == 422
    assert audit(own.settings, "set_language") == [("v1", {"username": "v1", "from": "en", "to": "zh"})]


def test_deactivating_a_user_revokes_their_tokens(own: Own) -> None:
    root, v1 = own.token("root"), own.token("v1")
    assert own.client.get("/users/me", headers=v1).status_code == 200
    r = own.client.patch("/users/v1", json={"active": False}, headers=root)
    assert r.status_code == 200 and r.json()["active"] is False
    assert own.client.get("/users/me", headers=v1).status_code == 401
    login = own.client.post("/auth/token", data={"username": "v1", "password": PASSWORD})
    assert login.status_code == 401
    assert own.client.patch("/users/v1", json={"active": True}, headers=root).status_code == 200
    assert own.client.get("/users/me", headers=v1).status_code == 401, "its session ended for good"
    assert own.client.post("/auth/token", data={"username": "v1", "password": PASSWORD}).status_code == 200
    assert [a for _, a in audit(own.settings, "deactivate")] == [{"username": "v1"}]
    assert [a for _, a in audit(own.settings, "activate")] == [{"username": "v1"}]


def test_the_last_active_admin_keeps_the_role(own: Own) -> None:
    root = own.token("root")
    for body in ({"role": "analyst"}, {"active": False}):
        r = own.client.patch("/users/root", json=body, headers=root)
        assert r.status_code == 409, r.text
        assert "last active admin" in r.json()["detail"]
    assert own.client.get("/users/me", headers=root).json()["role"] == "admin"
    # with a second admin, the first may step down; then the second is the last one
    assert own.client.patch("/users/v1", json={"role": "admin"}, headers=root).status_code == 200
    assert own.client.patch("/users/root", json={"role": "pilot"}, headers=root).status_code == 200
    v1 = own.token("v1")
    assert own.client.patch("/users/v1", json={"active": False}, headers=v1).status_code == 409
    assert own.client.patch("/users/root", json={"role": "admin"}, headers=root).status_code == 403


def test_an_inactive_admin_does_not_count_as_the_other_admin(own: Own) -> None:
    with db.session_scope(own.settings) as session:
        auth.add_user(session, "root2", role="admin", password=PASSWORD)
        auth.set_active(session, "root2", False, by="test")
        with pytest.raises(Conflict):
            auth.set_role(session, "root", "viewer")
        actor = auth.get_user(session, "v1")
        with pytest.raises(PermissionDenied):
            auth.update_user(session, actor, "root2", active=True)
        auth.set_active(session, "root2", True, by="test")
        auth.set_role(session, "root", "viewer", by="test")
        assert auth.get_user(session, "root").role == "viewer"
