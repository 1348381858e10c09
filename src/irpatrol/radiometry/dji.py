"""DJI thermal R-JPEG (plugins dirp, iirp, girp, hirp) behind a back-end interface.

DJI's raw counts are not linear in temperature and the curve depends on per-file calibration
data and per-camera tables (shared/domain/radiometry.md §2), so temperatures come from an
implementation of DJI's Thermal SDK, reached through :class:`DjiBackend`. The default back-end,
:class:`TsdkBackend`, is ``dji_thermal_cli.tsdk`` (a pure-Python port of DJI TSDK v1.8,
bit-identical to DJI's ``libdirp`` on the sample set except the hirp files, ≤ 0.2 °C). A second
back-end (e.g. the user's own ``libdirp`` through ctypes) implements the same two methods.

Parameters: by default the file's embedded measurement parameters are used, as DJI Thermal
Analysis Tool and the reference values do; the laser-rangefinder distance is recorded in
``meta.lrf_distance_m`` but not substituted. SDK parameter semantics (TSDK ``dirp_measurement_params_t``):
distance (m), humidity (% RH), emissivity (0–1), reflection (°C), ambient_temp (°C). dirp and
girp files have no ambient parameter (the SDK reports the range [0, 0]); iirp files with a header
before v0300 take the reflected temperature as the ambient one (the SDK ignores the ambient
argument), so for both ``params.atmospheric_c`` is None.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from irpatrol.errors import ParameterError, ThermalFormatError, UnsupportedCamera
from irpatrol.radiometry import jpeg_meta
from irpatrol.radiometry.thermogram import CaptureParams, ImageMeta, Thermogram
from irpatrol.units import CelsiusArray, RawArray

__all__ = [
    "DjiBackend",
    "DjiFrame",
    "DjiRecalibrator",
    "ParamRanges",
    "TsdkBackend",
    "check_params",
    "decode",
    "default_backend",
]

SOURCE_FORMAT = "dji-rjpeg"

AmbientSource = Literal["own", "reflected", "none"]
"""Where the SDK takes the atmospheric temperature from: its own parameter, the reflected
temperature (iirp before header v0300), or nowhere (dirp, girp)."""

ParamRanges = dict[str, tuple[float, float]]
"""Accepted range per CaptureParams field (``emissivity``, ``distance_m``, ``humidity``,
``reflected_c``, ``atmospheric_c``), inclusive, as the camera's SDK plugin reports it."""


@dataclass(frozen=True, eq=False)
class DjiFrame:
    """What a back-end reads from one R-JPEG at its embedded parameters.

    Attributes:
        celsius: H×W float32 °C at the embedded parameters (ND-filter correction applied).
        raw: H×W uint16 raw counts as the SDK keeps them (``dirp_get_original_raw``).
        params: the embedded measurement parameters.
        ranges: the parameter ranges the camera's plugin accepts.
        plugin: TSDK plugin name (``dirp``, ``iirp``, ``girp``, ``hirp``).
        ambient: see :data:`AmbientSource`.
        details: back-end specific values for display (R-JPEG version, ND filter …).
    """

    celsius: CelsiusArray
    raw: RawArray
    params: CaptureParams
    ranges: ParamRanges
    plugin: str
    ambient: AmbientSource
    details: dict[str, Any]


class DjiBackend(Protocol):
    """An implementation of DJI's Thermal SDK measurement (``dirp_*`` API).

    Both methods take the file's bytes and hold no state between calls, so a Thermogram can
    recompute temperatures later (and from any thread) from the bytes it keeps.
    """

    name: str

    def open(self, data: bytes) -> DjiFrame:
        """Parse an R-JPEG and measure it at its embedded parameters.

        Raises UnsupportedCamera for a DJI R-JPEG variant the back-end cannot measure and
        ThermalFormatError for anything else that is not a readable R-JPEG.
        """
        ...

    def measure(self, data: bytes, params: CaptureParams) -> CelsiusArray:
        """H×W float32 °C of the R-JPEG ``data`` for ``params`` (already range-checked).

        Raises ParameterError when the SDK rejects the parameters.
        """
        ...


# --- default back-end: dji_thermal_cli.tsdk --------------------------------------------------------

