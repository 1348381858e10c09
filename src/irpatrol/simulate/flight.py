"""Flight simulator: synthetic radiometric images of a feeder's poles, with ground truth.

The core (:func:`plan_shots`, :func:`render_scene`) is pure: pole positions and a spec in,
shot descriptions and H×W float32 °C frames out. :func:`write_flight` is the thin writer: one
radiometric TIFF per shot (``irpatrol.radiometry.tiff.encode``; GPS, capture time, gimbal, camera
distance), with ``FlightSpec.visible`` the shot's visible photo beside it as ``<name>_V.JPG`` (as a
DJI H20T / M30T / M3T writes a separate visible JPEG per shot; ingest pairs the two), and
``ground_truth.json``.

Scene (``FlightSpec.scene``): ``field`` (default) draws a field-like drone view of the pole top
with the parts and physics of the scenario generator (:mod:`irpatrol.simulate.flight_frame`,
docs/physics.md): pole and crossarm, three phases, the equipment the pole carries, cold sky and
warmer ground, weathered metal reflecting them, a hot part heating the metal around it, optics
blur and NETD. ``flat`` keeps the earlier schematic frame described below.

Encoding (``FlightSpec.unit``): by default ``raw``, uint16 camera counts with the fixed synthetic
calibration :data:`SIMULATED_CALIBRATION` (a FLIR Tau core's constants) and the shot's capture
parameters (:data:`SIMULATED_EMISSIVITY` ε 0.95, the camera-to-clamp distance ≈ 5–8 m, reflected and
atmospheric temperature = ambient, 50 % RH), so a simulated image can be recomputed with another
emissivity, distance or reflected temperature exactly like a FLIR R-JPEG
(``Thermogram.with_params``, ``registry.findings.recompute``). The frame is rendered in °C and
converted to counts with the Planck/atmosphere equation (radiometry.md §1) at those parameters, so
decoding gives back the rendered °C within half a count (≤ 0.012 K above 20 °C, ≤ 0.027 K at
−40 °C: ``radiometry.tiff.encode``). ``unit="celsius"`` writes float32 °C (temperatures only, as
before). :data:`OUTPUT_FORMAT` names the encoding; caches of simulated files key on it.

Flat scene (camera looking along the line at a pole, slightly from above):

* background: sky in the top 12 %, from ``ambient − 22 K`` to ``ambient − 10 K`` at the horizon;
  ground below, ``ambient − 3 K`` to ``ambient − 1 K`` with a low-frequency texture.
  A clear sky looks far colder than the air in LWIR; the figures are picked to give a realistic
  frame, not measured.
* the pole, a crossarm and three pin insulators (about the ground, ``ambient − 2 K``), three bare
  conductors (apparent ``ambient − 8 K``: low emissivity, sky reflection) and one clamp per phase
  on top of each insulator (``ambient + 3 K`` when healthy, I²R heating at load). Phases A, B, C
  left to right.
* a hot clamp (``--hot POLE:KIND:KELVIN[:PHASE]``) is ``KELVIN`` hotter than a healthy one at its
  peak, falling off as a Gaussian over the clamp;
* sensor noise: Gaussian with σ = ``noise_k`` (default 0.05 K, the NETD of current uncooled
  drone cores, shared/domain/standards.md §1.6) plus a per-image offset drift of ±0.3 K.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from irpatrol.errors import InputError
from irpatrol.radiometry.planck import PlanckCalibration

PHASES = ("A", "B", "C")
"""Phase names, left to right in the frame."""
PHASE_X = (0.22, 0.5, 0.78)
"""Horizontal position of each phase's clamp as a fraction of the frame width."""
CLAMP_Y = 0.40
"""Vertical position of the clamps (fraction of the frame height)."""
CLAMP_SIZE = (0.03, 0.022)
"""Clamp width and height as fractions of the frame width and height (≈19×11 px at 640×512)."""
HEALTHY_CLAMP_RISE_K = 3.0
"""A healthy clamp's temperature above ambient at load (K)."""
CONDUCTOR_APPARENT_K = -8.0
"""Apparent temperature of a bare conductor relative to ambient (K): bright aluminium has a low
emissivity (≈ 0.05–0.3, shared/domain/standards.md "Low-ε surfaces") and mostly reflects the sky
(here ≈ 20 K colder than the air): 0.3·T + 0.7·(T − 20 K) ≈ T − 14 K; −8 K is a conservative middle."""
POLE_RISE_K = -2.0
"""Apparent temperature of the concrete pole relative to ambient (K)."""
JITTER_PX = (12, 8)
"""Largest framing offset between shots (x, y px): the pilot never frames a pole twice alike."""
HORIZON = 0.12
"""Horizon height as a fraction of the frame (the camera looks down at the pole top)."""

