"""A thin conductor's own temperature, separated from its background through the optics blur (pure,
OpenCV + numpy).

A 10 kV conductor is 1–3 px wide at 5–30 m (docs/physics.md §6). The optics blur mixes what a pixel
on it reads with what lies behind it. The mix is linear: r = α·T_c + (1 − α)·T_b. Here r is the
reading on the conductor's axis (°C), T_c the conductor's own apparent temperature, T_b the
background beside it, and α ∈ (0, 1] the share of the blur that the conductor's width covers
(the size-of-source effect: Budzier & Gerlach, "The size-of-source effect in thermography",
J. Sens. Sens. Syst. 10, 179–186, 2021; the slit response function of a thermal camera's optics,
e.g. the Optris Xi manual's "geometric resolution" section; docs/physics.md §6). The mix is linear
in radiance. In temperature, the second-order term of the 8–14 µm band radiance near 300 K leaves an
error of about 0.002·ΔT² K: a few hundredths of a kelvin for the few kelvin between a conductor
and the ground.

So a thin conductor's ridge reads only part of its own contrast, and that part depends on its width
and distance, which the frame does not give. Where the background behind the conductor varies
(textured ground seen from above), the readings along it show r as a straight line in T_b.
Regressing r on T_b gives α (one minus the slope) and T_c (the intercept over α). T_c is the
background temperature at which the conductor would vanish, which is the reading a
thermographer would take. The joint's heat along the conductor (the fin law, docs/physics.md §3)
enters the same regression as a term A·exp(−s/λ) in the distance s from the joint, λ fitted over
:data:`TAIL_PX`.

:func:`conductor_own_c` is the one entry: it aims a straight line through the joint at the
conductor (the best-contrast direction and offset near the joint), re-centres it on the conductor
block by block (:data:`BLOCK_PX`; α falls steeply when a 1–3 px line is read a pixel off its axis),
reads both ways, and returns T_c where the regression is well conditioned
(:data:`MIN_BACKGROUND_RANGE_K`, :data:`ALPHA_RANGE`, :data:`MAX_STANDARD_ERROR_K`). Where neither
way's own background varies enough but the two ways lie over different backgrounds (ground on one
side of the joint, sky on the other), the two are regressed together: one conductor, one α
(:data:`JOIN_MIN_CONTRAST_K`). Else None.
"""

from __future__ import annotations

import cv2
import numpy as np

from irpatrol.analysis.quantiles import percentiles

START_PX = 6.0
"""Distance (px) from the joint's peak at which the readings start: past the peak's own 3×3 spot. The
part itself, wider than its conductor, is absorbed by the heat term near the joint."""
REACH_PX = 200.0
"""Distance (px) up to which a way is read: 1.3 m at 5 m, 7.8 m at 30 m with 1.3 mrad pixels
(docs/physics.md §6). A span's conductor is straight to well under a pixel over that stretch."""
AIM_PX = 60
"""Readings (1 px apart) from :data:`START_PX` on that aim the line: the direction and offset whose
readings differ most from their background on average over this stretch (the conductor near the
joint, where the line test saw it)."""
TURN_DEG = np.arange(-6.0, 6.01, 0.5)
"""Directions tried around the line test's (°): that test steps by 5°, and over :data:`REACH_PX` a
0.5° error moves the line by 1.7 px, within the blurred conductor's width."""
SHIFT_PX = np.arange(-1.5, 1.51, 0.5)
"""Offsets (px) across the line tried: the joint's peak may sit off its conductor's axis by up to half
the part's width."""
BLOCK_PX = 20
"""Readings per block over which the line is re-centred on the conductor: a 0.5° aim error or a
catenary's curve moves the conductor off the aimed line by about a pixel over 100 px, and a 1–3 px
conductor read 1 px off its axis shows a share α of its contrast well below the one near the joint."""
RECENTRE_PX = np.arange(-2.0, 2.01, 0.5)
"""Offsets (px) across the aimed line tried per block (:data:`BLOCK_PX`)."""
SIDE_PX = 3.5
"""Distance (px) of the background readings from the line on each side: past a 3 px conductor's
blurred edge (σ 0.7 px, docs/physics.md §6), where less than 1 % of its contrast is left."""
FAR_SIDE_PX = 5.5
"""Distance (px) of the second pair of background readings, for the background's curvature across
the line."""
SIDES_ALIKE_K = 1.0
"""Largest difference (K) between the two sides' background readings for a reading to count: across
an edge behind the conductor (a roof's, the horizon) their mean is not what lies behind it."""
MIN_READINGS = 30
"""Least readings that count per way (1 px apart)."""
MIN_BACKGROUND_RANGE_K = 1.5
"""Least spread (K, 5th to 95th percentile) of a way's background readings: the regression needs the
background to vary. Thirty NETDs (docs/physics.md §6). Project choice."""
ALPHA_RANGE = (0.2, 1.05)
"""Accepted share α of the conductor's own contrast: at most one, with 0.05 for the noise; below 0.2 the
line is too thin for the estimate, whose error grows as 1/α. Project choice."""
MAX_STANDARD_ERROR_K = 0.5
"""Largest standard error (K) of T_c from the regression (delta method), for a way to count: half
the 1 K within which issue 10 asks T2 to be read. Project choice."""
TAIL_PX = np.geomspace(1.0, 40.0, 20)
"""Fin lengths λ (px) tried for the joint's heat along its conductor: 0.16 m is 4 px at 30 m and
22 px at 5.5 m (docs/physics.md §3). A longer decay over a 200 px stretch cannot be told apart from
a slow trend of the background."""

