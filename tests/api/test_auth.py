"""Passwords, tokens and roles (registry/auth.py) and ``POST /auth/token``."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from irpatrol import db
from irpatrol.config import Settings
from irpatrol.errors import Conflict, ParameterError
from irpatrol.registry import auth


def fake_user(password_hash: str = "h1", user_id: int = 7) -> SimpleNamespace:
    return SimpleNamespace(id=user_id, password_hash=password_hash)


def test_password_hash_is_argon2_and_verifies_only_the_same_password() -> None:
    h = auth.hash_password("s3cret-pass")
    assert h.startswith("$argon2id$")
    assert auth.verify_password(h, "s3cret-pass")
    assert not auth.verify_password(h, "s3cret-Pass")
    assert not auth.verify_password("not a hash", "s3cret-pass")


def test_token_round_trip_and_expiry() -> None:
    token = auth.create_token(fake_user(), "key", ttl_s=60, now=1000.0)
    assert auth.read_token(token, "key", now=1059.0)["sub"] == 7
    with pytest.raises(auth.AuthenticationFailed, match="expired"):
        auth.read_token(token, "key", now=1061.0)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t + "x",
        lambda t: t.replace(".", ""),
        lambda t: "x" + t,
        lambda t: "",
        lambda t: "a.b.c",
    ],
)
def test_tampered_tokens_are_refused(mangle: Callable[[str], str]) -> None:
    token = auth.create_token(fake_user(), "key", now=1000.0)
    with pytest.raises(auth.AuthenticationFailed):
        auth.read_token(mangle(token), "key", now=1001.0)


def test_token_signed_with_another_key_is_refused() -> None:
    token = auth.create_token(fake_user(), "key-a", now=1000.0)
    with pytest.raises(auth.AuthenticationFailed):
        auth.read_token(token, "key-b", now=1001.0)


def test_roles_are_ordered() -> None:
    assert auth.has_role("admin", "viewer")
    assert auth.has_role("analyst", "pilot")
    assert auth.has_role("pilot", "pilot")
    assert not auth.has_role("pilot", "analyst")
    assert not auth.has_role("viewer", "pilot")
    with pytest.raises(ParameterError, match="unknown role"):
        auth.has_role("root", "viewer")


def test_login_gives_a_working_token(client: TestClient, password: str) -> None:
    r = client.post("/auth/token", data={"username": "analyst", "password": password})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["role"] == "analyst"
    me = client.get("/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "analyst"
    assert "password_hash" not in me.json()


@pytest.mark.parametrize(("username", "wrong"), [("analyst", True), ("nobody", False)])
def test_wrong_credentials_get_401(client: TestClient, password: str, username: str, wrong: bool) -> None:
    r = client.post(
        "/auth/token", data={"username": username, "password": "x" + password if wrong else password}
    )
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["detail"] == "wrong username or password"


def test_garbage_token_gets_401(client: TestClient) -> None:
    r = client.get("/users/me", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401


def test_changing_the_password_or_deactivating_revokes_tokens(client: TestClient, settings: Settings) -> None:
    with db.session_scope(settings) as session:
        auth.add_user(session, "temp-user", role="viewer", password="first-password")
    token = client.post("/auth/token", data={"username": "temp-user", "password": "first-password"}).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert client.get("/users/me", headers=bearer).status_code == 200
    with db.session_scope(settings) as session:
        auth.change_password(session, auth.get_user(session, "temp-user"), "second-password")
    assert client.get("/users/me", headers=bearer).status_code == 401
    token = client.post("/auth/token", data={"username": "temp-user", "password": "second-password"}).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    with db.session_scope(settings) as session:
        auth.get_user(session, "temp-user").active = False
    assert client.get("/users/me", headers=bearer).status_code == 401
    r = client.post("/auth/token", data={"username": "temp-user", "password": "second-password"})
    assert r.status_code == 401


def test_add_user_refuses_duplicates_and_bad_values(settings: Settings, password: str) -> None:
    with db.session_scope(settings) as session:
        with pytest.raises(Conflict):
            auth.add_user(session, "viewer", role="viewer", password=password)
        with pytest.raises(ParameterError, match="role"):
            auth.add_user(session, "someone", role="superuser", password=password)
        with pytest.raises(ParameterError, match="too short"):
            auth.add_user(session, "someone", role="viewer", password="short")
        with pytest.raises(ParameterError, match="language"):
            auth.add_user(session, "someone", role="viewer", password=password, language="fr")
