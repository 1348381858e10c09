"""``GET /stats`` with the dashboard's filters (issue 14): a start/end date range as well as the
period, area/feeder/crew, and the new keys (ageing, open by grade, change_pct, figures) beside
the old ones."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi.testclient import TestClient

from irpatrol import db
from irpatrol.config import Settings
from irpatrol.registry.model import Area, Crew, Feeder, Patrol, PatrolFeeder

Headers = dict[str, dict[str, str]]
DAY = date(2032, 5, 6)
"""A day no other test flies."""


def test_stats_take_a_date_range_and_carry_ageing_and_figures(
    client: TestClient, headers: Headers, settings: Settings
) -> None:
    tag = uuid.uuid4().hex[:8]
    with db.session_scope(settings) as session:
        area = Area(name=f"A-{tag}")
        feeder = Feeder(name=f"F-{tag}", area=area)
        crew = Crew(name=f"C-{tag}")
        session.add_all([area, feeder, crew])
        session.flush()
        patrol = Patrol(date=DAY, key=f"stats-{tag}", km_flown=2.71549, crew_id=crew.id)
        session.add_all([patrol, PatrolFeeder(patrol=patrol, feeder=feeder)])
    viewer = headers["viewer"]
    r = client.get("/stats", params={"start": DAY.isoformat(), "end": DAY.isoformat(), "crew": f"C-{tag}"},
                   headers=viewer)
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["period"] == {"start": DAY.isoformat(), "end": DAY.isoformat()}
    assert s["km_flown"] == 2.715 and s["figures"]["km_flown"] == "2.72"  # rounded once, from 2.71549
    assert s["figures"]["change_pct"]["km_flown"] == "—" and s["change_pct"]["km_flown"] is None
    assert set(s["ageing"]["buckets"]) == {"0-7", "8-30", "31-90", ">90"} and s["ageing"]["open"] == 0
    assert s["filters"] == {"area": None, "feeder": None, "crew": f"C-{tag}"}
    same = client.get("/stats", params={"period": DAY.isoformat(), "area": f"A-{tag}"}, headers=viewer).json()
    assert same["km_flown"] == s["km_flown"]
    both = client.get("/stats", params={"period": "2032", "start": DAY.isoformat()}, headers=viewer)
    assert both.status_code in (400, 422) and "not both" in both.text
    assert client.get("/stats", params={"start": "0999-01-01"}, headers=viewer).status_code in (400, 422)
    assert client.get("/stats", params={"crew": f"nobody-{tag}"}, headers=viewer).status_code == 404