SIMULATED_CALIBRATION = PlanckCalibration(r1=17096.453, r2=0.048084795, b=1428.0, f=1.0, o=-370.0)
"""Planck constants of the synthetic camera: those of a FLIR Tau 2 core (the CameraInfo record of
the DJI Zenmuse XT-R sample ``dji_xtr_flir_core.jpg``, creator ``ATAU_RBFO``, in
shared/data/thermal-samples), with FLIR's default atmospheric constants α1 0.006569, α2 0.01262,
β1 −0.002276, β2 −0.00667, X 1.9 (Thermimage ``raw2temp`` defaults). Fixed: changing it changes
every simulated file (see :data:`OUTPUT_FORMAT`). About 45 counts/K at 25 °C; 0…65535 counts cover
about −60…+560 °C at ε 0.95."""
SCENES = ("field", "flat")
"""Frame styles of :class:`FlightSpec` ``scene``."""
DEFAULT_SCENE = "field"
"""The frame style of simulated flights (``irpatrol simulate flight``, the demo, write_flight): the
field-like frames with their visible photos; the default hotspot reader (``examine(detector="auto")``)
finds and grades the demo's hot clamp on pole N14 in them. ``--scene flat`` draws the earlier
schematic frames."""
VISIBLE_SUFFIX = "_V.JPG"
"""The visible photo of shot ``IRP_00001.tiff`` is ``IRP_00001_V.JPG`` (DJI names its visible
photos ``…_V.JPG`` / ``…_W.JPG`` beside the thermal ``…_T.JPG``)."""
SIMULATED_EMISSIVITY = 0.95
"""Emissivity written into simulated images (``FlightSpec.emissivity`` default)."""
OUTPUT_FORMAT = "tiff-raw-tau-2-field"
"""Version of what :func:`write_flight` writes by default (raw-count TIFF with
:data:`SIMULATED_CALIBRATION`); bump it when the files change so caches of simulated flights
(bench/ingest.py) are rebuilt."""


@dataclass(frozen=True)
class PoleSpot:
    """A pole to fly over: its number and WGS-84 position (degrees)."""

    number: str
    lat: float
    lon: float


@dataclass(frozen=True)
class HotSpec:
    """A clamp to heat: ``kelvin`` above a healthy clamp on ``phase`` of pole ``pole``."""

    pole: str
    kind: str
    kelvin: float
    phase: str = "A"

    @classmethod
    def parse(cls, text: str) -> HotSpec:
        """``POLE:KIND:KELVIN[:PHASE]``, e.g. ``12:parallel-groove-clamp:35`` or ``N7:strain-clamp:8:C``."""
        parts = text.split(":")
        if len(parts) not in (3, 4) or not parts[0] or not parts[1]:
            raise InputError(f"--hot {text!r}: expected POLE:KIND:KELVIN[:PHASE]")
        try:
            kelvin = float(parts[2])
        except ValueError:
            raise InputError(f"--hot {text!r}: KELVIN {parts[2]!r} is not a number") from None
        if not 0.0 < kelvin <= 400.0:
            raise InputError(f"--hot {text!r}: KELVIN must be in (0, 400] K")
        phase = parts[3].upper() if len(parts) == 4 else "A"
        if phase not in PHASES:
            raise InputError(f"--hot {text!r}: PHASE must be A, B or C")
        return cls(pole=parts[0], kind=parts[1], kelvin=kelvin, phase=phase)


