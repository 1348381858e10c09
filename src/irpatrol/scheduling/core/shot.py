"""Shot geometry: where the drone hovers to photograph one pole top, and where it looks.

Local frame (m), origin at the pole top: ``x`` along the line (towards the next pole), ``y``
across it (to the right of ``x``), ``z`` up. A 10 kV pole head (:class:`PoleHead`) is a crossarm
across the line just below the top with an insulator and its conductor clamp at each end and the
centre phase on a top insulator (triangular arrangement, the common 10 kV layout).

The shot (:func:`shots`) sits *above and beside* the pole top: the camera looks down at
``depression_deg`` from a direction ``azimuth_deg`` off the line, so it sees the connections from
above (what hides them from the ground: crossarm, insulator sheds, does not hide them from above)
without hovering over a live conductor. The slant distance is the shortest at which

* every corner of the crossarm and every clamp lies inside the thermal frame with a margin,
* the aircraft keeps ``conductor_clearance_m`` from every conductor (taken as a straight line
  along the span) and ``pole_clearance_m`` from the pole,

so the head fills the frame as far as the clearances allow. The spatial resolution needed for a
reading is checked against it: a clamp (``clamp_m``, 60 mm for a 10 kV parallel-groove clamp) must
span at least ``min_target_px`` pixels (3 px; /work/shared/domain/standards.md §2 "Spatial
resolution", after DL/T 664-2016 §5 "get as close as the safety distance allows so the target
fills the field of view"); a shot that cannot meet it is returned with ``resolution_ok`` False.

Where, from the first side, one clamp's image lies on another (a phase hidden behind a nearer
one), a second shot from the other side of the pole (azimuth + 180°) is added.

The clearances are settings (:class:`ShotSettings`): the defaults (5 m from a conductor, 5 m from
the pole) are a planning choice for 10 kV distribution lines, to be set to the operator's safety
rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from irpatrol.errors import ParameterError
from irpatrol.scheduling.core.payloads import ThermalCamera

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PoleHead:
    """The pole head as a few boxes and points (m): crossarm length (across the line), its depth
    (along the line) and thickness, its top below the pole top, the height of the insulators up to
    the clamp, and the centre phase's top insulator height above the pole top. Defaults: a 1.5 m
    steel crossarm of a 10 kV line with pin/post insulators (planning default; set per line)."""

    crossarm_m: float = 1.5
    crossarm_depth_m: float = 0.08
    crossarm_thick_m: float = 0.08
    crossarm_below_top_m: float = 0.2
    insulator_m: float = 0.25
    centre_insulator_m: float = 0.3

    def crossarm_corners(self) -> FloatArray:
        """The 8 corners of the crossarm box (8×3, m)."""
        hx, hy = self.crossarm_depth_m / 2, self.crossarm_m / 2
        z1 = -self.crossarm_below_top_m
        z0 = z1 - self.crossarm_thick_m
        return np.array([[x, y, z] for x in (-hx, hx) for y in (-hy, hy) for z in (z0, z1)], dtype=np.float64)

    def clamps(self) -> FloatArray:
        """The three conductor clamps (3×3, m): left outer, centre (top), right outer."""
        y = self.crossarm_m / 2 - 0.05
        z = -self.crossarm_below_top_m + self.insulator_m
        return np.array([[0.0, -y, z], [0.0, 0.0, self.centre_insulator_m], [0.0, y, z]], dtype=np.float64)

    def framed_points(self) -> FloatArray:
        """Every point that must be inside the frame: crossarm corners and clamps (11×3, m)."""
        return np.vstack([self.crossarm_corners(), self.clamps()])


@dataclass(frozen=True, slots=True)
class ShotSettings:
    """Shot choices. Clearances (m) from any conductor and from the pole; view direction
    ``azimuth_deg`` (° from the line direction towards its right side) and ``depression_deg``
    (° below horizontal); ``margin_px`` kept free at the frame border; resolution need: a clamp of
    ``clamp_m`` must span ``min_target_px`` pixels; ``occlusion_m``: two clamps whose images are
    closer than this size (seen at their distance) hide each other."""

    conductor_clearance_m: float = 5.0
    pole_clearance_m: float = 5.0
    azimuth_deg: float = 45.0
    depression_deg: float = 45.0
    margin_px: float = 16.0
    clamp_m: float = 0.06
    min_target_px: float = 3.0
    occlusion_m: float = 0.25

    def __post_init__(self) -> None:
        if self.conductor_clearance_m < 0 or self.pole_clearance_m < 0:
            raise ParameterError("shot clearances must be ≥ 0 m")
        if not 5.0 <= self.depression_deg <= 90.0:
            raise ParameterError(f"shot depression {self.depression_deg}° is outside 5…90°")


@dataclass(frozen=True, slots=True)
class Shot:
    """One shot of a pole top: the aircraft position relative to the pole top in the local frame
    turned to east/north/up (m), heading (° from north, −180…180) and gimbal pitch (°, negative =
    down) towards the aim point, slant distance (m), pixel footprint at the clamps (mm), the
    share of the frame width the head fills, whether the resolution need is met, and the view
    number (1, or 2 for the shot from the other side)."""

    east_m: float
    north_m: float
    up_m: float
    heading_deg: float
    pitch_deg: float
    distance_m: float
    footprint_mm: float
    fill: float
    resolution_ok: bool
    view: int = 1


def _rot(line_bearing_deg: float) -> FloatArray:
    """Local (x along, y right, z up) → (east, north, up)."""
    b = math.radians(line_bearing_deg)
    along = (math.sin(b), math.cos(b))
    right = (math.cos(b), -math.sin(b))
    return np.array([[along[0], right[0], 0.0], [along[1], right[1], 0.0], [0.0, 0.0, 1.0]])


def camera_axes(heading_deg: float, pitch_deg: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Forward, right and up unit vectors (east, north, up) of a camera with ``heading_deg`` (° from
    north) and ``pitch_deg`` (° above horizontal; negative = down), no roll."""
    h, p = math.radians(heading_deg), math.radians(pitch_deg)
    fwd = np.array([math.sin(h) * math.cos(p), math.cos(h) * math.cos(p), math.sin(p)])
    right = np.array([math.cos(h), -math.sin(h), 0.0])
    up = np.cross(right, fwd)
    return fwd, right, up


