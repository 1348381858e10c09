"""A web app over a small seeded SQLite registry (no API engineer's app needed): one feeder of
five poles, a patrol with two stored thermograms, a serious defect, a hazard and two users. The
database is the test database of ``tests/conftest.py`` (a copy of the migrated SQLite template);
the rows come from ``tests/factories.py``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_registry import seed, sign_in, with_csrf

from irpatrol.config import Settings
from irpatrol.db import make_engine, session_factory
from irpatrol.web.views import install


@pytest.fixture(scope="module")
def web(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[TestClient, dict[str, int]]]:
    """A TestClient of an app with the pages installed, and the seeded ids."""
    data_dir = tmp_path_factory.mktemp("web")
    settings = Settings(data_dir=data_dir, upload_limit_bytes=2_000_000)
    shutil.copyfile(sqlite_template, data_dir / "irpatrol.sqlite")
    engine = make_engine(settings.effective_database_url)
    assert engine.url.database == str(data_dir / "irpatrol.sqlite")
    sessions = session_factory(engine)
    with sessions() as session:
        ids = seed(session, data_dir)
    app = FastAPI()
    app.state.settings = settings
    app.state.session_factory = sessions
    install(app)
    with TestClient(app) as client:
        with_csrf(client)
        yield client, ids
    engine.dispose()


@pytest.fixture
def login() -> object:
    """:func:`sign_in` as a fixture."""
    return sign_in
