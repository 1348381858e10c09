"""Level 3: one sortie as waypoints — pole order, shot positions, heading, gimbal and photo actions.

Each pole gets one shot (two where one view hides a phase) from :mod:`shot`: above and beside the
pole top, at the distance that frames the crossarm and its clamps in the thermal camera of the
drone's payload while keeping the configured clearances from conductors and pole; the aircraft
heading and the gimbal pitch point at the pole top. Heights are relative to the take-off point
(WPML ``relativeToStartPoint``) and corrected for the ground elevation difference between the pole
foot and the take-off point when both are known (``Pole.ground_m``, ``Site.ground_m``); where one
is unknown the mission assumes the same ground level and says so in ``Mission.warnings``.
The photo file suffix is the pole id (``<pole id>-view2`` for a second shot).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from irpatrol.errors import ParameterError
from irpatrol.scheduling.core.geo import bearing_deg, radii
from irpatrol.scheduling.core.model import Drone, Sortie, Visit
from irpatrol.scheduling.core.payloads import camera_for
from irpatrol.scheduling.core.shot import PoleHead, ShotSettings, shots

GIMBAL_PITCH_DEG = -45.0
"""Default gimbal pitch (°, negative = down) = the default shot depression of :class:`ShotSettings`."""
VIEW_SUFFIX = "-view"
"""File suffix marker of a second shot: ``<pole id>-view2``."""


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
    view: int = 1

    @property
    def file_suffix(self) -> str:
        """The photo file suffix: the pole id, plus ``-view2`` for a second shot."""
        return self.pole_id if self.view == 1 else f"{self.pole_id}{VIEW_SUFFIX}{self.view}"


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
    warnings: tuple[str, ...] = ()
    takeoff_ground_m: float | None = None


def _line_bearing(sortie: Sortie, i: int) -> float:
    """Bearing (°) of the line at visit ``i``: between its neighbours of the same feeder in the
    sortie, else from the take-off point (a lone pole)."""
    v = sortie.visits
    prev = v[i - 1] if i > 0 and v[i - 1].feeder_id == v[i].feeder_id else v[i]
    nxt = v[i + 1] if i + 1 < len(v) and v[i + 1].feeder_id == v[i].feeder_id else v[i]
    if prev is nxt:
        return bearing_deg(sortie.takeoff.lat, sortie.takeoff.lon, v[i].lat, v[i].lon)
    return bearing_deg(prev.lat, prev.lon, nxt.lat, nxt.lon)


def _offset(lat: float, lon: float, east_m: float, north_m: float) -> tuple[float, float]:
    m, n = radii(lat)
    return (lat + math.degrees(north_m / m), lon + math.degrees(east_m / (n * math.cos(math.radians(lat)))))


def ground_offset_m(p: Visit, takeoff_ground_m: float | None) -> float | None:
    """Pole foot minus take-off point elevation (m), None when either is unknown."""
    if p.ground_m is None or takeoff_ground_m is None:
        return None
    return p.ground_m - takeoff_ground_m


def mission(sortie: Sortie, drone: Drone, *, gimbal_pitch_deg: float | None = None,
            shot: ShotSettings | None = None, head: PoleHead | None = None) -> Mission:
    """The mission for ``sortie`` flown by ``drone``: shot positions from :func:`shot.shots` for
    the drone's thermal camera, hover = the drone's seconds per pole minus ~10 s for approach and
    gimbal moves (at least 2 s). ``gimbal_pitch_deg`` (°, −90…−5) sets the shot depression."""
    if not sortie.visits:
        raise ParameterError(f"sortie {sortie.id} has no poles")
    settings = shot or ShotSettings()
    if gimbal_pitch_deg is not None:
        if not -90.0 <= gimbal_pitch_deg <= -5.0:
            raise ParameterError(f"gimbal pitch {gimbal_pitch_deg}° is outside −90…−5° "
                                 "(the camera must look down)")
        settings = replace(settings, depression_deg=-gimbal_pitch_deg)
    cam = camera_for(drone.model)
    speed = min(15.0, max(1.0, drone.cruise_m_s))  # WPML waypointSpeed range 1–15 m/s (§4.1)
    hover = float(max(2, drone.seconds_per_pole - 10))
    t_ground = sortie.takeoff.ground_m
    wps: list[Waypoint] = []
    unknown: list[str] = []
    for i, p in enumerate(sortie.visits):
        bearing = _line_bearing(sortie, i)
        dz = ground_offset_m(p, t_ground)
        if dz is None:
            unknown.append(p.pole_id)
            dz = 0.0
        for sh in shots(bearing, cam, head, settings):
            lat, lon = _offset(p.lat, p.lon, sh.east_m, sh.north_m)
            wps.append(Waypoint(index=len(wps), lat=round(lat, 8), lon=round(lon, 8),
                                height_m=round(dz + p.height_m + sh.up_m, 1), speed_m_s=speed,
                                heading_deg=float(round(sh.heading_deg)), gimbal_pitch_deg=sh.pitch_deg,
                                hover_s=hover,
                                pole_id=p.pole_id, view=sh.view))
    warnings: list[str] = []
    if unknown:
        listed = ", ".join(unknown[:5])
        which = "take-off point" if t_ground is None else f"{len(unknown)} pole(s) ({listed}…)"
        warnings.append(f"ground elevation unknown for the {which}: heights assume pole feet and take-off "
                        "point at the same ground level; check the heights on site")
    top = max(w.height_m for w in wps)
    return Mission(name=sortie.id, takeoff_lat=sortie.takeoff.lat, takeoff_lon=sortie.takeoff.lon,
                   speed_m_s=speed, takeoff_security_height_m=20.0, rth_height_m=round(top + 20.0, 1),
                   waypoints=tuple(wps), warnings=tuple(warnings), takeoff_ground_m=t_ground)
