"""The crew-day routing instance: takeoff points and poles with an integer flight-time matrix.

Model of scheduling.md §1.2: locations = takeoff points (depots) then poles (clients); the time of
a leg is distance / cruise speed rounded up (s), legs from or to a takeoff point add the climb or
descent time; every pole costs ``seconds_per_pole`` of hover and shots. A sortie (one battery)
starts and ends at one takeoff point and may not exceed the drone's usable endurance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from irpatrol.scheduling.core.geo import FloatArray, IntArray, distances, leg_seconds
from irpatrol.scheduling.core.model import Drone


@dataclass(frozen=True, slots=True)
class Route:
    """One sortie in instance indices: a takeoff index (0…T−1) and pole indices (0…N−1) in order."""

    takeoff: int
    poles: tuple[int, ...]


@dataclass(frozen=True, slots=True, eq=False)
class SortieInstance:
    """Takeoff and pole coordinates (local metres) and the (T+N)×(T+N) flight-time matrix (s)."""

    takeoff_xy: FloatArray
    pole_xy: FloatArray
    matrix: IntArray
    service_s: int
    endurance_s: int
    overhead_s: int

    @property
    def n_takeoffs(self) -> int:
        return int(self.takeoff_xy.shape[0])

    @property
    def n_poles(self) -> int:
        return int(self.pole_xy.shape[0])

    def flight_s(self, route: Route) -> int:
        """Flight seconds of one sortie: legs + climb/descent + time per pole."""
        if not route.poles:
            return 0
        t = self.n_takeoffs
        locs = [route.takeoff, *(t + p for p in route.poles), route.takeoff]
        idx = np.asarray(locs)
        legs = int(self.matrix[idx[:-1], idx[1:]].sum())
        return legs + self.service_s * len(route.poles)

    def cost_s(self, routes: Sequence[Route]) -> int:
        """Objective of scheduling.md §1.2: flight seconds + overhead per sortie."""
        return sum(self.flight_s(r) + self.overhead_s for r in routes if r.poles)


def build_instance(takeoff_xy: FloatArray, pole_xy: FloatArray, drone: Drone) -> SortieInstance:
    """Flight-time matrix for ``drone`` over takeoff points then poles (all in local metres)."""
    xy = np.vstack([takeoff_xy, pole_xy]) if len(takeoff_xy) else pole_xy
    m = leg_seconds(distances(xy, xy), drone.cruise_m_s)
    t = len(takeoff_xy)
    m[:t, :] += drone.climb_s
    m[:, :t] += drone.climb_s
    m[:t, :t] = 0
    np.fill_diagonal(m, 0)
    return SortieInstance(
        takeoff_xy=np.asarray(takeoff_xy, dtype=np.float64),
        pole_xy=np.asarray(pole_xy, dtype=np.float64),
        matrix=m,
        service_s=drone.seconds_per_pole,
        endurance_s=drone.endurance_s,
        overhead_s=drone.sortie_overhead_s,
    )
