"""Thermal cameras of the supported payloads, as data with their sources.

Each entry is what the maker publishes for the *infrared* camera: resolution (px), diagonal field
of view (DFOV, °) and, where published, the focal length (mm) and pixel pitch (µm). The
horizontal and vertical fields of view follow from the DFOV and the aspect ratio of a pinhole
camera (``tan(h/2) = tan(d/2) · w / √(w² + h²)``). The instantaneous field of view (IFOV, rad
per pixel) is the pixel pitch divided by the focal length when both are published, otherwise the
horizontal field of view divided by the width in pixels.

Sources (maker's specification pages, thermal camera section; read 2026, re-check before a
payload is added):

* M30T: DJI Matrice 30 series specs, https://enterprise.dji.com/matrice-30/specs — thermal
  640×512, DFOV 61°, focal length 9.1 mm (40 mm equivalent), 12 µm.
* H20T (on M300 RTK / M350 RTK): DJI Zenmuse H20 series specs,
  https://enterprise.dji.com/zenmuse-h20-series/specs — thermal 640×512, DFOV 40.6°, focal
  length 13.5 mm, 12 µm.
* M3T: DJI Mavic 3 Enterprise series specs, https://enterprise.dji.com/mavic-3-enterprise/specs —
  thermal 640×512, DFOV 61°, 40 mm equivalent, 12 µm.
* M4T: DJI Matrice 4 series specs, https://enterprise.dji.com/matrice-4-series/specs — thermal
  640×512, DFOV 45°, 53 mm equivalent, 12 µm.

The same figures are kept in ``docs/payload-cameras.md``. The derived IFOVs agree with
/work/shared/domain/standards.md §2 ("M30T ≈ 1.3 mrad, H20T ≈ 0.9 mrad").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from irpatrol.errors import ParameterError


@dataclass(frozen=True, slots=True)
class ThermalCamera:
    """A payload's infrared camera as a pinhole: ``width_px`` × ``height_px``, diagonal field of
    view ``dfov_deg`` (°), optional ``focal_mm`` and ``pitch_um`` (µm), and where the figures come
    from (``source``)."""

    payload: str
    width_px: int
    height_px: int
    dfov_deg: float
    focal_mm: float | None
    pitch_um: float | None
    source: str

    @property
    def hfov_deg(self) -> float:
        """Horizontal field of view (°)."""
        return self._fov(self.width_px)

    @property
    def vfov_deg(self) -> float:
        """Vertical field of view (°)."""
        return self._fov(self.height_px)

    def _fov(self, side_px: int) -> float:
        diag = math.hypot(self.width_px, self.height_px)
        return math.degrees(2.0 * math.atan(math.tan(math.radians(self.dfov_deg) / 2.0) * side_px / diag))

    @property
    def ifov_rad(self) -> float:
        """Angle one pixel sees (rad): pixel pitch / focal length, else HFOV / width."""
        if self.focal_mm and self.pitch_um:
            return self.pitch_um * 1e-3 / self.focal_mm
        return math.radians(self.hfov_deg) / self.width_px

    def footprint_m(self, distance_m: float) -> float:
        """Side of the ground patch one pixel covers at ``distance_m`` (m)."""
        return distance_m * self.ifov_rad


CAMERAS: dict[str, ThermalCamera] = {
    "M30T": ThermalCamera("M30T", 640, 512, 61.0, 9.1, 12.0,
                          "https://enterprise.dji.com/matrice-30/specs"),
    "H20T": ThermalCamera("H20T", 640, 512, 40.6, 13.5, 12.0,
                          "https://enterprise.dji.com/zenmuse-h20-series/specs"),
    "M3T": ThermalCamera("M3T", 640, 512, 61.0, None, 12.0,
                         "https://enterprise.dji.com/mavic-3-enterprise/specs"),
    "M4T": ThermalCamera("M4T", 640, 512, 45.0, None, 12.0,
                         "https://enterprise.dji.com/matrice-4-series/specs"),
}
"""Thermal cameras by payload name."""

DRONE_PAYLOAD: dict[str, str] = {
    "M30T": "M30T", "M300-H20T": "H20T", "M350-H20T": "H20T", "M3T": "M3T", "M4T": "M4T",
}
"""Our drone model names → the thermal payload they carry."""


def camera_for(model: str) -> ThermalCamera:
    """The thermal camera of drone ``model`` (our names: M30T, M300-H20T, M350-H20T, M3T, M4T)."""
    try:
        return CAMERAS[DRONE_PAYLOAD[model]]
    except KeyError:
        known = ", ".join(sorted(DRONE_PAYLOAD))
        raise ParameterError(f"no thermal camera data for drone model {model!r} (known: {known})") from None