@dataclass(frozen=True)
class FlightSpec:
    """How to fly: frame size (px), images per pole, weather, speed and timing, randomness.

    ``scene``: ``field`` (field-like frames, :mod:`irpatrol.simulate.flight_frame`) or ``flat``
    (the earlier schematic frames); ``visible``: also write each shot's visible photo (field only).

    ``standoff_m`` is the camera's distance from the pole (m), ``speed_m_s`` the cruise speed
    between poles (m/s), ``hover_s`` the time spent at each pole per image (s). ``emissivity`` is
    the ε written into each image's capture parameters; ``unit`` the TIFF encoding: ``raw``
    (uint16 counts with :data:`SIMULATED_CALIBRATION`, recomputable) or ``celsius`` (float32 °C).
    """

    width: int = 640
    height: int = 512
    images_per_pole: int = 1
    ambient_c: float = 25.0
    noise_k: float = 0.05
    standoff_m: float = 6.0
    speed_m_s: float = 8.0
    hover_s: float = 3.0
    start: datetime = datetime(2026, 7, 15, 9, 0, tzinfo=UTC)
    seed: int = 0
    camera_make: str = "irpatrol"
    camera_model: str = "simulated 640"
    emissivity: float = SIMULATED_EMISSIVITY
    altitude_m: float = 12.0
    unit: str = "raw"
    scene: str = DEFAULT_SCENE
    visible: bool = True

    def check(self) -> FlightSpec:
        if not (64 <= self.width <= 4096 and 64 <= self.height <= 4096):
            raise InputError(f"frame size must be 64…4096 px, got {self.width}×{self.height}")
        if not 1 <= self.images_per_pole <= 20:
            raise InputError(f"images per pole must be 1…20, got {self.images_per_pole}")
        if self.speed_m_s <= 0 or self.standoff_m <= 0 or self.hover_s < 0:
            raise InputError("speed and standoff must be > 0 and hover ≥ 0")
        if self.unit not in ("raw", "celsius"):
            raise InputError(f"unit must be raw or celsius, got {self.unit!r}")
        if not 0.0 < self.emissivity <= 1.0:
            raise InputError(f"emissivity must be in (0, 1], got {self.emissivity}")
        if self.scene not in SCENES:
            raise InputError(f"scene must be one of {', '.join(SCENES)}, got {self.scene!r}")
        return self


@dataclass(frozen=True)
class Shot:
    """One image to take: which pole, where from (degrees), when, and the hot clamps in it."""

    index: int
    file: str
    pole: str
    lat: float
    lon: float
    captured_at: datetime
    yaw_deg: float
    hot: tuple[HotSpec, ...] = ()
    offset_m: float = 0.0
    jitter_px: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class ClampTruth:
    """Where a clamp is in a frame (x, y, w, h px), its phase and its simulated peak (°C)."""

    phase: str
    bbox: tuple[int, int, int, int]
    peak_c: float
    hot_k: float
    kind: str = "parallel-groove-clamp"


@dataclass(frozen=True)
class Frame:
    """A rendered frame (H×W float32 °C), what is in it, and its visible photo (H×W×3 uint8 RGB,
    field scenes with ``FlightSpec.visible``)."""

    celsius: np.ndarray
    clamps: tuple[ClampTruth, ...] = field(default=())
    visible: np.ndarray | None = None


