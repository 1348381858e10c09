"""False-colour rendering of temperatures: palette mapping, isotherm, colour bar, PNG.

Pure: arrays in, arrays or PNG bytes out. Palettes are in :mod:`irpatrol.radiometry.palettes`.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from irpatrol.errors import ParameterError
from irpatrol.radiometry.palettes import get_palette

__all__ = ["colorize", "render_png", "scene_range"]

MIN_RENDER_HEIGHT = 240
"""Frames lower than this (px) are enlarged by a whole factor (nearest neighbour) so the colour
bar's labels stay legible (e.g. the 80×60 FLIR AX8)."""

_BG = (32, 32, 32)
_FG = (235, 235, 235)
_FONT = cv2.FONT_HERSHEY_SIMPLEX


def _finite_range(celsius: np.ndarray) -> tuple[float, float]:
    finite = celsius[np.isfinite(celsius)]
    if finite.size == 0:
        return 0.0, 1.0
    return float(finite.min()), float(finite.max())


SCENE_PERCENTILES = (0.5, 99.9)
"""Percentiles of a frame's finite pixels that :func:`scene_range` takes as the colour scale's ends
(an automatic level and span with the tails clipped, as a camera's histogram-based automatic gain
does): a few very hot or cold pixels — an excavator's exhaust at 175 °C over ground at 18 °C (shared
DJI H30T frame), a lamp at night — no longer squeeze the scene into the palette's first
colours. Project choice, on the shared real frames: the H30T frame's middle 98 % of pixels (the
ground, 17.2–19.5 °C) took 4 of the palette's 256 colours between its minimum and maximum
(14.6–175.3 °C) and take 32 between these percentiles (17.0–24.3 °C); the top 0.1 % of a 640×512
frame is 328 px."""


