"""Drawing primitives of the generated scenes (pure): rods, boxes and discs painted in apparent °C.

A part is painted from its true temperature (°C, a scalar or a per-pixel function of the distance
to a heat source), its emissivity and the reflected temperature of what it faces (docs/physics.md
§1). Parts thinner than a pixel are blended with what lies behind them by their pixel coverage (an
unresolved conductor reads between its own and the background temperature, as in the camera).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from irpatrol.simulate.physics import apparent_c, reflected_c

Heat = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""Excess temperature (K) at pixel coordinates (x, y): the heat a hot source conducts into a part."""


@dataclass(frozen=True)
class Surroundings:
    """What the parts reflect: sky and ground apparent temperatures (°C) and the share of sky in
    the half-space an upward-facing surface sees (0…1)."""

    sky_c: float
    ground_c: float


@dataclass(frozen=True)
class Material:
    """A surface: emissivity (8–14 µm) and visible colour (RGB 0…255, in diffuse daylight)."""

    eps: float
    colour: tuple[float, float, float] = (128.0, 128.0, 128.0)


@dataclass
class Canvas:
    """The frame being drawn: ``img`` apparent °C (H×W float64) and the surroundings; ``rgb``, when
    given (H×W×3 float, 0…255), receives the same parts in their visible colours, lit by ``light``
    (0.6 overcast … 1.1 full sun), round parts shaded lighter on top."""

    img: np.ndarray
    env: Surroundings
    rgb: np.ndarray | None = None
    light: float = 1.0

    def rod(self, p0: tuple[float, float], p1: tuple[float, float], width_px: float, true_c: float,
            material: Material, heat: Heat | None = None, round_reflect: bool = True) -> None:
        """A straight part of ``width_px`` from ``p0`` to ``p1`` (x, y px): a conductor, a blade, a
        tube. ``round_reflect``: a cylinder's upper half reflects the sky, its lower half the ground
        (docs/physics.md §1); otherwise it reflects an even mix."""
        h, w = self.img.shape
        half = max(width_px, 0.0) / 2.0
        reach = max(half, 0.5) + 1.0
        x0 = max(0, math.floor(min(p0[0], p1[0]) - reach))
        x1 = min(w, math.ceil(max(p0[0], p1[0]) + reach) + 1)
        y0 = max(0, math.floor(min(p0[1], p1[1]) - reach))
        y1 = min(h, math.ceil(max(p0[1], p1[1]) + reach) + 1)
        if x0 >= x1 or y0 >= y1:
            return
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
        dx, dy = p1[0] - p0[0], p1[1] - p0[1]
        length = math.hypot(dx, dy) or 1e-9
        ux, uy = dx / length, dy / length
        along = (xx - p0[0]) * ux + (yy - p0[1]) * uy
        across = (xx - p0[0]) * (-uy) + (yy - p0[1]) * ux
        # the normal (−uy, ux) points "down" in the image when ux > 0: flip so + is below the axis
        if ux < 0 or (ux == 0 and uy < 0):
            across = -across
        inside = (along >= -0.5) & (along <= length + 0.5) & (np.abs(across) <= max(half, 0.5))
        if not inside.any():
            return
        alpha = min(1.0, 2.0 * half) if half < 0.5 else 1.0
        ys, xs = yy[inside], xx[inside]
        t = np.full(ys.shape, true_c, dtype=np.float64)
        if heat is not None:
            t = t + heat(xs, ys)
        if round_reflect and half >= 0.75:
            frac = np.clip(0.5 - 0.5 * across[inside] / max(half, 1e-9), 0.0, 1.0)
        else:
            frac = np.full(ys.shape, 0.5)
        self._paint(ys.astype(int), xs.astype(int), t, material, frac, alpha)

    def box(self, centre: tuple[float, float], length_px: float, width_px: float, angle_rad: float,
            true_c: float, material: Material, heat: Heat | None = None) -> tuple[int, int, int, int]:
        """A rectangular part centred at ``centre`` (px), its length along ``angle_rad``; returns
        its bounding box (x, y, w, h px)."""
        ux, uy = math.cos(angle_rad), math.sin(angle_rad)
        p0 = (centre[0] - ux * length_px / 2, centre[1] - uy * length_px / 2)
        p1 = (centre[0] + ux * length_px / 2, centre[1] + uy * length_px / 2)
        self.rod(p0, p1, width_px, true_c, material, heat, round_reflect=False)
        xs = [p0[0], p1[0]]
        ys = [p0[1], p1[1]]
        pad = width_px / 2
        bx, by = math.floor(min(xs) - pad), math.floor(min(ys) - pad)
        return bx, by, math.ceil(max(xs) + pad) - bx, math.ceil(max(ys) + pad) - by

    def disc(self, centre: tuple[float, float], rx: float, ry: float, true_c: float, material: Material,
             heat: Heat | None = None) -> None:
        """An elliptic part (a shed seen edge-on, a crown): radii ``rx``, ``ry`` px."""
        h, w = self.img.shape
        x0, x1 = max(0, int(centre[0] - rx - 1)), min(w, int(centre[0] + rx + 2))
        y0, y1 = max(0, int(centre[1] - ry - 1)), min(h, int(centre[1] + ry + 2))
        if x0 >= x1 or y0 >= y1:
            return
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
        inside = ((xx - centre[0]) / max(rx, 0.5)) ** 2 + ((yy - centre[1]) / max(ry, 0.5)) ** 2 <= 1.0
        if not inside.any():
            return
        ys, xs = yy[inside], xx[inside]
        t = np.full(ys.shape, true_c, dtype=np.float64)
        if heat is not None:
            t = t + heat(xs, ys)
        self._paint(ys.astype(int), xs.astype(int), t, material, np.full(ys.shape, 0.5), 1.0)

    def apparent(self, true_c: float, emissivity: float, sky_fraction: float = 0.5) -> float:
        """The apparent temperature (°C) a part at ``true_c`` is painted with (truth records)."""
        refl = reflected_c(self.env.sky_c, self.env.ground_c, sky_fraction)
        return float(apparent_c(true_c, emissivity, refl))

    def _paint(self, ys: np.ndarray, xs: np.ndarray, true_c: np.ndarray, material: Material,
               sky_fraction: np.ndarray, alpha: float) -> None:
        refl = reflected_c(self.env.sky_c, self.env.ground_c, sky_fraction)
        value = apparent_c(true_c, material.eps, refl)
        if alpha >= 1.0:
            self.img[ys, xs] = value
        else:
            self.img[ys, xs] = alpha * value + (1.0 - alpha) * self.img[ys, xs]
        if self.rgb is not None:
            shade = (0.75 + 0.4 * sky_fraction)[:, None] * self.light
            colour = np.clip(np.asarray(material.colour, dtype=np.float64)[None, :] * shade, 0.0, 255.0)
            self.rgb[ys, xs] = alpha * colour + (1.0 - alpha) * self.rgb[ys, xs]


def point_heat(x: float, y: float, excess_k: float, decay_px: float) -> Heat:
    """Heat conducted from a hot source at (x, y) px: ``excess_k``·exp(−d / ``decay_px``) with d the
    distance from the source (the fin law of docs/physics.md §3, along the metal path)."""
    lam = max(decay_px, 1e-6)

    def heat(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        return np.asarray(excess_k * np.exp(-np.hypot(xs - x, ys - y) / lam))

    return heat