_TSDK_FIELDS = {  # CaptureParams field → TSDK MeasurementParams field
    "distance_m": "distance",
    "humidity": "humidity",
    "emissivity": "emissivity",
    "reflected_c": "reflection",
    "atmospheric_c": "ambient_temp",
}


class TsdkBackend:
    """The pure-Python DJI TSDK v1.8 port ``dji_thermal_cli.tsdk`` (AGPL-3.0, on PyPI)."""

    name = "dji-thermal-cli"

    def open(self, data: bytes) -> DjiFrame:
        from dji_thermal_cli import tsdk

        try:
            return self._frame(tsdk.open(data))
        except ThermalFormatError:
            raise
        except tsdk.UnsupportedRJpeg as exc:
            raise UnsupportedCamera(f"DJI R-JPEG variant not supported: {exc}") from exc
        except tsdk.TsdkError as exc:
            raise ThermalFormatError(f"not a readable DJI R-JPEG: {exc}") from exc
        except Exception as exc:  # the port indexes into the file; damage surfaces anywhere
            raise ThermalFormatError(f"corrupt DJI R-JPEG ({type(exc).__name__}: {exc})") from exc

    @staticmethod
    def _frame(rj: Any) -> DjiFrame:
        """Measure an opened ``tsdk.RJpeg`` at its embedded parameters."""
        celsius = rj.measure_temperature_c()
        raw = rj.get_original_raw()
        if celsius.shape != (rj.height, rj.width) or raw.shape != celsius.shape:
            raise ThermalFormatError(
                f"DJI R-JPEG frame is {celsius.shape}, header says {rj.height}×{rj.width}"
            )
        embedded = rj.get_measurement_params()
        sdk_ranges = rj.get_measurement_params_range()
        ambient: AmbientSource
        if tuple(sdk_ranges["ambient_temp"]) == (0.0, 0.0):
            ambient = "none"
        elif rj.plugin == "iirp" and getattr(rj, "_v0300", True) is False:
            ambient = "reflected"  # TSDK iirp before header v0300: ambient := reflection
        else:
            ambient = "own"
        ranges: ParamRanges = {}
        for ours, theirs in _TSDK_FIELDS.items():
            lo, hi = sdk_ranges[theirs]
            ranges[ours] = (float(lo), float(hi))
        params = CaptureParams(
            emissivity=float(embedded.emissivity),
            distance_m=float(embedded.distance),
            reflected_c=float(embedded.reflection),
            atmospheric_c=float(embedded.ambient_temp) if ambient == "own" else None,
            humidity=float(embedded.humidity),
        )
        return DjiFrame(
            celsius=np.ascontiguousarray(celsius, dtype=np.float32),
            raw=raw,
            params=params,
            ranges=ranges,
            plugin=str(rj.plugin),
            ambient=ambient,
            details={
                "rjpeg_version": list(rj.rjpeg_version()),
                "nd_filter": bool(rj.infrared_density_filter_installed()),
            },
        )

    def measure(self, data: bytes, params: CaptureParams) -> CelsiusArray:
        from dji_thermal_cli import tsdk

        try:
            rj = tsdk.open(data)
            sdk = rj.get_measurement_params()  # keeps the embedded ambient where the camera has none
            sdk.distance = params.distance_m
            sdk.emissivity = params.emissivity
            sdk.reflection = params.reflected_c
            if params.humidity is not None:
                sdk.humidity = params.humidity
            if params.atmospheric_c is not None:
                sdk.ambient_temp = params.atmospheric_c
            rj.set_measurement_params(sdk)
            return np.ascontiguousarray(rj.measure_temperature_c(), dtype=np.float32)
        except tsdk.ParamError as exc:
            raise ParameterError(f"the DJI SDK rejected the parameters: {exc}") from exc
        except tsdk.TsdkError as exc:
            raise ParameterError(f"the DJI SDK cannot measure with these parameters: {exc}") from exc


_DEFAULT = TsdkBackend()


def default_backend() -> DjiBackend:
    """The back-end :func:`decode` uses unless given another."""
    return _DEFAULT


BACKENDS = ("dji-thermal-cli", "libdirp")
"""Back-end names :func:`backend_named` knows (``--dji-backend``)."""


