"""The test database, one way for every test folder (imported by ``tests/conftest.py`` and the
folder conftests; the fixtures themselves live in ``tests/conftest.py``).

Storage tests run on SQLite always and on PostgreSQL when ``IRPATROL_TEST_POSTGRES_URL`` is set
(e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``), each test session in a schema of its
own, dropped afterwards, so parallel runs never collide. Unset: the PostgreSQL variants skip, except
under ``CI=true`` where they fail; set but unreachable: they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from irpatrol import db
from irpatrol.config import Settings
from irpatrol.registry.model import Base
from sample_files import IN_CI

PG_ENV = "IRPATROL_TEST_POSTGRES_URL"
PG_MARKS = [pytest.mark.postgres, pytest.mark.xdist_group("postgres")]
"""Marks of a PostgreSQL variant: all of them run in one xdist worker (one server, one schema)."""
BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=PG_MARKS)]
"""``params`` of a fixture that gives each test a database on both backends."""


def postgres_base_url() -> str:
    """The PostgreSQL server to test against: skips when :data:`PG_ENV` is unset (fails under
    ``CI=true``, where the PostgreSQL tests must run)."""
    url = os.environ.get(PG_ENV)
    if not url:
        if IN_CI:
            pytest.fail(f"{PG_ENV} not set, and CI=true needs the PostgreSQL tests")
        pytest.skip(f"{PG_ENV} not set")
    return url


@contextlib.contextmanager
def postgres_schema(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL schema named after ``prefix`` (dropped afterwards);
    fails when the server is unreachable."""
    base = postgres_base_url()
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(db.scratch_schema(base, prefix))
        except sa.exc.OperationalError as exc:
            pytest.fail(f"{PG_ENV} is set but PostgreSQL is unreachable: {exc.orig}")
        yield url


def empty(engine: sa.Engine) -> None:
    """Delete every row of every table (children first)."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def sqlite_copy(template: Path, settings: Settings) -> Settings:
    """``settings``, whose database (the data folder's own SQLite file) is now a copy of the
    migrated SQLite ``template`` (the ``sqlite_template`` fixture of ``tests/conftest.py``): a
    migrated database without migrating again."""
    assert not settings.database_url, "a copy of the template is the data folder's own SQLite"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, settings.data_dir / "irpatrol.sqlite")
    return settings


@contextlib.contextmanager
def migrated_settings(
    backend: str, data_dir: Path, sqlite_template: Path, **overrides: object
) -> Iterator[Settings]:
    """Settings over a new database on ``backend`` (``sqlite``: a copy of ``sqlite_template`` under
    ``data_dir``, :func:`sqlite_copy`; or a PostgreSQL schema of its own, dropped afterwards)
    migrated to the newest revision."""
    if backend == "sqlite":
        yield sqlite_copy(sqlite_template, Settings(data_dir=data_dir, **overrides))  # type: ignore[arg-type]
        return
    with postgres_schema("api_test") as url:
        settings = Settings(data_dir=data_dir, database_url=url, **overrides)  # type: ignore[arg-type]
        db.upgrade(settings.effective_database_url)
        yield settings
