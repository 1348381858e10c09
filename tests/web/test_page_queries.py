"""Serving under load (issue 12): the ledger and map pages ask the database a fixed number of
questions whatever the number of rows they show (no lazy load per ledger row, one query for
every pole of the map), and the signed-in user costs one query per request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, insert

from database import sqlite_copy
from irpatrol import db
from irpatrol.api.app import create_app
from irpatrol.asgi import compose_app
from irpatrol.config import Settings
from irpatrol.registry import auth
from irpatrol.registry.model import Area, Component, Defect, DefectEvent, Feeder, Finding, Image, Patrol, Pole

PASSWORD = "lantern-quarry-81"


def _add(settings: Settings, first: int, count: int) -> None:
    """``count`` poles (ids from ``first``), each with a component, an image, a defect with two
    findings and an event."""
    now = datetime.now(UTC)
    with db.session_scope(settings) as session:
        rows = range(first, first + count)
        session.execute(
            insert(Pole),
            [
                {"id": i, "feeder_id": 1, "number": f"N{i}", "seq": i, "lat": 30 + i * 1e-4, "lon": 120.0}
                for i in rows
            ],
        )
        session.execute(
            insert(Component),
            [{"id": i, "pole_id": i, "kind": "parallel-groove-clamp", "phase": "A"} for i in rows],
        )
        session.execute(
            insert(Image),
            [
                {
                    "id": i,
                    "sha256": f"{i:064x}",
                    "original_name": f"{i}.jpg",
                    "patrol_id": 1,
                    "status": "analysed",
                    "pole_id": i,
                    "captured_at": now,
                }
                for i in rows
            ],
        )
        session.execute(
            insert(Defect),
            [
                {
                    "id": i,
                    "kind": "thermal",
                    "grade": "serious",
                    "status": "new",
                    "pole_id": i,
                    "component_id": i,
                    "found_at": now,
                    "deadline": now + timedelta(days=30),
                }
                for i in rows
            ],
        )
        session.execute(
            insert(Finding),
            [
                {
                    "id": 2 * i + k,
                    "image_id": i,
                    "pole_id": i,
                    "component_id": i,
                    "defect_id": i,
                    "bbox_x": 1,
                    "bbox_y": 1,
                    "bbox_w": 4,
                    "bbox_h": 4,
                    "t_max_c": 60.0 + k,
                    "t_ambient_c": 20.0,
                    "delta_t_k": 30.0,
                    "grade": "serious",
                    "standard": "dlt664-2016",
                }
                for i in rows
                for k in range(2)
            ],
        )
        session.execute(insert(DefectEvent), [{"defect_id": i, "event": "finding", "at": now} for i in rows])


@pytest.fixture(scope="module")
def app_and_counter(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[TestClient, Settings, list[str]]]:
    settings = sqlite_copy(sqlite_template, Settings(data_dir=Path(tmp_path_factory.mktemp("queries"))))
    with db.session_scope(settings) as session:
        area = Area(name="East")
        session.add_all(
            [
                area,
                Feeder(id=1, name="F1", area=area),
                Patrol(id=1, date=datetime.now(UTC).date(), ambient_c=20.0),
            ]
        )
        auth.add_user(session, "viewer-q", role="viewer", password=PASSWORD)
    _add(settings, 1, 3)
    app = compose_app(create_app(settings))
    statements: list[str] = []
    event.listen(
        app.state.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_: statements.append(statement),
    )
    with TestClient(app) as client:
        client.get("/ui/login")
        client.headers["X-CSRF-Token"] = client.cookies["irpatrol_csrf"]
        r = client.post(
            "/ui/login", data={"username": "viewer-q", "password": PASSWORD}, follow_redirects=False
        )
        assert r.status_code == 303, r.text
        yield client, settings, statements


def _queries(client: TestClient, statements: list[str], path: str) -> int:
    client.get(path)  # warm (the demo check is cached after the first page)
    statements.clear()
    r = client.get(path)
    assert r.status_code == 200, r.text
    return len(statements)


def test_ledger_and_map_queries_do_not_grow_with_the_rows(
    app_and_counter: tuple[TestClient, Settings, list[str]],
) -> None:
    client, settings, statements = app_and_counter
    few = {path: _queries(client, statements, path) for path in ("/ui/ledger", "/ui/map")}
    _add(settings, 100, 40)
    many = {path: _queries(client, statements, path) for path in ("/ui/ledger", "/ui/map")}
    assert many == few, (few, many)
    assert "N139" in client.get("/ui/map").text and client.get("/ui/ledger").text.count("data-defect=") == 43


def test_the_signed_in_user_costs_one_query(app_and_counter: tuple[TestClient, Settings, list[str]]) -> None:
    client, _, statements = app_and_counter
    client.get("/ui/ledger")
    statements.clear()
    client.get("/ui/ledger")
    lookups = [s for s in statements if "auth_session" in s]
    assert len(lookups) == 1 and "user_account" in lookups[0], lookups
