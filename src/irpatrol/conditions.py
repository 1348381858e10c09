"""Measurement conditions of a reading and the validity flags they raise.

Shared by analysis (flags on every measurement) and diagnosis (guards that withhold or qualify a
grade). Limits follow DL/T 664-2016 §4.3 (detection conditions: wind ≤ 5 m/s, humidity ≤ 85 %, no
rain or fog, load preferably ≥ 30 % of rated) as summarised in ../shared/domain/standards.md §1.7.
"""

from __future__ import annotations

from dataclasses import dataclass

WIND_LIMIT_M_S = 5.0
"""Wind speed above which a reading is not valid for grading (m/s; DL/T 664-2016 §4.3)."""
HUMIDITY_LIMIT_PCT = 85.0
"""Relative humidity above which a reading is not valid for grading (%; DL/T 664-2016 §4.3)."""
LOW_LOAD_FRACTION = 0.30
"""Load below this fraction of rated current: current-heating defects may be masked (DL/T 664-2016 §4.3)."""
LOW_AMBIENT_C = 5.0
"""Ambient reference below which the detection conditions are not met: "环境温度一般不宜低于5℃"
(DL/T 664-2016 §4.3 as paraphrased by the State Grid instruction, https://www.guayunfan.com/baike/876340.html;
../shared/domain/standards-verification.md §2.5, pitfall 10) (°C)."""
OUTSIDE_CALIBRATED_RANGE = "outside-calibrated-range"
"""The validity flag radiometry raises for a reading outside the camera's calibrated range."""
CUT_BY_FRAME_EDGE = "cut-by-frame-edge"
"""The flag of a hotspot whose outline reaches the frame's edge (:mod:`irpatrol.analysis.frame_context`):
its reference is withheld and the reason says why."""
CAMERA_ACCURACY = (2.0, 2.0)
"""Typical stated accuracy of a drone radiometric camera: ±2 K or ±2 % of the reading in °C,
whichever is greater (DJI M30T / H20T / M3T data sheets; FLIR T-series the same), as (K, %)."""
MIN_TARGET_PX = 9
"""A hotspot smaller than this many pixels is below the spatial resolution to trust its t_max (px)."""


@dataclass(frozen=True)
class Conditions:
    """What was true when the image was taken. None means unknown (no flag raised).

    Attributes:
        wind_m_s: wind speed (m/s).
        humidity_pct: relative humidity (%).
        rain: rain, snow or fog at the time.
        load_current_a: load current of the circuit (A).
        rated_current_a: rated current of the circuit or device (A).
        default_emissivity: True when the emissivity used is the camera default, not set for the part.
        target_px: area of the measured target (px).
        distance_m: object distance (m).
        small_target: the analysis' own decision that the target is below the trusted size (a 3×3 px
            spot at distance × IFOV, see ``irpatrol.analysis.hotspots.small_target``); None: decide
            from ``target_px`` and :data:`MIN_TARGET_PX`.
        calibrated_range_c: (min, max) °C the camera's calibration covers for this image (its
            stated range intersected with RawValueRange, ``irpatrol.radiometry.validity``); a
            reading outside it raises ``outside-calibrated-range``. None: unknown (no flag).
        extra_flags: validity flags raised elsewhere (radiometry: ``outside-calibrated-range``);
            codes of :data:`FLAG_TEXT` are passed through, others ignored.
    """

    wind_m_s: float | None = None
    humidity_pct: float | None = None
    rain: bool = False
    load_current_a: float | None = None
    rated_current_a: float | None = None
    default_emissivity: bool = False
    target_px: int | None = None
    distance_m: float | None = None
    small_target: bool | None = None
    calibrated_range_c: tuple[float, float] | None = None
    extra_flags: tuple[str, ...] = ()

    @property
    def load_fraction(self) -> float | None:
        """I / I_rated, or None when either is unknown."""
        if self.load_current_a is None or not self.rated_current_a:
            return None
        return self.load_current_a / self.rated_current_a


FLAG_TEXT: dict[str, tuple[str, str]] = {
    "small-target": ("target smaller than the trusted size at this distance", "目标过小，测温不可靠"),
    "default-emissivity": ("camera default emissivity, not set for the part", "使用默认发射率"),
    "wind": ("wind above 5 m/s", "风速大于 5 m/s"),
    "humidity": ("humidity above 85 %", "相对湿度大于 85%"),
    "rain": ("rain, snow or fog", "雨、雪或雾"),
    "low-load": ("load below 30 % of rated", "负荷低于额定的 30%"),
    "not-above-ambient": ("hot point not above ambient (T1 ≤ T0)", "热点温度不高于环境温度"),
    "outside-calibrated-range": (
        "reading outside the camera's calibrated range (camera range or RawValueRange)",
        "读数超出相机标定范围",
    ),
    "low-ambient": ("ambient reference below 5 °C", "环境温度低于 5 ℃"),
    CUT_BY_FRAME_EDGE: ("part or its reference cut by the frame's edge: shoot it again inside the frame",
                        "部件或其参照部件被画面边缘截断：请重新拍摄，使其完整入画"),
}
"""Flag code → (English, Chinese) explanation."""

INVALIDATING = frozenset({"wind", "humidity", "rain", "not-above-ambient", "outside-calibrated-range"})
"""Flags under which no automatic grade is given (DL/T 664-2016 §4.3 conditions not met; a
temperature outside the camera's calibration is not a measurement at all)."""


def accuracy_k(reading_c: float, accuracy: tuple[float, float] = CAMERA_ACCURACY) -> float:
    """The camera's accuracy at ``reading_c`` (K): the larger of ``accuracy[0]`` K and ``accuracy[1]`` %
    of the reading in °C, the way camera data sheets state it ("±2 °C or ±2 %")."""
    k, pct = accuracy
    return max(float(k), abs(float(reading_c)) * float(pct) / 100.0)


def validity_flags(conditions: Conditions, *, hot_c: float | None = None, ambient_c: float | None = None,
                   min_target_px: int = MIN_TARGET_PX) -> list[str]:
    """The flag codes (keys of FLAG_TEXT) raised by these conditions, in a fixed order."""
    flags: list[str] = []
    if conditions.small_target is not None:
        if conditions.small_target:
            flags.append("small-target")
    elif conditions.target_px is not None and conditions.target_px < min_target_px:
        flags.append("small-target")
    if conditions.default_emissivity:
        flags.append("default-emissivity")
    if conditions.wind_m_s is not None and conditions.wind_m_s > WIND_LIMIT_M_S:
        flags.append("wind")
    if conditions.humidity_pct is not None and conditions.humidity_pct > HUMIDITY_LIMIT_PCT:
        flags.append("humidity")
    if conditions.rain:
        flags.append("rain")
    lf = conditions.load_fraction
    if lf is not None and lf < LOW_LOAD_FRACTION:
        flags.append("low-load")
    if hot_c is not None and ambient_c is not None and hot_c <= ambient_c:
        flags.append("not-above-ambient")
    rng = conditions.calibrated_range_c
    if rng is not None and any(v is not None and not rng[0] <= v <= rng[1] for v in (hot_c, ambient_c)):
        flags.append(OUTSIDE_CALIBRATED_RANGE)
    if ambient_c is not None and ambient_c < LOW_AMBIENT_C:
        flags.append("low-ambient")
    flags += [f for f in FLAG_TEXT if f in conditions.extra_flags and f not in flags]
    return flags
