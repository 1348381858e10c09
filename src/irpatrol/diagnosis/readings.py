"""The temperatures of one reading and the quantities the criteria compare (pure).

Definitions of DL/T 664-2016 terms 温升 / 温差 / 相对温差 (../shared/domain/standards.md §1.2):
T1 hot spot, T2 normal corresponding point (same part, healthy phase), T0 ambient reference body;
ΔT = T1 − T2 (K), rise τ = T1 − T0 (K), δ = (T1 − T2) / (T1 − T0) × 100 (%).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from irpatrol.errors import ParameterError
from irpatrol.units import KELVIN_OFFSET

DIGITS = 9
"""Derived quantities are rounded to 1e-9 (K or %), far below any camera's resolution, so that a
reading exactly at a threshold (e.g. δ = 95 % from T1 32, T2 20.6, T0 20 °C) is not missed by
binary floating-point error."""


def _r(x: float) -> float:
    return round(x, DIGITS)


def check_temperature(name: str, value: float | None) -> float | None:
    """``value`` as a plain float (numpy scalars included), or None; ParameterError unless it is a
    finite temperature above absolute zero (°C)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ParameterError(f"{name} must be a finite temperature in °C; got {value!r}")
    if value < -KELVIN_OFFSET:
        raise ParameterError(f"{name} = {value:g} °C is below absolute zero")
    return float(value)


@dataclass(frozen=True)
class Readings:
    """T1, T2, T0 in °C (T2, T0 may be unknown) and the derived quantities."""

    hot_c: float
    ref_c: float | None = None
    ambient_c: float | None = None

    def __post_init__(self) -> None:
        for name in ("hot_c", "ref_c", "ambient_c"):
            object.__setattr__(self, name, check_temperature(name, getattr(self, name)))
        if self.hot_c is None:
            raise ParameterError("hot_c (T1) is required")

    @property
    def delta_t_k(self) -> float | None:
        """ΔT = T1 − T2 (K)."""
        return None if self.ref_c is None else _r(self.hot_c - self.ref_c)

    @property
    def cold_delta_k(self) -> float | None:
        """T2 − T1 (K): how much colder the measured unit is than its healthy neighbour."""
        return None if self.ref_c is None else _r(self.ref_c - self.hot_c)

    @property
    def rise_k(self) -> float | None:
        """τ1 = T1 − T0 (K)."""
        return None if self.ambient_c is None else _r(self.hot_c - self.ambient_c)

    @property
    def ref_rise_k(self) -> float | None:
        """τ2 = T2 − T0 (K)."""
        return None if self.ref_c is None or self.ambient_c is None else _r(self.ref_c - self.ambient_c)

    @property
    def delta_pct(self) -> float | None:
        """δ = (T1 − T2) / (T1 − T0) × 100 (%); None when T2 or T0 is unknown or T1 ≤ T0 (undefined)."""
        if self.ref_c is None or self.ambient_c is None or self.hot_c - self.ambient_c <= 0:
            return None
        return _r((self.hot_c - self.ref_c) / (self.hot_c - self.ambient_c) * 100.0)

    def quantity(self, name: str) -> float | None:
        """The value of a criterion quantity (rules.QUANTITIES), None when its inputs are unknown."""
        value: float | None = getattr(self, name)
        return value

    def scaled(self, factor: float) -> Readings:
        """The reading with the rises τ1, τ2 multiplied by ``factor`` (T0 kept): the load-corrected
        reading of standards.md §1.8. δ is unchanged when both rises are positive. A rise ≤ 0 is kept
        as it is: load current heats, it does not cool below ambient. Needs T0."""
        if self.ambient_c is None:
            raise ParameterError("scaling a reading needs the ambient reference T0")
        t0 = self.ambient_c

        def scale(t: float) -> float:
            return t0 + (t - t0) * factor if t > t0 else t

        return Readings(hot_c=scale(self.hot_c), ref_c=None if self.ref_c is None else scale(self.ref_c),
                        ambient_c=t0)
