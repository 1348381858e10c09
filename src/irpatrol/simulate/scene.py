"""Field-like thermal frames of a 10 kV pole seen from a drone, each with its truth record (pure).

:func:`render` draws one 640×512 (by default) apparent-temperature frame (°C, as a camera set to
ε = 0.95 reports it) of a pole top from 5–30 m at an oblique view, with the physics written up in
docs/physics.md:

* apparent temperature of a grey surface: T_app⁴ = ε·T⁴ + (1 − ε)·T_refl⁴ (kelvin; total-radiance
  approximation of the 8–14 µm band), low-emissivity bare metal reflecting the cold sky above and
  the warmer ground below (§1, :mod:`irpatrol.simulate.physics`);
* clear sky far colder than the air in LWIR, ground warmer in sun (§2);
* conductor rise from load and sun; a bad joint heats the metal around it, the excess decaying as
  exp(−d/λ) with the fin length λ = √(k·A / (h·P)) (§3);
* whole-body voltage heating of an arrester or a bushing (§4); sun-warmed roofs, roads, vehicles,
  trees and sun glints (§5, :mod:`irpatrol.simulate.clutter`); optics blur (Gaussian PSF) and
  sensor noise (NETD), the pixel footprint distance × IFOV, so a part at 30 m may be too small to
  measure (§6);
* the parts of ``irpatrol standards devices`` at their real sizes (§7, :mod:`irpatrol.simulate.parts`,
  :mod:`irpatrol.simulate.layouts`): pole, crossarm, pin and post insulators, conductors,
  parallel-groove, strain and terminal clamps, disconnector blade and jaw, drop-out fuse, arrester,
  transformer tank and bushings.

The truth record holds per frame the scenario, the device kind, whether a defect is present and,
for it, T1 (before blur and noise: the hottest reading of the hot part and the metal its heat
conducts into, within a box over the part, :func:`box_peak`; the body's own reading for whole-body
voltage heating), T2 (the reading at the corresponding point of a healthy phase,
:func:`corresponding`, or the same conductor away from the joint when no other phase is in view),
T0 (ambient), the part's pixel position and box, and whether it is resolved (≥ 3×3 px).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np

from irpatrol.simulate import layouts
from irpatrol.simulate import parts as P
from irpatrol.simulate.canvas import Canvas, Surroundings
from irpatrol.simulate.clutter import clutter as _clutter
from irpatrol.simulate.clutter import glints as _glints
from irpatrol.simulate.clutter import texture as _texture
from irpatrol.simulate.physics import (
    CAMERA_EMISSIVITY,
    EMISSIVITY,
    IFOV_MRAD,
    NETD_K,
    PSF_SIGMA_PX,
    apparent_c,
    fin_length_m,
    reflected_c,
)

__all__ = ["CAMERA_EMISSIVITY", "IFOV_MRAD", "NETD_K", "PSF_SIGMA_PX", "SCENARIOS", "SCENARIO_DEVICE",
           "Truth", "apparent_c", "encode_scene", "fin_length_m", "reflected_c", "render",
           "render_with_line"]

SCENARIOS = ("healthy", "healthy-clutter", "hot-joint", "hot-joint-single-phase", "far", "arrester",
             "strain-clamp", "terminal-clamp", "disconnector-contact", "dropout-fuse", "bushing-voltage")
"""Scenario names: three healthy phases (open country / sunlit street clutter); a hot
parallel-groove clamp on one phase of three; a hot joint on a conductor with no other phase in view;
a pole at 25–30 m (parts too small to measure); an arrester with whole-body voltage heating; a hot
strain clamp on a strain pole; a hot terminal clamp and a hot jaw contact of a disconnector; a hot
upper contact of a drop-out fuse; a transformer bushing with whole-body voltage heating."""
SCENARIO_DEVICE = {
    "healthy": "parallel-groove-clamp", "healthy-clutter": "parallel-groove-clamp",
    "hot-joint": "parallel-groove-clamp", "hot-joint-single-phase": "parallel-groove-clamp",
    "far": "parallel-groove-clamp", "arrester": "surge-arrester", "strain-clamp": "strain-clamp",
    "terminal-clamp": "terminal-clamp", "disconnector-contact": "disconnector-blade",
    "dropout-fuse": "dropout-fuse", "bushing-voltage": "transformer-bushing",
}
"""The catalogue kind (``irpatrol standards devices``) each scenario's target part is graded as."""
_COMPONENT = {
    "parallel-groove-clamp": "parallel-groove-clamp", "surge-arrester": "arrester-housing",
    "strain-clamp": "strain-clamp", "terminal-clamp": "terminal-clamp",
    "disconnector-blade": "disconnector-jaw-contact", "dropout-fuse": "fuse-upper-contact",
    "transformer-bushing": "bushing-housing",
}
_VOLTAGE = {"surge-arrester", "transformer-bushing"}
_HEALTHY = {"healthy", "healthy-clutter"}
PHASES = ("A", "B", "C")
"""Phase names, left to right."""
SKY_REFLECTION_SHARE = 0.3
"""How far the reflected sky (the mean over the half-space a part's upper side faces) lies from the
zenith sky towards the air temperature: the sky brightens towards the horizon (docs/physics.md §2)."""


