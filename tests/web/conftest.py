"""A web app over a small seeded SQLite registry (no API engineer's app needed): one feeder of
five poles, a patrol with two stored thermograms, a serious defect, a hazard and two users. The
database is the test database of ``tests/conftest.py`` (a copy of the migrated SQLite template);
the rows come from ``tests/factories.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_registry import pages_over, seed, sign_in

from irpatrol.config import Settings


@pytest.fixture(scope="module")
def web(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[TestClient, dict[str, int]]]:
    """A TestClient of an app with the pages installed, and the seeded ids."""
    data_dir = tmp_path_factory.mktemp("web")
    settings = Settings(data_dir=data_dir, upload_limit_bytes=2_000_000)
    with pages_over(settings, sqlite_template) as (client, sessions):
        with sessions() as session:
            ids = seed(session, data_dir)
        yield client, ids


@pytest.fixture
def login() -> object:
    """:func:`sign_in` as a fixture."""
    return sign_in
