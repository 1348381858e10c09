"""Constructed scenes for the analysis tests: identical clamp regions pasted on a background.

A clamp is a filled ellipse (``CLAMP_W`` × ``CLAMP_H`` px) at a plateau temperature; a heated one
gets a Gaussian bump whose peak (at the centre pixel) is exactly ``heat_k`` above the plateau, so
T1 = plateau + heat and T2 (a healthy clamp's max) = plateau by construction.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from irpatrol.pipeline import Examination, Finding, examine
from irpatrol.simulate.scene import Truth, at_truth, render

CLAMP_W, CLAMP_H = 11, 27
"""Clamp outline size (px): about a 10 kV parallel-groove clamp at 3–5 m with a 640×512 core."""


def clamp_mask(shape: tuple[int, int], center: tuple[int, int], angle_deg: int = 0) -> np.ndarray:
    """Boolean mask of one clamp centred at (x, y), long axis vertical turned by ``angle_deg``."""
    mask = np.zeros(shape, np.uint8)
    cv2.ellipse(mask, center, (CLAMP_W // 2, CLAMP_H // 2), angle_deg, 0, 360, 1, thickness=-1)
    return mask.astype(bool)


def paste_clamps(background: np.ndarray, centers: Sequence[tuple[int, int]], *, plateau_c: float,
                 heat_k: Sequence[float], sigma_px: float = 3.0,
                 angles_deg: Sequence[int] | None = None) -> np.ndarray:
    """``background`` (°C) with one clamp per centre, each ``plateau_c`` plus its Gaussian ``heat_k``."""
    scene = np.array(background, dtype=np.float32, copy=True)
    yy, xx = np.mgrid[0:scene.shape[0], 0:scene.shape[1]]
    angles = angles_deg or [0] * len(centers)
    for (cx, cy), heat, angle in zip(centers, heat_k, angles, strict=True):
        mask = clamp_mask(scene.shape, (cx, cy), angle)
        bump = heat * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * sigma_px**2))
        scene[mask] = (plateau_c + bump[mask]).astype(np.float32)
    return scene


def synthetic_background(shape: tuple[int, int] = (128, 160), *, level_c: float = 15.0, seed: int = 0,
                         noise_k: float = 0.2) -> np.ndarray:
    """A gently sloped background (°C) with Gaussian noise, for fast property tests."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]]
    slope = 1.5 * (xx / shape[1]) + 0.8 * (yy / shape[0])
    return (level_c + slope + rng.normal(0.0, noise_k, shape)).astype(np.float32)


def three_phase(shape: tuple[int, int] = (128, 160)) -> list[tuple[int, int]]:
    """Three clamp centres side by side (three phases) in a frame of ``shape``."""
    h, w = shape
    return [(w // 4, h // 2), (w // 2, h // 2), (3 * w // 4, h // 2)]


def field_finding(seed: int, scenario: str) -> tuple[Finding, Truth]:
    """A generated field frame (``irpatrol.simulate.scene.render``) read as the benchmark reads it
    (its device kind, T0 from the patrol's weather): the one finding whose box, widened by 3 px,
    holds the hot part (``irpatrol.simulate.scene.at_truth``, the benchmark's match), and the frame's
    truth."""
    img, truth = render(seed, scenario)
    assert truth.xy is not None and truth.t2_c is not None
    ex = examine(img, device=truth.device, ambient_c=truth.t0_c, ambient_source="patrol")
    (f,) = [f for f in ex.hotspots if at_truth(f.hotspot.bbox, truth.xy)]
    return f, truth


def nothing_wrong(seed: int, scenario: str, device: str) -> tuple[Examination, np.ndarray]:
    """A generated field frame with nothing wrong (asserted) read as ``device`` as the benchmark reads
    it (T0 from the patrol's weather): the examination and the frame (°C)."""
    img, truth = render(seed, scenario)
    assert not truth.defect
    return examine(img, device=device, ambient_c=truth.t0_c, ambient_source="patrol"), img
