"""Crew-day capacity learnt from the registry's past patrols, and respected by the plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from irpatrol import db
from irpatrol.config import get_settings
from irpatrol.registry import model as rm
from irpatrol.registry.county import load_county as load_into_registry
from irpatrol.scheduling import service
from irpatrol.scheduling.core.campaign import plan_campaign
from irpatrol.scheduling.core.county import generate
from irpatrol.scheduling.core.model import Policy
from irpatrol.scheduling.core.validator import validate


@pytest.fixture()
def registry(tmp_path, monkeypatch):
    monkeypatch.setenv("IRPATROL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("IRPATROL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    engine = db.engine_for(get_settings())
    db.ensure_schema(engine)
    with db.session_factory(engine)() as session:
        load_into_registry(session, generate(300, 3, 1, 2, seed=9))
        session.commit()
    yield db.session_factory(engine)
    engine.dispose()
    get_settings.cache_clear()


def _patrol(session, crew, day, poles, k0):
    p = rm.Patrol(date=day, crew_id=crew.id)
    session.add(p)
    session.flush()
    t0 = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    for k, pole in enumerate(poles):
        session.add(rm.Image(sha256=f"{k0 + k:064x}", original_name=f"{k0 + k}.jpg", status="ok",
                             patrol_id=p.id, pole_id=pole.id, captured_at=t0 + timedelta(seconds=60 * k)))


def test_capacity_is_the_median_of_past_patrol_days_and_the_plan_keeps_it(registry):
    with registry() as session:
        assert service.crew_capacity(session) == {}  # no patrols yet: no calibration
        crews = session.scalars(select(rm.Crew).order_by(rm.Crew.id)).all()
        poles = session.scalars(select(rm.Pole).order_by(rm.Pole.id)).all()
        k = 0
        for i, n in enumerate((30, 40, 50)):
            _patrol(session, crews[0], date(2026, 10, 1 + i), poles[:n], k)
            k += n
        _patrol(session, crews[0], date(2026, 10, 9), poles[:3], k)  # too few to count
        session.commit()
        cap = service.crew_capacity(session)
        assert cap == {crews[0].id: 40, 0: 40}
        county = service.load_county(session)
    assert {c.poles_per_day for c in county.crews} == {40}  # the other crew gets the county median
    policy = Policy(start=date(2026, 11, 2), deadline=date(2027, 1, 31))
    plan = plan_campaign(county, policy, time_limit_s=0.0)
    assert plan.figures.planned_poles == 300
    biggest = max(len(s.visits) for cd in plan.crew_days for s in cd.sorties)
    # a day takes whole split sorties while they fit the capacity (its first one always)
    assert all(sum(len(s.visits) for s in cd.sorties) <= max(40, biggest) for cd in plan.crew_days)
    free = replace(county, crews=tuple(replace(c, poles_per_day=None) for c in county.crews))
    unbounded = plan_campaign(free, policy, time_limit_s=0.0)
    assert max(sum(len(s.visits) for s in cd.sorties) for cd in unbounded.crew_days) > 40
    assert plan.figures.crew_days > unbounded.figures.crew_days
    assert validate(plan, county, policy) == []
