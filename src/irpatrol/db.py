"""Database plumbing: the declarative Base, engines, sessions and schema migrations.

SQLite (the embedded default, a file under ``Settings.data_dir``) runs in WAL mode with foreign
keys on and a busy timeout, so a reader never blocks the ingest writer. PostgreSQL is used when
``IRPATROL_DATABASE_URL`` names it (``postgresql+psycopg://user@host:5432/db``, psycopg 3).
The schema is owned by the Alembic migrations shipped in :mod:`irpatrol.migrations`;
:func:`upgrade` applies them without an ``alembic.ini``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

if TYPE_CHECKING:
    from irpatrol.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names that are the same on every backend, so migrations can name them."""

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for a competing writer before failing (ms)."""
POSTGRES_POOL_SIZE = 15
"""PostgreSQL connections an Engine keeps open (per process), and the most it opens: SQLAlchemy's
default pool (5 kept, 10 more at a busy moment, each closed again when it comes back) opened and
closed connections all through a load of 32 clients — 114 new server processes in 15 s for two
workers, each a fork and cold caches on the server (``bench/load.py``). The same 15 at most, all
kept, open none after the first busy moment; a 16th concurrent session waits for one as before."""


class Base(DeclarativeBase):
    """Base of every ORM class (SQLAlchemy 2.0 typed declarative)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the default of every ``created_at``)."""
    return datetime.now(UTC)


def is_sqlite(url: str) -> bool:
    """True when the SQLAlchemy URL names a SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An Engine for ``url``. SQLite: the folder is created, WAL + foreign keys + busy timeout
    are set on every connection. PostgreSQL: pre-ping pooled connections, :data:`POSTGRES_POOL_SIZE`
    of them kept."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    options: dict[str, Any] = {"pool_size": POSTGRES_POOL_SIZE, "max_overflow": 0, **kwargs}
    return create_engine(url, pool_pre_ping=True, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session maker bound to ``engine`` (objects stay readable after commit)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


_ENGINES: dict[str, Engine] = {}


def engine_for(settings: Settings) -> Engine:
    """One shared Engine per database URL in this process."""
    url = settings.effective_database_url
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


@contextmanager
def session_scope(settings: Settings) -> Iterator[Session]:
    """A session on the database of ``settings`` (the edge's, never read here from the environment)
    that commits when the block ends normally and rolls back on an exception."""
    yield from transactional(session_factory(engine_for(settings)))


def transactional(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One session from ``factory``: committed when the caller's block ends normally, rolled back on
    an exception, always closed. Shared by :func:`session_scope` and the API/web request sessions."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Any:
    """An Alembic ``Config`` for the migrations inside the package (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head", *, engine: Engine | None = None) -> None:
    """Bring the schema at ``url`` to ``revision`` (default: the newest) with Alembic.

    ``engine`` may be passed to migrate through an existing connection pool (tests; a PostgreSQL
    engine whose connections set a ``search_path``).
    """
    from alembic import command

    cfg = alembic_config(url)
    if engine is not None:
        with engine.connect() as connection, migration_transaction(connection):
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
    else:
        command.upgrade(cfg, revision)


@contextmanager
def migration_transaction(connection: Connection) -> Iterator[None]:
    """One transaction around schema migrations on ``connection`` (not yet in a transaction).

    On SQLite, foreign keys are switched off for its length: batch migrations rebuild a table by
    dropping it and renaming a copy, which fails while other tables' foreign keys refer to it
    (the pragma is ignored inside a transaction, hence before it). Before the commit
    ``PRAGMA foreign_key_check`` must find nothing; afterwards foreign keys are on again.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            yield
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None before the first migration."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped in :mod:`irpatrol.migrations`."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def ensure_schema(engine: Engine) -> None:
    """Migrate the database behind ``engine`` to the newest revision if it is behind (CLI start)."""
    if current_revision(engine) != head_revision():
        upgrade(engine.url.render_as_string(hide_password=False), engine=engine)


SQLITE_ANALYSIS_LIMIT = 1000
"""Rows sampled per index by SQLite's ANALYZE (approximate statistics in ~20 ms at 100k rows)."""


def analyze(engine: Engine) -> None:
    """Refresh the query planner's statistics after bulk changes (ingest, import).

    SQLite keeps none until ANALYZE runs and then picks poor indexes for the defect list (a
    filtered page takes 20 ms instead of 0.5 ms at 100,000 findings); PostgreSQL's autovacuum
    does this by itself, so only SQLite is analysed here.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        conn.exec_driver_sql("ANALYZE")


def with_search_path(url: str, schema: str) -> str:
    """``url`` whose connections use ``schema`` first (libpq ``options``, read by psycopg)."""
    return (
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


@contextmanager
def scratch_schema(base_url: str, prefix: str = "irp_scratch") -> Iterator[str]:
    """A new, empty PostgreSQL schema for tests and benchmarks: yields a URL whose search_path is
    that schema, and drops the schema (CASCADE) afterwards. Raises SQLAlchemy's OperationalError
    when the server cannot be reached."""
    import uuid

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base_url)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = with_search_path(base_url, schema)
        try:
            yield url
        finally:
            cached = _ENGINES.pop(url, None)
            if cached is not None:
                cached.dispose()
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        admin.dispose()


BUSY_RETRY_AFTER_S = 5
"""What a client is told to wait when the database is busy (s)."""
_BUSY_MARKERS = ("database is locked", "database table is locked", "lock timeout", "lock_not_available",
                 "could not obtain lock", "deadlock detected", "too many clients",
                 "canceling statement due to lock timeout")


def is_database_busy(exc: BaseException) -> bool:
    """True for an OperationalError that says the database is busy (SQLite's ``database is locked``
    after its busy timeout, PostgreSQL's lock timeout, deadlock or connection limit): worth retrying."""
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return any(marker in text for marker in _BUSY_MARKERS)
