"""Level 1: the campaign — which crew flies which feeder segments on which day.

Multi-period assignment with due dates (scheduling.md §1.1, §1.2 "L1"), solved by a greedy over
days and crews plus a local search (pairwise swaps of units between crews of the same area and
day that shorten the drive). A *unit* is one sortie of the feeder-order split of a feeder, so a
crew day made of units always has a feasible battery plan; level 2 (:mod:`crewday`) then re-routes
the day with PyVRP. Among the days that meet the same work, the campaign prefers those with the
better measuring score (:mod:`measuring`: cloud cover and the working hours without sun on the
target, DL/T 664-2016 §4.3). Rolling re-plan: :func:`replan` keeps the days before a date and plans the rest
with what is done and a new forecast.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from irpatrol.errors import PlanningError
from irpatrol.scheduling.core.conditions import (
    Derating,
    beyond_horizon,
    climate_flyable,
    derated,
    no_fly_reason,
)
from irpatrol.scheduling.core.crewday import DaySchedule, Flight, crew_day, feeder_runs, schedule
from irpatrol.scheduling.core.geo import project
from irpatrol.scheduling.core.index import CountyIndex
from irpatrol.scheduling.core.instance import build_instance
from irpatrol.scheduling.core.measuring import day_score
from irpatrol.scheduling.core.model import (
    County,
    Crew,
    CrewDay,
    Drone,
    Figures,
    Plan,
    Policy,
    Unplanned,
    Weather,
    works_on,
)
from irpatrol.scheduling.core.split import split_runs
from irpatrol.scheduling.core.takeoffs import derive_takeoffs

ITERATIONS = 200
"""PyVRP iterations per crew day (an iteration budget, not a wall-clock limit, so a seed gives the
same plan on any machine load). Measured on the acceptance county (77 crew days, bench/scheduling.py,
2-core machine): 150 it 23 s CPU, cost −3.1 % vs the feeder-order split; 200 it ≈ 33 s; 250 it
43 s, −3.2 %; 400 it 66 s, −3.4 %. 200 keeps the county plan well inside the 60 s target."""
SCORE_STEP = 0.05
"""Measuring scores are compared in steps of this size, so the slow drift of day length from one
day to the next does not move work later; a re-assignment must gain at least one step in total."""
REASON_UNREACHABLE = "no takeoff point within one battery"
REASON_NO_CAPACITY = "no flyable crew day left before the deadline"


@dataclass(frozen=True, slots=True)
class Unit:
    """One split sortie of a feeder: the smallest piece of work the campaign assigns. ``rank``
    orders the work: (0, due date) re-inspection, (1, "") open defect, (2, "") priority feeder,
    (3, "") the rest."""

    id: int
    area: str
    feeder_id: str
    rank: tuple[int, str]
    flight: Flight


def flyable(weather: dict[tuple[date, str], Weather], day: date, area: str, drone: Drone,
            policy: Policy) -> bool:
    """No flight on a holiday, nor where the forecast breaks the infrared conditions (rain, fog,
    wind > 5 m/s, humidity > 85 %; DL/T 664 §4.3) or the operating/airframe wind limits
    (:func:`conditions.no_fly_reason`). Beyond the forecast horizon a day is flyable by the
    month's climatological share (:func:`conditions.climate_flyable`) when the policy has one; a
    day without forecast and without climatology counts as flyable."""
    if day in policy.holidays:
        return False
    if beyond_horizon(day, policy) and policy.climate_flyable is not None:
        return climate_flyable(day, policy.climate_flyable)
    w = weather.get((day, area))
    return w is None or no_fly_reason(w, drone, policy) is None


def with_horizon(policy: Policy, forecast: dict[tuple[date, str], Weather]) -> Policy:
    """``policy`` with its forecast horizon set: the last forecast day, or the day before the
    start when there is no forecast at all."""
    if policy.forecast_until is not None or policy.climate_flyable is None:
        return policy
    last = max((d for d, _ in forecast), default=policy.start - timedelta(days=1))
    return replace(policy, forecast_until=last)


def due_poles(county: County, policy: Policy) -> list[int]:
    """Indices of the poles due in this campaign; poles done or inspected within their feeder
    class's cycle before the deadline are left out (not unplanned: nothing to do)."""
    cycles = dict(policy.cycle_days)
    last = dict(policy.last_inspected)
    cls = {f.id: f.feeder_class for f in county.feeders}
    due: list[int] = []
    for i, p in enumerate(county.poles):
        if p.id in policy.done:
            continue
        seen = last.get(p.id)
        cycle = cycles.get(cls.get(p.feeder_id, "standard"), 182)
        if seen is not None and seen + timedelta(days=cycle) > policy.deadline:
            continue
        due.append(i)
    return due