def plan_shots(poles: Sequence[PoleSpot], spec: FlightSpec, hot: Iterable[HotSpec] = ()) -> list[Shot]:
    """The shots of a flight over ``poles`` in order: ``images_per_pole`` per pole, each a few
    metres (``standoff_m`` ± 2 m) beside the pole, timed by cruise speed and hover time."""
    from irpatrol.registry.geo import destination, geodesic_m

    spec.check()
    hot_by_pole: dict[str, list[HotSpec]] = {}
    numbers = {p.number for p in poles}
    for h in hot:
        if h.pole not in numbers:
            raise InputError(f"--hot names pole {h.pole!r}, which the feeder does not have")
        hot_by_pole.setdefault(h.pole, []).append(h)
    rng = np.random.default_rng(spec.seed)
    shots: list[Shot] = []
    t = spec.start
    for i, pole in enumerate(poles):
        if i > 0:
            prev = poles[i - 1]
            t += timedelta(seconds=geodesic_m(prev.lat, prev.lon, pole.lat, pole.lon) / spec.speed_m_s)
        nxt = poles[i + 1] if i + 1 < len(poles) else (poles[i - 1] if i > 0 else None)
        heading = 0.0 if nxt is None else _azimuth(pole, nxt) * (1 if i + 1 < len(poles) else -1)
        for _k in range(spec.images_per_pole):
            side = heading + 90.0 + float(rng.uniform(-25, 25))
            dist = spec.standoff_m + float(rng.uniform(-2.0, 2.0))
            lat, lon = destination(pole.lat, pole.lon, side, dist)
            jitter = (
                int(rng.integers(-JITTER_PX[0], JITTER_PX[0] + 1)),
                int(rng.integers(-JITTER_PX[1], JITTER_PX[1] + 1)),
            )
            n = len(shots)
            shots.append(
                Shot(
                    index=n,
                    file=f"IRP_{n + 1:05d}.tiff",
                    pole=pole.number,
                    lat=lat,
                    lon=lon,
                    captured_at=t,
                    yaw_deg=(side + 180.0) % 360.0,
                    hot=tuple(hot_by_pole.get(pole.number, ())),
                    offset_m=dist,
                    jitter_px=jitter,
                )
            )
            t += timedelta(seconds=spec.hover_s)
    return shots


def _azimuth(a: PoleSpot, b: PoleSpot) -> float:
    from geographiclib.geodesic import Geodesic

    return float(Geodesic.WGS84.Inverse(a.lat, a.lon, b.lat, b.lon)["azi1"])


@dataclass(frozen=True)
class _Base:
    """The static part of a flight's scene (background + structures), rendered once."""

    celsius: np.ndarray
    clamp_boxes: tuple[tuple[int, int, int, int], ...]


def render_base(spec: FlightSpec) -> _Base:
    """Background, pole, crossarm, insulators, conductors and healthy clamps (°C, float32)."""
    w, h, amb = spec.width, spec.height, spec.ambient_c
    y = np.arange(h, dtype=np.float32)[:, None]
    x = np.arange(w, dtype=np.float32)[None, :]
    horizon = HORIZON * h
    sky = (amb - 22.0) + 12.0 * (y / horizon)
    g = (y - horizon) / (h - horizon)
    ground = (amb - 3.0) + 2.0 * g + 0.3 * np.sin(x / w * 7.0 + y / h * 3.0) * np.cos(y / h * 11.0)
    img = np.broadcast_to(np.where(y < horizon, sky, ground), (h, w)).astype(np.float32)

    def rect(x0: float, y0: float, x1: float, y1: float, t: float) -> None:
        img[int(y0) : max(int(y1), int(y0) + 1), int(x0) : max(int(x1), int(x0) + 1)] = t

    cx = w * 0.5
    pole_half = max(2, round(w * 0.018))
    arm_y = h * (CLAMP_Y + 0.05)
    rect(cx - pole_half, arm_y - h * 0.02, cx + pole_half, h, amb + POLE_RISE_K)
    rect(w * 0.14, arm_y, w * 0.86, arm_y + max(3, h * 0.018), amb + POLE_RISE_K - 0.5)
    cw, ch = max(4, round(w * CLAMP_SIZE[0])), max(3, round(h * CLAMP_SIZE[1]))
    boxes = []
    conductor_half = max(1, round(h * 0.002))
    xs = np.arange(w)
    for fx in PHASE_X:
        px = w * fx
        rect(px - 3, h * CLAMP_Y, px + 3, arm_y, amb + POLE_RISE_K - 0.3)  # pin insulator
        # bare conductor through the clamp, rising slightly towards the next pole (apparent
        # temperature: low emissivity reflects the cold sky)
        ys = (h * CLAMP_Y - np.abs(xs - px) * 0.04).astype(int)
        for d in range(-conductor_half, conductor_half + 1):
            yy = np.clip(ys + d, 0, h - 1)
            img[yy, xs] = amb + CONDUCTOR_APPARENT_K
        bx, by = int(px - cw / 2), int(h * CLAMP_Y - ch / 2)
        rect(bx, by, bx + cw, by + ch, amb + HEALTHY_CLAMP_RISE_K)
        boxes.append((bx, by, cw, ch))
    return _Base(img, tuple(boxes))