JOIN_MIN_CONTRAST_K = 0.5
"""Least median |reading − background| (K) of a way whose own background is too even for the
regression, for it to join the other way's readings: the line must follow a visible conductor (ten
NETDs, docs/physics.md §6), not the ground beside a jumper that loops away (a strain clamp's) or a
lead that ends. Two ways over different backgrounds (the ground on one side of the joint, the sky or
a roof on the other) then give α and T_c together, as one way over textured ground does. Project
choice."""

_STEPS = np.arange(START_PX, REACH_PX, 1.0)


def _way(img: np.ndarray, x: float, y: float, angle_deg: float, sign: float,
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(distance px, reading °C, background °C) of one way along the aimed line, readings whose two
    sides differ by more than :data:`SIDES_ALIKE_K` left out; None when the line leaves the frame
    within :data:`AIM_PX`."""
    h, w = img.shape
    th = np.deg2rad(angle_deg + TURN_DEG)
    ux, uy = sign * np.cos(th), sign * np.sin(th)  # (T,)
    # (T, O, S): every direction and offset at once
    off = SHIFT_PX[None, :, None]
    px = x + _STEPS[None, None, :] * ux[:, None, None] - off * uy[:, None, None]
    py = y + _STEPS[None, None, :] * uy[:, None, None] + off * ux[:, None, None]
    m = FAR_SIDE_PX
    inside = ((px >= m + 1) & (px < w - m - 2) & (py >= m + 1) & (py < h - m - 2)).all(axis=(0, 1))
    n = int(np.argmin(inside)) if not inside.all() else len(_STEPS)
    if n < AIM_PX:
        return None
    nx, ny = -uy[:, None, None], ux[:, None, None]  # unit across
    r, b, _ = _readings(img, px[..., :AIM_PX], py[..., :AIM_PX], nx, ny)
    score = np.abs(r - b).mean(axis=2)  # (T, O)
    t, o = np.unravel_index(int(np.argmax(score)), score.shape)
    # re-centred block by block: across each block of BLOCK_PX readings the offset (±RECENTRE_PX
    # around the aimed line) where the line stands off its background most
    drift = RECENTRE_PX[:, None]
    lx = px[t, o, :n][None, :] - drift * uy[t]
    ly = py[t, o, :n][None, :] + drift * ux[t]
    r, b, keep = _readings(img, lx, ly, nx[t, 0], ny[t, 0])  # (D, n)
    contrast = np.abs(r - b)
    pad = (-n) % BLOCK_PX
    edged = np.concatenate([contrast, np.repeat(contrast[:, -1:], pad, axis=1)], axis=1)  # np.pad's "edge"
    blocks = edged.reshape(len(RECENTRE_PX), -1, BLOCK_PX)
    best = np.repeat(np.argmax(blocks.mean(axis=2), axis=0), BLOCK_PX)[:n]  # (n,)
    cols = np.arange(n)
    r, b, keep = r[best, cols], b[best, cols], keep[best, cols]
    return _STEPS[:n][keep], r[keep], b[keep]


def _readings(img: np.ndarray, px: np.ndarray, py: np.ndarray, nx: np.ndarray, ny: np.ndarray,
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The reading on the line at (``px``, ``py``) px, the background on its axis and whether the two
    sides agree within :data:`SIDES_ALIKE_K`; (``nx``, ``ny``) the unit vector across."""
    # the five readings across (both sides near and far, and the line itself) in one remap: each
    # point's bilinear reading does not depend on the others in the map
    across = np.array([SIDE_PX, -SIDE_PX, FAR_SIDE_PX, -FAR_SIDE_PX, 0.0])
    ax = np.stack([px + dx * nx for dx in across])
    ay = np.stack([py + dx * ny for dx in across])
    rows = ax.shape[-1]  # one row per reading, direction and offset (remap's maps stay under 2^15 a side)
    flat = cv2.remap(img, ax.reshape(-1, rows).astype(np.float32), ay.reshape(-1, rows).astype(np.float32),
                     cv2.INTER_LINEAR)
    left, right, far, far_other, on_line = flat.reshape(ax.shape).astype(np.float64)
    outer = 0.5 * (far + far_other)
    # the background on the axis: the two sides' mean at SIDE_PX and FAR_SIDE_PX extrapolated as
    # T_b(0) + c·d² (the ground's curvature across the line)
    b = (0.5 * (left + right) * FAR_SIDE_PX ** 2 - outer * SIDE_PX ** 2) / (FAR_SIDE_PX ** 2 - SIDE_PX ** 2)
    return on_line, b, np.abs(left - right) <= SIDES_ALIKE_K


def _own_c(s: np.ndarray, r: np.ndarray, b: np.ndarray) -> tuple[float | None, bool]:
    """T_c (°C) of one way's readings ``r`` over background ``b`` at distances ``s`` (module
    docstring), or None where the regression is not well conditioned; and whether the readings may
    still join the other way's (:func:`conductor_own_c`): they are not too few and, where their own
    background varies enough to tell, they do not contradict a conductor (α out of range)."""
    if s.size < MIN_READINGS:
        return None, False
    lo, hi = percentiles(b, (5.0, 95.0))
    if hi - lo < MIN_BACKGROUND_RANGE_K:
        return None, True
    # every fin length at once: design (L, N, 3) = [1, T_b, exp(−s/λ)], least squares by the normal
    # equations (three well-scaled columns)
    e = np.exp(-(s - s[0])[None, :] / TAIL_PX[:, None])
    a = np.stack([np.ones_like(e), np.broadcast_to(b, e.shape), e], axis=2)
    ata = np.einsum("lni,lnj->lij", a, a)
    try:
        coefs = np.linalg.solve(ata, np.einsum("lni,n->li", a, r)[..., None])[..., 0]  # (L, 3)
    except np.linalg.LinAlgError:  # a background or tail without variation: nothing to separate
        return None, True
    sses = (((a @ coefs[..., None])[..., 0] - r[None, :]) ** 2).sum(axis=1)
    k = int(np.argmin(sses))
    coef = coefs[k]
    alpha = 1.0 - float(coef[1])
    if not ALPHA_RANGE[0] <= alpha <= ALPHA_RANGE[1]:
        return None, False
    cov = float(sses[k]) / (s.size - 3) * np.linalg.inv(ata[k])  # the normal matrix of the fit chosen
    grad = np.array([1.0 / alpha, float(coef[0]) / alpha ** 2, 0.0])  # ∂T_c/∂(c0, c1, c2)
    if float(np.sqrt(grad @ cov @ grad)) > MAX_STANDARD_ERROR_K:
        return None, True
    return float(coef[0]) / alpha, True


def conductor_own_c(celsius: np.ndarray, x: int, y: int, angle_deg: float) -> float | None:
    """The own apparent temperature (°C) of the thin conductor through the joint at (x, y) px running
    at ``angle_deg`` (° from the x axis towards y), separated from its background through the blur
    (module docstring): the mean of the ways that give one; when neither does, both ways' readings
    regressed together where both follow a visible conductor and neither contradicts one; else None."""
    img = np.asarray(celsius, dtype=np.float32)
    got: list[float] = []
    joinable = []
    for sign in (-1.0, 1.0):
        way = _way(img, float(x), float(y), angle_deg, sign)
        if way is None:
            continue
        t, may_join = _own_c(*way)
        if t is not None:
            got.append(t)
        elif may_join and float(np.median(np.abs(way[1] - way[2]))) >= JOIN_MIN_CONTRAST_K:
            joinable.append(way)
    if got:
        return float(np.mean(got))
    if len(joinable) == 2:  # one conductor, one α: both ways together, over the backgrounds of both
        return _own_c(*(np.concatenate(parts) for parts in zip(*joinable, strict=True)))[0]
    return None
