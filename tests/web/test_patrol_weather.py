"""Weather and load in the browser: the upload form's optional weather becomes the patrol's (over
what the images recorded); an analyst enters a patrol's load current and wind with a reason
(audited) and the patrol page and its PDF show them; values out of range are refused in the
reader's language."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from web_registry import PASSWORD, pages_over, seed_line

from irpatrol.config import Settings
from irpatrol.registry.model import AuditLog, Image, Patrol

FEEDER = "10kV Weather Line"


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[TestClient, object, Path]]:
    """Pages over a fresh SQLite registry with a feeder of 3 poles, an analyst signed in, and a
    simulated flight of that feeder (not ingested) in ``flight``."""
    from irpatrol.simulate.flight import FlightSpec, PoleSpot, line_of_poles, write_flight

    data_dir = tmp_path_factory.mktemp("weather")
    settings = Settings(data_dir=data_dir)
    spots = line_of_poles(3, lat=28.2, lon=112.8, span_m=150.0, azimuth_deg=30.0, prefix="W")
    flight = data_dir / "flight"
    spec = FlightSpec(width=320, height=256, ambient_c=18.0, seed=5,
                      start=datetime(2026, 6, 3, 2, 0, tzinfo=UTC))
    write_flight(flight, FEEDER, [PoleSpot(s.number, s.lat, s.lon) for s in spots], spec)
    with pages_over(settings, sqlite_template) as (client, sessions):
        seed_line(sessions, FEEDER, spots)
        r = client.post("/ui/login", data={"username": "analyst1", "password": PASSWORD},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
        yield client, sessions, flight


def _upload(client: TestClient, flight: Path, batch: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    for path in sorted(p for p in flight.iterdir() if p.suffix.lower() in (".tif", ".tiff", ".jpg")):
        r = client.post(f"/ui/upload/{batch}/files", params={"name": path.name}, content=path.read_bytes())
        assert r.status_code == 200, r.text
    return client.post(f"/ui/upload/{batch}/ingest", data={"feeder": FEEDER, **form})


def _finished(client: TestClient, job_id: int) -> dict:
    deadline = time.monotonic() + 120
    while True:
        job = client.get(f"/ui/jobs/{job_id}/progress").json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


@pytest.fixture(scope="module")
def uploaded(app) -> dict:  # type: ignore[no-untyped-def]
    """The upload page's job for the flight, with the weather and load typed into the form (once
    per module: the analyst tests read the patrol it makes, on whichever xdist worker they run)."""
    client, _, flight = app
    form = {"date": "2026-06-03", "crew": "crew-w", "ambient_c": "26,5", "humidity_pct": "55",
            "wind_m_s": "3.2", "rain": "on", "load_current_a": "210"}
    r = _upload(client, flight, "weather1", form)
    assert r.status_code == 200, r.text
    return _finished(client, r.json()["job_id"])


def test_upload_form_weather_becomes_the_patrols(app, uploaded) -> None:  # type: ignore[no-untyped-def]
    client, sessions, _ = app
    page = client.get("/ui/upload?batch=weather1").text
    for name in ("ambient_c", "humidity_pct", "wind_m_s", "rain", "load_current_a"):
        assert f'name="{name}"' in page
    job = uploaded
    assert job["status"] == "done", job
    with sessions() as s:
        patrol = s.get(Patrol, job["patrol_id"])
        assert patrol is not None
        weather = (patrol.ambient_c, patrol.humidity_pct, patrol.wind_m_s, patrol.rain)
        assert weather == (26.5, 55.0, 3.2, True)
        recorded = {(p or {}).get("atmospheric_c") for p in s.scalars(
            select(Image.params).where(Image.patrol_id == patrol.id)).all()}
        assert recorded and 26.5 not in recorded and None not in recorded  # typed wins over the images
        assert [pf.load_current_a for pf in patrol.feeders] == [210.0]
        entered = s.scalar(select(AuditLog.detail).where(AuditLog.entity == "patrol",
                                                         AuditLog.entity_id == patrol.id,
                                                         AuditLog.action == "weather-entered"))
    assert entered == {"ambient_c": 26.5, "humidity_pct": 55.0, "wind_m_s": 3.2, "rain": True,
                       "load_current_a": {FEEDER: 210.0}}


@pytest.mark.parametrize(("field", "value", "zh"), [
    ("wind_m_s", "61", "须在 0 与 60 之间"), ("load_current_a", "9000", "须在 0 与 5000 之间"),
    ("ambient_c", "-60", "须在 -50 与 60 之间"), ("humidity_pct", "abc", "humidity_pct"),
])
def test_upload_refuses_weather_out_of_range(app, field: str, value: str, zh: str) -> None:  # type: ignore[no-untyped-def]
    client, _, flight = app
    r = _upload(client, flight, f"bad-{field}", {"date": "2026-06-04", field: value})
    assert r.status_code == 422 and field in r.json()["error"], r.text
    client.post("/ui/lang/zh")
    try:
        r = client.post(f"/ui/upload/bad-{field}/ingest", data={"feeder": FEEDER, "date": "2026-06-04",
                                                                 field: value})
        assert r.status_code == 422 and zh in r.json()["error"], r.text
    finally:
        client.post("/ui/lang/en")


def test_a_control_character_in_a_weather_field_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    client, _, flight = app
    r = _upload(client, flight, "nul", {"date": "2026-06-04", "wind_m_s": "3\x00"})
    assert r.status_code == 422 and "control character" in r.text


def _patrol_id(job: dict) -> int:
    assert job["status"] == "done" and job["patrol_id"] is not None, job
    return int(job["patrol_id"])


def test_analyst_enters_load_and_wind_and_the_report_shows_them(app, uploaded) -> None:  # type: ignore[no-untyped-def]
    client, sessions, _ = app
    patrol_id = _patrol_id(uploaded)
    page = client.get(f"/ui/patrols/{patrol_id}").text
    assert 'id="patrol-weather-form"' in page and 'id="patrol-edit-form"' not in page  # analyst, not admin
    r = client.post(f"/ui/patrols/{patrol_id}/weather", data={"load_current_a": "345", "wind_m_s": "4.5"},
                    follow_redirects=False)
    assert r.status_code == 303 and "flash=" in r.headers["location"]  # no reason: nothing saved
    with sessions() as s:
        assert s.get(Patrol, patrol_id).wind_m_s == 3.2  # type: ignore[union-attr]
    r = client.post(f"/ui/patrols/{patrol_id}/weather",
                    data={"load_current_a": "345", "wind_m_s": "4.5", "rain": "on", "reason": "dispatch log"},
                    follow_redirects=False)
    assert r.status_code == 303 and "ok=1" in r.headers["location"], r.headers["location"]
    with sessions() as s:
        patrol = s.get(Patrol, patrol_id)
        assert patrol is not None and patrol.wind_m_s == 4.5 and patrol.ambient_c == 26.5  # blank: kept
        assert [pf.load_current_a for pf in patrol.feeders] == [345.0]
        audit = s.scalars(select(AuditLog).where(AuditLog.entity == "patrol", AuditLog.entity_id == patrol_id,
                                                 AuditLog.action == "edit")).all()
    assert len(audit) == 1 and audit[0].username == "analyst1"
    assert audit[0].detail["reason"] == "dispatch log"
    assert audit[0].detail["to"] == {"load_current_a": "345.0", "wind_m_s": "4.5"}  # rain as before
    page = client.get(f"/ui/patrols/{patrol_id}").text
    assert "345 A" in page and 'value="345.0"' in page
    pdf = client.get(f"/ui/reports/patrols/{patrol_id}.pdf")
    assert pdf.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "345 A" in text and "4.5 m/s" in text


def test_analyst_weather_out_of_range_is_refused(app, uploaded) -> None:  # type: ignore[no-untyped-def]
    client, sessions, _ = app
    patrol_id = _patrol_id(uploaded)
    r = client.post(f"/ui/patrols/{patrol_id}/weather", data={"humidity_pct": "120", "reason": "typo"},
                    follow_redirects=False)
    assert r.status_code == 303 and "humidity_pct" in r.headers["location"]
    with sessions() as s:
        assert s.get(Patrol, patrol_id).humidity_pct == 55.0  # type: ignore[union-attr]
