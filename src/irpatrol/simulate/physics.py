"""Radiometric and thermal physics of the generated field scenes (pure; docs/physics.md).

Units: temperatures °C (kelvin inside the radiance sums), lengths m, conductivity W/(m·K), heat
transfer coefficient W/(m²·K), emissivity 0…1 (8–14 µm band).
"""

from __future__ import annotations

import math

import numpy as np

from irpatrol.units import KELVIN_OFFSET

CAMERA_EMISSIVITY = 0.95
"""The emissivity the camera is set to: apparent temperatures are what it reports (docs/physics.md §1)."""
IFOV_MRAD = 1.3
"""Pixel IFOV of a 640×512, 12 µm, 9.1 mm thermal core (DJI M30T wide; pipeline.CAMERA_IFOV_MRAD)."""
NETD_K = 0.05
"""Sensor noise σ (K): NETD ≤ 50 mK of current uncooled drone cores (docs/physics.md §6)."""
PSF_SIGMA_PX = 0.7
"""Optics blur σ (px): a diffraction-limited f/1.0 lens at 10 µm has an Airy radius ≈ 12 µm, one
pixel; a Gaussian of σ ≈ 0.7 px is its usual fit (docs/physics.md §6)."""

EMISSIVITY: dict[str, tuple[float, float]] = {
    "aluminium-bare": (0.2, 0.9),
    "aluminium-cast-weathered": (0.5, 0.9),
    "copper-contact": (0.4, 0.8),
    "galvanised-steel": (0.3, 0.6),
    "porcelain": (0.90, 0.94),
    "polymer": (0.88, 0.94),
    "epoxy-tube": (0.88, 0.94),
    "concrete": (0.92, 0.95),
    "painted-steel": (0.88, 0.95),
}
"""Emissivity ranges (8–14 µm) drawn per frame for each material, docs/physics.md §1 table:
bare stranded aluminium conductors from new (0.2–0.3) to weathered by years in service (up to
0.9) (IEEE Std 738; unoxidised aluminium 0.02–0.1 and oxidised 0.2–0.4 in the Raytek metal table,
8–14 µm); cast aluminium-alloy clamps, weathered, rough and dirty, 0.5–0.9 (*project choice*
between oxidised aluminium and the 0.9 DL/T 664 practice for dirty fittings); copper contacts in
service, oxidised, 0.4–0.8 (Raytek, 8–14 µm; FLIR T10xx manual table 39.1: oxidised 0.6–0.7,
heavily oxidised 0.78; polished or burnished new copper, 0.02–0.07, is not drawn); porcelain and
glazed ceramic 0.90–0.94, concrete 0.92 (FLIR table 39.1)."""


def apparent_c(true_c: np.ndarray | float, emissivity: float | np.ndarray,
               reflected_c: np.ndarray | float) -> np.ndarray:
    """Apparent temperature (°C) of a grey surface at ``true_c`` with ``emissivity`` reflecting
    ``reflected_c``, as a camera set to :data:`CAMERA_EMISSIVITY` with reflected = its own T_refl
    reports it (total-radiance approximation, docs/physics.md §1)."""
    t = np.asarray(true_c, dtype=np.float64) + KELVIN_OFFSET
    r = np.asarray(reflected_c, dtype=np.float64) + KELVIN_OFFSET
    w = emissivity * t**4 + (1.0 - np.asarray(emissivity)) * r**4
    cam = (w - (1.0 - CAMERA_EMISSIVITY) * r**4) / CAMERA_EMISSIVITY
    return np.asarray(np.power(np.maximum(cam, 1.0), 0.25) - KELVIN_OFFSET)


def reflected_c(sky_c: float, ground_c: float, sky_fraction: float | np.ndarray) -> np.ndarray:
    """Radiance-weighted reflected temperature (°C) of surroundings that are ``sky_fraction`` sky
    at ``sky_c`` and the rest ground at ``ground_c`` (T⁴ mixing, docs/physics.md §1)."""
    s = np.clip(np.asarray(sky_fraction, dtype=np.float64), 0.0, 1.0)
    w = s * (sky_c + KELVIN_OFFSET) ** 4 + (1.0 - s) * (ground_c + KELVIN_OFFSET) ** 4
    return np.asarray(np.power(w, 0.25) - KELVIN_OFFSET)


def fin_length_m(diameter_m: float = 0.0135, k_w_mk: float = 120.0, h_w_m2k: float = 15.0) -> float:
    """Decay length λ = √(k·A / (h·P)) (m) of a joint's excess temperature along a round conductor
    of ``diameter_m``: A = πd²/4, P = πd, so λ = √(k·d / (4h)). Defaults: a 10 kV LGJ-95 class
    conductor (13.5 mm), an effective axial conductivity of stranded aluminium (≈ half of solid
    Al's 237 W/m·K), and natural plus light-wind convection and radiation h ≈ 15 W/m²·K
    (docs/physics.md §3)."""
    return math.sqrt(k_w_mk * diameter_m / (4.0 * h_w_m2k))


def fin_length_flat_m(width_m: float, thickness_m: float, k_w_mk: float, h_w_m2k: float = 15.0) -> float:
    """Decay length λ = √(k·A / (h·P)) (m) along a flat bar ``width_m`` × ``thickness_m`` (a
    disconnector blade, a fuse contact strip): A = w·t, P = 2(w + t) (docs/physics.md §3)."""
    return math.sqrt(k_w_mk * width_m * thickness_m / (h_w_m2k * 2.0 * (width_m + thickness_m)))