def backend_named(name: str, lib_path: str | None = None) -> DjiBackend:
    """The back-end ``name``: ``dji-thermal-cli`` (default) or ``libdirp`` (DJI's own library at
    ``lib_path``, see :mod:`.dji_libdirp`). ParameterError for an unknown name, a missing path, or
    a library that cannot be loaded or is not libdirp."""
    if name in ("dji-thermal-cli", "tsdk"):
        return _DEFAULT
    if name != "libdirp":
        raise ParameterError(f"unknown DJI back-end {name!r}; choose one of {', '.join(BACKENDS)}")
    if not lib_path:
        raise ParameterError(
            "DJI libdirp back-end: no library path given (--dirp-lib PATH or IRPATROL_DIRP_LIB);"
            " libdirp comes with DJI's Thermal SDK and is not shipped with irpatrol"
        )
    from irpatrol.radiometry.dji_libdirp import LibdirpBackend

    return LibdirpBackend(lib_path)


# --- recalibration ---------------------------------------------------------------------------------

_LABELS = {  # field → (what the user calls it, unit)
    "emissivity": ("emissivity", ""),
    "distance_m": ("distance", " m"),
    "humidity": ("relative humidity", " %"),
    "reflected_c": ("reflected temperature", " °C"),
    "atmospheric_c": ("atmospheric temperature", " °C"),
}


def check_params(params: CaptureParams, ranges: ParamRanges, ambient: AmbientSource, camera: str) -> None:
    """Raise ParameterError naming the parameter and the camera's accepted range when ``params``
    fall outside what the camera's SDK plugin accepts (compared in float32, as the SDK does)."""
    if params.atmospheric_c is not None and ambient != "own":
        why = (
            "it takes the reflected temperature as the ambient one (iirp header before v0300);"
            " set the reflected temperature instead"
            if ambient == "reflected"
            else "its SDK plugin has no ambient-temperature parameter"
        )
        raise ParameterError(f"{camera}: atmospheric temperature cannot be set for this file: {why}")
    for field, (label, unit) in _LABELS.items():
        value = getattr(params, field)
        if value is None or field not in ranges:
            continue
        lo, hi = ranges[field]
        v = np.float32(value)
        if not math.isfinite(value) or v < np.float32(lo) or v > np.float32(hi):
            raise ParameterError(
                f"{camera}: {label} {value:g}{unit} is outside the camera's accepted range"
                f" {lo:g}–{hi:g}{unit}"
            )


@dataclass(frozen=True, eq=False)
class DjiRecalibrator:
    """Recomputes a DJI Thermogram's temperatures from the R-JPEG bytes kept in memory."""

    data: bytes = dataclasses.field(repr=False)
    backend: DjiBackend
    ranges: ParamRanges
    ambient: AmbientSource
    camera: str

    def celsius(self, params: CaptureParams) -> CelsiusArray:
        """H×W float32 °C for ``params``; ParameterError outside the camera's accepted ranges."""
        check_params(params, self.ranges, self.ambient, self.camera)
        return self.backend.measure(self.data, params)


def decode(data: bytes, backend: DjiBackend | None = None) -> Thermogram:
    """Thermogram of a DJI R-JPEG at its embedded parameters (``source_format`` ``dji-rjpeg``).

    ``raw`` holds the SDK's original raw frame; ``details`` the plugin name, back-end and
    parameter ranges; ``meta`` camera, GPS, gimbal, time and rangefinder distance from EXIF/XMP.
    Raises ThermalFormatError (UnsupportedCamera for DJI variants the back-end cannot measure).
    """
    be = backend or _DEFAULT
    data = bytes(data)
    frame = be.open(data)
    meta: ImageMeta = jpeg_meta.read_meta(data)
    camera = " ".join(p for p in (meta.make, meta.model) if p) or "DJI camera"
    details: dict[str, Any] = {
        "plugin": frame.plugin,
        "backend": be.name,
        "ambient_source": frame.ambient,
        "param_ranges": {k: list(v) for k, v in frame.ranges.items()},
        **frame.details,
    }
    return Thermogram(
        celsius=frame.celsius,
        params=frame.params,
        source_format=SOURCE_FORMAT,
        raw=frame.raw,
        meta=meta,
        details=details,
        recalibrator=DjiRecalibrator(data, be, frame.ranges, frame.ambient, camera),
    )
