from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.scheduling.core.instance import Route, build_instance
from irpatrol.scheduling.core.model import Drone
from irpatrol.scheduling.core.split import split_runs

DRONE = Drone("test", endurance_s=900, cruise_m_s=10.0, seconds_per_pole=40, climb_s=15,
              sortie_overhead_s=300)


def line(n: int, span: float = 80.0, angle: float = 0.0) -> np.ndarray:
    return np.column_stack([np.arange(n) * span * np.cos(angle), np.arange(n) * span * np.sin(angle)])


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 120),
    span=st.floats(40.0, 250.0),
    n_takeoffs=st.integers(1, 12),
    seed=st.integers(0, 10_000),
    cut=st.integers(0, 119),
)
def test_split_covers_every_pole_once_in_feeder_order_within_the_battery(n, span, n_takeoffs, seed, cut):
    rng = np.random.default_rng(seed)
    poles = line(n, span) + rng.normal(0, 10, (n, 2))
    takeoffs = poles[rng.integers(0, n, n_takeoffs)] + rng.normal(0, 200, (n_takeoffs, 2))
    inst = build_instance(takeoffs, poles, DRONE)
    runs = [list(range(min(cut, n))), list(range(min(cut, n), n))]
    routes, lost = split_runs(inst, [r for r in runs if r])
    flown = [p for r in routes for p in r.poles]
    assert sorted(flown + lost) == list(range(n))
    assert len(set(flown)) == len(flown)
    for r in routes:
        assert inst.flight_s(r) <= DRONE.endurance_s
        assert list(r.poles) == sorted(r.poles)  # feeder order inside a sortie
    for p in lost:  # a lost pole cannot be flown alone from any takeoff point
        assert min(inst.flight_s(Route(t, (p,))) for t in range(n_takeoffs)) > DRONE.endurance_s


def test_a_pole_out_of_range_is_reported_not_flown():
    poles = np.array([[0.0, 0.0], [80.0, 0.0], [9000.0, 0.0]])
    inst = build_instance(np.array([[0.0, 100.0]]), poles, DRONE)
    routes, lost = split_runs(inst, [[0, 1, 2]])
    assert lost == [2]
    assert routes == [Route(0, (0, 1))]


def test_flight_time_is_legs_climb_and_time_per_pole():
    poles = np.array([[0.0, 100.0], [0.0, 200.0]])
    inst = build_instance(np.array([[0.0, 0.0]]), poles, DRONE)
    # 100 m out, 100 m between, 200 m back at 10 m/s; climb + descent 2 × 15 s; 2 × 40 s per pole
    assert inst.flight_s(Route(0, (0, 1))) == 10 + 10 + 20 + 30 + 80
    assert inst.cost_s([Route(0, (0, 1))]) == 150 + 300
