"""Infrared validity, forecast horizon with climatology beyond it, and battery derating."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irpatrol.errors import ParameterError
from irpatrol.scheduling.core.campaign import plan_campaign
from irpatrol.scheduling.core.codec import plan_from_dict, plan_to_dict
from irpatrol.scheduling.core.conditions import (
    CLIMATE_FLYABLE,
    Derating,
    check_fractions,
    climate_flyable,
    derated,
    temperature_factor,
    wind_factor,
)
from irpatrol.scheduling.core.model import Drone, Policy, Weather
from irpatrol.scheduling.core.validator import validate


@given(month=st.integers(1, 12), f=st.floats(0.0, 1.0), year=st.integers(2026, 2030))
def test_climatology_gives_each_month_its_share_of_days(month, f, year):
    first = date(year, month, 1)
    days = [first + timedelta(days=i) for i in range(31) if (first + timedelta(days=i)).month == month]
    fractions = tuple(f if m == month - 1 else 0.5 for m in range(12))
    n = sum(climate_flyable(d, fractions) for d in days)
    assert abs(n - f * len(days)) <= 1.0


def test_fractions_are_checked():
    check_fractions(CLIMATE_FLYABLE)
    with pytest.raises(ParameterError):
        check_fractions((0.5,) * 11)
    with pytest.raises(ParameterError):
        check_fractions((1.2,) * 12)


def test_battery_derating_shrinks_with_cold_wind_and_reserve():
    d = Drone("M30T", endurance_s=1800)
    assert derated(d, Derating(25.0, 0.0, 0.0)).endurance_s == 1800
    assert temperature_factor(0.0) == pytest.approx(0.85) and temperature_factor(-30.0) == 0.75
    assert wind_factor(5.0) == pytest.approx(0.9)
    cold = derated(d, Derating(0.0, 5.0, 0.1)).endurance_s
    assert cold == int(1800 * 0.85 * 0.9 * 0.9)
    assert cold < derated(d, Derating(10.0, 5.0, 0.1)).endurance_s < 1800
    with pytest.raises(ParameterError):
        Derating(5.0, 0.0, 0.6)


def test_beyond_the_forecast_the_plan_uses_climatology_and_says_so(small_county):
    first = date(2026, 11, 2)
    forecast = tuple(Weather(first + timedelta(days=i), a.id, wind_m_s=2.0)
                     for i in range(7) for a in small_county.areas)
    county = replace(small_county, weather=forecast)
    policy = Policy(start=first, deadline=first + timedelta(days=60), climate_flyable=(0.25,) * 12,
                    battery=(5.0, 5.0, 0.1))
    plan = plan_campaign(county, policy, time_limit_s=0.0)
    assert plan.forecast_until == first + timedelta(days=6)
    later = [cd.day for cd in plan.crew_days if cd.day > plan.forecast_until]
    assert later and all(plan.weather_unknown(d) for d in later)
    assert all(climate_flyable(d, (0.25,) * 12) for d in later)
    assert not any(plan.weather_unknown(cd.day) for cd in plan.crew_days if cd.day <= plan.forecast_until)
    d = plan_to_dict(plan)
    assert d["weather"]["forecast_until"] == "2026-11-08"
    assert set(d["weather"]["weather_unknown_days"]) == {x.isoformat() for x in later}
    assert plan_from_dict(d) == plan
    assert validate(plan, county, policy) == []
    for cd in plan.crew_days:
        full = county.drone(cd.drone).endurance_s
        limit = derated(county.drone(cd.drone), Derating(5.0, 5.0, 0.1)).endurance_s
        assert max(s.flight_s for s in cd.sorties) <= limit < 0.75 * full


def test_a_windy_forecast_day_is_not_planned(small_county):
    first = date(2026, 11, 2)
    windy = tuple(Weather(first, a.id, wind_m_s=6.0) for a in small_county.areas)
    county = replace(small_county, weather=windy)
    plan = plan_campaign(county, Policy(start=first, deadline=first + timedelta(days=20)), time_limit_s=0.0)
    assert plan.crew_days and all(cd.day != first for cd in plan.crew_days)
