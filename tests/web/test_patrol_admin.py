"""An admin corrects or removes a patrol with a reason: audited; what its ingest made goes with it
(images, findings, store copies, defects only it found while still new), other records stay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from test_judgement import PASSWORD, _flight
from web_registry import pages_over

from irpatrol.config import Settings
from irpatrol.registry import auth
from irpatrol.registry.model import AuditLog, Defect, Feeder, Finding, Image, Patrol, Pole


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[TestClient, object, Path]]:
    with pages_over(Settings(data_dir=tmp_path), sqlite_template) as (client, sessions):
        _flight(sessions, tmp_path)
        with sessions() as s:
            auth.add_user(s, "admin1", role="admin", password=PASSWORD)
            s.commit()
        login = {"username": "admin1", "password": PASSWORD}
        r = client.post("/ui/login", data=login, follow_redirects=False)
        assert r.status_code == 303
        yield client, sessions, tmp_path


def _count(sessions, model) -> int:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_remove_needs_a_reason_then_takes_what_was_ingested(app) -> None:  # type: ignore[no-untyped-def]
    client, sessions, data_dir = app
    with sessions() as s:
        patrol_id = s.scalar(select(Patrol.id))
        stored = [data_dir / p for p in s.scalars(select(Image.stored_path)).all() if p]
    assert patrol_id is not None and stored and all(p.is_file() for p in stored)
    assert _count(sessions, Defect) >= 1
    r = client.post(f"/ui/patrols/{patrol_id}/remove", data={"reason": ""}, follow_redirects=False)
    assert "flash=" in r.headers["location"] and _count(sessions, Patrol) == 1
    poles, feeders = _count(sessions, Pole), _count(sessions, Feeder)
    r = client.post(f"/ui/patrols/{patrol_id}/remove", data={"reason": "junk upload: wrong feeder"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    assert (_count(sessions, Patrol), _count(sessions, Image), _count(sessions, Finding)) == (0, 0, 0)
    assert _count(sessions, Defect) == 0  # found only by this patrol and still new
    assert (_count(sessions, Pole), _count(sessions, Feeder)) == (poles, feeders)  # assets stay
    assert not any(p.exists() for p in stored)
    with sessions() as s:
        audit = s.scalar(select(AuditLog).where(AuditLog.entity == "patrol", AuditLog.action == "remove"))
        assert audit is not None and audit.username == "admin1"
        assert audit.detail["reason"] == "junk upload: wrong feeder"


def test_edit_is_audited_and_a_handled_defect_survives_removal(app) -> None:  # type: ignore[no-untyped-def]
    client, sessions, _ = app
    with sessions() as s:
        patrol_id = s.scalar(select(Patrol.id))
        defect_id = s.scalar(select(Defect.id))
    r = client.post(f"/ui/patrols/{patrol_id}/edit",
                    data={"ambient_c": "27.5", "reason": "thermometer reading"}, follow_redirects=False)
    assert r.status_code == 303 and "ok=1" in r.headers["location"]
    with sessions() as s:
        assert s.get(Patrol, patrol_id).ambient_c == 27.5  # type: ignore[union-attr]
    assert client.post(f"/ui/ledger/{defect_id}/transition", data={"to_status": "confirmed"},
                       follow_redirects=False).status_code == 303
    client.post(f"/ui/patrols/{patrol_id}/remove", data={"reason": "flown twice"}, follow_redirects=False)
    with sessions() as s:
        defect = s.get(Defect, defect_id)
        assert defect is not None and not defect.findings  # kept, without the removed patrol's findings
        assert any("patrol #" in (e.comment or "") for e in defect.events)


def test_admin_edit_sets_the_load_of_every_feeder_and_checks_its_range(app) -> None:  # type: ignore[no-untyped-def]
    client, sessions, _ = app
    with sessions() as s:
        patrol_id = s.scalar(select(Patrol.id))
    assert 'name="load_current_a"' in client.get(f"/ui/patrols/{patrol_id}").text
    r = client.post(f"/ui/patrols/{patrol_id}/edit", data={"load_current_a": "6000", "reason": "typo"},
                    follow_redirects=False)
    assert "flash=" in r.headers["location"] and "load_current_a" in r.headers["location"]
    r = client.post(f"/ui/patrols/{patrol_id}/edit", data={"load_current_a": "120", "reason": "SCADA"},
                    follow_redirects=False)
    assert "ok=1" in r.headers["location"]
    with sessions() as s:
        patrol = s.get(Patrol, patrol_id)
        assert patrol is not None and [pf.load_current_a for pf in patrol.feeders] == [120.0]
