"""The PostgreSQL engine keeps its connections (:data:`irpatrol.db.POSTGRES_POOL_SIZE`): a busy
moment of many sessions at once does not close connections only to open them again."""

from __future__ import annotations

from sqlalchemy import event, text

from irpatrol import db


def test_a_busy_moment_leaves_the_postgresql_connections_open(pg_url: str) -> None:
    """After 12 sessions at once, the next 12 reuse their connections: none is closed and opened
    again (SQLAlchemy's default pool kept 5 and reopened the rest at every busy moment). PostgreSQL
    only: a SQLite connection is a file handle, not a server process."""
    engine = db.make_engine(pg_url)
    opened: list[object] = []
    event.listen(engine, "connect", lambda conn, _record: opened.append(conn))
    try:
        for _round in range(2):
            held = [engine.connect() for _ in range(12)]
            for conn in held:
                conn.execute(text("SELECT 1"))
            for conn in held:
                conn.close()
        assert len(opened) == 12
    finally:
        engine.dispose()
