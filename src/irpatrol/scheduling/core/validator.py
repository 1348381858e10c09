"""Independent re-check of a plan against the county, the policy and the forecast.

It trusts none of the plan's own figures: flight times are recomputed from the visits'
coordinates with geodesic distances (geographiclib, WGS84) instead of the planner's local plane,
and the checks are those the issue asks for: each pole once, every sortie within its battery, no
crew in two places at once, no flight on a no-fly day or holiday, nothing after the deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from geographiclib.geodesic import Geodesic

from irpatrol.errors import PlanningError
from irpatrol.scheduling.core.conditions import Derating, derated, no_fly_reason
from irpatrol.scheduling.core.model import County, Plan, Policy, Sortie, Weather, works_on

TOLERANCE_S = 1.0
"""Slack (s) for one sortie's recomputed flight time: the planner's plane distances differ from
the geodesic by < 1e-4 (< 0.2 s on a 30-min sortie, :mod:`geo`); whole-second rounding only adds
time."""


@dataclass(frozen=True, slots=True)
class Violation:
    kind: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}: {self.message}"


def sortie_flight_s(sortie: Sortie, cruise_m_s: float, climb_s: int, seconds_per_pole: int) -> float:
    """Flight seconds of a sortie from its coordinates: geodesic legs at cruise speed, climb and
    descent on the first and last leg, time per pole."""
    g = Geodesic.WGS84
    pts = [(sortie.takeoff.lat, sortie.takeoff.lon), *((v.lat, v.lon) for v in sortie.visits),
           (sortie.takeoff.lat, sortie.takeoff.lon)]
    dist = sum(g.Inverse(a[0], a[1], b[0], b[1], Geodesic.DISTANCE)["s12"] for a, b in pairwise(pts))
    return dist / cruise_m_s + 2 * climb_s + seconds_per_pole * len(sortie.visits)


def validate(plan: Plan, county: County, policy: Policy, weather: Iterable[Weather] = ()) -> list[Violation]:
    """Every violation found (empty list = valid)."""
    out: list[Violation] = []
    poles = {p.id: p for p in county.poles}
    area_of = {f.id: f.area for f in county.feeders}
    crews = {c.name: c for c in county.crews}
    forecast = {(w.day, w.area): w for w in county.weather}
    forecast.update({(w.day, w.area): w for w in weather})
    seen: dict[str, str] = {}
    crew_days: set[tuple[date, str]] = set()
    for cd in plan.crew_days:
        where = f"{cd.day} {cd.crew}"
        crew = crews.get(cd.crew)
        if crew is None:
            out.append(Violation("unknown-crew", where, f"crew {cd.crew!r} is not in the county"))
            continue
        if (cd.day, cd.crew) in crew_days:
            out.append(Violation("two-places", where, "the crew has two plans on the same day"))
        crew_days.add((cd.day, cd.crew))
        if not policy.start <= cd.day <= policy.deadline:
            out.append(Violation("outside-window", where, f"not within {policy.start}..{policy.deadline}"))
        if cd.day in policy.holidays:
            out.append(Violation("holiday", where, "flight planned on a holiday"))
        if cd.day.weekday() not in crew.weekdays and not works_on(crew, cd.day, policy):
            out.append(Violation("not-working", where, "the crew does not work on this weekday"))
        if len(cd.sorties) > crew.sorties_per_day:
            out.append(Violation("too-many-sorties", where,
                                 f"{len(cd.sorties)} sorties > {crew.sorties_per_day} per day"))
        drone = county.drone(crew.drone)
        if policy.battery is not None:
            drone = derated(drone, Derating(*policy.battery))
        clock = crew.day_start_s
        prev = None
        for s in cd.sorties:
            sw = f"{where} {s.id}"
            if prev is not None and s.takeoff.id != prev.takeoff.id:
                gap = Geodesic.WGS84.Inverse(prev.takeoff.lat, prev.takeoff.lon, s.takeoff.lat,
                                             s.takeoff.lon, Geodesic.DISTANCE)["s12"]
                clock += int(gap / policy.road_speed_m_s)
            if s.start_s < clock:
                out.append(Violation("two-places", sw, "starts before the previous sortie and the "
                                     "drive to its takeoff point are over"))
            clock = max(clock, s.start_s) + s.flight_s + drone.sortie_overhead_s
            if clock > crew.day_end_s + drone.sortie_overhead_s:
                out.append(Violation("after-hours", sw, "ends after the crew's working hours"))
            flight = sortie_flight_s(s, drone.cruise_m_s, drone.climb_s, drone.seconds_per_pole)
            if flight > drone.endurance_s + TOLERANCE_S:
                out.append(Violation("battery", sw, f"{flight:.0f} s > usable {drone.endurance_s} s"))
            if flight > s.flight_s + TOLERANCE_S:
                out.append(Violation("flight-time", sw,
                                     f"plan says {s.flight_s} s, recomputed {flight:.0f} s"))
            areas = set()
            for v in s.visits:
                p = poles.get(v.pole_id)
                if p is None:
                    out.append(Violation("unknown-pole", sw, f"pole {v.pole_id!r} is not in the county"))
                    continue
                if (p.lat, p.lon) != (v.lat, v.lon):
                    out.append(Violation("moved-pole", sw, f"pole {v.pole_id} coordinates differ"))
                if v.pole_id in seen:
                    out.append(Violation("pole-twice", sw, f"pole {v.pole_id} also in {seen[v.pole_id]}"))
                seen[v.pole_id] = s.id
                areas.add(area_of.get(p.feeder_id, ""))
            for a in areas:
                w = forecast.get((cd.day, a))
                reason = no_fly_reason(w, drone, policy) if w is not None else None
                if reason is not None:
                    out.append(Violation("no-fly", sw, f"area {a}: {reason}"))
            prev = s
    unplanned = {u.pole_id for u in plan.unplanned}
    cycles, last = dict(policy.cycle_days), dict(policy.last_inspected)
    feeder_class = {f.id: f.feeder_class for f in county.feeders}
    for pid, p in poles.items():
        seen_on = last.get(pid)
        cycle = cycles.get(feeder_class.get(p.feeder_id, "standard"), 182)
        if seen_on is not None and (policy.deadline - seen_on).days < cycle:
            continue  # not due in this campaign
        if pid not in seen and pid not in unplanned and pid not in policy.done:
            out.append(Violation("pole-missing", pid, "neither planned nor listed as unplanned"))
    return out


def check(plan: Plan, county: County, policy: Policy, weather: Iterable[Weather] = ()) -> None:
    """Raise :class:`PlanningError` naming the first violations when the plan is not valid."""
    found = validate(plan, county, policy, weather)
    if found:
        more = f" (+{len(found) - 5} more)" if len(found) > 5 else ""
        raise PlanningError("; ".join(str(v) for v in found[:5]) + more, source=f"plan {plan.county}")
