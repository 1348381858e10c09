"""The routing layer against capacitated VRP instances whose optimum is known exactly.

The instances are drawn here (seeded: pole-like clients scattered around a take-off point, integer
demands, rounded Euclidean distances as in TSPLIB's ``nint``) and solved to optimality by exhaustive
dynamic programming: Held–Karp over every subset of clients for the best single route (Held & Karp
1962), then the best partition of all clients into capacity-feasible routes. Nothing is downloaded.
"""

from __future__ import annotations

import numpy as np
import pytest

from irpatrol.scheduling.core.routing import VrpProblem, solve_vrp

INF = 1 << 60


def instance(seed: int, n: int, capacity: int) -> VrpProblem:
    """A depot at the centre and ``n`` clients in a 1,000 × 1,000 square with demands 1–9."""
    rng = np.random.default_rng(seed)
    xy = np.vstack([[500.0, 500.0], rng.uniform(0, 1000, size=(n, 2))])
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    return VrpProblem(matrix=np.floor(d + 0.5).astype(np.int64), n_depots=1,
                      service=np.zeros(n, dtype=np.int64), vehicles=(n,),
                      demand=rng.integers(1, 10, size=n), capacity=capacity)


def optimum(p: VrpProblem) -> int:
    """The exact optimal total distance of ``p`` (one depot, enough vehicles)."""
    n, m = p.n_clients, p.matrix
    assert p.demand is not None and p.capacity is not None
    # best[S][j]: shortest path from the depot through the clients of S ending at client j.
    best = [[INF] * n for _ in range(1 << n)]
    for j in range(n):
        best[1 << j][j] = int(m[0, j + 1])
    for s in range(1, 1 << n):
        for j in range(n):
            here = best[s][j]
            if here >= INF or not s >> j & 1:
                continue
            for k in range(n):
                if not s >> k & 1:
                    t = s | 1 << k
                    cand = here + int(m[j + 1, k + 1])
                    if cand < best[t][k]:
                        best[t][k] = cand
    demand = [sum(int(p.demand[j]) for j in range(n) if s >> j & 1) for s in range(1 << n)]
    route = [INF] * (1 << n)
    for s in range(1, 1 << n):
        if demand[s] <= p.capacity:
            route[s] = min(best[s][j] + int(m[j + 1, 0]) for j in range(n) if s >> j & 1)
    whole = [INF] * (1 << n)
    whole[0] = 0
    for s in range(1, 1 << n):
        low = s & -s
        rest = s ^ low
        sub = rest
        while True:  # every subset of s that holds its lowest client
            t = sub | low
            if route[t] < INF and whole[s ^ t] < INF:
                whole[s] = min(whole[s], route[t] + whole[s ^ t])
            if sub == 0:
                break
            sub = (sub - 1) & rest
    return whole[(1 << n) - 1]


def test_the_exact_optimum_is_right_on_a_case_worked_by_hand() -> None:
    """Four clients on a line at 10, 20, −10, −20 from the depot, demand 1, capacity 2: two routes
    out and back, 2 × 20 + 2 × 20 = 80."""
    xs = np.array([0, 10, 20, -10, -20])
    p = VrpProblem(matrix=np.abs(xs[:, None] - xs[None, :]).astype(np.int64), n_depots=1,
                   service=np.zeros(4, dtype=np.int64), vehicles=(4,), demand=np.ones(4, dtype=np.int64),
                   capacity=2)
    assert optimum(p) == 80
    p3 = VrpProblem(matrix=p.matrix, n_depots=1, service=p.service, vehicles=(4,), demand=p.demand,
                    capacity=4)
    assert optimum(p3) == 80  # one route out to 20, back through the depot side to −20 and home


@pytest.mark.parametrize(("seed", "n", "capacity"), [(11, 9, 15), (12, 10, 20), (13, 11, 18)])
def test_solved_to_the_known_optimum(seed: int, n: int, capacity: int) -> None:
    problem = instance(seed, n, capacity)
    best = optimum(problem)
    routes = solve_vrp(problem, time_limit_s=10.0, max_iterations=2000, seed=1)
    visited = sorted(c for r in routes for c in r.poles)
    assert visited == list(range(problem.n_clients))
    assert problem.demand is not None and problem.capacity is not None
    for r in routes:
        assert sum(int(problem.demand[c]) for c in r.poles) <= problem.capacity
    cost = problem.cost(routes)
    assert cost >= best  # a lower value would mean a wrong evaluator or a wrong optimum
    assert cost <= best * 1.01, f"seed {seed}: {cost} vs optimum {best}"
