"""Registry fixtures: a migrated database on SQLite and on PostgreSQL, a session, a small feeder.

PostgreSQL runs when ``IRPATROL_TEST_POSTGRES_URL`` is set (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test session works in its own schema,
so parallel runs never collide. Set but unreachable: the PostgreSQL tests fail. Unset: they skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from irpatrol import db
from irpatrol.registry.model import Base

PG_ENV = "IRPATROL_TEST_POSTGRES_URL"
try:  # xdist registers the marker; without it (-p no:xdist) nothing is distributed anyway
    PG_MARKS = [pytest.mark.postgres, pytest.mark.xdist_group("postgres")]
except pytest.fail.Exception:
    PG_MARKS = [pytest.mark.postgres]
BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=PG_MARKS)]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a fresh, migrated PostgreSQL schema for this test session (dropped at the end)."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} not set")
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(db.scratch_schema(base, "irp_test"))
        except sa.exc.OperationalError as exc:
            pytest.fail(f"{PG_ENV} is set but PostgreSQL is unreachable: {exc.orig}")
        db.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once to the newest revision; each test copies it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite"
    db.upgrade(f"sqlite:///{path}")
    return path


def _empty(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """An empty, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "irpatrol.sqlite"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("pg_url")
    engine = db.make_engine(url)
    _empty(engine)
    engine.dispose()
    yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    eng = db.make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def factory(engine: sa.Engine) -> sessionmaker[Session]:
    return db.session_factory(engine)


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as s:
        yield s


@pytest.fixture
def feeder_csv(tmp_path: Path) -> Path:
    """Ten poles of feeder F1 in a line (50 m apart), as an asset CSV."""
    from irpatrol.simulate.flight import line_of_poles

    rows = ["feeder,pole,lat,lon,area,voltage_kv,pole_type,external_id"]
    for p in line_of_poles(10):
        rows.append(f"F1,{p.number},{p.lat:.8f},{p.lon:.8f},North,10,concrete,F1-{p.number}")
    path = tmp_path / "assets.csv"
    path.write_text("\n".join(rows) + "\n")
    return path
