"""The visible (RGB) photo of a generated pole view (pure but for JPEG encoding).

Drone thermal payloads take a visible photo with every thermogram (DJI H20T / M30T / M3T: a separate
``…_W.JPG`` / ``…_V.JPG`` per shot). The flight simulator draws the same parts, in the same place, on
an RGB layer of the :class:`~irpatrol.simulate.canvas.Canvas` in the colours below, over a daylight
sky and ground, so the viewer's visible photo and thermogram line up pixel for pixel (the wide
camera's field is cropped to the thermal one, as the viewer's synced cursor assumes). No thermal
colours: what a person would see.
"""

from __future__ import annotations

import cv2
import numpy as np

COLOURS: dict[str, tuple[float, float, float]] = {
    "concrete": (172.0, 170.0, 162.0),
    "galvanised-steel": (150.0, 154.0, 158.0),
    "porcelain": (222.0, 222.0, 216.0),
    "polymer": (112.0, 116.0, 122.0),
    "epoxy-tube": (152.0, 112.0, 64.0),
    "aluminium-bare": (176.0, 178.0, 182.0),
    "aluminium-cast-weathered": (132.0, 132.0, 128.0),
    "copper-contact": (176.0, 118.0, 80.0),
    "painted-steel": (120.0, 136.0, 126.0),
}
"""Daylight colour (RGB 0…255) of each material: grey concrete, galvanised steel, white glazed
porcelain, grey silicone housings, brown epoxy-glass fuse tubes, bright and weathered aluminium,
oxidised copper, grey-green transformer paint."""
GRASS = (92.0, 118.0, 62.0)
SOIL = (138.0, 118.0, 88.0)
SKY_ZENITH = (92.0, 142.0, 212.0)
SKY_HORIZON = (186.0, 208.0, 230.0)
OVERCAST = (188.0, 192.0, 198.0)
JPEG_QUALITY = 88
UPSCALE = 2
"""The photo is written at twice the thermal resolution (1280×1024 for a 640×512 frame)."""


def light(sun: float) -> float:
    """Brightness factor of the scene for a sun factor 0 (overcast) … 1 (full sun)."""
    return 0.7 + 0.4 * float(np.clip(sun, 0.0, 1.0))


def background(shape: tuple[int, int], horizon: float, sun: float, texture: np.ndarray) -> np.ndarray:
    """Sky above ``horizon`` (px; a blue gradient in sun, grey when overcast) and grass and soil
    below it, patterned by ``texture`` (the thermal ground texture, K). H×W×3 float, 0…255."""
    h, w = shape
    y = np.arange(h, dtype=np.float64)[:, None, None]
    t = np.clip(y / max(horizon, 1.0), 0.0, 1.0)
    s = float(np.clip(sun, 0.0, 1.0))
    clear = (1 - t) * np.asarray(SKY_ZENITH) + t * np.asarray(SKY_HORIZON)
    sky = s * clear + (1 - s) * np.asarray(OVERCAST)
    mix = np.clip(0.5 + 0.35 * texture, 0.0, 1.0)[:, :, None]
    ground = (mix * np.asarray(GRASS) + (1 - mix) * np.asarray(SOIL)) * light(sun)
    rgb = np.where(y < horizon, np.broadcast_to(sky, (h, w, 3)), ground)
    return np.asarray(rgb, dtype=np.float64)


def encode_jpeg(rgb: np.ndarray, rng: np.random.Generator) -> bytes:
    """The photo as JPEG bytes: upscaled ×:data:`UPSCALE`, a little lens blur and sensor noise."""
    small = np.clip(rgb + rng.normal(0.0, 2.0, rgb.shape), 0, 255).astype(np.uint8)
    h, w = small.shape[:2]
    big = cv2.GaussianBlur(cv2.resize(small, (w * UPSCALE, h * UPSCALE), interpolation=cv2.INTER_LINEAR),
                           (0, 0), 0.8)
    bgr = cv2.cvtColor(big, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 RGB image
        raise ValueError("JPEG encoding failed")
    return bytes(buf)
