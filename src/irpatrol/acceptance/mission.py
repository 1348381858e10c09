"""The acceptance mission of a project (pure): one stop-and-shoot waypoint per pole of the project,
in pole order, as a :class:`irpatrol.scheduling.core.sortie.Mission` that the scheduling export
(``scheduling.export.wpml.kmz``) writes as a DJI WPML KMZ (the photo's file suffix is the pole id,
so photos come back matched to poles)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from irpatrol.errors import ParameterError
from irpatrol.scheduling.core.sortie import Mission, Waypoint

HEIGHT_M = 15.0
"""Shot height above the takeoff point (m): above a 12 m concrete pole with a few metres to spare."""
SPEED_M_S = 5.0
"""Transit speed between poles (m/s), within WPML's 1–15 m/s."""
HOVER_S = 8.0
"""Hover per pole (s): visible and infrared shots of the checklist items."""
GIMBAL_PITCH_DEG = -30.0
"""Gimbal pitch for the pole-top and fittings shots (°)."""


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial bearing from point 1 to point 2 (° from north, −180…180; spherical formula)."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(y, x)) + 180.0) % 360.0 - 180.0


def pole_mission(
    name: str,
    poles: Sequence[tuple[int, float, float]],
    *,
    height_m: float = HEIGHT_M,
    hover_s: float = HOVER_S,
) -> Mission:
    """A mission over ``poles`` — (pole id, lat, lon) in line order — taking off at the first pole;
    the aircraft faces along the line."""
    if not poles:
        raise ParameterError("an acceptance mission needs at least one pole")
    if not 2.0 <= height_m <= 120.0:
        raise ParameterError(f"shot height {height_m} m is outside 2…120 m")
    wps = []
    for i, (pid, lat, lon) in enumerate(poles):
        nxt = poles[i + 1] if i + 1 < len(poles) else (poles[i - 1] if i else None)
        heading = 0.0
        if nxt is not None:
            heading = bearing_deg(lat, lon, nxt[1], nxt[2])
            if i + 1 >= len(poles):
                heading = (heading + 360.0) % 360.0 - 180.0  # last pole: keep facing forward
        wps.append(
            Waypoint(
                index=i,
                lat=lat,
                lon=lon,
                height_m=height_m,
                speed_m_s=SPEED_M_S,
                heading_deg=round(heading, 1),
                gimbal_pitch_deg=GIMBAL_PITCH_DEG,
                hover_s=hover_s,
                pole_id=str(pid),
            )
        )
    return Mission(
        name=name,
        takeoff_lat=poles[0][1],
        takeoff_lon=poles[0][2],
        speed_m_s=SPEED_M_S,
        takeoff_security_height_m=height_m,
        rth_height_m=max(height_m + 10.0, 30.0),
        waypoints=tuple(wps),
    )
