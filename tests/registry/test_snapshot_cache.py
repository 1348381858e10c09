"""Read results kept while PostgreSQL's snapshot is unchanged (:mod:`irpatrol.registry.snapshot_cache`):
kept and reused while nothing is committed, recomputed at the first request after any commit (from
any session), never kept from a transaction that has written; SQLite computes every time. The lists'
counts (:func:`irpatrol.registry.listing.search_page`) go through it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import factories as make
from irpatrol.registry.listing import COUNTS, PageRequest, Sorting, search_page
from irpatrol.registry.model import Pole
from irpatrol.registry.snapshot_cache import SnapshotCache, snapshot_stamp

POLES = Sorting(columns={"id": Pole.id})
TRIES = 50
"""Attempts at two reads with no commit between them: the snapshot is server-wide, and the test
server is shared with other test runs that commit at any time."""


def _total(factory: sessionmaker[Session]) -> int:
    """The number of poles as the paged list reports it (a session of its own, as a request has)."""
    with factory() as session:
        return search_page(session, select(Pole), PageRequest(per_page=2), POLES).total


def _add_pole(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        session.add(make.feeder(poles=1))
        session.commit()


def test_a_count_is_reused_until_anything_is_committed(factory: sessionmaker[Session], db_url: str) -> None:
    _add_pole(factory)
    COUNTS.clear()
    hits = COUNTS.hits
    for _ in range(TRIES):
        assert _total(factory) == 1
        if COUNTS.hits > hits:
            break
    # PostgreSQL: reused (once no other database on the shared server committed in between);
    # SQLite: counted every time
    assert (COUNTS.hits > hits) == db_url.startswith("postgresql")
    _add_pole(factory)  # another session commits: the next page counts anew
    assert _total(factory) == 2
    with factory() as session:  # an update counts as a change too
        pole = session.scalars(select(Pole)).first()
        assert pole is not None
        session.delete(pole)
        session.commit()
    assert _total(factory) == 1


def test_a_transaction_that_wrote_keeps_nothing(factory: sessionmaker[Session], db_url: str) -> None:
    _add_pole(factory)
    COUNTS.clear()
    with factory() as session:
        assert (snapshot_stamp(session) is None) == db_url.startswith("sqlite")
        session.add(make.feeder(poles=2))
        session.flush()  # written, not committed: seen by this transaction only
        assert snapshot_stamp(session) is None
        assert search_page(session, select(Pole), PageRequest(), POLES).total == 3
        session.rollback()
    assert _total(factory) == 1  # the rolled-back rows were not kept for anyone


def test_equal_stamps_see_equal_data(factory: sessionmaker[Session], db_url: str) -> None:
    """The stamp is PostgreSQL's snapshot: unchanged by reads, changed by a commit elsewhere. SQLite
    has none, so nothing is ever kept there."""
    if db_url.startswith("sqlite"):
        cache, calls = SnapshotCache(), []
        with factory() as session:
            assert snapshot_stamp(session) is None
            for _ in range(2):
                cache.get(session, "key", lambda: calls.append("computed"))
        assert calls == ["computed", "computed"] and cache.hits == 0
        return
    with factory() as reader:
        for _ in range(TRIES):  # a read-only transaction changes nothing
            first = snapshot_stamp(reader)
            reader.commit()
            if snapshot_stamp(reader) == first:
                break
        else:
            pytest.fail("the snapshot changed between every two reads")
        reader.commit()
        _add_pole(factory)
        assert snapshot_stamp(reader) != first


def test_the_cache_keeps_its_size_and_recomputes_a_dropped_key(factory: sessionmaker[Session],
                                                               db_url: str) -> None:
    cache = SnapshotCache(size=2)
    calls: list[str] = []

    def counted(key: str) -> int:
        calls.append(key)
        with factory() as s:
            return int(s.scalar(select(func.count(Pole.id))) or 0)

    if db_url.startswith("sqlite"):
        with factory() as session:
            for key in ("a", "a"):
                cache.get(session, key, lambda k=key: counted(k))  # type: ignore[misc]
        assert calls == ["a", "a"]  # no stamp: computed every time, nothing kept
        return
    for _ in range(TRIES):  # until one round ran with no commit on the shared server
        calls.clear()
        cache.clear()
        with factory() as session:
            for key in ("a", "b", "a", "c", "b"):
                cache.get(session, key, lambda k=key: counted(k))  # type: ignore[misc]
        if len(calls) < 5:
            break
    # "a" kept for its second call; "b" dropped for "c" (two kept at most), so computed again
    assert calls == ["a", "b", "c", "b"]

