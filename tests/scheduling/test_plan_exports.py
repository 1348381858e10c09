from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from lxml import etree

from irpatrol.scheduling.core.campaign import plan_campaign
from irpatrol.scheduling.core.model import Policy
from irpatrol.scheduling.export.geojson import day_geojson
from irpatrol.scheduling.export.ical import crew_calendar
from irpatrol.scheduling.export.kml import day_kml


@pytest.fixture(scope="module")
def plan(small_county):
    first = date(2026, 11, 2)
    policy = Policy(start=first, deadline=first + timedelta(days=29))
    return plan_campaign(replace(small_county, weather=()), policy, time_limit_s=0.0)


def test_geojson_has_a_line_per_sortie_and_a_point_per_pole(plan):
    cd = plan.crew_days[0]
    fc = json.loads(json.dumps(day_geojson([cd])))
    assert fc["type"] == "FeatureCollection"
    lines = [f for f in fc["features"] if f["geometry"]["type"] == "LineString"]
    poles = [f for f in fc["features"] if f["properties"]["kind"] == "pole"]
    assert len(lines) == len(cd.sorties)
    assert [p["properties"]["pole_id"] for p in poles] == [v.pole_id for s in cd.sorties for v in s.visits]
    s0 = cd.sorties[0]
    assert lines[0]["geometry"]["coordinates"][1] == [s0.visits[0].lon, s0.visits[0].lat]
    assert lines[0]["properties"]["est_duration_s"] == s0.flight_s
    assert {"crew", "date", "sortie_id", "seq", "pole_id", "feeder_id"} <= set(poles[0]["properties"])


def test_kml_parses_and_lists_every_sortie(plan):
    cd = plan.crew_days[0]
    root = etree.fromstring(day_kml([cd], "day"))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    strings = root.findall(".//k:LineString/k:coordinates", ns)
    assert len(strings) == len(cd.sorties)
    first = strings[0].text.split()
    assert len(first) >= len(cd.sorties[0].visits) + 2  # one point per shot, some poles get two
    lon, lat, _ = (float(x) for x in first[1].split(","))
    v = cd.sorties[0].visits[0]
    assert (lon, lat) != (v.lon, v.lat)  # the shot sits beside the pole, not over its conductors
    assert abs(lon - v.lon) < 2e-4 and abs(lat - v.lat) < 2e-4


def test_icalendar_follows_rfc5545_line_rules(plan):
    crew = plan.crew_days[0].crew
    data = crew_calendar(crew, plan.crew_days, datetime(2026, 11, 1, 12, tzinfo=UTC))
    text = data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    n_days = sum(cd.crew == crew for cd in plan.crew_days)
    assert unfolded.count("BEGIN:VEVENT") == n_days
    cd = plan.crew_days[0]
    assert f"DTSTART;TZID=Asia/Shanghai:{cd.day:%Y%m%d}T08" in unfolded
    assert "DTSTAMP:20261101T120000Z" in unfolded
    assert cd.sorties[0].id in unfolded


def test_icalendar_carries_the_time_zone(plan):
    from irpatrol.errors import ParameterError

    crew = plan.crew_days[0].crew
    text = crew_calendar(crew, plan.crew_days, datetime(2026, 11, 1, tzinfo=UTC)).decode()
    assert "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai" in text and "TZOFFSETTO:+0800" in text
    assert "DTSTART;TZID=Asia/Shanghai:" in text
    dst = crew_calendar(crew, plan.crew_days, datetime(2026, 11, 1, tzinfo=UTC), tz="Europe/Berlin").decode()
    assert "VTIMEZONE" in dst  # no clock change within Nov–Dec: a fixed offset of +0100
    assert "TZOFFSETTO:+0100" in dst
    unknown = crew_calendar(crew, plan.crew_days, datetime(2026, 11, 1, tzinfo=UTC),
                            weather_unknown=lambda d: True).decode()
    assert "weather unknown" in unknown.replace("\r\n ", "")
    with pytest.raises(ParameterError):
        crew_calendar(crew, plan.crew_days, datetime(2026, 11, 1, tzinfo=UTC), tz="Mars/Olympus")