def make_units(index: CountyIndex, policy: Policy, due: Sequence[int]) -> tuple[list[Unit], list[int]]:
    """Cut every feeder's due poles (runs of consecutive poles) into split sorties.

    Rank: re-inspections by due date first, then poles with open defects, then priority feeders,
    then the rest in feeder order. Returns the units and the unreachable pole indices.
    """
    county = index.county
    reinspect = dict(policy.reinspect)
    due_set = set(due)
    units: list[Unit] = []
    unreachable: list[int] = []
    for feeder in county.feeders:
        idx = [index.pole_at[pid] for pid in feeder.pole_ids if index.pole_at[pid] in due_set]
        if not idx:
            continue
        runs = feeder_runs(index, idx)
        takeoffs = sorted({int(t) for p in idx for t in index.near[p]})
        drone = _fleet_drone(county, feeder.area)
        inst = build_instance(index.takeoff_xy[takeoffs], index.pole_xy[idx], drone)
        local = {p: k for k, p in enumerate(idx)}
        routes, lost = split_runs(inst, [[local[p] for p in run] for run in runs])
        unreachable.extend(idx[k] for k in lost)
        for r in routes:
            poles = tuple(idx[k] for k in r.poles)
            ids = [county.poles[p].id for p in poles]
            dues = [reinspect[i] for i in ids if i in reinspect]
            if dues:
                rank = (0, min(dues).isoformat())
            elif any(i in policy.open_defects for i in ids):
                rank = (1, "")
            elif feeder.priority or feeder.id in policy.priority_feeders:
                rank = (2, "")
            else:
                rank = (3, "")
            units.append(Unit(id=len(units), area=feeder.area, feeder_id=feeder.id, rank=rank,
                              flight=Flight(takeoffs[r.takeoff], poles, inst.flight_s(r))))
    return units, unreachable


def _fleet_drone(county: County, area: str) -> Drone:
    """The drone the units of an area are cut for: the shortest endurance among the area's crews,
    so every crew of the area can fly every unit."""
    models = {c.drone for c in county.crews if c.area == area} or {c.drone for c in county.crews}
    drones = [county.drone(m) for m in sorted(models)]
    return min(drones, key=lambda d: (d.endurance_s, -d.cruise_m_s, d.seconds_per_pole))


@dataclass(slots=True)
class _Day:
    crew: Crew
    drone: Drone
    units: list[Unit]
    sched: DaySchedule


