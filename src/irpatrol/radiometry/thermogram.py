"""The Thermogram: per-pixel temperatures with everything the camera recorded about them.

A Thermogram is immutable. :meth:`Thermogram.with_params` returns a new one whose temperatures
are recomputed from the raw data held in memory (no file is read again) by the decoder's own
:class:`Recalibrator`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from irpatrol.errors import ParameterError
from irpatrol.units import CelsiusArray


@dataclass(frozen=True)
class CaptureParams:
    """Object and atmosphere parameters a temperature is computed with.

    Attributes:
        emissivity: object emissivity ε, 0 < ε ≤ 1.
        distance_m: object distance (m).
        reflected_c: reflected apparent temperature (°C).
        atmospheric_c: atmospheric (ambient air) temperature (°C); None where the format has none.
        humidity: relative humidity in percent (0–100); None where the format has none.
        ir_window_c: external IR window temperature (°C); None where the format has none.
        ir_window_transmission: IR window transmission (0–1); None where the format has none.
    """

    emissivity: float
    distance_m: float
    reflected_c: float
    atmospheric_c: float | None = None
    humidity: float | None = None
    ir_window_c: float | None = None
    ir_window_transmission: float | None = None

    def validate(self) -> CaptureParams:
        """Return self, or raise ParameterError naming the first value out of range."""
        if not (0.0 < self.emissivity <= 1.0):
            raise ParameterError(f"emissivity must be in (0, 1], got {self.emissivity}")
        if not (self.distance_m >= 0.0):
            raise ParameterError(f"distance must be ≥ 0 m, got {self.distance_m}")
        if self.humidity is not None and not (0.0 <= self.humidity <= 100.0):
            raise ParameterError(f"relative humidity must be 0–100 %, got {self.humidity}")
        for name in ("reflected_c", "atmospheric_c", "ir_window_c"):
            v = getattr(self, name)
            if v is not None and not (-273.15 < v < 2000.0):
                raise ParameterError(f"{name} out of range: {v} °C")
        if self.ir_window_transmission is not None and not (0.0 < self.ir_window_transmission <= 1.0):
            raise ParameterError(
                f"IR window transmission must be in (0, 1], got {self.ir_window_transmission}"
            )
        return self


@dataclass(frozen=True)
class GeoPosition:
    """WGS-84 position of the camera. Altitudes in m: absolute (above sea level / ellipsoid as
    the file says) and relative to the take-off point (DJI XMP)."""

    lat: float
    lon: float
    alt_m: float | None = None
    rel_alt_m: float | None = None


@dataclass(frozen=True)
class Gimbal:
    """Gimbal attitude in degrees (DJI XMP ``GimbalYawDegree`` etc.)."""

    yaw: float | None = None
    pitch: float | None = None
    roll: float | None = None


@dataclass(frozen=True)
class ImageMeta:
    """Metadata carried beside the pixels: from EXIF/XMP of a JPEG or TIFF tags."""

    make: str | None = None
    model: str | None = None
    gps: GeoPosition | None = None
    gimbal: Gimbal | None = None
    captured_at: datetime | None = None
    lrf_distance_m: float | None = None
    """Laser-rangefinder target distance (m) when the file has a valid reading (DJI XMP)."""


class Recalibrator(Protocol):
    """Recomputes temperatures from the raw data a decoder kept in memory."""

    def celsius(self, params: CaptureParams) -> CelsiusArray:
        """H×W float32 °C for the given parameters."""
        ...


@dataclass(frozen=True, eq=False)
class Thermogram:
    """One thermal frame.

    Attributes:
        celsius: H×W float32 temperatures (°C).
        params: the parameters ``celsius`` was computed with.
        source_format: decoder that produced it, e.g. ``flir-rjpeg``, ``flir-fff``, ``dji-rjpeg``, ``tiff``.
        raw: H×W raw counts where the format has them, else None.
        meta: camera make/model, GPS, gimbal, capture time, rangefinder distance.
        visible_jpeg: the embedded visible-light image (JPEG bytes) when present.
        frame: index within a multi-frame file (SEQ), else 0.
        details: decoder-specific values (Planck constants, DJI plugin name …) for display.
    """

    celsius: CelsiusArray
    params: CaptureParams
    source_format: str
    raw: np.ndarray | None = None
    meta: ImageMeta = field(default_factory=ImageMeta)
    visible_jpeg: bytes | None = None
    frame: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    recalibrator: Recalibrator | None = field(default=None, repr=False)

    @property
    def height(self) -> int:
        return int(self.celsius.shape[0])

    @property
    def width(self) -> int:
        return int(self.celsius.shape[1])

    @property
    def camera(self) -> str:
        """``make model`` as the file names them (empty parts left out)."""
        parts = [p for p in (self.meta.make, self.meta.model) if p]
        return " ".join(parts)

    @property
    def center_c(self) -> float:
        """Temperature at pixel [h//2, w//2] (°C)."""
        return float(self.celsius[self.height // 2, self.width // 2])

    def with_params(
        self,
        *,
        emissivity: float | None = None,
        distance_m: float | None = None,
        reflected_c: float | None = None,
        humidity: float | None = None,
        atmospheric_c: float | None = None,
        ir_window_c: float | None = None,
        ir_window_transmission: float | None = None,
    ) -> Thermogram:
        """A new Thermogram with temperatures recomputed for changed parameters.

        Unset arguments keep the current value. Raises ParameterError when a value is out of
        range or the format keeps no raw data to recompute from (e.g. a temperature TIFF).
        """
        changes = {
            k: v
            for k, v in {
                "emissivity": emissivity,
                "distance_m": distance_m,
                "reflected_c": reflected_c,
                "humidity": humidity,
                "atmospheric_c": atmospheric_c,
                "ir_window_c": ir_window_c,
                "ir_window_transmission": ir_window_transmission,
            }.items()
            if v is not None
        }
        if not changes:
            return self
        if self.recalibrator is None:
            raise ParameterError(
                f"{self.source_format} data holds temperatures only; parameters cannot be changed"
            )
        new_params = dataclasses.replace(self.params, **changes).validate()
        if new_params == self.params:
            return self
        celsius = np.ascontiguousarray(self.recalibrator.celsius(new_params), dtype=np.float32)
        return dataclasses.replace(self, celsius=celsius, params=new_params)