def scene_range(celsius: npt.ArrayLike, keep_c: float | None = None) -> tuple[float, float]:
    """Colour-scale ends (°C) for an overview of a frame: the :data:`SCENE_PERCENTILES` of its finite
    pixels, the top raised to ``keep_c`` (°C) when that is hotter (a graded hotspot keeps its own
    colour rather than the saturated end's, so it never looks like its cooler reference), at least
    0.5 K apart; (0, 1) for a frame without a finite pixel. Pixels beyond the ends take the end
    colours (:func:`colorize`)."""
    c = np.asarray(celsius, dtype=np.float32)
    finite = c[np.isfinite(c)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = (float(v) for v in np.percentile(finite, SCENE_PERCENTILES))
    if keep_c is not None and math.isfinite(keep_c):
        hi = max(hi, min(float(keep_c), float(finite.max())))
    return lo, max(hi, lo + 0.5)


def colorize(celsius: npt.ArrayLike, palette: str, t_min: float, t_max: float) -> npt.NDArray[np.uint8]:
    """H×W×3 uint8 RGB: ``t_min`` (°C) and below get the palette's first colour, ``t_max`` and
    above its last, linear between; NaN pixels get the first colour."""
    pal = get_palette(palette)
    c = np.asarray(celsius, dtype=np.float32)
    if c.ndim != 2:
        raise ParameterError(f"temperatures must be an H×W array, got shape {c.shape}")
    if not (math.isfinite(t_min) and math.isfinite(t_max)):
        raise ParameterError(f"colour range must be finite, got {t_min}–{t_max} °C")
    span = max(float(t_max) - float(t_min), 1e-6)
    scaled = (c - np.float32(t_min)) * np.float32(255.0 / span)
    index = np.clip(np.nan_to_num(scaled, nan=0.0), 0, 255).astype(np.uint8)
    return pal.lut[index]


def _nice_ticks(lo: float, hi: float, wanted: int = 6) -> list[float]:
    """Round tick values (steps 1, 2, 2.5 or 5 × 10^k) within [lo, hi]."""
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / max(wanted - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def _label(v: float, step: float) -> str:
    """``v`` with as many decimals as the tick step needs (2.5 → one, 0.25 → two)."""
    decimals = next((d for d in range(7) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 6)
    return f"{v:.{decimals}f}"


def _draw_degree_c(img: np.ndarray, x: int, y: int, scale: float, thickness: int) -> None:
    """Draws "°C" with its baseline at y (Hershey fonts have no ° glyph: a small circle instead)."""
    (_, h), _ = cv2.getTextSize("C", _FONT, scale, thickness)
    r = max(2, round(h * 0.22))
    cv2.circle(img, (x + r, y - h + r), r, _FG, max(1, thickness - 1), cv2.LINE_AA)
    cv2.putText(img, "C", (x + 2 * r + 3, y), _FONT, scale, _FG, thickness, cv2.LINE_AA)


def _colour_bar(
    height: int, palette: str, t_min: float, t_max: float, isotherm_c: float | None, scale: float
) -> np.ndarray:
    """A panel of ``height`` px: a vertical gradient (hot at the top), tick labels in °C."""
    thickness = 1 if scale < 0.6 else 2
    (_, text_h), _ = cv2.getTextSize("0", _FONT, scale, thickness)
    top, bottom = text_h * 3, height - text_h
    bar_h, bar_w = max(bottom - top, 2), max(12, round(text_h * 1.8))
    ticks = _nice_ticks(t_min, t_max)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    labels = [_label(v, step) for v in ticks]
    label_w = max(cv2.getTextSize(s, _FONT, scale, thickness)[0][0] for s in labels)
    width = 8 + bar_w + 6 + label_w + 8
    panel = np.full((height, width, 3), _BG, dtype=np.uint8)
    ramp = np.linspace(t_max, t_min, bar_h, dtype=np.float32)[:, None]
    panel[top : top + bar_h, 8 : 8 + bar_w] = colorize(np.repeat(ramp, bar_w, axis=1), palette, t_min, t_max)
    span = max(t_max - t_min, 1e-6)

    def y_of(t: float) -> int:
        return top + round((t_max - t) / span * (bar_h - 1))

    if isotherm_c is not None and t_min <= isotherm_c <= t_max:
        iso = get_palette(palette).isotherm_rgb
        cv2.line(panel, (4, y_of(isotherm_c)), (8 + bar_w + 3, y_of(isotherm_c)), iso, max(1, thickness))
    for v, s in zip(ticks, labels, strict=True):
        y = y_of(v)
        cv2.line(panel, (8 + bar_w, y), (8 + bar_w + 4, y), _FG, 1)
        cv2.putText(panel, s, (8 + bar_w + 6, y + text_h // 2), _FONT, scale, _FG, thickness, cv2.LINE_AA)
    _draw_degree_c(panel, 8, top - text_h, scale, thickness)
    return panel


def render_png(
    celsius: npt.ArrayLike,
    palette: str = "iron",
    *,
    t_min: float | None = None,
    t_max: float | None = None,
    isotherm_c: float | None = None,
    colorbar: bool = True,
) -> bytes:
    """PNG of the temperatures in ``palette``.

    ``t_min``/``t_max`` (°C) default to the frame's finite minimum and maximum. With
    ``isotherm_c``, pixels hotter than it are painted in the palette's isotherm colour (and the
    level is marked on the colour bar). With ``colorbar``, a gradient with a °C scale is drawn to
    the right. Frames lower than :data:`MIN_RENDER_HEIGHT` px are enlarged by a whole factor.
    """
    c = np.asarray(celsius, dtype=np.float32)
    if c.ndim != 2 or c.size == 0:
        raise ParameterError(f"temperatures must be a non-empty H×W array, got shape {c.shape}")
    lo, hi = _finite_range(c)
    t_lo = lo if t_min is None else float(t_min)
    t_hi = hi if t_max is None else float(t_max)
    if t_hi < t_lo:
        raise ParameterError(f"t_max ({t_hi:g} °C) is below t_min ({t_lo:g} °C)")
    rgb = colorize(c, palette, t_lo, t_hi)
    if isotherm_c is not None:
        if not math.isfinite(isotherm_c):
            raise ParameterError(f"isotherm must be a finite temperature, got {isotherm_c}")
        rgb[c > isotherm_c] = get_palette(palette).isotherm_rgb
    factor = math.ceil(MIN_RENDER_HEIGHT / rgb.shape[0]) if rgb.shape[0] < MIN_RENDER_HEIGHT else 1
    if factor > 1:
        enlarged = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_NEAREST)
        rgb = np.asarray(enlarged, dtype=np.uint8)
    if colorbar:
        scale = max(0.4, min(1.2, rgb.shape[0] / 900))
        bar = _colour_bar(rgb.shape[0], palette, t_lo, t_hi, isotherm_c, scale)
        rgb = np.concatenate([rgb, bar], axis=1)
    ok, png = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:  # pragma: no cover - OpenCV fails only on invalid arrays, excluded above
        raise ParameterError("PNG encoding failed")
    return png.tobytes()
