"""The map page keeps its registry reads while PostgreSQL's snapshot is unchanged
(``irpatrol.web.pages.map.MAP_READS``), and a change in the registry — a new defect, a closed one,
a moved or new pole, a cleared hazard, a pole photographed, committed by any session — shows at the
very next request, on both backends."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from web_registry import seed, sign_in, with_csrf

import factories as make
from irpatrol.config import Settings
from irpatrol.db import make_engine, session_factory
from irpatrol.registry.model import Defect, Hazard, Patrol, Pole
from irpatrol.web.pages.map import MAP_READS
from irpatrol.web.views import install

TRIES = 50
"""Attempts at two requests with no commit between them (the snapshot is server-wide, and the test
server is shared with other test runs)."""


@pytest.fixture
def app_db(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, sessionmaker[Session]]]:
    """A signed-in client of the pages over the seeded registry on ``db_url``, and a session maker
    of the same database (the "other program" that changes the registry)."""
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    with sessions() as session:
        seed(session, tmp_path)
    app = FastAPI()
    app.state.settings = Settings(data_dir=tmp_path, database_url=db_url)
    app.state.session_factory = sessions
    install(app)
    MAP_READS.clear()
    with TestClient(app) as client:
        with_csrf(client)
        sign_in(client)
        yield client, sessions
    engine.dispose()


def _map(client: TestClient) -> tuple[dict, dict]:  # type: ignore[type-arg]
    page = client.get("/ui/map").text
    found = [re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', page, re.S)
             for name in ("map-data", "map-layers")]
    assert all(found), page[:500]
    return json.loads(found[0].group(1)), json.loads(found[1].group(1))  # type: ignore[union-attr]


def _rank(data: dict, pole_id: int) -> int:  # type: ignore[type-arg]
    (rank,) = [p[3] for p in data["poles"] if p[0] == pole_id]
    return int(rank)


def test_a_registry_change_shows_at_the_next_request(app_db: tuple[TestClient, sessionmaker[Session]],
                                                     db_url: str) -> None:
    client, sessions = app_db
    data, layers = _map(client)
    with sessions() as s:
        poles = list(s.scalars(select(Pole).order_by(Pole.seq)))
        clean = poles[4]  # no defect, never photographed
        assert _rank(data, clean.id) == 0 and len(layers["defects"]) == 1
        assert [round(clean.lat, 5), round(clean.lon, 5)] in layers["never"]
        hits = MAP_READS.hits
        for _ in range(TRIES):
            assert _map(client) == (data, layers)
            if MAP_READS.hits > hits:
                break
        # PostgreSQL: served from the kept reads; SQLite: read every time
        assert (MAP_READS.hits > hits) == db_url.startswith("postgresql")

        s.add(make.defect(pole=clean, grade="critical"))
        s.commit()
        data, layers = _map(client)
        assert _rank(data, clean.id) == 3 and len(layers["defects"]) == 2

        defect = s.scalars(select(Defect).where(Defect.pole_id == clean.id)).one()
        defect.status = "verified"  # closed: off the map
        clean.lat += 0.5  # and the pole moved
        s.commit()
        data, layers = _map(client)
        assert _rank(data, clean.id) == 0 and len(layers["defects"]) == 1
        assert [p[1] for p in data["poles"] if p[0] == clean.id] == [round(clean.lat, 5)]

        hazard = s.scalars(select(Hazard)).one()
        hazard.status = "cleared"
        patrol = s.scalars(select(Patrol)).first()
        s.add(make.image(patrol=patrol, pole=clean))  # photographed: no longer "never inspected"
        s.add(make.pole(feeder=clean.feeder, number="N6", seq=6))
        s.commit()
        data, layers = _map(client)
        assert layers["hazards"] == []
        assert [round(clean.lat, 5), round(clean.lon, 5)] not in layers["never"]
        assert len(data["poles"]) == 6
