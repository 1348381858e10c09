"""The weather and load current entered with an ingest request are the patrol's: they win over
what the images recorded, are audited as entered, and out-of-range or control-character values
are refused before any job is made."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from test_ingest_jobs import ASSET_CSV, FEEDER, Api, api, simulated_flight, wait_for_job  # noqa: F401

from irpatrol import db
from irpatrol.registry.model import AuditLog, Image, Job, Patrol

WEATHER = {"ambient_c": 31.5, "humidity_pct": 42.0, "wind_m_s": 2.5, "rain": False, "load_current_a": 180.0}


def _jobs(app: Api) -> int:
    with db.session_scope(app.settings) as session:
        return int(session.scalar(select(func.count(Job.id))) or 0)


@pytest.mark.slow
def test_ingest_with_weather_gives_the_patrol_its_weather_and_load(api: Api, tmp_path: Path) -> None:  # noqa: F811
    client, headers, settings = api.client, api.headers, api.settings
    r = client.post("/assets/import", files={"file": ("poles.csv", ASSET_CSV, "text/csv")},
                    headers=headers["admin"])
    assert r.status_code == 200, r.text
    files = simulated_flight(settings, tmp_path / "flight")
    r = client.post("/images", files=[("files", (p.name, p.read_bytes(), "image/tiff")) for p in files],
                    headers=headers["pilot"])
    assert r.status_code == 201, r.text
    body = {"batch": r.json()["batch"], "feeder": FEEDER, "date": "2026-08-02", "crew": "crew-w", **WEATHER}
    r = client.post("/ingest", json=body, headers=headers["analyst"])
    assert r.status_code == 202, r.text
    assert r.json()["params"]["weather"]["load_current_a"] == {FEEDER: 180.0}
    job = wait_for_job(client, r.json()["id"], headers["viewer"])
    assert job["status"] == "done", job

    patrol_id = job["result"]["patrol_id"]
    detail = client.get(f"/patrols/{patrol_id}", headers=headers["viewer"]).json()
    assert (detail["ambient_c"], detail["humidity_pct"], detail["wind_m_s"], detail["rain"]) == (
        31.5, 42.0, 2.5, False)
    assert detail["feeders"] == [{"name": FEEDER, "load_current_a": 180.0}]
    with db.session_scope(settings) as session:
        recorded = [p.get("atmospheric_c") for p in session.scalars(
            select(Image.params).where(Image.patrol_id == patrol_id)).all() if p]
        assert recorded and all(t is not None and t != 31.5 for t in recorded), (
            "the images must record another ambient temperature, or the test proves nothing")
        audit = {a.action: a.detail for a in session.scalars(
            select(AuditLog).where(AuditLog.entity == "patrol", AuditLog.entity_id == patrol_id)).all()}
        patrol = session.get(Patrol, patrol_id)
        assert patrol is not None and patrol.ambient_c == 31.5  # typed wins over the images' metadata
    assert audit["weather-entered"] == {"ambient_c": 31.5, "humidity_pct": 42.0, "wind_m_s": 2.5,
                                        "load_current_a": {FEEDER: 180.0}}
    assert "weather-from-images" not in audit  # nothing left for the images to fill


@pytest.mark.parametrize(("field", "value"), [
    ("ambient_c", -51), ("ambient_c", 61), ("humidity_pct", 101), ("humidity_pct", -1),
    ("wind_m_s", -0.1), ("wind_m_s", 60.5), ("load_current_a", 5001), ("load_current_a", -1),
    ("wind_m_s", "calm"),
])
def test_out_of_range_weather_is_refused_naming_the_field(api: Api, field: str, value: object) -> None:  # noqa: F811
    before = _jobs(api)
    body = {"folder": "nowhere", "feeder": FEEDER, "date": "2026-08-02", field: value}
    r = api.client.post("/ingest", json=body, headers=api.headers["analyst"])
    assert r.status_code == 422, r.text
    assert field in r.text
    assert _jobs(api) == before


def test_a_control_character_in_the_ingest_body_is_refused(api: Api) -> None:  # noqa: F811
    before = _jobs(api)
    body = b'{"folder": "x", "feeder": "F\\u0000", "date": "2026-08-02", "ambient_c": 20}'
    r = api.client.post("/ingest", content=body,
                        headers={**api.headers["analyst"], "Content-Type": "application/json"})
    assert r.status_code == 422 and "control character" in r.text
    assert _jobs(api) == before