def project(points_enu: FloatArray, camera_enu: FloatArray, heading_deg: float, pitch_deg: float,
            cam: ThermalCamera) -> FloatArray:
    """Pixel coordinates (N×2: column, row from the top-left corner) of ``points_enu`` seen by a
    pinhole ``cam`` at ``camera_enu`` (m); points behind the camera get NaN."""
    fwd, right, up = camera_axes(heading_deg, pitch_deg)
    rel = np.asarray(points_enu, dtype=np.float64) - camera_enu
    z = rel @ fwd
    tx = math.tan(math.radians(cam.hfov_deg) / 2)
    ty = math.tan(math.radians(cam.vfov_deg) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(z > 0, (rel @ right) / z / tx, np.nan)
        v = np.where(z > 0, (rel @ up) / z / ty, np.nan)
    return np.column_stack([(u + 1) / 2 * cam.width_px, (1 - v) / 2 * cam.height_px])


def in_frame(px: FloatArray, cam: ThermalCamera, margin_px: float = 0.0) -> bool:
    """True when every pixel coordinate lies inside the frame less ``margin_px``."""
    if np.isnan(px).any():
        return False
    return bool((px[:, 0] >= margin_px).all() and (px[:, 0] <= cam.width_px - margin_px).all()
                and (px[:, 1] >= margin_px).all() and (px[:, 1] <= cam.height_px - margin_px).all())


def _aim(head: PoleHead) -> FloatArray:
    pts = head.framed_points()
    return (pts.min(axis=0) + pts.max(axis=0)) / 2


def _clearances(pos: FloatArray, head: PoleHead) -> tuple[float, float]:
    """Distance (m) from ``pos`` (local frame) to the nearest conductor (a line along x through
    each clamp) and to the pole (its axis below the top)."""
    c = head.clamps()
    cond = float(np.min(np.hypot(pos[1] - c[:, 1], pos[2] - c[:, 2])))
    pole = float(math.hypot(math.hypot(pos[0], pos[1]), max(0.0, pos[2] - float(c[:, 2].max()))))
    return cond, pole


def _view(line_bearing_deg: float, cam: ThermalCamera, head: PoleHead, s: ShotSettings,
          azimuth_deg: float, view: int) -> Shot:
    """The shot for a line at ``line_bearing_deg``: the shot for a line running north, turned."""
    base = _north_view(cam, head, s, azimuth_deg, view)
    b = math.radians(line_bearing_deg)
    east = base.east_m * math.cos(b) + base.north_m * math.sin(b)
    north = -base.east_m * math.sin(b) + base.north_m * math.cos(b)
    heading = (base.heading_deg + line_bearing_deg + 180.0) % 360.0 - 180.0
    return replace(base, east_m=round(east, 2), north_m=round(north, 2), heading_deg=round(heading, 1))


POSITION_ROUNDING_M = 0.005
"""Half the step (m) a shot's east and north are stored in (rounded to 0.01 m in :func:`_view`)."""
ANGLE_ROUNDING_DEG = 0.05
"""Half the step (°) a shot's heading and pitch are stored in (rounded to 0.1°)."""


def _rounding_px(dist_m: float, cam: ThermalCamera) -> float:
    """How far (px) the stored rounding of a shot at ``dist_m`` (m) can move the framed points in
    the image: the position's (both axes) over the distance, plus the heading's and the pitch's,
    each over the pixel IFOV. The framing search keeps this much more margin, so the shot as stored
    still frames the pole head within ``margin_px`` (a shot 2 m away moves by up to 4 px)."""
    return (math.hypot(POSITION_ROUNDING_M, POSITION_ROUNDING_M) / dist_m
            + 2.0 * math.radians(ANGLE_ROUNDING_DEG)) / cam.ifov_rad


@lru_cache(maxsize=256)
def _north_view(cam: ThermalCamera, head: PoleHead, s: ShotSettings, azimuth_deg: float, view: int) -> Shot:
    """The shot for a line running north (the search below is the same for every bearing)."""
    rot = _rot(0.0)
    aim = _aim(head)
    a, d = math.radians(azimuth_deg), math.radians(s.depression_deg)
    back = np.array([math.cos(d) * math.cos(a), math.cos(d) * math.sin(a), math.sin(d)])  # aim → camera
    pts_enu = head.framed_points() @ rot.T
    r_max = s.clamp_m / (s.min_target_px * cam.ifov_rad)
    dist = 1.0
    while True:
        pos = aim + dist * back
        cond, pole = _clearances(pos, head)
        pos_enu = rot @ pos
        aim_enu = rot @ aim
        look = aim_enu - pos_enu
        heading = math.degrees(math.atan2(look[0], look[1]))
        pitch = math.degrees(math.atan2(look[2], math.hypot(look[0], look[1])))
        px = project(pts_enu, pos_enu, heading, pitch, cam)
        if cond >= s.conductor_clearance_m and pole >= s.pole_clearance_m and in_frame(
                px, cam, s.margin_px + _rounding_px(dist, cam)):
            break
        dist = round(dist + 0.1, 1)
        if dist > 500.0:
            raise ParameterError("no shot position keeps the clearances within 500 m")
    heading = (heading + 180.0) % 360.0 - 180.0
    fill = float((np.nanmax(px[:, 0]) - np.nanmin(px[:, 0])) / cam.width_px)
    return Shot(east_m=float(pos_enu[0]), north_m=float(pos_enu[1]),
                up_m=round(float(pos_enu[2]), 2), heading_deg=heading, pitch_deg=round(pitch, 1),
                distance_m=dist, footprint_mm=round(cam.footprint_m(dist) * 1000, 1), fill=round(fill, 3),
                resolution_ok=dist <= r_max, view=view)


def hidden_clamps(shot: Shot, line_bearing_deg: float, cam: ThermalCamera, head: PoleHead,
                  s: ShotSettings) -> tuple[int, ...]:
    """Indices of the clamps (0 left, 1 centre, 2 right) whose image lies within ``occlusion_m``
    (seen at the shot distance) of a nearer clamp's image in ``shot``."""
    rot = _rot(line_bearing_deg)
    clamps = head.clamps() @ rot.T
    cam_pos = np.array([shot.east_m, shot.north_m, shot.up_m])
    px = project(clamps, cam_pos, shot.heading_deg, shot.pitch_deg, cam)
    near = np.linalg.norm(clamps - cam_pos, axis=1)
    size_px = s.occlusion_m / cam.footprint_m(shot.distance_m)
    hidden = []
    for i in range(3):
        for j in range(3):
            if i != j and near[j] < near[i] and float(np.hypot(*(px[i] - px[j]))) < size_px:
                hidden.append(i)
                break
    return tuple(hidden)


def shots(line_bearing_deg: float, cam: ThermalCamera, head: PoleHead | None = None,
          settings: ShotSettings | None = None) -> tuple[Shot, ...]:
    """The shot(s) of one pole top for a line running at ``line_bearing_deg`` (° from north):
    the first from ``settings.azimuth_deg``, a second from the other side when the first hides a
    clamp (see the module text)."""
    head = head or PoleHead()
    s = settings or ShotSettings()
    first = _view(line_bearing_deg, cam, head, s, s.azimuth_deg, 1)
    if not hidden_clamps(first, line_bearing_deg, cam, head, s):
        return (first,)
    return first, _view(line_bearing_deg, cam, head, s, s.azimuth_deg + 180.0, 2)
