"""The registry adapter: a county loaded into the registry plans like the county itself (over the
test database of ``tests/conftest.py``: SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from irpatrol.registry.county import load_county as load_into_registry
from irpatrol.scheduling import service
from irpatrol.scheduling.core.campaign import plan_campaign
from irpatrol.scheduling.core.county import generate
from irpatrol.scheduling.core.model import Policy
from irpatrol.scheduling.core.validator import validate


def test_registry_county_plans_and_the_plan_is_stored(session):
    synthetic = generate(400, 4, 2, 2, seed=2)
    load_into_registry(session, synthetic)
    session.commit()
    county = service.load_county(session)
    assert len(county.poles) == 400 and len(county.crews) == 2 and county.takeoffs
    assert {f.id for f in county.feeders} == {f.id for f in synthetic.feeders}
    first = synthetic.poles[0]
    assert county.poles[0].id == first.id and county.poles[0].seq == 0
    policy = Policy(start=date(2026, 11, 2), deadline=date(2026, 11, 2) + timedelta(days=29))
    plan = plan_campaign(county, policy, time_limit_s=0.0)
    assert plan.figures.planned_poles == 400 and validate(plan, county, policy) == []
    plan_id = service.store_plan(session, plan, user="test")
    session.commit()
    assert service.load_plan(session, plan_id) == plan


def test_an_empty_registry_is_a_planning_error(session):
    from irpatrol.errors import NotFound, PlanningError

    with pytest.raises(PlanningError, match="no poles"):
        service.load_county(session)
    with pytest.raises(NotFound):
        service.load_plan(session, 99)


def test_policy_inputs_come_from_defects_and_patrols(session):
    from datetime import UTC, datetime

    from irpatrol.registry import model as rm

    synthetic = generate(200, 2, 1, 1, seed=4)
    load_into_registry(session, synthetic)
    session.flush()
    poles = {p.external_id: p for p in session.query(rm.Pole)}
    a, b, c = synthetic.poles[3].id, synthetic.poles[7].id, synthetic.poles[150].id
    repaired = datetime(2026, 11, 1, 9, tzinfo=UTC)
    session.add_all([
        rm.Defect(grade="serious", status="confirmed", pole_id=poles[a].id),
        rm.Defect(grade="critical", status="repaired", pole_id=poles[b].id, repaired_at=repaired),
        rm.Defect(grade="general", status="repaired", pole_id=poles[c].id, repaired_at=repaired),
    ])
    feeder = session.query(rm.Feeder).filter_by(name=synthetic.feeders[0].id).one()
    patrol = rm.Patrol(date=date(2026, 10, 20))
    session.add(patrol)
    session.flush()
    session.add(rm.PatrolFeeder(patrol_id=patrol.id, feeder_id=feeder.id))
    session.flush()
    got = service.policy_inputs(session, reinspect_days=5)
    assert got.open_defects == frozenset({a})
    assert got.reinspect == ((b, date(2026, 11, 6)),)
    last = dict(got.last_inspected)
    assert set(last) == set(synthetic.feeders[0].pole_ids) and set(last.values()) == {date(2026, 10, 20)}
