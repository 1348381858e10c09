"""The frame of one simulated flight shot: a field-like drone view of a 10 kV pole top (pure).

The same parts and physics as the scenario generator (:mod:`irpatrol.simulate.scene`,
docs/physics.md): a concrete pole with its crossarm, three phases, the equipment the pole carries,
bare metal reflecting the cold sky and the warmer ground, a hot part heating the metal around it.
What differs is the framing a patrol pilot uses, so that ingest reads phases A, B, C from the left,
middle and right thirds of the frame (``irpatrol.ingest.analyse.phase_of``): the camera looks
across the crossarm from the shot's standoff (4–8 m) through a narrow lens
(:data:`FLIGHT_IFOV_MRAD`), so the 1.4 m between the outer phases spans about half the frame.

Which equipment a pole shows follows its hot parts (``HotSpec.kind``): a disconnector for its
terminal clamps and contacts, a drop-out fuse, a strain pole, arresters, a transformer's bushings;
otherwise a tangent pole with pin insulators and a parallel-groove clamp on each conductor. With
``visible=True`` the same parts are drawn in their daylight colours on an RGB layer
(:mod:`irpatrol.simulate.visible`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from irpatrol.simulate import layouts
from irpatrol.simulate import visible as vis
from irpatrol.simulate.canvas import Canvas, Surroundings
from irpatrol.simulate.clutter import texture
from irpatrol.simulate.physics import EMISSIVITY, PSF_SIGMA_PX

FLIGHT_IFOV_MRAD = 0.68
"""Pixel IFOV of the simulated flight camera at 640 px across: a 640×512, 17 µm core behind a
25 mm lens (Zenmuse XT2 25 mm class), 17 µm / 25 mm = 0.68 mrad; a narrower frame keeps the field
of view (the IFOV grows by 640 / width)."""
OUTER_MARGIN = 0.06
"""Least distance (fraction of the frame width) of an outer phase's part from the border of its third
of the frame, so that ingest's ``phase_of`` reads it as A or C (a part is 10–30 px wide and sits
on a slanted conductor a little off its insulator)."""
FLIGHT_EMISSIVITY: dict[str, tuple[float, float]] = {
    **EMISSIVITY,
    "aluminium-bare": (0.5, 0.9),
    "aluminium-cast-weathered": (0.85, 0.95),
    "copper-contact": (0.7, 0.85),
}
"""The demo feeder's hardware has been in service for years: weathered conductors (IEEE Std 738:
ε rises towards 0.9 with age), dirty oxidised clamps and contacts (docs/physics.md §1)."""
LAYOUT_OF_KIND = {
    "terminal-clamp": "disconnector-terminal", "apparatus-terminal": "disconnector-terminal",
    "disconnector-blade": "disconnector-contact", "disconnector-head": "disconnector-contact",
    "dropout-fuse": "fuse", "strain-clamp": "strain", "surge-arrester": "arrester",
    "transformer-bushing": "transformer",
}
"""Which pole-top layout shows a hot part of each kind; any other kind sits on a tangent pole's
conductor as a clamp (parallel-groove, T-clamp, splice sleeve …)."""
PHASES = ("A", "B", "C")


@dataclass(frozen=True)
class PartTruth:
    """A graded part in the frame: phase, box (x, y, w, h px), apparent peak (°C, before blur and
    noise), true excess over a healthy one (K) and kind."""

    phase: str
    bbox: tuple[int, int, int, int]
    peak_c: float
    hot_k: float
    kind: str


@dataclass(frozen=True)
class View:
    """A rendered shot: apparent °C (H×W float32), the visible photo (H×W×3 uint8 or None) and the
    graded parts, phases A, B, C."""

    celsius: np.ndarray
    rgb: np.ndarray | None
    parts: tuple[PartTruth, ...]


def render_view(*, width: int, height: int, ambient_c: float, distance_m: float, jitter: tuple[int, int],
                hot: dict[str, tuple[str, float]], seed: tuple[int, ...], noise_k: float,
                visible: bool = False) -> View:
    """The shot's frame. ``hot`` maps a phase (A, B, C) to (kind, K above a healthy part);
    ``seed`` makes the frame reproducible (flight seed, shot index)."""
    rng = np.random.default_rng(seed)
    shape = (height, width)
    px_m = distance_m * FLIGHT_IFOV_MRAD * (640.0 / width) * 1e-3
    kinds = {k for k, _ in hot.values()}
    layout = next((LAYOUT_OF_KIND[k] for k in sorted(kinds) if k in LAYOUT_OF_KIND), "line")
    sun = float(rng.uniform(0.2, 0.8))
    sky = ambient_c - float(rng.uniform(20.0, 30.0))
    ground_c = ambient_c + sun * float(rng.uniform(1.0, 4.0))
    horizon = float(rng.uniform(0.05, 0.22)) * height
    tex = texture(rng, shape, 1.0)
    y = np.arange(height, dtype=np.float64)[:, None]
    img = np.where(y < horizon, sky + 8.0 * y / height, ground_c + tex)
    env = Surroundings(sky_c=sky + 0.3 * (ambient_c - sky), ground_c=ground_c)
    rgb = vis.background(shape, horizon, sun, tex) if visible else None
    canvas = Canvas(img, env, rgb=rgb, light=vis.light(sun))
    eps = {k: float(rng.uniform(lo, hi)) for k, (lo, hi) in sorted(FLIGHT_EMISSIVITY.items())}
    cx, arm_y = width / 2 + jitter[0], height * 0.5 + jitter[1]
    tilt, fore = float(rng.uniform(-0.04, 0.04)), float(rng.uniform(0.92, 1.0))
    # the line runs away from the camera: conductors steep in the image
    slope = float(rng.uniform(2.5, 5.0)) * float(rng.choice([-1.0, 1.0]))
    # phases 0.7 m apart on the crossarm, wider (up to 1.0 m, as 10 kV crossarms are built) where the
    # outer phases would otherwise leave their thirds of the frame (a long standoff, a narrow frame)
    least = width / 6.0 + abs(jitter[0]) + OUTER_MARGIN * width
    spacing = min(max(0.7 / px_m * fore, least), 1.0 / px_m * fore)
    anchors = tuple((cx + k * spacing, arm_y + tilt * k * spacing) for k in (-1, 0, 1))
    frame = layouts.Frame(px_m=px_m, ambient_c=ambient_c, sun=sun, load_rise_k=float(rng.uniform(2.0, 4.0)),
                          slope=slope, anchors=anchors, eps=eps, colours=vis.COLOURS)
    layouts.pole_and_crossarm(canvas, frame, (cx, arm_y), tilt, fore, sun * 2.0)
    excess = {PHASES.index(p): k for p, (_kind, k) in hot.items()}
    drawn = _draw(canvas, frame, layout, excess, float(rng.choice([-1.0, 1.0])))
    parts = []
    for i, tg in enumerate(drawn.targets):
        k = excess.get(i, 0.0)
        voltage = layout in ("arrester", "transformer")
        peak = canvas.apparent(tg.true_c + (0.0 if voltage else k), tg.emissivity)
        kind = hot[PHASES[i]][0] if PHASES[i] in hot else _healthy_kind(layout)
        parts.append(PartTruth(PHASES[i], tg.bbox, round(peak, 3), k, kind))
    out = cv2.GaussianBlur(canvas.img.astype(np.float32), (0, 0), PSF_SIGMA_PX)
    out = out + rng.standard_normal(shape, dtype=np.float32) * np.float32(noise_k)
    out = out + np.float32(rng.uniform(-0.3, 0.3))
    photo = None if canvas.rgb is None else np.clip(canvas.rgb, 0, 255).astype(np.uint8)
    return View(celsius=out.astype(np.float32, copy=False), rgb=photo, parts=tuple(parts))


def _draw(canvas: Canvas, frame: layouts.Frame, layout: str, excess: dict[int, float], side: float
          ) -> layouts.Drawn:
    if layout.startswith("disconnector"):
        target = "terminal" if layout.endswith("terminal") else "contact"
        return layouts.disconnector(canvas, frame, excess, target)
    if layout == "fuse":
        return layouts.fuse(canvas, frame, excess)
    if layout == "strain":
        return layouts.strain(canvas, frame, excess)
    if layout == "arrester":
        return layouts.arrester(canvas, frame, excess)
    if layout == "transformer":
        return layouts.transformer(canvas, frame, excess, 6.0, side)
    return layouts.line(canvas, frame, excess)


def _healthy_kind(layout: str) -> str:
    return {"disconnector-terminal": "terminal-clamp", "disconnector-contact": "disconnector-blade",
            "fuse": "dropout-fuse", "strain": "strain-clamp", "arrester": "surge-arrester",
            "transformer": "transformer-bushing"}.get(layout, "parallel-groove-clamp")


