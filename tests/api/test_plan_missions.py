"""``GET /plans/{id}/missions``: one crew day's mission files through the API, in every format
:data:`irpatrol.reports.missions.MISSION_FORMATS` registers (the same files as the schedule page and
``irpatrol schedule missions``), on each backend."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from irpatrol import db
from irpatrol.reports.missions import (
    MISSION_FORMATS,
    CrewDayQuery,
    MissionFile,
    MissionFormat,
    mission_download,
)
from irpatrol.scheduling.service import load_plan, store_plan

if TYPE_CHECKING:
    from conftest import Backend  # tests/api/conftest.py


@pytest.fixture(scope="module")
def plan_id(backend: Backend) -> int:
    from irpatrol.scheduling.core.campaign import plan_campaign
    from irpatrol.scheduling.core.county import generate
    from irpatrol.scheduling.core.model import Policy

    today = date(2026, 12, 7)
    county = generate(poles=60, feeders=3, areas=3, crews=2, seed=3, start=today, days=10, no_fly_share=0.0)
    plan = plan_campaign(county, Policy(start=today, deadline=today + timedelta(days=9)), time_limit_s=0.0)
    with db.session_scope(backend.settings) as session:
        return store_plan(session, plan, name="api missions")


def _first_day(backend: Backend, plan_id: int) -> tuple[str, str]:
    with db.session_scope(backend.settings) as session:
        cd = load_plan(session, plan_id).crew_days[0]
    return cd.crew, cd.day.isoformat()


def test_each_registered_format_downloads(client: TestClient, headers: dict[str, dict[str, str]],
                                          backend: Backend, plan_id: int) -> None:
    crew, day = _first_day(backend, plan_id)
    url = f"/plans/{plan_id}/missions"
    wpml = client.get(url, params={"crew": crew, "day": day}, headers=headers["viewer"])
    assert wpml.status_code == 200, wpml.text
    assert "wpml.zip" in wpml.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(wpml.content)) as z:
        kmz = z.namelist()
        assert kmz and all(n.endswith(".kmz") for n in kmz)
        with zipfile.ZipFile(io.BytesIO(z.read(kmz[0]))) as inner:
            assert "wpmz/waylines.wpml" in inner.namelist()
    kml = client.get(url, params={"crew": crew, "day": day, "format": "kml"}, headers=headers["viewer"])
    assert b"<kml" in kml.content
    geo = client.get(url, params={"crew": crew, "day": day, "format": "geojson"}, headers=headers["viewer"])
    assert geo.json()["type"] == "FeatureCollection"
    ical = client.get(url, params={"crew": crew, "format": "ical"}, headers=headers["viewer"])
    assert ical.content.startswith(b"BEGIN:VCALENDAR")
    # the same bytes as the shared writer gives (the web page and the CLI call it too)
    with db.session_scope(backend.settings) as session:
        plan = load_plan(session, plan_id)
    query = CrewDayQuery(plan, crew, date.fromisoformat(day), source=f"plan {plan_id}")
    same = mission_download("kml", query)
    assert kml.content == same.data


def test_a_format_registered_once_is_offered_and_others_refused(
    client: TestClient, headers: dict[str, dict[str, str]], backend: Backend, plan_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crews_txt(q: CrewDayQuery) -> list[MissionFile]:
        return [MissionFile(f"{q.crew}.txt", "text/plain", f"{q.crew} {q.day}".encode())]

    monkeypatch.setitem(MISSION_FORMATS, "txt", MissionFormat("text/plain", crews_txt, "{day}-{crew}.txt"))
    crew, day = _first_day(backend, plan_id)
    url = f"/plans/{plan_id}/missions"
    r = client.get(url, params={"crew": crew, "day": day, "format": "txt"}, headers=headers["viewer"])
    assert r.status_code == 200 and r.text == f"{crew} {day}"
    assert f'filename="{day}-{crew}.txt"' in r.headers["content-disposition"]
    assert client.get(url, params={"crew": crew, "day": day, "format": "pdf"},
                      headers=headers["viewer"]).status_code == 422
    viewer = headers["viewer"]
    assert client.get(url, params={"crew": "nobody", "day": day}, headers=viewer).status_code == 404
    assert client.get("/plans/999999/missions", params={"crew": crew}, headers=viewer).status_code == 404
    assert client.get(url, params={"crew": crew, "day": day}).status_code == 401
