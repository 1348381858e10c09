"""Level 3: one sortie as waypoints — pole order, heights, heading, gimbal and photo actions.

One waypoint per pole, above the pole top by ``clearance_m`` (heights relative to the takeoff
point, i.e. WPML ``relativeToStartPoint``, assuming the takeoff point and pole foot at the same
ground level; scheduling.md §4.1 recommends this for a first version). The aircraft faces along
the line (bearing to the next pole), tilts the gimbal to ``gimbal_pitch_deg``, hovers and takes a
wide + IR photo named after the pole (scheduling.md §4.1 and §6.7).
"""

from __future__ import annotations

from dataclasses import dataclass

from irpatrol.errors import ParameterError
from irpatrol.scheduling.core.geo import bearing_deg
from irpatrol.scheduling.core.model import Drone, Sortie

CLEARANCE_M = 8.0
"""Height above the pole top (m): planning choice, keeps the rotor clear of conductors and
crossarm while the IR camera still resolves clamps (calibrate in the field)."""
GIMBAL_PITCH_DEG = -45.0
"""Gimbal pitch (°, negative = down) looking at the crossarm and clamps from above."""


@dataclass(frozen=True, slots=True)
class Waypoint:
    """A waypoint: WGS84 degrees, height above the takeoff point (m), speed (m/s), aircraft heading
    (° from north, −180…180), gimbal pitch (°), hover (s) and the photo file suffix."""

    index: int
    lat: float
    lon: float
    height_m: float
    speed_m_s: float
    heading_deg: float
    gimbal_pitch_deg: float
    hover_s: float
    pole_id: str


@dataclass(frozen=True, slots=True)
class Mission:
    """The waypoints of one sortie plus what the mission header needs."""

    name: str
    takeoff_lat: float
    takeoff_lon: float
    speed_m_s: float
    takeoff_security_height_m: float
    rth_height_m: float
    waypoints: tuple[Waypoint, ...]


def mission(sortie: Sortie, drone: Drone, *, clearance_m: float = CLEARANCE_M,
            gimbal_pitch_deg: float = GIMBAL_PITCH_DEG) -> Mission:
    """The mission for ``sortie`` flown by ``drone``: hover = the drone's seconds per pole minus
    ~10 s for approach and gimbal moves (at least 2 s)."""
    if not sortie.visits:
        raise ParameterError(f"sortie {sortie.id} has no poles")
    if not -90.0 <= gimbal_pitch_deg <= 30.0:
        raise ParameterError(f"gimbal pitch {gimbal_pitch_deg}° is outside −90…30°")
    v = sortie.visits
    speed = min(15.0, max(1.0, drone.cruise_m_s))  # WPML waypointSpeed range 1–15 m/s (§4.1)
    hover = float(max(2, drone.seconds_per_pole - 10))
    wps = []
    for i, p in enumerate(v):
        nxt = v[i + 1] if i + 1 < len(v) else None
        prev = v[i - 1] if i > 0 else None
        if nxt is not None:
            heading = bearing_deg(p.lat, p.lon, nxt.lat, nxt.lon)
        elif prev is not None:
            heading = bearing_deg(prev.lat, prev.lon, p.lat, p.lon)
        else:
            heading = bearing_deg(sortie.takeoff.lat, sortie.takeoff.lon, p.lat, p.lon)
        wps.append(Waypoint(index=i, lat=p.lat, lon=p.lon, height_m=round(p.height_m + clearance_m, 1),
                            speed_m_s=speed, heading_deg=round(heading, 1),
                            gimbal_pitch_deg=gimbal_pitch_deg, hover_s=hover, pole_id=p.pole_id))
    top = max(w.height_m for w in wps)
    return Mission(name=sortie.id, takeoff_lat=sortie.takeoff.lat, takeoff_lon=sortie.takeoff.lon,
                   speed_m_s=speed, takeoff_security_height_m=20.0, rth_height_m=round(top + 20.0, 1),
                   waypoints=tuple(wps))