@dataclass(frozen=True)
class Truth:
    """What a frame really holds. Temperatures are apparent (as the camera at ε 0.95 reports them),
    °C; ``t1_c``/``t2_c`` are None when the frame has no defect; ``xy`` is where T1 reads (the hot
    spot's peak, :func:`box_peak`, or the body's centre for voltage heating). ``resolved``: the hot
    part covers the 3×3 px measurement spot at this distance. Added fields (defaults keep older
    readers working): ``component`` the part drawn as the target, ``phase`` of the hot part, ``bbox`` its box
    (x, y, w, h px), ``size_px`` its length and width (px), ``emissivity`` its ε, ``excess_k`` the
    true excess of the hot part (K), ``sky_c``/``ground_c`` the reflected sky and the ground (°C),
    ``sun`` 0…1, ``px_m`` the pixel footprint (m), ``parts`` what the frame shows, ``glints`` count,
    ``peers_xy`` the centres (x, y px) of the same part on the other phases in view (with a defect:
    T2 is read near them, :func:`corresponding`; empty with one phase or no defect)."""

    scenario: str
    device: str
    defect: bool
    t0_c: float
    distance_m: float
    t1_c: float | None = None
    t2_c: float | None = None
    xy: tuple[int, int] | None = None
    resolved: bool = True
    heating: str = "current"
    clutter: tuple[str, ...] = field(default=())
    component: str = ""
    phase: str | None = None
    bbox: tuple[int, int, int, int] | None = None
    size_px: tuple[float, float] | None = None
    emissivity: float | None = None
    excess_k: float | None = None
    sky_c: float | None = None
    ground_c: float | None = None
    sun: float | None = None
    px_m: float | None = None
    parts: tuple[str, ...] = field(default=())
    glints: int = 0
    peers_xy: tuple[tuple[int, int], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)


def render(seed: int, scenario: str, *, shape: tuple[int, int] = (512, 640),
           background: np.ndarray | None = None) -> tuple[np.ndarray, Truth]:
    """One frame (H×W float32 °C) and its truth for ``scenario`` (:data:`SCENARIOS`), reproducible by
    ``seed``.

    ``background``: a recorded scene (H×W °C, e.g. a real camera file's temperatures; its size
    replaces ``shape``) to draw the pole and its line in front of, in place of the generated sky,
    ground and clutter (still drawn, then set aside, so that the seed's other draws stay the same),
    with the ground at the scene's median and the air ``sun`` × 1–6 K below it (as the generated
    ground lies above the air, docs/physics.md §2), the sky as far below the air as drawn.
    The scene is already blurred and noisy as its camera recorded it: only what the line adds is
    blurred (:data:`PSF_SIGMA_PX`), and the noise (:data:`NETD_K`) added. The truth knows nothing of
    the scene (``clutter`` empty): whatever it holds that is graded is a false defect."""
    img, truth, _ = render_with_line(seed, scenario, shape=shape, background=background)
    return img, truth


