"""Background of the generated scenes (pure): ground texture, sun-warmed clutter and sun glints
(docs/physics.md §2 and §5). Temperatures °C, sizes m converted with the pixel footprint (m/px)."""

from __future__ import annotations

import cv2
import numpy as np


def texture(rng: np.random.Generator, shape: tuple[int, int], amplitude_k: float) -> np.ndarray:
    """Low-frequency ground texture (K): upsampled noise."""
    h, w = shape
    small = rng.normal(0.0, amplitude_k, (max(2, h // 32), max(2, w // 32))).astype(np.float32)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.float64)


def clutter(rng: np.random.Generator, img: np.ndarray, ambient: float, sun: float, px_m: float,
            horizon: int) -> list[str]:
    """Sun-warmed roofs, roads, vehicles and trees on the ground part of the frame (docs/physics.md §5).
    Returns the kinds drawn."""
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


def glints(rng: np.random.Generator, img: np.ndarray, ambient: float,
           metal: list[tuple[int, int]] | None = None) -> int:
    """Sun glints: specular reflections of the sun on metal, one or two pixels, 10–40 K bright
    (docs/physics.md §5); half of them on the given metal pixels (x, y) when any. Returns the count."""
    h, w = img.shape
    n = int(rng.integers(1, 4))
    for _ in range(n):
        if metal and rng.uniform() < 0.5:
            x, y = metal[int(rng.integers(0, len(metal)))]
            x, y = min(max(x, 0), w - 2), min(max(y, 0), h - 2)
        else:
            y, x = int(rng.uniform(0, h - 2)), int(rng.uniform(0, w - 2))
        img[y:y + int(rng.integers(1, 3)), x:x + int(rng.integers(1, 3))] = ambient + rng.uniform(10.0, 40.0)
    return n
