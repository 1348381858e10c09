"""The validator catches each kind of broken plan (tampered copies of a valid one)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from irpatrol.errors import PlanningError
from irpatrol.scheduling.core.campaign import plan_campaign
from irpatrol.scheduling.core.model import Plan, Policy, Weather
from irpatrol.scheduling.core.validator import check, validate

FIRST = date(2026, 11, 2)


@pytest.fixture(scope="module")
def setup(small_county):
    county = replace(small_county, weather=())
    policy = Policy(start=FIRST, deadline=FIRST + timedelta(days=29))
    plan = plan_campaign(county, policy, time_limit_s=0.1)
    assert validate(plan, county, policy) == []
    return county, policy, plan


def kinds(plan: Plan, county, policy, weather=()) -> set[str]:
    return {v.kind for v in validate(plan, county, policy, weather)}


def with_day(plan: Plan, i: int, **changes) -> Plan:
    days = list(plan.crew_days)
    days[i] = replace(days[i], **changes)
    return replace(plan, crew_days=tuple(days))


def test_a_pole_flown_twice(setup):
    county, policy, plan = setup
    cd = plan.crew_days[0]
    s0 = cd.sorties[0]
    twice = replace(s0, visits=(*s0.visits, cd.sorties[-1].visits[0]))
    assert "pole-twice" in kinds(with_day(plan, 0, sorties=(twice, *cd.sorties[1:])), county, policy)


def test_a_pole_forgotten(setup):
    county, policy, plan = setup
    cd = plan.crew_days[0]
    assert kinds(with_day(plan, 0, sorties=cd.sorties[1:]), county, policy) == {"pole-missing"}


def test_a_sortie_over_the_battery(setup):
    county, policy, plan = setup
    weak = replace(county, drones=tuple(replace(d, endurance_s=600) for d in county.drones))
    assert "battery" in kinds(plan, weak, policy)


def test_a_flight_time_understated(setup):
    county, policy, plan = setup
    cd = plan.crew_days[0]
    s0 = replace(cd.sorties[0], flight_s=cd.sorties[0].flight_s // 2)
    assert "flight-time" in kinds(with_day(plan, 0, sorties=(s0, *cd.sorties[1:])), county, policy)


def test_a_flight_on_a_no_fly_day_or_holiday(setup):
    county, policy, plan = setup
    cd = plan.crew_days[0]
    area = {f.id: f.area for f in county.feeders}[cd.sorties[0].visits[0].feeder_id]
    assert "no-fly" in kinds(plan, county, policy, [Weather(cd.day, area, rain=True)])
    assert "no-fly" in kinds(plan, county, policy, [Weather(cd.day, area, wind_m_s=12.0)])
    assert "holiday" in kinds(plan, county, replace(policy, holidays=frozenset({cd.day})))


def test_a_crew_in_two_places(setup):
    county, policy, plan = setup
    cd = plan.crew_days[0]
    assert "two-places" in kinds(replace(plan, crew_days=(cd, *plan.crew_days)), county, policy)
    if len(cd.sorties) > 1:
        early = replace(cd.sorties[1], start_s=cd.sorties[0].start_s + 60)
        tampered = with_day(plan, 0, sorties=(cd.sorties[0], early, *cd.sorties[2:]))
        assert "two-places" in kinds(tampered, county, policy)


def test_outside_the_window_or_the_crews_week(setup):
    county, policy, plan = setup
    late = with_day(plan, 0, day=policy.deadline + timedelta(days=1))
    assert "outside-window" in kinds(late, county, policy)
    crew = next(c for c in county.crews if c.name == plan.crew_days[0].crew)
    off = next(FIRST + timedelta(days=d) for d in range(7) if (FIRST + timedelta(days=d)).weekday()
               not in crew.weekdays)
    assert "not-working" in kinds(with_day(plan, 0, day=off), county, policy)


def test_check_raises_a_planning_error_naming_the_problem(setup):
    county, policy, plan = setup
    check(plan, county, policy)
    with pytest.raises(PlanningError, match="pole-missing"):
        check(with_day(plan, 0, sorties=()), county, policy)
