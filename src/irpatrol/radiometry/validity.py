"""Whether a frame's readings lie inside what the camera is calibrated for (pure).

Two statements a file can make about its own calibration (both from the FLIR CameraInfo record,
ExifTool ``FLIR::CameraInfo``):

* the camera's temperature range (0x94 min, 0x90 max, K → °C): the measurement range the camera
  was set to; a temperature outside it is an extrapolation of the Planck curve;
* RawValueRangeMin/Max (0x310/0x312, counts): the raw counts the calibration covers.

A reading outside either carries the validity flag :data:`OUTSIDE_CALIBRATED_RANGE`. The count
range is converted to °C with the frame's own calibration and parameters (the Planck equation is
monotonic in the counts), so a hotspot's T1 can be compared with one °C interval.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from irpatrol.errors import ParameterError
from irpatrol.radiometry.planck import PlanckRecalibrator, raw_to_celsius
from irpatrol.radiometry.thermogram import Thermogram

__all__ = ["OUTSIDE_CALIBRATED_RANGE", "calibrated_range_c", "outside_count", "reading_flags"]

OUTSIDE_CALIBRATED_RANGE = "outside-calibrated-range"
"""Validity flag: a reading outside the camera's stated range or outside RawValueRange."""


def _pair(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    lo, hi = value
    if lo is None or hi is None:
        return None
    lo, hi = float(lo), float(hi)
    return (lo, hi) if math.isfinite(lo) and math.isfinite(hi) and lo < hi else None


def raw_value_range(t: Thermogram) -> tuple[int, int] | None:
    """RawValueRangeMin/Max (counts) of a frame with raw counts, else None."""
    pair = _pair(t.details.get("raw_value_range"))
    return None if pair is None or t.raw is None else (int(pair[0]), int(pair[1]))


def calibrated_range_c(t: Thermogram) -> tuple[float, float] | None:
    """The °C interval the frame's readings are calibrated for at its current parameters: the
    camera's range intersected with RawValueRange converted to °C; None when the file states
    neither (DJI, TIFF: no such statement)."""
    lo, hi = -math.inf, math.inf
    camera = _pair(t.details.get("camera_range_c"))
    if camera is not None:
        lo, hi = camera
    counts = raw_value_range(t)
    if counts is not None and isinstance(t.recalibrator, PlanckRecalibrator):
        try:
            ends = raw_to_celsius(np.array(counts, dtype=np.float64), t.recalibrator.calibration, t.params)
        except ParameterError:
            ends = np.array([np.nan, np.nan])
        finite = [float(v) for v in ends if math.isfinite(float(v))]
        if len(finite) == 2:
            lo, hi = max(lo, min(finite)), min(hi, max(finite))
        elif len(finite) == 1 and math.isfinite(float(ends[0])):
            lo = max(lo, float(ends[0]))  # the top of the count range is beyond the Planck curve
    if lo == -math.inf and hi == math.inf:
        return None
    return lo, hi


def outside_count(t: Thermogram) -> int:
    """Pixels outside the camera's range (°C) or outside RawValueRange (counts)."""
    outside = np.zeros(t.celsius.shape, dtype=bool)
    camera = _pair(t.details.get("camera_range_c"))
    if camera is not None:
        c = t.celsius
        with np.errstate(invalid="ignore"):
            outside |= (c < camera[0]) | (c > camera[1])
    counts = raw_value_range(t)
    if counts is not None and t.raw is not None and t.raw.shape == outside.shape:
        outside |= (t.raw < counts[0]) | (t.raw > counts[1])
    return int(np.count_nonzero(outside))


def reading_flags(t: Thermogram) -> list[str]:
    """Validity flags of the frame as a whole: ``outside-calibrated-range`` when any pixel is."""
    return [OUTSIDE_CALIBRATED_RANGE] if outside_count(t) else []
