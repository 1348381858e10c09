"""Colour palettes for thermal images: 256-entry RGB lookup tables built from control points.

Each palette is a short list of (position 0–1, R, G, B) control points, our own choice, linearly
interpolated per channel with numpy into 256 entries; entry 0 is the coldest colour, 255 the
hottest. The names follow the ones thermal camera makers use, the colours are only similar:

* ``iron``: black → indigo → purple → red → orange → yellow → near white (the classic "ironbow").
* ``rainbow``: dark blue → blue → cyan → green → yellow → orange → red.
* ``white-hot``: black → white, luminance rising linearly.
* ``black-hot``: white → black, luminance falling linearly.
* ``lava``: black → deep blue → teal → red → amber → white.
* ``arctic``: navy → blue → sky blue → gold → pale yellow (cold scenes stay blue, hot spots gold).

Each palette also names an isotherm colour absent from it, used to paint pixels above an
isotherm temperature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from irpatrol.errors import ParameterError

__all__ = ["PALETTES", "Palette", "get_palette", "palette_names"]

ControlPoints = tuple[tuple[float, int, int, int], ...]


@dataclass(frozen=True)
class Palette:
    """A named 256×3 uint8 RGB lookup table and the colour that marks an isotherm."""

    name: str
    lut: npt.NDArray[np.uint8]
    isotherm_rgb: tuple[int, int, int]


def build_lut(points: ControlPoints) -> npt.NDArray[np.uint8]:
    """256×3 uint8 RGB from (position 0–1, R, G, B) control points, linear between them."""
    pos = np.array([p[0] for p in points], dtype=np.float64)
    if pos[0] != 0.0 or pos[-1] != 1.0 or np.any(np.diff(pos) <= 0):
        raise ValueError("control points must rise strictly from 0 to 1")
    x = np.linspace(0.0, 1.0, 256)
    channels = [np.interp(x, pos, [p[c] for p in points]) for c in (1, 2, 3)]
    lut = np.rint(np.stack(channels, axis=1)).astype(np.uint8)
    lut.setflags(write=False)
    return lut


_POINTS: dict[str, tuple[ControlPoints, tuple[int, int, int]]] = {
    "iron": (
        (
            (0.0, 0, 0, 0),
            (0.15, 30, 0, 100),
            (0.35, 140, 0, 150),
            (0.55, 225, 50, 40),
            (0.75, 250, 150, 0),
            (0.9, 255, 220, 40),
            (1.0, 255, 255, 230),
        ),
        (0, 255, 0),
    ),
    "rainbow": (
        (
            (0.0, 0, 0, 130),
            (0.15, 0, 0, 255),
            (0.35, 0, 200, 255),
            (0.5, 0, 255, 80),
            (0.65, 255, 255, 0),
            (0.85, 255, 100, 0),
            (1.0, 255, 0, 0),
        ),
        (255, 0, 255),
    ),
    "white-hot": (((0.0, 0, 0, 0), (1.0, 255, 255, 255)), (255, 0, 0)),
    "black-hot": (((0.0, 255, 255, 255), (1.0, 0, 0, 0)), (255, 0, 0)),
    "lava": (
        (
            (0.0, 0, 0, 0),
            (0.2, 0, 40, 110),
            (0.4, 30, 130, 130),
            (0.6, 200, 50, 30),
            (0.8, 255, 170, 0),
            (1.0, 255, 255, 255),
        ),
        (0, 255, 0),
    ),
    "arctic": (
        (
            (0.0, 0, 0, 40),
            (0.35, 20, 60, 180),
            (0.6, 80, 170, 230),
            (0.8, 230, 190, 60),
            (1.0, 255, 245, 170),
        ),
        (255, 0, 0),
    ),
}

PALETTES: dict[str, Palette] = {
    name: Palette(name, build_lut(points), iso) for name, (points, iso) in _POINTS.items()
}


def palette_names() -> list[str]:
    """The palette names, in display order."""
    return list(PALETTES)


def get_palette(name: str) -> Palette:
    """The palette called ``name``; ParameterError listing the known names otherwise."""
    try:
        return PALETTES[name]
    except KeyError:
        raise ParameterError(f"unknown palette {name!r}; choose one of {', '.join(PALETTES)}") from None
