"""Warm equipment regions: connected pixels above the background threshold, with their statistics.

Regions are 8-connected components (OpenCV ``connectedComponents``) of the mask
``celsius > threshold``. Their statistics are computed for all regions at once over the mask
pixels (``np.bincount`` / ``np.maximum.at``, no per-pixel Python loop): area, max and its pixel,
mean, and shape descriptors that do not change when the frame is rotated — the elongation
√(λ₁/λ₂) of the pixel covariance (each pixel counted as a unit square, so an a×b rectangle gives
a/b) and Hu's seven moment invariants (M.-K. Hu, "Visual pattern recognition by moment
invariants", IRE Trans. Inf. Theory 8 (1962) 179–187). Outlines (``cv2.findContours``) are traced
on demand, for the regions that are reported. The order of the regions depends on temperatures
and sizes only, never on the pixel scan order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from irpatrol.units import CelsiusArray

BBox = tuple[int, int, int, int]
"""Axis-aligned box (x, y, w, h) in pixels, x to the right, y down."""

PIXEL_VARIANCE = 1.0 / 12.0
"""Variance of a unit square's coordinate (px²), added so a one-pixel-wide line has a finite width."""


HU_SCALE = 1e-6
"""Hu invariants are compared as sign(h)·log10(1 + |h| / HU_SCALE): logarithmic above this scale,
→ 0 below it, so the round-off of invariants that vanish for symmetric shapes (≈ 1e-17) cannot
swing the comparison (OpenCV's ``matchShapes`` likewise ignores |h| < 1e-5)."""


@dataclass(frozen=True, eq=False)
class Region:
    """One connected warm region.

    Attributes:
        label: its label in :attr:`Segmentation.labels`.
        bbox: (x, y, w, h) in pixels.
        area_px: number of pixels.
        t_max_c: hottest pixel (°C); ``max_xy`` is its (x, y) (first in row-major order on ties).
        t_mean_c: mean over the region (°C).
        elongation: √(λ₁/λ₂) of the pixel covariance (≥ 1).
        angle_deg: direction of the long axis, degrees in [0, 180) from the x axis towards y
            (meaningless for round regions, elongation ≈ 1).
        hu: the seven Hu invariants on a signed log scale (see :data:`HU_SCALE`).
    """

    label: int
    bbox: BBox
    area_px: int
    t_max_c: float
    max_xy: tuple[int, int]
    t_mean_c: float
    elongation: float
    angle_deg: float
    hu: np.ndarray = field(repr=False)


@dataclass(frozen=True, eq=False)
class Segmentation:
    """The label image (int32 H×W, 0 = background) and the described regions, hottest first."""

    labels: np.ndarray
    regions: list[Region]

    def outline(self, region: Region) -> np.ndarray:
        """K×2 int32 (x, y) outer contour of ``region`` in frame pixels."""
        x, y, w, h = region.bbox
        mask = (self.labels[y:y + h, x:x + w] == region.label).view(np.uint8)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE, offset=(x, y))
        return max(contours, key=len).reshape(-1, 2).astype(np.int32)


def _hu(nu: dict[str, np.ndarray]) -> np.ndarray:
    """Hu's seven invariants (N×7) from normalised central moments ``nu['pq']``."""
    n20, n02, n11, n30, n03, n21, n12 = (nu[k] for k in ("20", "02", "11", "30", "03", "21", "12"))
    a, b = n30 + n12, n21 + n03
    c, d = n30 - 3 * n12, 3 * n21 - n03
    return np.stack([
        n20 + n02,
        (n20 - n02) ** 2 + 4 * n11**2,
        c**2 + d**2,
        a**2 + b**2,
        c * a * (a**2 - 3 * b**2) + d * b * (3 * a**2 - b**2),
        (n20 - n02) * (a**2 - b**2) + 4 * n11 * a * b,
        d * a * (a**2 - 3 * b**2) - c * b * (3 * a**2 - b**2),
    ], axis=1)


