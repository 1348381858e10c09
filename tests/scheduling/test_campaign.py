"""Acceptance: the simulated county (7,800 poles, 60 feeders, 3 areas, 13 crews, 50 days with
no-fly days) is fully planned before the deadline, and the independent validator agrees."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from irpatrol.scheduling.core.campaign import REASON_UNREACHABLE, flyable, plan_campaign, replan
from irpatrol.scheduling.core.county import generate
from irpatrol.scheduling.core.index import CountyIndex
from irpatrol.scheduling.core.instance import build_instance
from irpatrol.scheduling.core.model import Policy, Weather
from irpatrol.scheduling.core.split import split_runs
from irpatrol.scheduling.core.validator import sortie_flight_s, validate


def test_every_pole_planned_before_the_deadline(county, policy, county_plan):
    f = county_plan.figures
    assert county_plan.unplanned == ()
    assert f.poles == f.planned_poles == 7800 and f.coverage_pct == 100.0
    assert all(policy.start <= cd.day <= policy.deadline for cd in county_plan.crew_days)
    flown = [v.pole_id for cd in county_plan.crew_days for s in cd.sorties for v in s.visits]
    assert sorted(flown) == sorted(p.id for p in county.poles)


def test_the_validator_finds_nothing_wrong(county, policy, county_plan):
    assert validate(county_plan, county, policy) == []


def test_every_sortie_within_its_battery(county, county_plan):
    crews = {c.name: c for c in county.crews}
    for cd in county_plan.crew_days:
        drone = county.drone(crews[cd.crew].drone)
        for s in cd.sorties:
            assert s.flight_s <= drone.endurance_s
            real = sortie_flight_s(s, drone.cruise_m_s, drone.climb_s, drone.seconds_per_pole)
            assert real <= drone.endurance_s + 2.0


def test_no_sortie_on_a_no_fly_day_or_holiday(county, policy, county_plan):
    forecast = {(w.day, w.area): w for w in county.weather}
    feeder_area = {f.id: f.area for f in county.feeders}
    grounded = {k for k, w in forecast.items() if w.rain or w.wind_m_s > 5.0}  # DL/T 664 infrared limit
    assert grounded, "the forecast must have no-fly days for this test to mean anything"
    used_days = {cd.day for cd in county_plan.crew_days}
    assert any(d in used_days for d, _ in grounded) or max(used_days) < min(d for d, _ in grounded)
    for cd in county_plan.crew_days:
        assert cd.day not in policy.holidays
        for s in cd.sorties:
            for v in s.visits:
                assert (cd.day, feeder_area[v.feeder_id]) not in grounded


def test_each_crew_day_no_worse_than_the_feeder_order_split_of_that_day(county, county_plan):
    index = CountyIndex.of(county)
    crews = {c.name: c for c in county.crews}
    better = 0
    for cd in county_plan.crew_days:
        drone = county.drone(crews[cd.crew].drone)
        poles = sorted({index.pole_at[v.pole_id] for s in cd.sorties for v in s.visits})
        takeoffs = sorted({int(t) for p in poles for t in index.near[p]})
        inst = build_instance(index.takeoff_xy[takeoffs], index.pole_xy[poles], drone)
        local = {p: k for k, p in enumerate(poles)}
        feeder_runs = [[local[index.pole_at[f"{seg.feeder_id}-{q + 1:04d}"]]
                        for q in range(seg.first_seq, seg.last_seq + 1)] for seg in cd.segments]
        split, lost = split_runs(inst, feeder_runs)
        assert lost == []
        plan_cost = cd.flight_s + drone.sortie_overhead_s * len(cd.sorties)
        assert plan_cost <= inst.cost_s(split), f"{cd.day} {cd.crew}"
        better += plan_cost < inst.cost_s(split)
    assert better >= len(county_plan.crew_days) // 2  # PyVRP improves most days


def test_crews_keep_their_hours_and_sortie_limit(county, county_plan):
    crews = {c.name: c for c in county.crews}
    for cd in county_plan.crew_days:
        crew = crews[cd.crew]
        assert cd.day.weekday() in crew.weekdays
        assert len(cd.sorties) <= crew.sorties_per_day
        assert crew.day_start_s <= cd.start_s and cd.end_s <= crew.day_end_s
        starts = [s.start_s for s in cd.sorties]
        assert starts == sorted(starts)


def test_a_grounded_area_gets_no_work_that_day(small_county):
    first = date(2026, 11, 2)
    storm = [Weather(first + timedelta(days=d), "A1", rain=True) for d in range(7)]
    policy = Policy(start=first, deadline=first + timedelta(days=29))
    county = replace(small_county, weather=())
    plan = plan_campaign(county, policy, weather=storm, time_limit_s=0.0)
    assert plan.unplanned == ()
    a1_days = {cd.day for cd in plan.crew_days if any(
        s.visits[0].feeder_id in {f.id for f in small_county.feeders if f.area == "A1"} for s in cd.sorties)}
    assert min(a1_days) >= first + timedelta(days=7)
    assert validate(plan, county, policy, storm) == []


def test_too_short_a_window_leaves_poles_unplanned_with_a_reason(small_county):
    first = date(2026, 11, 2)  # a Monday
    policy = Policy(start=first, deadline=first)
    calm = replace(small_county, weather=())
    plan = plan_campaign(calm, policy, time_limit_s=0.0)
    assert 0 < plan.figures.unplanned_poles < 600
    assert {u.reason for u in plan.unplanned} == {"no flyable crew day left before the deadline"}
    assert plan.figures.planned_poles + plan.figures.unplanned_poles == 600
    assert validate(plan, calm, policy) == []


def test_done_poles_are_not_planned_again_and_priority_feeders_go_first(small_county):
    first = date(2026, 11, 2)
    done = frozenset(small_county.feeders[0].pole_ids)
    prio = small_county.feeders[-1].id
    policy = Policy(start=first, deadline=first + timedelta(days=29), done=done,
                    priority_feeders=frozenset({prio}))
    plan = plan_campaign(replace(small_county, weather=()), policy, time_limit_s=0.0)
    flown = {v.pole_id for cd in plan.crew_days for s in cd.sorties for v in s.visits}
    assert not flown & done and plan.figures.poles == 600 - len(done)
    prio_area = small_county.feeders[-1].area
    first_day = min(cd.day for cd in plan.crew_days if cd.area == prio_area)
    assert any(seg.feeder_id == prio for cd in plan.crew_days if cd.day == first_day for seg in cd.segments)


def test_rolling_replan_keeps_the_past_and_covers_the_rest(small_county):
    first = date(2026, 11, 2)
    policy = Policy(start=first, deadline=first + timedelta(days=29))
    county = replace(small_county, weather=())
    plan = plan_campaign(county, policy, time_limit_s=0.0)
    cut = plan.crew_days[len(plan.crew_days) // 2].day
    storm = [Weather(cut + timedelta(days=d), a.id, wind_m_s=14.0) for d in range(3) for a in county.areas]
    again = replan(plan, county, policy, cut, weather=storm, time_limit_s=0.0)
    assert [cd for cd in again.crew_days if cd.day < cut] == [cd for cd in plan.crew_days if cd.day < cut]
    assert all(cd.day >= cut + timedelta(days=3) for cd in again.crew_days if cd.day >= cut)
    assert again.figures.planned_poles == 600 and again.unplanned == ()
    assert validate(again, county, policy, storm) == []


def test_unreachable_poles_are_reported(small_county):
    far = replace(small_county, takeoffs=small_county.takeoffs[:1], weather=())
    policy = Policy(start=date(2026, 11, 2), deadline=date(2026, 12, 1))
    plan = plan_campaign(far, policy, time_limit_s=0.0)
    assert plan.unplanned and all(u.reason == REASON_UNREACHABLE for u in plan.unplanned)
    assert validate(plan, far, policy) == []


def test_flyable_follows_the_operating_limits():
    county = generate(200, 2, 1, 1, seed=1)
    drone = county.drones[0]
    day = date(2026, 11, 3)
    policy = Policy(start=day, deadline=day, holidays=frozenset({date(2026, 11, 4)}))
    w = {(day, "A1"): Weather(day, "A1", wind_m_s=5.0, humidity_pct=85.0)}
    assert flyable(w, day, "A1", drone, policy)
    for bad in (Weather(day, "A1", wind_m_s=5.1), Weather(day, "A1", rain=True), Weather(day, "A1", fog=True),
                Weather(day, "A1", wind_m_s=2.0, humidity_pct=86.0)):
        assert not flyable({(day, "A1"): bad}, day, "A1", drone, policy), bad
    assert not flyable({}, date(2026, 11, 4), "A1", drone, policy)
    # an operating rule stricter than the infrared one still applies
    assert not flyable(w, day, "A1", drone, replace(policy, max_wind_m_s=4.0))


def test_takeoff_points_are_derived_near_the_line_when_none_are_given(small_county):
    from irpatrol.scheduling.core.geo import distances
    from irpatrol.scheduling.core.takeoffs import EVERY_M, OFFSET_M, derive_takeoffs

    bare = replace(small_county, takeoffs=(), weather=())
    derived = derive_takeoffs(bare)
    index = CountyIndex.of(replace(bare, takeoffs=derived))
    assert (distances(index.takeoff_xy, index.pole_xy).min(axis=1) <= OFFSET_M + 1.0).all()
    line_m = 80.0 * len(bare.poles)  # ≈ spans of the synthetic county
    assert 0.5 * line_m / EVERY_M <= len(derived) <= 2.0 * line_m / EVERY_M + len(bare.feeders)
    policy = Policy(start=date(2026, 11, 2), deadline=date(2026, 12, 1))
    plan = plan_campaign(bare, policy, time_limit_s=0.0)
    assert plan.unplanned == () and plan.figures.planned_poles == 600
    assert all(s.takeoff.id.startswith("D") for cd in plan.crew_days for s in cd.sorties)
    assert validate(plan, bare, policy) == []


def test_reinspections_and_open_defects_are_flown_first(small_county):
    county = replace(small_county, weather=())
    feeder = county.feeders[1]
    late_pole, defect_pole = feeder.pole_ids[-1], county.feeders[3].pole_ids[5]
    first = date(2026, 11, 2)
    policy = Policy(start=first, deadline=first + timedelta(days=29),
                    reinspect=((late_pole, first + timedelta(days=3)),),
                    open_defects=frozenset({defect_pole}))
    plan = plan_campaign(county, policy, time_limit_s=0.0)
    day_of = {v.pole_id: cd.day for cd in plan.crew_days for s in cd.sorties for v in s.visits}
    area = {f.id: f.area for f in county.feeders}
    for pid, fid in ((late_pole, feeder.id), (defect_pole, county.feeders[3].id)):
        first_area_day = min(cd.day for cd in plan.crew_days if cd.area == area[fid])
        assert day_of[pid] == first_area_day
    overdue = replace(policy, reinspect=((late_pole, first - timedelta(days=1)),))
    notes = plan_campaign(county, overdue, time_limit_s=0.0).notes
    assert any(late_pole in n and "after its due date" in n for n in notes)


def test_poles_inspected_within_their_cycle_are_not_due(small_county):
    county = replace(small_county, weather=())
    first = date(2026, 11, 2)
    recent = county.feeders[0].pole_ids[:10]
    old = county.feeders[0].pole_ids[10:20]
    policy = Policy(start=first, deadline=first + timedelta(days=29),
                    last_inspected=tuple((p, first - timedelta(days=30)) for p in recent)
                    + tuple((p, first - timedelta(days=200)) for p in old))
    plan = plan_campaign(county, policy, time_limit_s=0.0)
    flown = {v.pole_id for cd in plan.crew_days for s in cd.sorties for v in s.visits}
    assert not flown & set(recent) and set(old) <= flown
    assert plan.figures.poles == 590
    assert validate(plan, county, policy) == []
