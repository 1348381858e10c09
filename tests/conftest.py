"""Shared fixtures: the real camera samples and their reference values, and the one test database
(:mod:`database`): an empty, migrated registry on SQLite and on PostgreSQL for every test that asks
for ``db_url``, ``engine``, ``factory`` or ``session``. Browser tests are ``slow`` too."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from database import BACKENDS, empty, postgres_schema
from irpatrol import db
from sample_files import IN_CI, reference_rows, samples_dir


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests take 30–60 s each: mark them ``slow`` so ``-m "not slow"`` leaves them out."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes() -> Iterator[None]:
    """Argon2id password hashes at the smallest cost in the test process. argon2-cffi's defaults
    (64 MiB, 3 passes, 4 lanes) take 0.1–0.25 s per hash and per check on 2 cores, and tests/api and
    tests/web alone make about 450 of them (every role's user, every sign-in): two minutes of the
    workers' time that no test measures. The hashes are still Argon2id of the same length and salt,
    checked the same way; a check reads the cost from the hash itself, so a hash a command made in a
    subprocess (at the default cost) is checked as before, and commands and servers run by the tests
    keep the default."""
    from argon2 import PasswordHasher

    from irpatrol.registry import passwords

    real = passwords._hasher
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, hash_len=real.hash_len,
                           salt_len=real.salt_len, type=real.type)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(passwords, "_hasher", quick)
        yield


@pytest.fixture(scope="session")
def samples() -> Path:
    """The sample folder. Absent: skip with one line, except under CI=true where it fails."""
    d = samples_dir()
    if not (d / "reference.csv").exists():
        msg = f"thermal samples not found at {d} (set IRPATROL_SAMPLES_DIR)"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    return d


@pytest.fixture(scope="session")
def reference(samples: Path) -> dict[str, dict[str, str]]:
    """reference.csv keyed by file name."""
    return {r["file"]: r for r in reference_rows()}


# --- the test database -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a fresh, migrated PostgreSQL schema for this test session (dropped at the end)."""
    with postgres_schema("irp_test") as url:
        db.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once to the newest revision; each test copies it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite"
    db.upgrade(f"sqlite:///{path}")
    return path


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
    empty(engine)
    engine.dispose()
    yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    """An engine on :func:`db_url` (disposed afterwards)."""
    eng = db.make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def factory(engine: sa.Engine) -> sessionmaker[Session]:
    """The session maker over :func:`engine`."""
    return db.session_factory(engine)


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session of :func:`factory` (closed afterwards)."""
    with factory() as s:
        yield s
