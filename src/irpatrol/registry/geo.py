"""Distances on the WGS-84 ellipsoid and nearest-pole matching (pure).

Geodesic distances use Karney's algorithm (geographiclib, ``Geodesic.WGS84.Inverse``). A fast
equirectangular approximation (error well under 1 % at distances below a few km) pre-filters the
candidates so only a handful of geodesic solutions are computed per image.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from geographiclib.geodesic import Geodesic

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (m; IUGG), used only by the equirectangular pre-filter."""

PREFILTER_MARGIN = 1.05
"""The equirectangular pre-filter keeps candidates up to this factor beyond the radius."""


def geodesic_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance between two WGS-84 points (m)."""
    return float(Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)["s12"])


def track_length_m(points: Sequence[tuple[float, float]]) -> float:
    """Length of a track through ``(lat, lon)`` points in the given order (sum of geodesics, m)."""
    return sum(geodesic_m(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(points))


def destination(lat: float, lon: float, azimuth_deg: float, distance_m: float) -> tuple[float, float]:
    """The point ``distance_m`` from (lat, lon) along the azimuth (degrees from north)."""
    g = Geodesic.WGS84.Direct(lat, lon, azimuth_deg, distance_m)
    return float(g["lat2"]), float(g["lon2"])


def equirectangular_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Approximate distances (m) from one point to many (vectorised; for pre-filtering only)."""
    phi = math.radians(lat)
    x = np.radians((lons - lon + 180.0) % 360.0 - 180.0) * math.cos(phi)  # across ±180° too
    y = np.radians(lats - lat)
    return np.hypot(x, y) * EARTH_RADIUS_M


@dataclass(frozen=True)
class PoleIndex:
    """Pole positions to match images against: ids with latitudes and longitudes (degrees)."""

    ids: np.ndarray
    lats: np.ndarray
    lons: np.ndarray

    @classmethod
    def of(cls, poles: Sequence[tuple[int, float, float]]) -> PoleIndex:
        """Build from ``(id, lat, lon)`` rows."""
        arr = np.asarray(poles, dtype=np.float64).reshape(-1, 3)
        return cls(ids=arr[:, 0].astype(np.int64), lats=arr[:, 1], lons=arr[:, 2])

    def nearest(self, lat: float, lon: float, radius_m: float) -> tuple[int, float] | None:
        """``(pole id, geodesic distance m)`` of the nearest pole within ``radius_m``, or None."""
        if self.ids.size == 0:
            return None
        approx = equirectangular_m(lat, lon, self.lats, self.lons)
        candidates = np.flatnonzero(approx <= radius_m * PREFILTER_MARGIN + 1.0)
        best: tuple[int, float] | None = None
        for i in candidates[np.argsort(approx[candidates])][:8]:
            d = geodesic_m(lat, lon, float(self.lats[i]), float(self.lons[i]))
            if d <= radius_m and (best is None or d < best[1]):
                best = (int(self.ids[i]), d)
        return best
