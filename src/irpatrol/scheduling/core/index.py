"""Array view of a county for the solvers: poles and takeoff points in local metres."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from irpatrol.errors import PlanningError
from irpatrol.scheduling.core.geo import FloatArray, distances, project
from irpatrol.scheduling.core.model import County, Pole, Site

NEAR_TAKEOFFS = 15
"""Candidate takeoff points per pole (the nearest 15, scheduling.md §2.2)."""


@dataclass(frozen=True, slots=True, eq=False)
class CountyIndex:
    """Poles and takeoffs as arrays; ``near[i]`` = the nearest takeoff indices of pole ``i``."""

    county: County
    lat0: float
    lon0: float
    pole_xy: FloatArray
    takeoff_xy: FloatArray
    pole_at: dict[str, int]
    near: np.ndarray

    @classmethod
    def of(cls, county: County) -> CountyIndex:
        if not county.poles:
            raise PlanningError(f"county {county.name!r} has no poles")
        if not county.takeoffs:
            raise PlanningError(f"county {county.name!r} has no takeoff points")
        lat0 = float(np.mean([p.lat for p in county.poles]))
        lon0 = float(np.mean([p.lon for p in county.poles]))
        pole_xy = project([p.lat for p in county.poles], [p.lon for p in county.poles], lat0, lon0)
        t_xy = project([t.lat for t in county.takeoffs], [t.lon for t in county.takeoffs], lat0, lon0)
        k = min(NEAR_TAKEOFFS, len(t_xy))
        near = np.empty((len(pole_xy), k), dtype=np.int64)
        for lo in range(0, len(pole_xy), 2048):
            d = distances(pole_xy[lo:lo + 2048], t_xy)
            near[lo:lo + 2048] = np.argsort(d, axis=1, kind="stable")[:, :k]
        return cls(county=county, lat0=lat0, lon0=lon0, pole_xy=pole_xy, takeoff_xy=t_xy,
                   pole_at={p.id: i for i, p in enumerate(county.poles)}, near=near)

    def pole(self, i: int) -> Pole:
        return self.county.poles[i]

    def takeoff(self, j: int) -> Site:
        return self.county.takeoffs[j]

    def site_xy(self, site: Site) -> FloatArray:
        return project([site.lat], [site.lon], self.lat0, self.lon0)[0]
