"""Pictures for the pages: thermograms in a palette (thumbnails), their temperatures as float32,
palette look-up tables for the canvas. Decoded files are cached per process (LRU)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from irpatrol.radiometry.palettes import palette_names
from irpatrol.radiometry.thermogram import Thermogram
from irpatrol.reports.images import thermal_png

PALETTES: tuple[str, ...] = tuple(palette_names())


@lru_cache(maxsize=64)
def thermogram(path: str, mtime: float) -> Thermogram:
    """The decoded file (cached; ``mtime`` invalidates the entry when the file changes)."""
    from irpatrol.radiometry import read

    return read(Path(path))


def load(path: Path) -> Thermogram:
    """The thermogram in ``path``, from the cache when unchanged."""
    return thermogram(str(path), path.stat().st_mtime)


@lru_cache(maxsize=1024)
def thumbnail_png(path: str, mtime: float, palette: str, width: int,
                  t_range: tuple[float, float] | None = None, isotherm_c: float | None = None) -> bytes:
    """The thermogram in ``palette`` with its colour bar (°C), scaled to ``width`` px (0: full
    size), as PNG. ``t_range`` (°C): fixed scale ends (a patrol's), default the frame's own
    minimum and maximum, so a hot clamp stands out from its neighbours."""
    celsius = thermogram(path, mtime).celsius
    return thermal_png(celsius, palette, t_range=t_range, isotherm_c=isotherm_c, width=width)


@lru_cache(maxsize=32)
def palette_lut(palette: str) -> list[list[int]]:
    """256 RGB triples from the coldest to the hottest colour of ``palette``."""
    from irpatrol.radiometry.render import colorize

    ramp = np.linspace(0.0, 1.0, 256, dtype=np.float32)[None, :]
    return colorize(ramp, palette, 0.0, 1.0)[0].astype(int).tolist()


def celsius_bytes(t: Thermogram) -> bytes:
    """Temperatures as little-endian float32, row by row (NaN where unknown)."""
    return np.ascontiguousarray(t.celsius, dtype="<f4").tobytes()