def _shifted(img: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """``img`` moved by (dx, dy) px, the uncovered border filled with the nearest edge (no wrap-around)."""
    h, w = img.shape
    pad = np.pad(img, ((abs(dy), abs(dy)), (abs(dx), abs(dx))), mode="edge")
    y0, x0 = abs(dy) - dy, abs(dx) - dx
    return pad[y0 : y0 + h, x0 : x0 + w].copy()


def render_scene(spec: FlightSpec, shot: Shot, base: _Base | None = None) -> Frame:
    """The frame of one shot. ``field``: the pole seen from the shot's standoff with its jitter
    (:func:`irpatrol.simulate.flight_frame.render_view`); ``flat``: the base scene shifted by the
    shot's jitter, hot clamps, noise."""
    if spec.scene == "field":
        return _field_frame(spec, shot)
    base = base or render_base(spec)
    rng = np.random.default_rng((spec.seed, shot.index))
    dx, dy = shot.jitter_px
    img = _shifted(base.celsius, dx, dy)
    truths = []
    hot_by_phase = {hs.phase: hs for hs in shot.hot}
    for phase, (bx, by, cw, ch) in zip(PHASES, base.clamp_boxes, strict=True):
        bx, by = bx + dx, by + dy
        hs = hot_by_phase.get(phase)
        peak = spec.ambient_c + HEALTHY_CLAMP_RISE_K
        if hs is not None:
            sig = max(cw, ch) / 2.5
            yy, xx = np.mgrid[by - ch : by + 2 * ch, bx - cw // 2 : bx + cw + cw // 2]
            cy, cxx = by + ch / 2, bx + cw / 2
            bump = hs.kelvin * np.exp(-((xx - cxx) ** 2 + (yy - cy) ** 2) / (2 * sig * sig))
            ok = (yy >= 0) & (yy < spec.height) & (xx >= 0) & (xx < spec.width)
            inside = (yy >= by) & (yy < by + ch) & (xx >= bx) & (xx < bx + cw)
            sel = ok & inside
            img[yy[sel], xx[sel]] = peak + bump[sel]
            peak += hs.kelvin
        truths.append(
            ClampTruth(
                phase=phase,
                bbox=(bx, by, cw, ch),
                peak_c=round(peak, 3),
                hot_k=hs.kelvin if hs else 0.0,
                kind=hs.kind if hs else "parallel-groove-clamp",
            )
        )
    noise = rng.standard_normal(img.shape, dtype=np.float32) * np.float32(spec.noise_k)
    img = img + noise + np.float32(rng.uniform(-0.3, 0.3))
    return Frame(celsius=img.astype(np.float32, copy=False), clamps=tuple(truths))


def _field_frame(spec: FlightSpec, shot: Shot) -> Frame:
    from irpatrol.simulate.flight_frame import render_view

    view = render_view(
        width=spec.width, height=spec.height, ambient_c=spec.ambient_c, distance_m=_distance_m(shot),
        jitter=shot.jitter_px, hot={h.phase: (h.kind, h.kelvin) for h in shot.hot},
        seed=(spec.seed, shot.index), noise_k=spec.noise_k, visible=spec.visible,
    )
    clamps = tuple(ClampTruth(phase=p.phase, bbox=p.bbox, peak_c=p.peak_c, hot_k=p.hot_k, kind=p.kind)
                   for p in view.parts)
    return Frame(celsius=view.celsius, clamps=clamps, visible=view.rgb)


def _distance_m(shot: Shot) -> float:
    """Camera-to-part distance (m): the standoff beside the pole and about 2 m of height difference."""
    return round(math.hypot(shot.offset_m, 2.0), 2)


def visible_name(shot: Shot) -> str:
    """File name of the shot's visible photo (:data:`VISIBLE_SUFFIX`)."""
    return Path(shot.file).stem + VISIBLE_SUFFIX


def truth_record(shot: Shot, frame: Frame) -> dict[str, Any]:
    """The ground-truth entry of one image (JSON-ready)."""
    return {
        "file": shot.file,
        "visible": visible_name(shot) if frame.visible is not None else None,
        "pole": shot.pole,
        "lat": shot.lat,
        "lon": shot.lon,
        "offset_m": round(shot.offset_m, 3),
        "captured_at": shot.captured_at.isoformat(),
        "clamps": [asdict(c) for c in frame.clamps],
        "hot": [asdict(h) for h in shot.hot],
    }


def encode_shot(spec: FlightSpec, shot: Shot, base: _Base | None = None) -> tuple[bytes, dict[str, Any]]:
    """The TIFF bytes of one shot (encoded as ``spec.unit``) and its ground-truth record."""
    data, truth, _photo = _encode(spec, shot, base)
    return data, truth


def _encode(spec: FlightSpec, shot: Shot, base: _Base | None) -> tuple[bytes, dict[str, Any], bytes | None]:
    """TIFF bytes, ground-truth record and the visible photo's JPEG bytes (None without one)."""
    from irpatrol.radiometry import CaptureParams, GeoPosition, Gimbal, ImageMeta
    from irpatrol.radiometry.tiff import encode

    frame = render_scene(spec, shot, base)
    meta = ImageMeta(
        make=spec.camera_make,
        model=spec.camera_model,
        gps=GeoPosition(lat=shot.lat, lon=shot.lon, alt_m=spec.altitude_m + 50.0, rel_alt_m=spec.altitude_m),
        gimbal=Gimbal(yaw=round(shot.yaw_deg, 2), pitch=-15.0, roll=0.0),
        captured_at=shot.captured_at,
    )
    params = CaptureParams(
        emissivity=spec.emissivity,
        distance_m=_distance_m(shot),
        reflected_c=spec.ambient_c,
        atmospheric_c=spec.ambient_c,
        humidity=50.0,
    )
    if spec.unit == "raw":
        data = encode(frame.celsius, meta, params, unit="raw", calibration=SIMULATED_CALIBRATION)
    else:
        data = encode(frame.celsius, meta=meta, params=params)
    photo = None
    if frame.visible is not None:
        from irpatrol.simulate.visible import encode_jpeg

        noise = np.random.default_rng((spec.seed, shot.index, 1))
        photo = encode_jpeg(frame.visible.astype(np.float64), noise)
    return data, truth_record(shot, frame), photo


def write_flight(
    out: Path, feeder: str, poles: Sequence[PoleSpot], spec: FlightSpec, hot: Iterable[HotSpec] = ()
) -> dict[str, Any]:
    """Write every shot's TIFF into ``out`` and ``ground_truth.json``; returns the ground truth.

    Each image is written to a temporary name and renamed, so a reader never sees half a file.
    """
    if not poles:
        raise InputError(f"feeder {feeder!r} has no poles to fly")
    spec.check()
    hot = list(hot)
    shots = plan_shots(poles, spec, hot)
    out.mkdir(parents=True, exist_ok=True)
    base = render_base(spec) if spec.scene == "flat" else None
    images = []
    for shot in shots:
        data, truth, photo = _encode(spec, shot, base)
        if photo is not None:  # the photo first: a reader that sees the thermal file finds its pair
            _write(out / visible_name(shot), photo)
        _write(out / shot.file, data)
        images.append(truth)
    truth_doc = {
        "feeder": feeder,
        "spec": {**asdict(spec), "start": spec.start.isoformat()},
        "format": OUTPUT_FORMAT if spec.unit == "raw" else "tiff-celsius",
        "calibration": asdict(SIMULATED_CALIBRATION) if spec.unit == "raw" else None,
        "hot": [asdict(h) for h in hot],
        "images": images,
    }
    (out / "ground_truth.json").write_text(json.dumps(truth_doc, indent=1, ensure_ascii=False))
    return truth_doc


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary name, so a reader never sees half a file."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def line_of_poles(
    n: int,
    *,
    lat: float = 30.0,
    lon: float = 120.0,
    span_m: float = 50.0,
    azimuth_deg: float = 60.0,
    prefix: str = "",
) -> list[PoleSpot]:
    """``n`` poles in a straight line, ``span_m`` apart, numbered ``<prefix>1…n`` (for demos and tests)."""
    from irpatrol.registry.geo import destination

    out = []
    for i in range(n):
        plat, plon = destination(lat, lon, azimuth_deg, i * span_m)
        out.append(PoleSpot(number=f"{prefix}{i + 1}", lat=plat, lon=plon))
    return out