def render_with_line(seed: int, scenario: str, *, shape: tuple[int, int] = (512, 640),
                     background: np.ndarray | None = None) -> tuple[np.ndarray, Truth, np.ndarray]:
    """:func:`render`'s frame and truth with where the line was drawn: the pixels (bool H×W) that the
    pole, the crossarm, the conductors and the parts cover wholly or in part, before the optics' blur
    spreads them (:data:`PSF_SIGMA_PX`). Everything else is the generated sky, ground and clutter, or
    the recorded scene of ``background``: what issue 10 item 3 says is never a defect. The same
    seed gives the same frame and truth as :func:`render`."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; valid: {', '.join(SCENARIOS)}")
    if background is not None:
        background = np.asarray(background, dtype=np.float64)
        if background.ndim != 2 or not np.isfinite(background).all():
            raise ValueError(f"a background must be an H×W array of finite °C, got shape {background.shape}")
        shape = (int(background.shape[0]), int(background.shape[1]))
    rng = np.random.default_rng(seed)
    h, w = shape
    device = SCENARIO_DEVICE[scenario]
    ambient = float(rng.uniform(8.0, 32.0))
    sky = ambient - float(rng.uniform(15.0, 35.0))  # clear to hazy sky at the zenith, §2
    sun = float(rng.uniform(0.0, 1.0))  # 0 overcast … 1 full sun
    distance = float(rng.uniform(25.0, 30.0)) if scenario == "far" else float(rng.uniform(5.0, 15.0))
    px_m = distance * IFOV_MRAD * 1e-3
    yy = np.mgrid[0:h, 0:w][0].astype(np.float64)

    horizon = int(rng.uniform(-0.1, 0.35) * h)  # the gimbal pitch sets how much sky is in view
    ground_c = ambient + sun * float(rng.uniform(1.0, 6.0))
    img = np.where(yy < horizon, sky + (yy / max(h, 1)) * 8.0, ground_c + _texture(rng, shape, 1.5))
    kinds: list[str] = []
    if scenario == "healthy-clutter" or rng.uniform() < 0.3:
        kinds = _clutter(rng, img, ambient, sun, px_m, horizon)
    if background is not None:  # the recorded scene instead, the air and sky set by its ground
        below_air, rise = ambient - sky, ground_c - ambient  # as drawn: 15–35 K, sun × 1–6 K
        ground_c = float(np.median(background))
        ambient = ground_c - rise
        sky = ambient - below_air
        img = background.copy()
        kinds = []
    env = Surroundings(sky_c=sky + SKY_REFLECTION_SHARE * (ambient - sky), ground_c=ground_c)
    behind = img.copy()  # what the line is drawn in front of
    canvas = Canvas(img, env)
    eps = {k: float(rng.uniform(lo, hi)) for k, (lo, hi) in sorted(EMISSIVITY.items())}

    # pole (concrete, ε ≈ 0.93) from above the crossarm down out of the frame, crossarm at an angle
    cx = float(rng.uniform(0.35, 0.65) * w)
    arm_y = float(rng.uniform(0.3, 0.6) * h)
    tilt = float(rng.uniform(-0.15, 0.15))  # oblique view: the crossarm is seen at an angle
    fore = float(rng.uniform(0.6, 1.0))  # and foreshortened
    pole_rise = sun * float(rng.uniform(0.5, 4.0))
    structure = layouts.Frame(px_m=px_m, ambient_c=ambient, sun=sun, load_rise_k=0.0, slope=0.0, anchors=(),
                              eps=eps)
    layouts.pole_and_crossarm(canvas, structure, (cx, arm_y), tilt, fore, pole_rise)
    spacing = P.PHASE_SPACING_M / px_m * fore
    slots = [-1, 0, 1]
    if scenario == "hot-joint-single-phase":
        slots = [int(rng.integers(-1, 2))]
    anchors = tuple((cx + k * spacing, arm_y + tilt * k * spacing) for k in slots)
    slope = float(rng.uniform(0.4, 2.5)) * float(rng.choice([-1.0, 1.0]))  # conductor direction
    frame = layouts.Frame(px_m=px_m, ambient_c=ambient, sun=sun,
                          load_rise_k=float(rng.uniform(1.0, 6.0)) + sun * 2.0, slope=slope,
                          anchors=anchors, eps=eps)

    defect = scenario not in _HEALTHY and rng.uniform() < 0.9
    hot_i = int(rng.integers(0, len(anchors))) if defect else -1
    if device in _VOLTAGE:
        excess = float(rng.uniform(0.5, 4.0))  # whole-body warming, §4
    else:
        excess = float(rng.choice([rng.uniform(3.0, 12.0), rng.uniform(12.0, 40.0), rng.uniform(40.0, 90.0)]))
    hot = {hot_i: excess} if defect else {}
    before = canvas.img.copy() if defect and device not in _VOLTAGE else None  # for _heated_parts
    drawn = _draw(canvas, frame, scenario, hot, rng)

    t1 = t2 = None
    xy = bbox = None
    size = drawn.targets[0].size_px
    target_eps = drawn.targets[0].emissivity
    if defect:
        tg = drawn.targets[hot_i]
        bbox, size, target_eps = tg.bbox, tg.size_px, tg.emissivity
        others = [i for i in range(len(drawn.targets)) if i != hot_i]
        if before is None:  # the body warmed as a whole: its own reading, as on each healthy phase
            t1 = canvas.apparent(tg.true_c, tg.emissivity)
            xy = (round(tg.centre[0]), round(tg.centre[1]))
            peers = [canvas.apparent(drawn.targets[i].true_c, drawn.targets[i].emissivity) for i in others]
        else:  # the hot spot: the hottest reading of the part and the metal it heats, as on each phase
            heated = _heated_parts(canvas, before, frame, scenario, len(drawn.targets))
            t1, xy = box_peak(canvas.img, tg.bbox, heated[hot_i])
            off = (xy[0] - tg.centre[0], xy[1] - tg.centre[1])
            peers = [corresponding(canvas.img, drawn.targets[i], off, heated[i]) for i in others]
        if peers:
            t2 = min(peers)
        else:  # single phase: the same conductor away from the joint
            t2 = canvas.apparent(frame.ambient_c + frame.load_rise_k, eps["aluminium-bare"])
    n_glints = 0
    if sun > 0.6 and rng.uniform() < 0.5:
        n_glints = _glints(rng, canvas.img, ambient, drawn.metal)
    if background is None:
        out = cv2.GaussianBlur(canvas.img.astype(np.float32), (0, 0), PSF_SIGMA_PX)
    else:  # the scene as recorded, what the line adds through the optics
        added = cv2.GaussianBlur((canvas.img - background).astype(np.float32), (0, 0), PSF_SIGMA_PX)
        out = background.astype(np.float32) + added
    out = out + rng.normal(0.0, NETD_K, shape).astype(np.float32)
    truth = Truth(
        scenario=scenario, device=device, defect=t1 is not None, t0_c=ambient, distance_m=distance,
        t1_c=t1, t2_c=t2, xy=xy, resolved=min(size) >= 3.0,
        heating="voltage" if device in _VOLTAGE else "current", clutter=tuple(kinds),
        component=_COMPONENT[device], phase=PHASES[slots[hot_i] + 1] if defect else None, bbox=bbox,
        size_px=(round(size[0], 2), round(size[1], 2)), emissivity=round(target_eps, 3),
        excess_k=round(excess, 3) if defect else None, sky_c=round(env.sky_c, 3),
        ground_c=round(ground_c, 3), sun=round(sun, 3), px_m=round(px_m, 5),
        parts=("pole", "crossarm", *sorted(drawn.parts)), glints=n_glints,
        peers_xy=tuple((round(tg.centre[0]), round(tg.centre[1])) for i, tg in enumerate(drawn.targets)
                       if defect and i != hot_i))
    return out.astype(np.float32), truth, canvas.img != behind


AT_TRUTH_PX = 3
"""How far (px) beyond a finding's box the truth's point may lie for the finding to be at it
(:func:`at_truth`): the benchmark's match of a reading to the truth's hot part."""


def at_truth(box: tuple[int, int, int, int], xy: tuple[int, int], pad: int = AT_TRUTH_PX) -> bool:
    """Whether ``box`` (x, y, w, h px) widened by ``pad`` px holds the truth's point ``xy`` (x, y px):
    a finding of the hot part the truth records (``Truth.xy``)."""
    x, y, w, h = box
    return x - pad <= xy[0] < x + w + pad and y - pad <= xy[1] < y + h + pad


PEAK_MARGIN_PX = 1
"""Pixels around a part's box read for its peak (:func:`box_peak`)."""


