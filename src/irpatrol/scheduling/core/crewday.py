"""Level 2: one crew on one day — battery sorties from takeoff points and the drive between them.

The day's poles are routed with PyVRP as a multi-depot VRP (depots = the nearest takeoff points,
route = one battery; scheduling.md §1.2), warm-started from the feeder-order split, which is kept
whenever the solver does not beat it or the day would not fit the crew's hours. Takeoff points
are then visited by car in a nearest-neighbour + 2-opt tour from the crew's base.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from irpatrol.errors import PlanningError
from irpatrol.scheduling.core.index import CountyIndex
from irpatrol.scheduling.core.instance import Route, build_instance
from irpatrol.scheduling.core.model import Crew, CrewDay, Drone, Policy, Segment, Sortie, Visit
from irpatrol.scheduling.core.routing import problem_from_instance, solve_vrp
from irpatrol.scheduling.core.split import split_runs

MIN_VEHICLES_PER_TAKEOFF = 4
"""Sorties allowed from one takeoff point (scheduling.md §2.2 used 2; 4 measured ~0.4 % better at
0.3 s per crew day; raised to the split's count when it uses more)."""


@dataclass(frozen=True, slots=True)
class Flight:
    """A sortie in county indices: takeoff index, pole indices in order, flight seconds."""

    takeoff: int
    poles: tuple[int, ...]
    flight_s: int


@dataclass(frozen=True, slots=True)
class DaySchedule:
    """Sorties in flying order with their takeoff times (s after midnight), the drive (m) and the
    day's span (s after midnight)."""

    flights: tuple[Flight, ...]
    starts: tuple[int, ...]
    drive_m: float
    start_s: int
    end_s: int

    def fits(self, crew: Crew) -> bool:
        """Within the crew's working hours and its sorties-per-day limit."""
        return self.end_s <= crew.day_end_s and len(self.flights) <= crew.sorties_per_day


def schedule(flights: Sequence[Flight], base_xy: np.ndarray, index: CountyIndex, crew: Crew,
             drone: Drone, policy: Policy) -> DaySchedule:
    """Order the takeoff points as a car tour from the base and time every sortie.

    Drive = straight line × ``policy.road_detour`` at ``policy.road_speed_m_s`` (planning
    figures); each sortie is followed by ``drone.sortie_overhead_s`` (battery swap, landing).
    """
    stops = list(dict.fromkeys(f.takeoff for f in flights))
    xy = np.vstack([base_xy[None, :], index.takeoff_xy[stops]]) if stops else base_xy[None, :]
    tour = _tour(xy)
    by_stop: dict[int, list[Flight]] = {}
    for f in flights:
        by_stop.setdefault(f.takeoff, []).append(f)
    t = crew.day_start_s
    ordered: list[Flight] = []
    starts: list[int] = []
    drive = 0.0
    prev = 0
    for k in tour[1:]:
        leg = float(np.hypot(*(xy[k] - xy[prev]))) * policy.road_detour
        drive += leg
        t += int(np.ceil(leg / policy.road_speed_m_s))
        for f in by_stop[stops[k - 1]]:
            ordered.append(f)
            starts.append(t)
            t += f.flight_s + drone.sortie_overhead_s
        prev = k
    if stops:
        leg = float(np.hypot(*(xy[0] - xy[prev]))) * policy.road_detour
        drive += leg
        t += int(np.ceil(leg / policy.road_speed_m_s))
    return DaySchedule(tuple(ordered), tuple(starts), drive, crew.day_start_s, t)


def _tour(xy: np.ndarray) -> list[int]:
    """Closed tour from row 0 over all rows: nearest neighbour, then 2-opt (a few dozen stops)."""
    n = len(xy)
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    tour, left = [0], set(range(1, n))
    while left:
        last = tour[-1]
        nxt = min(left, key=lambda j: d[last, j])
        tour.append(nxt)
        left.remove(nxt)
    improved = True
    while improved and n > 3:
        improved = False
        for i in range(1, n - 1):
            for j in range(i + 1, n):
                a, b = tour[i - 1], tour[i]
                c, e = tour[j], tour[(j + 1) % n]
                if d[a, c] + d[b, e] < d[a, b] + d[c, e] - 1e-6:
                    tour[i:j + 1] = reversed(tour[i:j + 1])
                    improved = True
    return tour


def crew_day(index: CountyIndex, day: date, crew: Crew, drone: Drone, policy: Policy,
             units: Sequence[Flight], *, time_limit_s: float, iterations: int | None = None,
             seed: int = 1, warm_start: bool = True) -> CrewDay:
    """The crew day over the poles of ``units`` (split sorties the campaign assigned).

    Candidates: the units as assigned, the feeder-order split of the day's runs for the crew's own
    drone, and PyVRP warm-started from the cheaper of the two; the cheapest candidate that fits
    the crew's hours and sortie limit wins (the units always fit: the campaign checked them).
    PyVRP stops after ``iterations`` (reproducible) or ``time_limit_s`` (wall clock), whichever
    comes first. ``warm_start=False`` (benchmarks only) runs PyVRP from scratch and keeps its
    answer whenever it fits, so its own quality can be compared.
    """
    base_xy = index.site_xy(crew.base)
    poles = sorted({p for f in units for p in f.poles})
    takeoffs = sorted({int(t) for p in poles for t in index.near[p]} | {f.takeoff for f in units})
    t_local = {t: i for i, t in enumerate(takeoffs)}
    p_local = {p: i for i, p in enumerate(poles)}
    inst = build_instance(index.takeoff_xy[takeoffs], index.pole_xy[poles], drone)
    assigned = [Route(t_local[f.takeoff], tuple(p_local[p] for p in f.poles)) for f in units]
    runs = [[p_local[p] for p in run] for run in feeder_runs(index, poles)]
    own, lost = split_runs(inst, runs)
    candidates: list[tuple[str, list[Route]]] = [("split", assigned)]
    if not lost:
        candidates.append(("split", own))
    ok = [(n, rs) for n, rs in candidates if all(inst.flight_s(r) <= inst.endurance_s for r in rs)]
    if not ok:
        raise PlanningError(f"{day} {crew.name}: the assigned poles do not fit the {drone.model}'s battery")
    warm = min(ok, key=lambda c: inst.cost_s(c[1]))[1]
    if time_limit_s > 0 and len(poles) >= 2:
        used = Counter(r.takeoff for r in warm)
        vehicles = [max(MIN_VEHICLES_PER_TAKEOFF, used[i]) for i in range(len(takeoffs))]
        try:
            routes = solve_vrp(problem_from_instance(inst, vehicles), initial=warm if warm_start else None,
                               time_limit_s=time_limit_s, max_iterations=iterations, seed=seed)
        except PlanningError:
            routes = []
        if routes and all(inst.flight_s(r) <= inst.endurance_s for r in routes):
            if warm_start:
                ok.append(("pyvrp", routes))
            else:
                ok = [("pyvrp", routes), *ok]
                cold = [Flight(takeoffs[r.takeoff], tuple(poles[p] for p in r.poles), inst.flight_s(r))
                        for r in routes if r.poles]
                sched = schedule(cold, base_xy, index, crew, drone, policy)
                if sched.fits(crew):
                    return to_crew_day(index, day, crew, drone, sched, "pyvrp-cold")
    for name, routes in sorted(ok, key=lambda c: (inst.cost_s(c[1]), c[0] != "split")):
        flights = [Flight(takeoffs[r.takeoff], tuple(poles[p] for p in r.poles), inst.flight_s(r))
                   for r in routes if r.poles]
        sched = schedule(flights, base_xy, index, crew, drone, policy)
        if sched.fits(crew) or (name == "split" and routes is assigned):
            return to_crew_day(index, day, crew, drone, sched, name)
    raise PlanningError(f"{day} {crew.name}: no routing of the day fits")  # pragma: no cover


def feeder_runs(index: CountyIndex, poles: Sequence[int]) -> list[list[int]]:
    """Runs of consecutive poles of one feeder, in feeder order."""
    ordered = sorted(poles, key=lambda i: (index.pole(i).feeder_id, index.pole(i).seq))
    runs: list[list[int]] = []
    for i in ordered:
        p, last = index.pole(i), index.pole(runs[-1][-1]) if runs else None
        if last is not None and last.feeder_id == p.feeder_id and last.seq == p.seq - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def to_crew_day(index: CountyIndex, day: date, crew: Crew, drone: Drone, sched: DaySchedule,
                solver: str) -> CrewDay:
    sorties = tuple(
        Sortie(id=f"{day:%Y%m%d}-{crew.name}-{k + 1:02d}", takeoff=index.takeoff(f.takeoff),
               visits=tuple(_visit(index, p) for p in f.poles), flight_s=f.flight_s, start_s=start)
        for k, (f, start) in enumerate(zip(sched.flights, sched.starts, strict=True))
    )
    return CrewDay(day=day, crew=crew.name, area=crew.area, drone=drone.model,
                   segments=segments_of(index, [p for f in sched.flights for p in f.poles]),
                   sorties=sorties, drive_m=round(sched.drive_m, 1), start_s=sched.start_s,
                   end_s=sched.end_s, solver=solver)


def _visit(index: CountyIndex, i: int) -> Visit:
    p = index.pole(i)
    return Visit(pole_id=p.id, feeder_id=p.feeder_id, seq=p.seq, lat=p.lat, lon=p.lon, height_m=p.height_m,
                 ground_m=p.ground_m)


def segments_of(index: CountyIndex, poles: Sequence[int]) -> tuple[Segment, ...]:
    """Maximal runs of consecutive poles per feeder."""
    keyed = sorted((index.pole(i).feeder_id, index.pole(i).seq) for i in poles)
    out: list[Segment] = []
    for fid, seq in keyed:
        if out and out[-1].feeder_id == fid and out[-1].last_seq == seq - 1:
            out[-1] = Segment(fid, out[-1].first_seq, seq)
        else:
            out.append(Segment(fid, seq, seq))
    return tuple(out)
