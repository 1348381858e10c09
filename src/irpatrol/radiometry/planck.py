"""FLIR raw counts ↔ temperature: the Planck curve with atmosphere and external IR window.

The camera's raw count is modelled as the sum of the object's radiance and of the radiance of
everything between the object and the detector, each expressed in counts through the camera's
own Planck curve::

    S(T)  = R1 / (R2 · (exp(B / T[K]) − F)) − O                  blackbody radiance, counts
    h2o   = RH/100 · exp(1.5587 + 0.06939·Ta − 0.00027816·Ta² + 0.00000068455·Ta³)   (Ta in °C)
    τ     = X·exp(−√(d/2)·(α1 + β1·√h2o)) + (1 − X)·exp(−√(d/2)·(α2 + β2·√h2o))
    raw_obj = raw/(ε·τ²·τw) − (1−τ)/(ε·τ)·S(Ta) − (1−τ)/(ε·τ²·τw)·S(Ta)
              − (1−τw)/(ε·τ·τw)·S(Tw) − (1−ε)/ε·S(Tr)
    T_obj = B / ln(R1/(R2·(raw_obj + O)) + F) − 273.15             (°C)

with ε the emissivity, d the object distance (m), Ta/Tr/Tw the atmospheric, reflected apparent
and IR-window temperatures (°C), τw the window transmission, RH the relative humidity (%), and
α1, α2, β1, β2, X the camera's own atmospheric constants. The atmosphere is assumed to be the
same on both sides of the window (τ1 = τ2 = τ) and the window reflects nothing.

Sources: Thermimage ``R/raw2temp.R`` (G. Tattersall, v4.1.3, @7bd5a9a), the same equation as flyr
5.1.0 ``thermogram.py`` and flirpy ``util/raw.py``; constants named as in ExifTool ``FLIR.pm``
(table ``FLIR::CameraInfo``); see ``shared/domain/radiometry.md`` §1. The blackbody form
T = B/ln(R/(S − O) + F) with R = R1/R2 is also in FLIR's AX5 GenICam ICD.

Everything here is pure numpy. The per-frame terms are reduced to two scalars (gain ``k`` and
offset ``c``: raw_obj = k·raw − c) so a frame costs one pass; for integer counts a lookup table
over the frame's count range is evaluated in float64 and indexed, which is both exact and fast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from irpatrol.errors import ParameterError
from irpatrol.radiometry.thermogram import CaptureParams
from irpatrol.units import KELVIN_OFFSET, CelsiusArray

__all__ = [
    "DEFAULT_HUMIDITY_PCT",
    "PlanckCalibration",
    "PlanckRecalibrator",
    "atmospheric_transmission",
    "blackbody_celsius",
    "blackbody_raw",
    "celsius_to_raw",
    "raw_to_celsius",
    "water_vapour",
]

DEFAULT_HUMIDITY_PCT = 50.0
"""Relative humidity (%) used when a parameter set has none (Thermimage ``raw2temp`` default RH = 50)."""

_LUT_MAX_SPAN = 65536
"""Integer count ranges up to this many values are converted through a lookup table."""


@dataclass(frozen=True)
class PlanckCalibration:
    """The camera's radiometric constants, as stored in the FLIR CameraInfo record.

    Attributes:
        r1: PlanckR1 (counts·(exp − F), dimensionless scale).
        r2: PlanckR2.
        b: PlanckB (K).
        f: PlanckF (dimensionless).
        o: PlanckO (counts; an int32 offset in the file).
        alpha1, alpha2: AtmosphericTransAlpha1/2 (m^-1/2).
        beta1, beta2: AtmosphericTransBeta1/2 (m^-1/2 per √(g/m³)).
        x: AtmosphericTransX, the weight of the first band (dimensionless).

    Source: ExifTool ``FLIR.pm`` CameraInfo offsets 0x58 (R1), 0x5c (B), 0x60 (F), 0x70–0x80 (α1,
    α2, β1, β2, X), 0x308 (O), 0x30c (R2). The defaults of α/β/X are the values most FLIR cameras
    store (Thermimage ``raw2temp`` defaults).
    """

    r1: float
    r2: float
    b: float
    f: float
    o: float
    alpha1: float = 0.006569
    alpha2: float = 0.012620
    beta1: float = -0.002276
    beta2: float = -0.006670
    x: float = 1.9

    def to_dict(self) -> dict[str, float]:
        """The constants under their ExifTool tag names (for display and JSON)."""
        return {
            "PlanckR1": self.r1,
            "PlanckR2": self.r2,
            "PlanckB": self.b,
            "PlanckF": self.f,
            "PlanckO": self.o,
            "AtmosphericTransAlpha1": self.alpha1,
            "AtmosphericTransAlpha2": self.alpha2,
            "AtmosphericTransBeta1": self.beta1,
            "AtmosphericTransBeta2": self.beta2,
            "AtmosphericTransX": self.x,
        }


def water_vapour(atmospheric_c: float, humidity_pct: float) -> float:
    """Water-vapour content of the air (g/m³, the empirical FLIR fit) at ``atmospheric_c`` (°C) and
    relative humidity ``humidity_pct`` (%). Source: Thermimage ``raw2temp`` (h2o)."""
    t = float(atmospheric_c)
    with np.errstate(over="ignore", invalid="ignore"):
        fit = np.exp(np.float64(1.5587 + 0.06939 * t - 0.00027816 * t**2 + 0.00000068455 * t**3))
    return float((humidity_pct / 100.0) * fit)


def atmospheric_transmission(
    distance_m: float, atmospheric_c: float, humidity_pct: float, cal: PlanckCalibration
) -> float:
    """Transmission τ (0–1) of ``distance_m`` metres of air at ``atmospheric_c`` °C and
    ``humidity_pct`` % RH, with the camera's two-band constants (α1, α2, β1, β2, X).

    Source: Thermimage ``raw2temp`` (tau1); FLIR's model of two absorption bands weighted by X.
    Parameters far outside the fit's range may give inf or NaN (never an exception).
    """
    h2o_root = math.sqrt(max(water_vapour(atmospheric_c, humidity_pct), 0.0))
    d_root = math.sqrt(max(distance_m, 0.0) / 2.0)
    with np.errstate(over="ignore", invalid="ignore"):
        band1 = np.exp(np.float64(-d_root * (cal.alpha1 + cal.beta1 * h2o_root)))
        band2 = np.exp(np.float64(-d_root * (cal.alpha2 + cal.beta2 * h2o_root)))
        return float(cal.x * band1 + (1.0 - cal.x) * band2)


def blackbody_raw(t_c: Any, cal: PlanckCalibration) -> Any:
    """Counts S(T) the camera reads from a blackbody at ``t_c`` (°C; scalar or array).

    S(T) = R1 / (R2·(exp(B/T[K]) − F)) − O. Source: Thermimage ``raw2temp`` (raw.refl etc.).
    """
    t_k = np.asarray(t_c, dtype=np.float64) + KELVIN_OFFSET
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        out = cal.r1 / (cal.r2 * (np.exp(cal.b / t_k) - cal.f)) - cal.o
    return float(out) if np.ndim(out) == 0 else out


def blackbody_celsius(raw: Any, cal: PlanckCalibration) -> Any:
    """Inverse of :func:`blackbody_raw`: temperature (°C) of a blackbody giving ``raw`` counts.

    T = B / ln(R1/(R2·(raw + O)) + F) − 273.15. Counts at or below −O give NaN.
    """
    s = np.asarray(raw, dtype=np.float64)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        out = cal.b / np.log(cal.r1 / (cal.r2 * (s + cal.o)) + cal.f) - KELVIN_OFFSET
    return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True)
class _Linear:
    """raw_obj = k·raw − c: the per-frame gain ``k`` and offset ``c`` (counts) of the equation."""

    k: float
    c: float


def _linear_terms(cal: PlanckCalibration, params: CaptureParams) -> _Linear:
    """Reduce the atmosphere/window/reflection terms to two scalars for ``params``.

    Unset parameters fall back as in Thermimage ``raw2temp``: atmospheric = reflected temperature,
    window temperature = atmospheric, window transmission = 1, humidity = 50 %. Raises
    ParameterError when the combination gives no finite, positive transmission or radiance terms
    (e.g. temperatures far outside the camera's calibration).
    """
    e = params.emissivity
    t_refl = params.reflected_c
    t_atm = params.atmospheric_c if params.atmospheric_c is not None else t_refl
    t_win = params.ir_window_c if params.ir_window_c is not None else t_atm
    irt = params.ir_window_transmission if params.ir_window_transmission is not None else 1.0
    rh = params.humidity if params.humidity is not None else DEFAULT_HUMIDITY_PCT
    if not (e > 0.0 and irt > 0.0):
        raise ParameterError(f"emissivity ({e}) and IR-window transmission ({irt}) must be above 0")
    tau = atmospheric_transmission(params.distance_m, t_atm, rh, cal)
    s_atm = blackbody_raw(t_atm, cal)
    s_win = blackbody_raw(t_win, cal)
    s_refl = blackbody_raw(t_refl, cal)
    if not (math.isfinite(tau) and tau > 0.0):
        raise ParameterError(
            f"atmospheric transmission is {tau} for {params.distance_m} m at {t_atm} °C and {rh} % RH"
        )
    e_tau, e_tau_irt, e_tau_irt_tau = e * tau, e * tau * irt, e * tau * irt * tau
    if not e_tau_irt_tau > 0.0:  # a tiny ε (e.g. 5e-324) times τ < 1 underflows to 0 (issue 12 #15)
        raise ParameterError(
            f"emissivity {e:g} × atmospheric transmission {tau:g} is too small to divide by: {params}"
        )
    c = (
        (1.0 - tau) / e_tau * s_atm  # atmosphere between object and window
        + (1.0 - tau) / e_tau_irt_tau * s_atm  # atmosphere between window and camera
        + (1.0 - irt) / e_tau_irt * s_win  # window emission
        + (1.0 - e) / e * s_refl  # reflected surroundings
    )
    k = 1.0 / e_tau_irt_tau
    if not (math.isfinite(c) and math.isfinite(k)):
        raise ParameterError(f"parameters outside the camera's Planck curve: {params}")
    return _Linear(k=k, c=c)


def raw_to_celsius(raw: npt.ArrayLike, cal: PlanckCalibration, params: CaptureParams) -> CelsiusArray:
    """Object temperatures (°C, float32, same shape as ``raw``) from camera counts.

    Parameters:
        raw: counts (any shape; uint16 frames take the lookup-table path).
        cal: the camera's Planck and atmosphere constants.
        params: emissivity, object distance (m), reflected/atmospheric/window temperatures (°C),
            window transmission, relative humidity (%).

    Counts whose object radiance falls outside the Planck curve's domain give NaN.
    Source: Thermimage ``raw2temp`` (see the module docstring for the equation).
    """
    lin = _linear_terms(cal, params)
    arr = np.asarray(raw)
    if arr.size and arr.dtype.kind in "ui":
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo < _LUT_MAX_SPAN:
            counts = np.arange(lo, hi + 1, dtype=np.float64)
            lut = np.asarray(blackbody_celsius(lin.k * counts - lin.c, cal), dtype=np.float32)
            return np.take(lut, arr - lo if lo else arr)
    obj = lin.k * arr.astype(np.float64) - lin.c
    return np.asarray(blackbody_celsius(obj, cal), dtype=np.float32)


def celsius_to_raw(celsius: npt.ArrayLike, cal: PlanckCalibration, params: CaptureParams) -> Any:
    """Counts (float64; scalar for a scalar) the camera reads from an object at ``celsius`` (°C).

    The exact inverse of :func:`raw_to_celsius`: raw = (S(T) + c)/k with the same per-frame
    terms. Used for synthetic frames and the round-trip tests.
    """
    lin = _linear_terms(cal, params)
    out = (np.asarray(blackbody_raw(celsius, cal), dtype=np.float64) + lin.c) / lin.k
    return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True, eq=False)
class PlanckRecalibrator:
    """Recomputes a FLIR frame's temperatures for new parameters (implements ``Recalibrator``).

    Holds the frame's raw counts and the camera's :class:`PlanckCalibration`; no file is read.
    """

    raw: npt.NDArray[np.uint16]
    calibration: PlanckCalibration

    def celsius(self, params: CaptureParams) -> CelsiusArray:
        """H×W float32 °C for ``params``."""
        return raw_to_celsius(self.raw, self.calibration, params)