def plan_campaign(county: County, policy: Policy, *, weather: Iterable[Weather] | None = None,
                  time_limit_s: float = 0.5, iterations: int | None = ITERATIONS, seed: int = 1,
                  warm_start: bool = True) -> Plan:
    """Plan the whole campaign from ``policy.start`` to ``policy.deadline``.

    ``weather`` replaces the county's forecast where it has an entry for the same day and area.
    PyVRP's budget per crew day: ``iterations`` (same plan on every run for a given ``seed``)
    capped by ``time_limit_s`` of wall clock (``math.inf``: no cap, so the result does not depend
    on the machine's load); 0 s keeps the feeder-order split.
    """
    if not county.takeoffs:
        county = replace(county, takeoffs=derive_takeoffs(county))
    if policy.battery is not None:
        county = replace(county, drones=tuple(derated(d, Derating(*policy.battery)) for d in county.drones))
    forecast = {(w.day, w.area): w for w in county.weather}
    forecast.update({(w.day, w.area): w for w in (weather or ())})
    policy = with_horizon(policy, forecast)
    index = CountyIndex.of(county)
    due = due_poles(county, policy)
    units, unreachable = make_units(index, policy, due)
    days = _assign(index, policy, forecast, units)
    days = _prefer_scored(index, policy, forecast, units, days)
    _local_search(index, policy, days)
    crew_days = []
    for (day, _name), d in sorted(days.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if not d.units:
            continue
        split = [u.flight for u in d.units]
        cd = crew_day(index, day, d.crew, d.drone, policy, split, time_limit_s=time_limit_s,
                      iterations=iterations, seed=seed, warm_start=warm_start)
        crew_days.append(replace(cd, score=score(index, policy, forecast, day, d.crew, d.units[0].area)))
    planned = {v.pole_id for cd in crew_days for s in cd.sorties for v in s.visits}
    lost = set(unreachable)
    unplanned = [Unplanned(county.poles[i].id, REASON_UNREACHABLE) for i in unreachable]
    unplanned += [Unplanned(county.poles[i].id, REASON_NO_CAPACITY) for i in due
                  if county.poles[i].id not in planned and i not in lost]
    day_of = {v.pole_id: cd.day for cd in crew_days for s in cd.sorties for v in s.visits}
    notes = tuple(f"re-inspection of {pid} planned on {day_of[pid]}, after its due date {due_on}"
                  for pid, due_on in policy.reinspect if pid in day_of and day_of[pid] > due_on)
    return Plan(county=county.name, start=policy.start, deadline=policy.deadline,
                crew_days=tuple(crew_days), unplanned=tuple(unplanned),
                figures=figures(len(due), crew_days, unplanned, policy, county), notes=notes,
                forecast_until=policy.forecast_until if policy.climate_flyable is not None else None,
                climate_flyable=policy.climate_flyable)


def score(index: CountyIndex, policy: Policy, forecast: Mapping[tuple[date, str], Weather], day: date,
          crew: Crew, area: str) -> float:
    """Measuring score (0…1) of ``crew`` working its hours in ``area`` on ``day``
    (:func:`measuring.day_score`, DL/T 664-2016 §4.3); beyond the forecast horizon the forecast is
    not used (unknown cloud cover)."""
    a = next((x for x in index.county.areas if x.id == area), None)
    if a is None:
        a = next(x for x in index.county.areas if x.id == crew.area)
    w = None if beyond_horizon(day, policy) else forecast.get((day, a.id))
    return day_score(w, day, a.lat, a.lon, crew.day_start_s, crew.day_end_s)


def _prefer_scored(index: CountyIndex, policy: Policy, forecast: dict[tuple[date, str], Weather],
                   units: list[Unit], first: dict[tuple[date, str], _Day]) -> dict[tuple[date, str], _Day]:
    """Move work to days with a better measuring score (scored objective, DL/T 664-2016 §4.3
    "overcast, night or early morning; no sun on the target"; :mod:`measuring`).

    ``first`` is the earliest-finish assignment. Each crew keeps as many days as it used there, now
    the best-scored of its flyable working days up to ``policy.prefer_within_days`` after that
    assignment's last day (never after the deadline; scores compared in :data:`SCORE_STEP`s, ties
    go to the earlier day), and the greedy
    runs again on those days. The new assignment is kept only when it places the same units, no
    re-inspection later than both its due date and its first day, and scores at least one
    :data:`SCORE_STEP` higher in total;
    otherwise ``first`` stands. Deterministic: same inputs, same days."""
    if policy.prefer_within_days <= 0 or not first:
        return first
    county = index.county
    last = max(d for d, _ in first)
    until = min(policy.deadline, last + timedelta(days=policy.prefer_within_days))
    used = Counter(name for _, name in first)
    allowed: dict[str, frozenset[date]] = {}
    for crew in county.crews:
        drone = county.drone(crew.drone)
        span = [policy.start + timedelta(days=k) for k in range((until - policy.start).days + 1)]
        cand = [d for d in span if works_on(crew, d, policy)
                and flyable(forecast, d, crew.area, drone, policy)]
        cand.sort(key=lambda d: (-round(score(index, policy, forecast, d, crew, crew.area) / SCORE_STEP), d))
        allowed[crew.name] = frozenset(cand[:used.get(crew.name, 0)])
    second = _assign(index, policy, forecast, units, allowed)

    def placed(days: dict[tuple[date, str], _Day]) -> dict[int, date]:
        return {u.id: day for (day, _), d in days.items() for u in d.units}

    def total(days: dict[tuple[date, str], _Day]) -> float:
        return sum(score(index, policy, forecast, day, d.crew, d.units[0].area)
                   for (day, _), d in days.items())

    p1, p2 = placed(first), placed(second)
    if set(p1) != set(p2):
        return first
    for u in units:
        if u.rank[0] == 0 and u.id in p2 and p2[u.id] > max(p1[u.id], date.fromisoformat(u.rank[1])):
            return first
    return second if total(second) >= total(first) + SCORE_STEP else first


def _assign(index: CountyIndex, policy: Policy, forecast: dict[tuple[date, str], Weather],
            units: list[Unit], allowed: Mapping[str, frozenset[date]] | None = None,
            ) -> dict[tuple[date, str], _Day]:
    """Greedy: day by day, each working crew fills its day from its home area's queue (best rank,
    then the unit nearest to where it stands, which continues its feeder), and helps the nearest
    other area only when its own has no work left. ``allowed``: the only days each crew may work
    (by crew name; None: every working day)."""
    county = index.county
    left: dict[str, list[Unit]] = {a.id: [] for a in county.areas}
    for u in sorted(units, key=lambda u: (u.rank, u.id)):
        left.setdefault(u.area, []).append(u)
    where: dict[str, np.ndarray] = {c.name: index.site_xy(c.base) for c in county.crews}
    days: dict[tuple[date, str], _Day] = {}
    day = policy.start
    while day <= policy.deadline and any(left.values()):
        for crew in county.crews:
            if not works_on(crew, day, policy):
                continue
            if allowed is not None and day not in allowed.get(crew.name, frozenset()):
                continue
            drone = county.drone(crew.drone)
            if left.get(crew.area):
                order = [crew.area]
            else:
                order = sorted((a for a in left if a != crew.area),
                               key=lambda a: _area_distance(index, crew, a))
            for area in order:
                if not left.get(area) or not flyable(forecast, day, area, drone, policy):
                    continue
                d = _fill_day(index, policy, crew, drone, left[area], where[crew.name])
                if d.units:
                    days[(day, crew.name)] = d
                    last = d.units[-1].flight.poles[-1]
                    where[crew.name] = index.pole_xy[last]
                    break
        day += timedelta(days=1)
    return days


def _area_distance(index: CountyIndex, crew: Crew, area: str) -> float:
    a = next(a for a in index.county.areas if a.id == area)
    xy = project([a.lat], [a.lon], index.lat0, index.lon0)[0]
    return float(np.hypot(*(xy - index.site_xy(crew.base))))


def _fill_day(index: CountyIndex, policy: Policy, crew: Crew, drone: Drone, queue: list[Unit],
              here: np.ndarray) -> _Day:
    """Units for one crew day: from the best rank left, the one nearest to where the crew stands
    (so it continues its feeder), while the day fits; a unit that does not fit is skipped for
    this day, and the day closes after three such misses."""
    base = index.site_xy(crew.base)
    chosen: list[Unit] = []
    sched = schedule([], base, index, crew, drone, policy)
    skipped: set[int] = set()
    while len(chosen) < crew.sorties_per_day and len(skipped) < 3:
        open_ = [u for u in queue if u.id not in skipped and u.flight.flight_s <= drone.endurance_s]
        if not open_:
            break
        best_rank = min(u.rank for u in open_)
        at = index.pole_xy[chosen[-1].flight.poles[-1]] if chosen else here
        cand = min((u for u in open_ if u.rank == best_rank), key=lambda u: (_gap(index, at, u), u.id))
        if crew.poles_per_day is not None and chosen and (
                sum(len(u.flight.poles) for u in chosen) + len(cand.flight.poles) > crew.poles_per_day):
            skipped.add(cand.id)  # over the crew's calibrated capacity
            continue
        trial = schedule([*(u.flight for u in chosen), cand.flight], base, index, crew, drone, policy)
        if not trial.fits(crew):
            skipped.add(cand.id)
            continue
        chosen.append(cand)
        queue.remove(cand)
        sched = trial
    return _Day(crew, drone, chosen, sched)


def _gap(index: CountyIndex, at: np.ndarray, u: Unit) -> float:
    return float(np.hypot(*(index.pole_xy[u.flight.poles[0]] - at)))


def _local_search(index: CountyIndex, policy: Policy, days: dict[tuple[date, str], _Day]) -> None:
    """Swap units between two crews of the same area on the same day when both days still fit and
    the total drive gets shorter (first improvement, until no swap helps)."""
    by_day: dict[tuple[date, str], list[_Day]] = {}
    for (day, _), d in days.items():
        by_day.setdefault((day, d.crew.area), []).append(d)
    for group in by_day.values():
        improved = True
        while improved:
            improved = False
            for i in range(len(group)):
                for j in range(i + 1, len(group)):
                    improved |= _try_swaps(index, policy, group[i], group[j])


def _try_swaps(index: CountyIndex, policy: Policy, a: _Day, b: _Day) -> bool:
    for ia, ua in enumerate(a.units):
        for ib, ub in enumerate(b.units):
            if ua.rank != ub.rank:
                continue
            na = [*a.units[:ia], ub, *a.units[ia + 1:]]
            nb = [*b.units[:ib], ua, *b.units[ib + 1:]]
            sa = schedule([u.flight for u in na], index.site_xy(a.crew.base), index, a.crew, a.drone, policy)
            sb = schedule([u.flight for u in nb], index.site_xy(b.crew.base), index, b.crew, b.drone, policy)
            if (sa.fits(a.crew) and sb.fits(b.crew)
                    and sa.drive_m + sb.drive_m < a.sched.drive_m + b.sched.drive_m - 1.0
                    and ub.flight.flight_s <= a.drone.endurance_s
                    and ua.flight.flight_s <= b.drone.endurance_s):
                a.units, a.sched, b.units, b.sched = na, sa, nb, sb
                return True
    return False


def figures(n_due: int, crew_days: Sequence[CrewDay], unplanned: Sequence[Unplanned], policy: Policy,
            county: County) -> Figures:
    """Coverage of the due poles by the deadline, sorties, flight hours, driving km and the cost
    (flight s + overhead per sortie, scheduling.md §1.2)."""
    overhead = {d.model: d.sortie_overhead_s for d in county.drones}
    by_deadline = sum(len(s.visits) for cd in crew_days if cd.day <= policy.deadline for s in cd.sorties)
    planned = sum(len(s.visits) for cd in crew_days for s in cd.sorties)
    sorties = sum(len(cd.sorties) for cd in crew_days)
    flight = sum(cd.flight_s for cd in crew_days)
    cost = sum(cd.flight_s + overhead.get(cd.drone, 0) * len(cd.sorties) for cd in crew_days)
    return Figures(
        poles=n_due, planned_poles=planned, unplanned_poles=len(unplanned),
        coverage_pct=round(100.0 * by_deadline / n_due, 2) if n_due else 100.0,
        sorties=sorties, flight_hours=round(flight / 3600.0, 2),
        driving_km=round(sum(cd.drive_m for cd in crew_days) / 1000.0, 1), cost_s=cost,
        crew_days=len(crew_days), last_day=max((cd.day for cd in crew_days), default=None),
        measuring_score=_mean([cd.score for cd in crew_days if cd.score is not None]),
    )


def _mean(xs: Sequence[float]) -> float | None:
    return round(sum(xs) / len(xs), 3) if xs else None


def replan(plan: Plan, county: County, policy: Policy, from_day: date, *,
           weather: Iterable[Weather] | None = None, time_limit_s: float = 0.5,
           iterations: int | None = ITERATIONS, seed: int = 1) -> Plan:
    """Rolling re-plan: keep ``plan``'s crew days before ``from_day``, treat their poles (and
    ``policy.done``) as done, and plan the rest from ``from_day`` with the new forecast."""
    if from_day > policy.deadline:
        raise PlanningError(f"re-plan day {from_day} is after the deadline {policy.deadline}")
    kept = [cd for cd in plan.crew_days if cd.day < from_day]
    flown = {v.pole_id for cd in kept for s in cd.sorties for v in s.visits}
    rest = plan_campaign(county, replace(policy, start=from_day, done=policy.done | flown),
                         weather=weather, time_limit_s=time_limit_s, iterations=iterations, seed=seed)
    crew_days = (*kept, *rest.crew_days)
    n_due = len(due_poles(county, policy))
    return replace(rest, start=plan.start, crew_days=crew_days,
                   figures=figures(n_due, crew_days, rest.unplanned, policy, county))
