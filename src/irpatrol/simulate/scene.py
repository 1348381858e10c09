"""Field-like thermal frames of a 10 kV pole seen from a drone, each with its truth record (pure).

:func:`render` draws one 640×512 (by default) apparent-temperature frame (°C, as a camera set to
ε = 0.95 reports it) of a pole top from 5–30 m at an oblique view, with the physics written up in
docs/physics.md:

* apparent temperature of a grey surface: T_app⁴ = ε·T⁴ + (1 − ε)·T_refl⁴ (kelvin; Stefan–Boltzmann
  over the 8–14 µm band approximated by the total-radiance law, reflected sky for upward-facing
  metal), docs/physics.md §1;
* clear sky far colder than the air in LWIR (§2), ground warmer in sun (§2);
* conductor rise from load and sun (§3); a bad joint's excess decays along the conductor as
  exp(−x/λ) with the fin length λ = √(k·A / (h·P)) (§3);
* whole-body voltage heating of an arrester (§4); sun-warmed roofs, roads, vehicles, trees; sun glints
  (§5); optics blur (Gaussian PSF) and sensor noise (NETD) (§6); the pixel footprint
  distance × IFOV (§6), so a part at 30 m may be too small to measure.

The truth record holds per frame the scenario, the device kind, whether a defect is present and,
for it, T1 (the joint's apparent peak before blur and noise), T2 (the same part on a healthy phase),
T0 (ambient), the joint's pixel position and whether it is resolved (≥ 3×3 px).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np

from irpatrol.units import KELVIN_OFFSET

SCENARIOS = ("healthy", "healthy-clutter", "hot-joint", "hot-joint-single-phase", "far", "arrester")
"""Scenario names: three healthy phases (open country / sunlit street clutter); a hot joint on one
phase of three; a hot joint on a conductor with no other phase in view; a pole at 25–30 m; an arrester
with whole-body voltage heating."""
CAMERA_EMISSIVITY = 0.95
"""The emissivity the camera is set to: apparent temperatures are what it reports (docs/physics.md §1)."""
IFOV_MRAD = 1.3
"""Pixel IFOV of a 640×512, 12 µm, 9.1 mm thermal core (DJI M30T wide; pipeline.CAMERA_IFOV_MRAD)."""
NETD_K = 0.05
"""Sensor noise σ (K): NETD ≤ 50 mK of current uncooled drone cores (docs/physics.md §6)."""
PSF_SIGMA_PX = 0.7
"""Optics blur σ (px): a diffraction-limited f/1.0 lens at 10 µm has an Airy radius ≈ 12 µm, one
pixel; a Gaussian of σ ≈ 0.7 px is its usual fit (docs/physics.md §6)."""


@dataclass(frozen=True)
class Truth:
    """What a frame really holds. Temperatures are apparent (as the camera at ε 0.95 reports them),
    °C; ``t1_c``/``t2_c`` are None when the frame has no defect. ``resolved``: the joint covers the
    3×3 px measurement spot at this distance."""

    scenario: str
    device: str
    defect: bool
    t0_c: float
    distance_m: float
    t1_c: float | None = None
    t2_c: float | None = None
    xy: tuple[int, int] | None = None
    resolved: bool = True
    heating: str = "current"
    clutter: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)


def apparent_c(true_c: np.ndarray | float, emissivity: float, reflected_c: np.ndarray | float) -> np.ndarray:
    """Apparent temperature (°C) of a grey surface at ``true_c`` with ``emissivity`` reflecting
    ``reflected_c``, as a camera set to :data:`CAMERA_EMISSIVITY` with reflected = its own T_refl
    reports it (total-radiance approximation, docs/physics.md §1)."""
    t = np.asarray(true_c, dtype=np.float64) + KELVIN_OFFSET
    r = np.asarray(reflected_c, dtype=np.float64) + KELVIN_OFFSET
    w = emissivity * t**4 + (1.0 - emissivity) * r**4
    cam = (w - (1.0 - CAMERA_EMISSIVITY) * r**4) / CAMERA_EMISSIVITY
    return np.asarray(np.power(np.maximum(cam, 1.0), 0.25) - KELVIN_OFFSET)


def fin_length_m(diameter_m: float = 0.0135, k_w_mk: float = 120.0, h_w_m2k: float = 15.0) -> float:
    """Decay length λ = √(k·A / (h·P)) (m) of a joint's excess temperature along a round conductor
    of ``diameter_m``: A = πd²/4, P = πd, so λ = √(k·d / (4h)). Defaults: a 10 kV LGJ-95 class
    conductor (13.5 mm), an effective axial conductivity of stranded aluminium (≈ half of solid
    Al's 237 W/m·K), and natural plus light-wind convection and radiation h ≈ 15 W/m²·K
    (docs/physics.md §3)."""
    return math.sqrt(k_w_mk * diameter_m / (4.0 * h_w_m2k))


def render(seed: int, scenario: str, *, shape: tuple[int, int] = (512, 640)) -> tuple[np.ndarray, Truth]:
    """One frame (H×W float32 °C) and its truth for ``scenario`` (:data:`SCENARIOS`), reproducible by
    ``seed``."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; valid: {', '.join(SCENARIOS)}")
    rng = np.random.default_rng(seed)
    h, w = shape
    ambient = float(rng.uniform(8.0, 32.0))
    sky = ambient - float(rng.uniform(15.0, 35.0))  # clear to hazy sky, docs/physics.md §2
    sun = float(rng.uniform(0.0, 1.0))  # 0 overcast … 1 full sun
    distance = float(rng.uniform(25.0, 30.0)) if scenario == "far" else float(rng.uniform(5.0, 15.0))
    px_m = distance * IFOV_MRAD * 1e-3  # pixel footprint (m)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)

    # background: sky above a horizon (oblique view), ground below, warmed by the sun
    horizon = int(rng.uniform(-0.1, 0.35) * h)
    ground = ambient + sun * rng.uniform(1.0, 6.0) + _texture(rng, shape, 1.5)
    img = np.where(yy < horizon, sky + (yy / max(h, 1)) * 8.0, ground).astype(np.float64)
    clutter: list[str] = []
    if scenario == "healthy-clutter" or rng.uniform() < 0.3:
        clutter = _clutter(rng, img, ambient, sun, px_m, horizon)

    # pole (concrete or wood, ε 0.9) and crossarm
    cx = int(rng.uniform(0.35, 0.65) * w)
    pole_w = max(3, int(0.3 / px_m))
    pole_t = apparent_c(ambient + sun * rng.uniform(0.5, 4.0), 0.9, sky)
    img[:, cx - pole_w // 2: cx + pole_w // 2 + 1] = pole_t
    arm_y = int(rng.uniform(0.3, 0.6) * h)
    tilt = float(rng.uniform(-0.15, 0.15))  # oblique view: the crossarm is seen at an angle
    arm_half = int(0.75 / px_m)
    arm = ((np.abs(yy - (arm_y + tilt * (xx - cx))) <= max(1, int(0.05 / px_m)))
           & (np.abs(xx - cx) <= arm_half))
    img[arm] = apparent_c(ambient + sun * 2.0, 0.9, sky)

    # conductors: three phases across the frame, slanted, a joint (clamp) on each at the crossarm
    load_rise = float(rng.uniform(1.0, 6.0)) + sun * 2.0  # K, load and solar heating, §3
    eps_cond = float(rng.uniform(0.5, 0.9))  # weathered aluminium
    eps_clamp = float(rng.uniform(0.8, 0.95))  # oxidised, dirty bolted clamp
    # a part seen obliquely from above reflects the sky and the ground about equally (§1)
    refl = 0.5 * (sky + ambient + sun * 3.0)
    phases = [-1, 0, 1] if scenario != "hot-joint-single-phase" else [int(rng.integers(-1, 2))]
    spacing = 0.7 / px_m
    slope = float(rng.uniform(0.4, 2.5)) * rng.choice([-1.0, 1.0])  # conductor direction in the image
    cond_r = max(0.6, 0.0135 / px_m / 2)
    clamp_len, clamp_wid = max(1.5, 0.2 / px_m), max(1.0, 0.06 / px_m)
    lam_px = fin_length_m() / px_m
    device = "surge-arrester" if scenario == "arrester" else "parallel-groove-clamp"
    defect = scenario in ("hot-joint", "hot-joint-single-phase", "far", "arrester") and rng.uniform() < 0.9
    hot_phase = int(rng.integers(0, len(phases))) if defect else -99
    excess = float(rng.choice([rng.uniform(3.0, 12.0), rng.uniform(12.0, 40.0), rng.uniform(40.0, 90.0)]))
    t1 = t2 = None
    xy = None
    for i, p in enumerate(phases):
        jx = cx + p * spacing
        jy = arm_y + tilt * (jx - cx) - max(2.0, 0.1 / px_m)
        # distance of every pixel from the conductor line through (jx, jy) with direction (1, slope)
        norm = math.hypot(1.0, slope)
        along = ((xx - jx) + slope * (yy - jy)) / norm
        across = np.abs(slope * (xx - jx) - (yy - jy)) / norm
        on = across <= cond_r
        hot = (i == hot_phase) and device != "surge-arrester"
        heat = excess * np.exp(-np.abs(along) / lam_px) if hot else np.zeros_like(along)
        img[on] = apparent_c(ambient + load_rise + heat[on], eps_cond, refl)
        clamp = (np.abs(along) <= clamp_len / 2) & (across <= clamp_wid / 2 + cond_r)
        img[clamp] = apparent_c(ambient + load_rise + 1.0 + heat[clamp], eps_clamp, refl)
        healthy_peak = float(apparent_c(ambient + load_rise + 1.0, eps_clamp, refl))
        if device == "surge-arrester":
            # arrester below the crossarm: a porcelain/polymer body warmed all over by leakage current
            length = max(4.0, 0.4 / px_m)
            body = (np.abs(xx - jx) <= max(1.0, 0.05 / px_m)) & (yy > jy + 3) & (yy < jy + 3 + length)
            rise = ambient + sun * 1.0 + (float(rng.uniform(0.5, 4.0)) if i == hot_phase else 0.0)
            img[body] = apparent_c(rise, 0.92, ambient)
            if i == hot_phase:
                t1 = float(apparent_c(rise, 0.92, ambient))
                xy = (int(jx), int(jy + 3 + length / 2))
            else:
                t2 = float(apparent_c(ambient + sun * 1.0, 0.92, ambient)) if t2 is None else t2
        elif hot:
            t1 = float(apparent_c(ambient + load_rise + 1.0 + excess, eps_clamp, refl))
            xy = (round(jx), round(jy))
        else:
            t2 = healthy_peak if t2 is None else min(t2, healthy_peak)
    if t1 is not None and t2 is None:  # single phase: the same conductor away from the joint
        t2 = float(apparent_c(ambient + load_rise, eps_cond, refl))
    if sun > 0.6 and rng.uniform() < 0.5:
        _glints(rng, img, ambient)
    img = cv2.GaussianBlur(img.astype(np.float32), (0, 0), PSF_SIGMA_PX)  # type: ignore[assignment]
    img = img + rng.normal(0.0, NETD_K, shape).astype(np.float32)
    resolved = min(clamp_len, clamp_wid + 2 * cond_r) >= 3.0
    truth = Truth(scenario=scenario, device=device, defect=t1 is not None, t0_c=ambient, distance_m=distance,
                  t1_c=t1, t2_c=t2 if t1 is not None else None, xy=xy, resolved=resolved,
                  heating="voltage" if device == "surge-arrester" else "current", clutter=tuple(clutter))
    return img.astype(np.float32), truth


def _texture(rng: np.random.Generator, shape: tuple[int, int], amplitude_k: float) -> np.ndarray:
    """Low-frequency ground texture (K): upsampled noise."""
    h, w = shape
    small = rng.normal(0.0, amplitude_k, (max(2, h // 32), max(2, w // 32))).astype(np.float32)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.float64)


def _clutter(rng: np.random.Generator, img: np.ndarray, ambient: float, sun: float, px_m: float,
             horizon: int) -> list[str]:
    """Sun-warmed roofs, roads, vehicles and trees on the ground part of the frame (docs/physics.md §5)."""
    h, w = img.shape
    kinds: list[str] = []
    top = max(horizon, 0)
    if top >= h - 20:
        return kinds
    for _ in range(int(rng.integers(1, 5))):
        kind = str(rng.choice(["roof", "road", "vehicle", "tree"]))
        kinds.append(kind)
        x0, y0 = int(rng.uniform(0, w)), int(rng.uniform(top, h))
        if kind == "roof":
            rw, rh = int(rng.uniform(8, 14) / px_m), int(rng.uniform(5, 10) / px_m)
            img[y0:y0 + rh, x0:x0 + rw] = ambient + sun * rng.uniform(8.0, 30.0) + rng.normal(0, 0.3)
        elif kind == "road":
            rh = int(rng.uniform(3, 7) / px_m)
            img[y0:y0 + rh, :] = ambient + sun * rng.uniform(5.0, 18.0)
        elif kind == "vehicle":
            vw, vh = int(4.5 / px_m), int(1.8 / px_m)
            img[y0:y0 + vh, x0:x0 + vw] = ambient + sun * rng.uniform(10.0, 25.0)
            img[y0:y0 + vh // 3, x0:x0 + vw // 4] = ambient + rng.uniform(15.0, 35.0)  # engine bay
        else:
            r = int(rng.uniform(2.0, 4.0) / px_m)
            yy, xx = np.ogrid[0:h, 0:w]
            crown = (xx - x0) ** 2 + (yy - y0) ** 2 <= r * r
            img[crown] = ambient + rng.uniform(-1.0, 3.0) + rng.normal(0, 0.5, int(crown.sum()))
    return kinds


def _glints(rng: np.random.Generator, img: np.ndarray, ambient: float) -> None:
    """Sun glints: specular reflections of the sun on metal, one or two pixels, 10–40 K bright."""
    h, w = img.shape
    for _ in range(int(rng.integers(1, 4))):
        y, x = int(rng.uniform(0, h - 2)), int(rng.uniform(0, w - 2))
        img[y:y + int(rng.integers(1, 3)), x:x + int(rng.integers(1, 3))] = ambient + rng.uniform(10.0, 40.0)


def encode_scene(img: np.ndarray, truth: Truth) -> bytes:
    """The radiometric TIFF of a generated frame, the format ``irpatrol simulate flight`` writes
    (float32 °C with the capture parameters: ε 0.95, distance, reflected = ambient), so
    ``irpatrol analyze`` and ingest read it like any other."""
    from irpatrol.radiometry import CaptureParams, ImageMeta
    from irpatrol.radiometry.tiff import encode

    params = CaptureParams(emissivity=CAMERA_EMISSIVITY, distance_m=round(truth.distance_m, 2),
                           reflected_c=truth.t0_c, atmospheric_c=truth.t0_c, humidity=50.0)
    return encode(img, meta=ImageMeta(make="irpatrol", model="simulated field scene"), params=params)
