"""Scheduling fixtures: the acceptance county and its plan, built once per session."""

from __future__ import annotations

from datetime import date

import pytest

from irpatrol.scheduling.core.campaign import plan_campaign
from irpatrol.scheduling.core.county import generate
from irpatrol.scheduling.core.model import County, Plan, Policy

START = date(2026, 11, 2)
DEADLINE = date(2026, 12, 21)  # a 50-day window


@pytest.fixture(scope="session")
def county() -> County:
    """The acceptance county: 7,800 poles, 60 feeders, 3 areas, 13 crews, 50-day forecast."""
    return generate(7800, 60, 3, 13, seed=7, start=START, days=50)


@pytest.fixture(scope="session")
def policy() -> Policy:
    return Policy(start=START, deadline=DEADLINE, holidays=frozenset({date(2026, 11, 11)}))


@pytest.fixture(scope="session")
def county_plan(county: County, policy: Policy) -> Plan:
    return plan_campaign(county, policy, time_limit_s=0.3)


@pytest.fixture(scope="session")
def small_county() -> County:
    return generate(600, 6, 2, 3, seed=3, start=START, days=30)
