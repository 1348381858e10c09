"""Missions over a work site (pure): an orbit of photo waypoints around the site's centre with the
camera turned to it, or a single hover point above it, as a
:class:`irpatrol.scheduling.core.sortie.Mission` that the scheduling export writes as DJI WPML.

Distances use a local equirectangular approximation (error well under 1 m for orbits of a few
hundred metres)."""

from __future__ import annotations

import math

from irpatrol.errors import ParameterError
from irpatrol.scheduling.core.sortie import Mission, Waypoint

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (m, IUGG)."""
ORBIT_RADIUS_M = 40.0
"""Default orbit radius (m): keeps the drone well outside the 10 kV corridor while a 640×512
thermal / 4K visible camera still shows people and earthing sets."""
HEIGHT_M = 30.0
"""Default orbit / hover height above the takeoff point (m)."""
SPEED_M_S = 3.0
"""Slow orbit speed (m/s) for a steady live view."""
HOVER_S = 10.0
"""Hover at each orbit point (s)."""


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    dlat = math.degrees(north_m / EARTH_RADIUS_M)
    dlon = math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon


def orbit_mission(
    name: str,
    lat: float,
    lon: float,
    *,
    radius_m: float = ORBIT_RADIUS_M,
    height_m: float = HEIGHT_M,
    points: int = 8,
    hover_s: float = HOVER_S,
    site_id: int = 0,
) -> Mission:
    """``points`` waypoints on a circle of ``radius_m`` around (lat, lon), the aircraft facing the
    centre and the gimbal pitched down at it; takeoff at the first point."""
    if not 3 <= points <= 36:
        raise ParameterError(f"an orbit needs 3…36 points, got {points}")
    if not 5.0 <= radius_m <= 500.0:
        raise ParameterError(f"orbit radius {radius_m} m is outside 5…500 m")
    if not 2.0 <= height_m <= 120.0:
        raise ParameterError(f"height {height_m} m is outside 2…120 m")
    pitch = -round(math.degrees(math.atan2(height_m, radius_m)), 1)
    wps = []
    for i in range(points):
        bearing = 360.0 * i / points
        north, east = radius_m * math.cos(math.radians(bearing)), radius_m * math.sin(math.radians(bearing))
        plat, plon = _offset(lat, lon, north, east)
        facing = (bearing + 180.0 + 180.0) % 360.0 - 180.0
        wps.append(
            Waypoint(
                index=i,
                lat=plat,
                lon=plon,
                height_m=height_m,
                speed_m_s=SPEED_M_S,
                heading_deg=round(facing, 1),
                gimbal_pitch_deg=pitch,
                hover_s=hover_s,
                pole_id=f"site{site_id}-{i}",
            )
        )
    return Mission(
        name=name,
        takeoff_lat=wps[0].lat,
        takeoff_lon=wps[0].lon,
        speed_m_s=SPEED_M_S,
        takeoff_security_height_m=height_m,
        rth_height_m=max(height_m + 10.0, 30.0),
        waypoints=tuple(wps),
    )


def hover_mission(
    name: str, lat: float, lon: float, *, height_m: float = HEIGHT_M, hover_s: float = 60.0, site_id: int = 0
) -> Mission:
    """One waypoint straight above (lat, lon), camera pointing down, hovering ``hover_s``."""
    if not 2.0 <= height_m <= 120.0:
        raise ParameterError(f"height {height_m} m is outside 2…120 m")
    w = Waypoint(
        index=0,
        lat=lat,
        lon=lon,
        height_m=height_m,
        speed_m_s=SPEED_M_S,
        heading_deg=0.0,
        gimbal_pitch_deg=-90.0,
        hover_s=hover_s,
        pole_id=f"site{site_id}",
    )
    return Mission(
        name=name,
        takeoff_lat=lat,
        takeoff_lon=lon,
        speed_m_s=SPEED_M_S,
        takeoff_security_height_m=height_m,
        rth_height_m=max(height_m + 10.0, 30.0),
        waypoints=(w,),
    )
