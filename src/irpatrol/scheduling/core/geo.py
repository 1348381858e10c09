"""Local planar coordinates and flight/drive times (pure numpy).

Distances use a local tangent-plane projection around a reference latitude with the WGS84
meridian and prime-vertical radii of curvature (M, N); over a county (< 100 km) the error against
the geodesic is below 0.1 %. Flight time of a leg = distance / cruise speed, rounded *up* to whole
seconds (solvers work on integers; rounding up keeps every integer plan feasible in real seconds).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

WGS84_A = 6_378_137.0
"""WGS84 semi-major axis (m)."""
WGS84_E2 = 6.694_379_990_14e-3
"""WGS84 first eccentricity squared."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def radii(lat0_deg: float) -> tuple[float, float]:
    """Meridian (M) and prime-vertical (N) radii of curvature (m) at latitude ``lat0_deg``."""
    s2 = math.sin(math.radians(lat0_deg)) ** 2
    w = math.sqrt(1.0 - WGS84_E2 * s2)
    return WGS84_A * (1.0 - WGS84_E2) / w**3, WGS84_A / w


def project(lat: Sequence[float] | FloatArray, lon: Sequence[float] | FloatArray,
            lat0: float, lon0: float) -> FloatArray:
    """(lat, lon) degrees → N×2 local east/north metres around (lat0, lon0)."""
    m, n = radii(lat0)
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lon, dtype=np.float64)
    east = np.radians(lo - lon0) * n * math.cos(math.radians(lat0))
    north = np.radians(la - lat0) * m
    return np.column_stack([east, north])


def unproject(xy: FloatArray, lat0: float, lon0: float) -> tuple[FloatArray, FloatArray]:
    """Inverse of :func:`project`: N×2 metres → (lat, lon) degrees."""
    m, n = radii(lat0)
    lat = lat0 + np.degrees(xy[:, 1] / m)
    lon = lon0 + np.degrees(xy[:, 0] / (n * math.cos(math.radians(lat0))))
    return lat, lon


def distances(a: FloatArray, b: FloatArray) -> FloatArray:
    """Pairwise Euclidean distances (m) between the rows of ``a`` (N×2) and ``b`` (M×2)."""
    d = a[:, None, :] - b[None, :, :]
    return np.sqrt((d * d).sum(axis=2))


def leg_seconds(dist_m: FloatArray | float, speed_m_s: float) -> IntArray:
    """Flight seconds for legs of ``dist_m`` at ``speed_m_s``, rounded up to whole seconds."""
    return np.ceil(np.asarray(dist_m, dtype=np.float64) / speed_m_s - 1e-9).astype(np.int64)


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial bearing (° clockwise from north, −180…180) from point 1 to point 2 (sphere)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x))
