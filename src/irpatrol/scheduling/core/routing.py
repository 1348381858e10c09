"""Vehicle routing with PyVRP (iterated local search on HGS neighbourhoods, MIT licence).

One model serves both uses: the crew-day sorties (multi-depot, depots = takeoff points, one route
= one battery: ``max_duration`` = usable endurance, ``fixed_cost`` = sortie overhead; scheduling.md
§1.2) and capacitated VRP benchmark instances (``demand`` + ``capacity``). Locations are the
depots first, then the clients; the matrix is both the cost and the duration.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, Solution, VehicleType, solve
from pyvrp import Route as PyvrpRoute
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from irpatrol.errors import PlanningError
from irpatrol.scheduling.core.geo import IntArray
from irpatrol.scheduling.core.instance import Route, SortieInstance

UNLIMITED = 2**40
"""Stands for 'no limit' in PyVRP's integer fields."""


@dataclass(frozen=True, slots=True, eq=False)
class VrpProblem:
    """A VRP over ``matrix`` (L×L, integer cost = duration); locations 0…D−1 are depots.

    ``vehicles`` gives the number of routes allowed from each depot; ``max_duration`` bounds a
    route's travel + service (s); ``demand``/``capacity`` make it a CVRP.
    """

    matrix: IntArray
    n_depots: int
    service: IntArray
    vehicles: tuple[int, ...]
    max_duration: int | None = None
    fixed_cost: int = 0
    demand: IntArray | None = None
    capacity: int | None = None

    @property
    def n_clients(self) -> int:
        return int(self.matrix.shape[0]) - self.n_depots

    def route_cost(self, route: Route) -> int:
        """Travel of one route plus the fixed cost (service excluded, it is the same for all)."""
        if not route.poles:
            return 0
        d = self.n_depots
        idx = np.asarray([route.takeoff, *(d + c for c in route.poles), route.takeoff])
        return int(self.matrix[idx[:-1], idx[1:]].sum()) + self.fixed_cost

    def cost(self, routes: Sequence[Route]) -> int:
        return sum(self.route_cost(r) for r in routes)


def problem_from_instance(inst: SortieInstance, vehicles_per_takeoff: Sequence[int]) -> VrpProblem:
    """The crew-day instance as a multi-depot VRP with a battery limit per route."""
    return VrpProblem(
        matrix=inst.matrix,
        n_depots=inst.n_takeoffs,
        service=np.full(inst.n_poles, inst.service_s, dtype=np.int64),
        vehicles=tuple(int(v) for v in vehicles_per_takeoff),
        max_duration=inst.endurance_s,
        fixed_cost=inst.overhead_s,
    )


def solve_vrp(
    problem: VrpProblem,
    *,
    initial: Sequence[Route] | None = None,
    time_limit_s: float = 1.0,
    max_iterations: int | None = None,
    seed: int = 1,
) -> list[Route]:
    """Best routes PyVRP finds within the time (s) / iteration budget, never worse than a feasible
    ``initial`` (the warm start, typically the feeder-order split)."""
    if problem.n_clients == 0:
        return []
    data = _data(problem)
    init = _solution(data, problem, initial) if initial else None
    stops: list[StoppingCriterion] = [MaxRuntime(time_limit_s)] if math.isfinite(time_limit_s) else []
    if max_iterations is not None:
        stops.append(MaxIterations(max_iterations))
    if not stops:
        raise PlanningError("PyVRP needs an iteration limit or a finite time limit")
    result = solve(data, MultipleCriteria(stops), seed=seed, collect_stats=False,
                   initial_solution=init)
    best = result.best
    if not best.is_feasible() or not best.is_complete():
        if initial is not None:
            return list(initial)
        raise PlanningError("no feasible routing found within the time limit")
    routes = [_route(r, problem) for r in best.routes()]
    if initial is not None and problem.cost(initial) <= problem.cost(routes):
        return list(initial)
    return routes


def _data(p: VrpProblem) -> ProblemData:
    n_loc = p.matrix.shape[0]
    locations = [Location(0.0, 0.0) for _ in range(n_loc)]
    dims = 1 if p.demand is not None else 0
    clients = [
        Client(
            location=p.n_depots + i,
            delivery=[int(p.demand[i])] if p.demand is not None else [],
            service_duration=int(p.service[i]),
        )
        for i in range(p.n_clients)
    ]
    depots = [Depot(location=d) for d in range(p.n_depots)]
    shift = p.max_duration if p.max_duration is not None else UNLIMITED
    vtypes = [
        VehicleType(
            num_available=max(1, n),
            capacity=[p.capacity] if dims and p.capacity is not None else [],
            start_depot=d,
            end_depot=d,
            fixed_cost=p.fixed_cost,
            shift_duration=shift,
            name=str(d),
        )
        for d, n in enumerate(p.vehicles)
    ]
    m: Any = np.ascontiguousarray(p.matrix, dtype=np.int64)
    return ProblemData(locations, clients, depots, vtypes, [m], [m])


def _solution(data: ProblemData, p: VrpProblem, routes: Sequence[Route]) -> Solution:
    return Solution(data, [PyvrpRoute(data, list(r.poles), r.takeoff) for r in routes if r.poles])


def _route(r: PyvrpRoute, p: VrpProblem) -> Route:
    clients = tuple(a.idx for a in r if a.is_client())
    return Route(takeoff=int(r.vehicle_type()), poles=clients)