def _moments(lab: np.ndarray, dx: np.ndarray, dy: np.ndarray, n: int,
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Elongation (N), long-axis angle (N, degrees in [0, 180), image axes) and signed-log Hu
    invariants (N×7) per label from pixel offsets (px)."""
    def s(w: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(lab, weights=w, minlength=n).astype(np.float64)

    m00 = np.maximum(s(), 1.0)
    xc, yc = s(dx) / m00, s(dy) / m00
    u, v = dx - xc[lab], dy - yc[lab]
    uu, vv, uv = u * u, v * v, u * v
    mu = {"20": s(uu), "02": s(vv), "11": s(uv), "30": s(uu * u), "03": s(vv * v), "21": s(uu * v),
          "12": s(uv * v)}
    nu = {k: val / m00 ** (1 + (int(k[0]) + int(k[1])) / 2) for k, val in mu.items()}
    cov_xx, cov_yy, cov_xy = mu["20"] / m00, mu["02"] / m00, mu["11"] / m00
    half_trace, det_root = (cov_xx + cov_yy) / 2, np.sqrt(((cov_xx - cov_yy) / 2) ** 2 + cov_xy**2)
    elongation = np.sqrt((half_trace + det_root + PIXEL_VARIANCE) / (half_trace - det_root + PIXEL_VARIANCE))
    angle = np.degrees(0.5 * np.arctan2(2 * cov_xy, cov_xx - cov_yy)) % 180.0
    hu = _hu(nu)
    return elongation, angle, np.sign(hu) * np.log10(1.0 + np.abs(hu) / HU_SCALE)


def segment(
    celsius: CelsiusArray, threshold_c: float, *, min_area_px: int = 4, max_regions: int = 256
) -> Segmentation:
    """Warm regions of ``celsius`` above ``threshold_c`` (°C).

    Parameters
    ----------
    min_area_px:
        Smaller components are dropped as noise (px).
    max_regions:
        At most this many regions are described, the hottest ones (bounds the work on a noisy frame).

    Returns
    -------
    The label image and the regions sorted by (t_max_c, area_px, t_mean_c), all descending.
    """
    mask = celsius > threshold_c
    n, raw_labels = cv2.connectedComponents(mask.view(np.uint8), connectivity=8, ltype=cv2.CV_32S)
    labels = np.asarray(raw_labels, dtype=np.int32)
    idx = np.flatnonzero(mask)
    lab = labels.ravel()[idx]
    area = np.bincount(lab, minlength=n)
    big = area >= min_area_px
    big[0] = False
    if not big.any():
        return Segmentation(labels, [])
    keep = big[lab]
    idx, lab = idx[keep], lab[keep]
    val = celsius.ravel()[idx].astype(np.float64)
    mean = np.bincount(lab, weights=val, minlength=n) / np.maximum(area, 1)
    peak = np.full(n, -np.inf)
    np.maximum.at(peak, lab, val)
    hits = val == peak[lab]
    ids, first = np.unique(lab[hits], return_index=True)
    max_at = np.zeros(n, dtype=np.int64)
    max_at[ids] = idx[hits][first]
    width = celsius.shape[1]
    py, px = np.divmod(idx, width)
    x0, y0 = np.full(n, width), np.full(n, celsius.shape[0])
    x1, y1 = np.full(n, -1), np.full(n, -1)
    np.minimum.at(x0, lab, px)
    np.minimum.at(y0, lab, py)
    np.maximum.at(x1, lab, px)
    np.maximum.at(y1, lab, py)
    dx, dy = (px - x0[lab]).astype(np.float64), (py - y0[lab]).astype(np.float64)
    elongation, angle, hu = _moments(lab, dx, dy, n)
    chosen = np.flatnonzero(big)
    order = np.lexsort((-mean[chosen], -area[chosen], -peak[chosen]))[:max_regions]
    regions = [
        Region(
            label=int(i),
            bbox=(int(x0[i]), int(y0[i]), int(x1[i] - x0[i] + 1), int(y1[i] - y0[i] + 1)),
            area_px=int(area[i]),
            t_max_c=float(peak[i]),
            max_xy=(int(max_at[i] % width), int(max_at[i] // width)),
            t_mean_c=float(mean[i]),
            elongation=float(elongation[i]),
            angle_deg=float(angle[i]),
            hu=hu[i],
        )
        for i in chosen[order]
    ]
    return Segmentation(labels, regions)
