"""The schedule page marks the days planned beyond the forecast horizon "weather unknown", like
``irpatrol schedule show``, in English and Chinese, and shows each crew day's measuring score."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from irpatrol.registry.model import Plan
from irpatrol.scheduling.core.campaign import plan_campaign
from irpatrol.scheduling.core.codec import plan_to_dict
from irpatrol.scheduling.core.county import generate
from irpatrol.scheduling.core.model import Policy, Weather

Web = tuple[TestClient, dict[str, int]]
Login = Callable[..., None]
START = date(2026, 11, 2)


def _store_plan_with_unknown_days(client: TestClient) -> tuple[int, list[date], list[date]]:
    """A plan with a 2-day forecast and climatology after it; returns its id, the days planned on
    the forecast and the days planned without one."""
    county = generate(poles=600, feeders=4, areas=2, crews=2, seed=3, start=START, days=1)
    forecast = tuple(Weather(START + timedelta(days=i), a.id, wind_m_s=2.0, cloud_pct=80.0)
                     for i in range(2) for a in county.areas)
    county = replace(county, weather=forecast)
    policy = Policy(start=START, deadline=START + timedelta(days=40), climate_flyable=(0.3,) * 12)
    plan = plan_campaign(county, policy, time_limit_s=0.0)
    known = sorted({cd.day for cd in plan.crew_days if not plan.weather_unknown(cd.day)})
    unknown = sorted({cd.day for cd in plan.crew_days if plan.weather_unknown(cd.day)})
    assert known and unknown, "the plan must have days on both sides of the horizon"
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        row = Plan(name="horizon plan", result=plan_to_dict(plan), period_start=START)
        session.add(row)
        session.commit()
        return row.id, known, unknown


def _header_cells(page: str) -> dict[str, str]:
    """Calendar header cell of each day (MM-DD) → its opening tag and content."""
    cells = re.findall(r"<th([^>]*)><a href=\"\?plan_id=\d+&(?:amp;)?day=(\d{4}-\d{2}-\d{2})\">"
                       r"[^<]*</a>([^<]*(?:<span[^>]*>\?</span>)?)</th>", page)
    return {day: attrs + body for attrs, day, body in cells}


def test_days_beyond_the_forecast_are_marked_weather_unknown(web: Web, login: Login) -> None:
    client, _ = web
    login(client)
    plan_id, known, unknown = _store_plan_with_unknown_days(client)
    page = client.get(f"/ui/schedule?plan_id={plan_id}").text
    cells = _header_cells(page)
    assert set(cells) == {d.isoformat() for d in known + unknown}
    for d in unknown:
        cell = cells[d.isoformat()]
        assert 'class="weather-unknown"' in cell and 'title="weather unknown"' in cell
    for d in known:
        assert "weather-unknown" not in cells[d.isoformat()]
    assert page.count("busy weather-unknown") >= len(unknown)
    assert 'id="weather-assumptions"' in page and "Forecast until 2026-11-03" in page
    assert f"{len(unknown)} planned day(s) without a forecast" in page

    # the chosen day's heading carries the mark only beyond the horizon
    later = client.get(f"/ui/schedule?plan_id={plan_id}&day={unknown[0].isoformat()}").text
    assert 'id="day-weather-unknown"' in later
    first = client.get(f"/ui/schedule?plan_id={plan_id}&day={known[0].isoformat()}").text
    assert 'id="day-weather-unknown"' not in first
    assert re.search(r'<td class="num">(0|1)\.\d\d</td>', first), "the crew day's measuring score"


def test_the_mark_is_translated(web: Web, login: Login) -> None:
    client, _ = web
    login(client, "viewer1")  # a Chinese-speaking user
    plan_id, _known, unknown = _store_plan_with_unknown_days(client)
    page = client.get(f"/ui/schedule?plan_id={plan_id}&day={unknown[0].isoformat()}").text
    assert "天气未知" in page and "weather unknown" not in page
    login(client)


def test_a_plan_without_climatology_has_no_mark(web: Web, login: Login) -> None:
    client, _ = web
    login(client)
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        seeded = session.scalars(select(Plan.id).where(Plan.name == "test plan")).one()  # forecast only
    page = client.get(f"/ui/schedule?plan_id={seeded}").text
    assert 'id="calendar"' in page and "weather-unknown" not in page