def box_peak(img: np.ndarray, bbox: tuple[int, int, int, int], assembly: np.ndarray,
             ) -> tuple[float, tuple[int, int]]:
    """The hottest reading (°C) of the ``assembly`` pixels (bool, H×W) within :data:`PEAK_MARGIN_PX`
    of ``bbox`` (x, y, w, h px) whose 3×3 measurement spot lies on the assembly (any of them when
    none does; ../shared/domain/standards.md §2), and its position (x, y px): a thermographer's box
    over a part. An edge pixel reflecting the ground is not one the camera resolves. T1 is
    the temperature of the hot spot (发热点, DL/T 664-2016; ../shared/domain/standards.md §1)
    wherever its heat shows hottest: a copper jaw or duckbill (ε 0.4–0.8) reads colder than the
    epoxy tube or weathered lead it heats (ε up to 0.9; docs/physics.md §1), and the camera sees the
    hotter reading. T2, the corresponding point of a healthy phase (正常相对应点), is read over that
    phase at the same place (:func:`corresponding`)."""
    h, w = img.shape
    x, y, bw, bh = bbox
    x0, y0 = max(0, x - PEAK_MARGIN_PX), max(0, y - PEAK_MARGIN_PX)
    x1, y1 = min(w, x + bw + PEAK_MARGIN_PX), min(h, y + bh + PEAK_MARGIN_PX)
    region = assembly[y0:y1, x0:x1]
    # the 3×3 spots of the window only: its erosion needs the mask one pixel beyond it
    ex0, ey0 = max(0, x0 - 1), max(0, y0 - 1)
    grown = assembly[ey0: min(h, y1 + 1), ex0: min(w, x1 + 1)].astype(np.uint8)
    eroded = cv2.erode(grown, np.ones((3, 3), np.uint8), borderValue=0)
    spot = eroded[y0 - ey0: y1 - ey0, x0 - ex0: x1 - ex0] > 0
    patch = np.where(spot if spot.any() else region, img[y0:y1, x0:x1], -np.inf)
    k = int(np.argmax(patch))
    return float(patch.flat[k]), (x0 + k % patch.shape[1], y0 + k // patch.shape[1])


def corresponding(img: np.ndarray, target: layouts.Target, offset: tuple[float, float],
                  assembly: np.ndarray) -> float:
    """T2 on a healthy phase: the reading (°C) at its corresponding point (正常相对应点), ``offset``
    (x, y px) from its ``target``'s centre as T1 lies from the hot phase's, the warmest of its
    ``assembly`` pixels within ±1 px (the centres are sub-pixel); its box's peak
    (:func:`box_peak`) when none lies there."""
    h, w = img.shape
    x, y = round(target.centre[0] + offset[0]), round(target.centre[1] + offset[1])
    x0, y0, x1, y1 = max(0, x - 1), max(0, y - 1), min(w, x + 2), min(h, y + 2)
    near = assembly[y0:y1, x0:x1]
    if not near.any():
        return box_peak(img, target.bbox, assembly)[0]
    return float(img[y0:y1, x0:x1][near].max())


def _heated_parts(canvas: Canvas, before: np.ndarray, frame: layouts.Frame, scenario: str,
                  phases: int) -> list[np.ndarray]:
    """Per phase, the pixels (bool H×W) of the parts a fault at its target heats (the part, and the
    blade, tube or lead it conducts into): the layout drawn again over the frame as it was
    ``before`` it, once cold and once with that phase's target heated, differs exactly there."""
    cold = Canvas(before.copy(), canvas.env)
    _draw(cold, frame, scenario, {}, np.random.default_rng(0))
    out = []
    for i in range(phases):
        warm = Canvas(before.copy(), canvas.env)
        _draw(warm, frame, scenario, {i: 1.0}, np.random.default_rng(0))
        out.append(warm.img > cold.img)
    return out


def _draw(canvas: Canvas, frame: layouts.Frame, scenario: str, hot: dict[int, float],
          rng: np.random.Generator) -> layouts.Drawn:
    if scenario == "strain-clamp":
        return layouts.strain(canvas, frame, hot)
    if scenario in ("terminal-clamp", "disconnector-contact"):
        target = "terminal" if scenario == "terminal-clamp" else "contact"
        return layouts.disconnector(canvas, frame, hot, target)
    if scenario == "dropout-fuse":
        return layouts.fuse(canvas, frame, hot)
    if scenario == "arrester":
        return layouts.arrester(canvas, frame, hot)
    if scenario == "bushing-voltage":
        side = float(rng.choice([-1.0, 1.0]))
        return layouts.transformer(canvas, frame, hot, float(rng.uniform(3.0, 12.0)), side)
    return layouts.line(canvas, frame, hot)


def resolved_at(size_m: float, distance_m: float) -> bool:
    """Whether a part ``size_m`` across covers the 3 px measurement spot at ``distance_m``
    (pixel footprint distance × IFOV, docs/physics.md §6)."""
    return size_m / (distance_m * IFOV_MRAD * 1e-3) >= 3.0


def encode_scene(img: np.ndarray, truth: Truth) -> bytes:
    """The radiometric TIFF of a generated frame, the format ``irpatrol simulate flight`` writes
    (float32 °C with the capture parameters: ε 0.95, distance, reflected = ambient), so
    ``irpatrol analyze`` and ingest read it like any other."""
    from irpatrol.radiometry import CaptureParams, ImageMeta
    from irpatrol.radiometry.tiff import encode

    params = CaptureParams(emissivity=CAMERA_EMISSIVITY, distance_m=round(truth.distance_m, 2),
                           reflected_c=truth.t0_c, atmospheric_c=truth.t0_c, humidity=50.0)
    return encode(img, meta=ImageMeta(make="irpatrol", model="simulated field scene"), params=params)


