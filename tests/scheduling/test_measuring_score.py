"""The measuring score (DL/T 664-2016 §4.3: cloudy, night or early morning, no sun on the target)
as a preference of the campaign: the better-scored of two otherwise equal days gets the work."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irpatrol.scheduling.core.campaign import plan_campaign
from irpatrol.scheduling.core.codec import plan_from_dict, plan_to_dict
from irpatrol.scheduling.core.county import generate
from irpatrol.scheduling.core.measuring import day_score, sun_hours, sunlit_share
from irpatrol.scheduling.core.model import Policy, Weather
from irpatrol.scheduling.core.validator import validate

MONDAY = date(2026, 11, 2)


@pytest.fixture(scope="module")
def one_day_county():
    """One area, one crew (Mon, Wed, Fri), 40 poles: the whole job fits one crew day."""
    return generate(40, 2, 1, 1, seed=5, start=MONDAY, days=1)


def _with_sky(county, clouds: dict[date, float]):
    return replace(county, weather=tuple(Weather(d, a.id, wind_m_s=2.0, cloud_pct=c)
                                         for d, c in clouds.items() for a in county.areas))


def _days(plan):
    return sorted({cd.day for cd in plan.crew_days})


def test_the_overcast_day_gets_the_work_and_the_plan_reports_its_score(one_day_county):
    wednesday = MONDAY + timedelta(days=2)  # the crew works Mon, Wed, Fri
    county = _with_sky(one_day_county, {MONDAY: 0.0, wednesday: 100.0})
    policy = Policy(start=MONDAY, deadline=MONDAY + timedelta(days=6))
    plan = plan_campaign(county, policy, time_limit_s=0.0)
    assert plan.figures.planned_poles == plan.figures.poles == 40
    assert _days(plan) == [wednesday]
    assert all(cd.score == 1.0 for cd in plan.crew_days)
    d = plan_to_dict(plan)
    assert [cd["score"] for cd in d["crew_days"]] == [1.0] * len(plan.crew_days)
    assert d["figures"]["measuring_score"] == 1.0
    assert plan_from_dict(d) == plan
    assert validate(plan, county, policy) == []

    # the same days the other way round: the work stays on Monday
    swapped = plan_campaign(_with_sky(one_day_county, {MONDAY: 100.0, wednesday: 0.0}), policy,
                            time_limit_s=0.0)
    assert _days(swapped) == [MONDAY]


def test_without_the_preference_window_the_earliest_day_is_kept(one_day_county):
    wednesday = MONDAY + timedelta(days=2)  # the crew works Mon, Wed, Fri
    county = _with_sky(one_day_county, {MONDAY: 0.0, wednesday: 100.0})
    policy = Policy(start=MONDAY, deadline=MONDAY + timedelta(days=6), prefer_within_days=0)
    plan = plan_campaign(county, policy, time_limit_s=0.0)
    assert _days(plan) == [MONDAY]
    assert plan.crew_days[0].score is not None and plan.crew_days[0].score < 0.5


def test_the_preference_never_passes_the_deadline_nor_a_no_fly_day(one_day_county):
    wednesday = MONDAY + timedelta(days=2)  # the crew works Mon, Wed, Fri
    sky = replace(_with_sky(one_day_county, {MONDAY: 0.0}), weather=(
        *_with_sky(one_day_county, {MONDAY: 0.0}).weather,
        *(Weather(wednesday, a.id, wind_m_s=6.0, cloud_pct=100.0) for a in one_day_county.areas)))
    plan = plan_campaign(sky, Policy(start=MONDAY, deadline=MONDAY + timedelta(days=6)), time_limit_s=0.0)
    assert wednesday not in _days(plan)  # overcast but too windy for infrared (DL/T 664 §4.3)
    county = _with_sky(one_day_county, {MONDAY: 0.0, wednesday: 100.0})
    plan = plan_campaign(county, Policy(start=MONDAY, deadline=MONDAY), time_limit_s=0.0)
    assert _days(plan) == [MONDAY]


def test_same_seed_gives_byte_identical_plan_json_with_scores():
    county = generate(600, 6, 2, 3, seed=3, start=MONDAY, days=30)
    clouds = {MONDAY + timedelta(days=i): float((i * 37) % 101) for i in range(30)}
    county = _with_sky(county, clouds)
    policy = Policy(start=MONDAY, deadline=MONDAY + timedelta(days=29))
    runs = [json.dumps(plan_to_dict(plan_campaign(county, policy, time_limit_s=float("inf"), iterations=50,
                                                  seed=4)), sort_keys=True) for _ in range(2)]
    assert runs[0] == runs[1]
    assert '"score"' in runs[0]


def test_night_and_cloud_raise_the_score():
    day = date(2026, 12, 1)
    lat, lon = 30.0, 114.0
    rise, set_ = sun_hours(day, lat, lon)
    assert 6.5 < rise < 7.8 and 16.8 < set_ < 18.0  # central China, early December
    assert sunlit_share(day, lat, lon, 0, 5 * 3600) == 0.0  # before dawn
    assert sunlit_share(day, lat, lon, 12 * 3600, 14 * 3600) == 1.0
    clear = Weather(day, "a", cloud_pct=0.0)
    assert day_score(clear, day, lat, lon, 12 * 3600, 14 * 3600) == 0.0
    assert day_score(clear, day, lat, lon, 19 * 3600, 23 * 3600) == 1.0  # night
    assert day_score(Weather(day, "a", cloud_pct=100.0), day, lat, lon, 12 * 3600, 14 * 3600) == 1.0
    assert day_score(None, day, lat, lon, 12 * 3600, 14 * 3600) == 0.5


@given(cloud=st.floats(0, 100), start_h=st.integers(0, 23), hours=st.integers(1, 12),
       doy=st.integers(0, 364), lat=st.floats(18, 53))
def test_score_is_a_share_and_grows_with_cloud(cloud, start_h, hours, doy, lat):
    day = date(2026, 1, 1) + timedelta(days=doy)
    a, b = start_h * 3600, min(24, start_h + hours) * 3600
    s = day_score(Weather(day, "a", cloud_pct=cloud), day, lat, 114.0, a, b)
    assert 0.0 <= s <= 1.0
    assert s >= day_score(Weather(day, "a", cloud_pct=0.0), day, lat, 114.0, a, b)


def test_a_forecast_file_carries_the_cloud_cover(tmp_path):
    from irpatrol.errors import InputError
    from irpatrol.scheduling.files import read_weather

    good = tmp_path / "forecast.csv"
    good.write_text("day,area,rain,wind_m_s,cloud_pct\n2026-11-02,A1,no,2.0,85\n2026-11-03,A1,no,2.0,\n",
                    encoding="utf-8")
    assert [w.cloud_pct for w in read_weather(good)] == [85.0, None]
    bad = tmp_path / "bad.csv"
    bad.write_text("day,area,rain,wind_m_s,cloud_pct\n2026-11-02,A1,no,2.0,120\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cloud cover 120\.0 %") as err:
        read_weather(bad)
    assert "bad.csv: row 2" in str(err.value)
