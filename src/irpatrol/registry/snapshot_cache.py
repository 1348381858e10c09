"""Read results kept in the process while the database has not changed (PostgreSQL only).

The key is PostgreSQL's own answer to "has anything been committed since?": the text of the
current MVCC snapshot, ``pg_current_snapshot()`` — ``xmin:xmax:xip…``, the transactions already
committed or still running (PostgreSQL manual, "System Information Functions", Table 9.76). Every
commit, anywhere on the server, gives every later snapshot another text (the committed
transaction leaves the running list, or ``xmax`` moves past it), so two equal snapshot texts see
exactly the same rows. A result computed *after* reading the snapshot text ``S`` (in the same
transaction or a later one) is stored under ``S`` and handed out again only while the current
snapshot is still ``S``: nothing was committed in between, so recomputing would give the same
result. A change in the registry — from this process, another worker or another program — shows
at the next request.

Cost: one tiny statement (about 0.05 ms of PostgreSQL CPU) instead of the cached query; unrelated
writes on the same server only make the cache miss (the query then runs as without it).

Not cached: SQLite (no snapshot to ask for; every call computes), and a transaction that has
written itself (``pg_current_xact_id_if_assigned()`` is set: its reads see its own uncommitted
rows, which a rollback would take back).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

__all__ = ["SnapshotCache", "snapshot_stamp"]

_STAMP = text("SELECT concat_ws(' ', pg_current_snapshot(), current_database(),"
              " current_setting('search_path')), pg_current_xact_id_if_assigned() IS NULL")
"""The snapshot with the database and schema path read: one process may read several databases
or schemas (tests do) under one snapshot, which is server-wide."""


def snapshot_stamp(session: Session) -> str | None:
    """The text of PostgreSQL's current snapshot (with the database and schema path); None on
    SQLite and in a transaction that has written (its reads see its own uncommitted rows).

    Read anew on every call: a stamp kept from before the session's own writes would file their
    uncommitted rows under a snapshot that other sessions still hold."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    stamp, clean = session.execute(_STAMP).one()
    return str(stamp) if clean else None


class SnapshotCache:
    """At most ``size`` results, each under a key and the snapshot stamp it was computed after;
    shared by the threads of one process (the least recently used goes first)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, tuple[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get[T](self, session: Session, key: Hashable, compute: Callable[[], T]) -> T:
        """The result of ``compute()`` for ``key``: the kept one while the database's snapshot is
        unchanged, else computed now (and kept). Without a stamp: always computed, never kept."""
        stamp = snapshot_stamp(session)
        if stamp is None:
            return compute()
        with self._lock:
            kept = self._items.get(key)
            if kept is not None and kept[0] == stamp:
                self._items.move_to_end(key)
                self.hits += 1
                return kept[1]
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[key] = (stamp, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self._lock:
            self._items.clear()
