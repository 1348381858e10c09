"""Thermal cameras of the supported payloads, as data with their sources.

Each entry is the *infrared* camera as a pinhole: resolution (px), focal length (mm), pixel pitch
(µm) and the 35 mm-equivalent focal length. The fields of view follow from them
(``tan(h/2) = width × pitch / (2 × focal)``), the instantaneous field of view (IFOV, rad per pixel)
is pitch / focal.

Verification (checked 2026-12-03; the figures were first written from memory):

* Focal length, 35 mm-equivalent focal length and resolution are what each camera writes into
  the EXIF of its own radiometric JPEGs (``FocalLength``, ``FocalLengthIn35mmFilm``, image
  size), read from DJI Thermal SDK sample images published in
  https://github.com/SanNianYiSi/thermal_parser (``images/M30T/DJI_0013_R.JPG``,
  ``images/H20T/DJI_0001_R.JPG``, ``images/M3T/DJI_0001_R.JPG``, ``images/M4T/DJI_0002_R.JPG``;
  copies in /work/shared/data/thermal-samples, ``tests/scheduling/test_payload_cameras.py``
  re-reads them): M30T 9.1 mm / 40 mm, H20T 13.5 mm / 58 mm, M3T 9.1 mm / 40 mm, M4T 12.0 mm /
  52 mm, all 640 × 512 (the M30T also writes 1280 × 1024 in its super-resolution mode; the
  planner uses the native 640 × 512).
* Pixel pitch 12 µm: the maker's spec sheets; it agrees with the EXIF figures, since the 35 mm
  diagonal (43.3 mm) over the equivalent focal length gives the same diagonal angle as
  640 × 512 × 12 µm over the focal length (within 1° for all four).
* The diagonal fields of view printed on DJI's spec pages (M30T and M3T 61°, H20T 40.6°, M4T
  45°; :attr:`ThermalCamera.published_dfov_deg`) could not be re-read: the search corpora hold no
  DJI spec page. The pinhole from the EXIF focal length gives 56.8°, 40.0° and 44.6°: the spec
  figures are wider, as a lens with barrel distortion is at the frame's edge, so the pinhole is
  the conservative frame for the projection test (a point it keeps inside is inside the real
  frame).

The derived IFOVs agree with /work/shared/domain/standards.md §2 ("M30T ≈ 1.3 mrad, H20T ≈
0.9 mrad"). The same figures are kept in ``docs/payload-cameras.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from irpatrol.errors import ParameterError

SAMPLES = "https://github.com/SanNianYiSi/thermal_parser/tree/b83e5ec/images/"
"""Where the DJI Thermal SDK sample images whose EXIF gives the focal lengths are published."""


@dataclass(frozen=True, slots=True)
class ThermalCamera:
    """A payload's infrared camera as a pinhole: ``width_px`` × ``height_px`` pixels of
    ``pitch_um`` (µm) behind a ``focal_mm`` (mm) lens, its 35 mm-equivalent focal length
    ``equiv_35mm`` (mm), the maker's published diagonal field of view ``published_dfov_deg`` (°,
    None: not published or not verified; kept for the record, the geometry uses the focal
    length) and where the figures come from (``source``)."""

    payload: str
    width_px: int
    height_px: int
    focal_mm: float
    pitch_um: float
    equiv_35mm: float
    published_dfov_deg: float | None
    source: str

    def __post_init__(self) -> None:
        if min(self.width_px, self.height_px) <= 0 or self.focal_mm <= 0 or self.pitch_um <= 0:
            raise ParameterError(f"camera {self.payload}: resolution, focal length and pitch must be > 0")

    def _fov(self, side_px: float) -> float:
        return math.degrees(2.0 * math.atan(side_px * self.pitch_um * 1e-3 / (2.0 * self.focal_mm)))

    @property
    def hfov_deg(self) -> float:
        """Horizontal field of view (°)."""
        return self._fov(self.width_px)

    @property
    def vfov_deg(self) -> float:
        """Vertical field of view (°)."""
        return self._fov(self.height_px)

    @property
    def dfov_deg(self) -> float:
        """Diagonal field of view of the pinhole (°)."""
        return self._fov(math.hypot(self.width_px, self.height_px))

    @property
    def equiv_dfov_deg(self) -> float:
        """Diagonal field of view from the 35 mm-equivalent focal length (°): the cross-check of
        the pitch (43.27 mm is the diagonal of a 36 × 24 mm frame)."""
        return math.degrees(2.0 * math.atan(math.hypot(36.0, 24.0) / (2.0 * self.equiv_35mm)))

    @property
    def ifov_rad(self) -> float:
        """Angle one pixel sees (rad): pixel pitch / focal length."""
        return self.pitch_um * 1e-3 / self.focal_mm

    def footprint_m(self, distance_m: float) -> float:
        """Side of the patch one pixel covers at ``distance_m`` (m)."""
        return distance_m * self.ifov_rad


CAMERAS: dict[str, ThermalCamera] = {
    "M30T": ThermalCamera("M30T", 640, 512, 9.1, 12.0, 40.0, 61.0,
                          SAMPLES + "M30T (EXIF); https://enterprise.dji.com/matrice-30/specs"),
    "H20T": ThermalCamera("H20T", 640, 512, 13.5, 12.0, 58.0, 40.6,
                          SAMPLES + "H20T (EXIF); https://enterprise.dji.com/zenmuse-h20-series/specs"),
    "M3T": ThermalCamera("M3T", 640, 512, 9.1, 12.0, 40.0, 61.0,
                         SAMPLES + "M3T (EXIF); https://enterprise.dji.com/mavic-3-enterprise/specs"),
    "M4T": ThermalCamera("M4T", 640, 512, 12.0, 12.0, 52.0, 45.0,
                         SAMPLES + "M4T (EXIF); https://enterprise.dji.com/matrice-4-series/specs"),
}
"""Thermal cameras by payload name (figures and their verification: module docstring)."""

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
