"""API test fixtures: one migrated database per backend (the test database of :mod:`database`:
SQLite always, PostgreSQL when ``IRPATROL_TEST_POSTGRES_URL`` is set, in a schema of its own,
dropped afterwards), users of every role with their tokens, and an in-process TestClient.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from database import BACKENDS, migrated_settings
from irpatrol import db
from irpatrol.api.app import create_app
from irpatrol.config import Settings
from irpatrol.registry import auth
from irpatrol.registry.auth import ROLES

PASSWORD = "correct horse battery"


@dataclass
class Backend:
    """A migrated database and the settings pointing at it."""

    name: str
    settings: Settings


def make_backend(name: str, data_dir: Path, sqlite_template: Path) -> Iterator[Backend]:
    """Create and migrate a database for ``name``; drop it afterwards (PostgreSQL schema)."""
    with migrated_settings(name, data_dir, sqlite_template, upload_limit_bytes=2_000_000) as settings:
        yield Backend(name, settings)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Backend]:
    """A migrated database with one active user per role (password :data:`PASSWORD`)."""
    data_dir = tmp_path_factory.mktemp(f"data-{request.param}")
    gen = make_backend(request.param, data_dir, sqlite_template)
    backend = next(gen)
    with db.session_scope(backend.settings) as session:
        for role in ROLES:
            auth.add_user(session, role, role=role, password=PASSWORD)
    yield backend
    gen.close()


@pytest.fixture(scope="session")
def client(backend: Backend) -> Iterator[TestClient]:
    """An in-process client of the app over ``backend`` (lifespan run)."""
    with TestClient(create_app(backend.settings)) as c:
        yield c


@pytest.fixture(scope="session")
def tokens(client: TestClient) -> dict[str, str]:
    """A bearer token per role, obtained through ``POST /auth/token``."""
    out = {}
    for role in ROLES:
        r = client.post("/auth/token", data={"username": role, "password": PASSWORD})
        assert r.status_code == 200, r.text
        out[role] = r.json()["access_token"]
    return out


@pytest.fixture(scope="session")
def headers(tokens: dict[str, str]) -> dict[str, dict[str, str]]:
    """``Authorization`` headers per role."""
    return {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}


@pytest.fixture(scope="session")
def settings(backend: Backend) -> Settings:
    """Settings of the database under test."""
    return backend.settings


@pytest.fixture(scope="session")
def password() -> str:
    """The password of every role's user."""
    return PASSWORD


@pytest.fixture(scope="session")
def backend_maker(sqlite_template: Path) -> Callable[[str, Path], Iterator[Backend]]:
    """:func:`make_backend` (over the SQLite template), for tests that need a database of their own."""
    return lambda name, data_dir: make_backend(name, data_dir, sqlite_template)
