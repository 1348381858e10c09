from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.scheduling.core.instance import build_instance
from irpatrol.scheduling.core.model import Drone
from irpatrol.scheduling.core.routing import problem_from_instance, solve_vrp
from irpatrol.scheduling.core.split import split_runs

DRONE = Drone("test", endurance_s=1200, cruise_m_s=10.0, seconds_per_pole=45)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(2, 60), n_takeoffs=st.integers(1, 6), seed=st.integers(0, 1000))
def test_pyvrp_never_worse_than_its_warm_start_and_keeps_every_rule(n, n_takeoffs, seed):
    rng = np.random.default_rng(seed)
    poles = np.cumsum(rng.normal(0, 80, (n, 2)), axis=0)
    takeoffs = poles[rng.integers(0, n, n_takeoffs)] + rng.normal(0, 150, (n_takeoffs, 2))
    inst = build_instance(takeoffs, poles, DRONE)
    split, lost = split_runs(inst, [list(range(n))])
    if lost or not split:
        return
    used = Counter(r.takeoff for r in split)
    vehicles = [max(2, used[i]) for i in range(n_takeoffs)]
    routes = solve_vrp(problem_from_instance(inst, vehicles), initial=split, time_limit_s=0.05)
    assert sorted(p for r in routes for p in r.poles) == list(range(n))
    assert all(inst.flight_s(r) <= DRONE.endurance_s for r in routes)
    assert all(sum(r.takeoff == t for r in routes) <= vehicles[t] for t in range(n_takeoffs))
    assert inst.cost_s(routes) <= inst.cost_s(split)


def test_two_clusters_get_one_sortie_each_from_their_own_takeoff_point():
    a = np.array([[0.0, 100.0 * i] for i in range(5)])
    b = a + np.array([5000.0, 0.0])
    inst = build_instance(np.array([[50.0, 0.0], [5050.0, 0.0]]), np.vstack([a, b]), DRONE)
    routes = solve_vrp(problem_from_instance(inst, [2, 2]), time_limit_s=0.2)
    got = sorted((r.takeoff, sorted(r.poles)) for r in routes)
    assert got == [(0, [0, 1, 2, 3, 4]), (1, [5, 6, 7, 8, 9])]
