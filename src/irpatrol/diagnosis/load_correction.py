"""Load correction of a temperature rise to rated current (pure).

ΔT_rated = ΔT × (I_rated / I)^n (likewise the rise τ), n = 1.6 … 2.0, n = 2 for pure I²R heating:
Infraspection Institute, "Using Tmax Corrected Formula to Prioritize Electrical Exceptions"
(standards.md §1.8). DL/T 664 itself has no such formula; it asks for ≥ 30 % of rated load, so the
correction is not applied below the rule set's ``min_load_fraction`` (extrapolation error explodes).

Wind correction: wind cools a hot spot, so a ΔT measured in wind understates the calm value; the
rule set's factor table (standards.md §2 "Wind correction", ITC/FLIR training table, confidence L)
gives an advisory calm-air ΔT between 1 and 5 m/s.
"""

from __future__ import annotations

import itertools
import math
import numbers
from dataclasses import dataclass

from irpatrol.diagnosis.rules import LoadCorrection, WindCorrection
from irpatrol.errors import ParameterError


@dataclass(frozen=True)
class LoadFactor:
    """The outcome: ``factor`` = (I_rated / I)^n, or None with ``reason`` when not applied."""

    load_fraction: float | None
    exponent: float
    factor: float | None
    reason: str = ""


def check_current(name: str, value: float | None, *, positive: bool) -> float | None:
    """``value`` (A) as a plain float, or None; ParameterError unless finite and ≥ 0 (> 0 when
    ``positive``)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ParameterError(f"{name} must be a finite current in A; got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ParameterError(f"{name} must be {'> 0' if positive else '≥ 0'} A; got {value:g}")
    return float(value)


def rated_load_factor(load_current_a: float | None, rated_current_a: float | None,
                      rule: LoadCorrection) -> LoadFactor:
    """(I_rated / I)^n for the rule set's exponent n, when both currents are known and I is at least
    ``rule.min_load_fraction`` × I_rated."""
    check_current("load_current_a", load_current_a, positive=False)
    check_current("rated_current_a", rated_current_a, positive=True)
    n = rule.exponent
    if load_current_a is None or rated_current_a is None:
        return LoadFactor(None, n, None, "load and rated current not both given")
    fraction = load_current_a / rated_current_a
    if fraction < rule.min_load_fraction:
        why = f"load {fraction:.0%} of rated is below {rule.min_load_fraction:.0%}: not extrapolated"
        return LoadFactor(fraction, n, None, why)
    return LoadFactor(fraction, n, (rated_current_a / load_current_a) ** n)


def wind_factor(wind_m_s: float | None, rule: WindCorrection | None) -> float | None:
    """The rule set's multiply-by factor for a ΔT measured at ``wind_m_s`` (m/s), linearly
    interpolated; 1 below the table's first speed, None beyond its last or without a table."""
    if rule is None or wind_m_s is None:
        return None
    speeds, factors = rule.speeds_m_s, rule.factors
    if wind_m_s <= speeds[0]:
        return 1.0
    if wind_m_s > speeds[-1]:
        return None
    for (s0, f0), (s1, f1) in itertools.pairwise(zip(speeds, factors, strict=True)):
        if wind_m_s <= s1:
            return f0 + (f1 - f0) * (wind_m_s - s0) / (s1 - s0)
    return None  # pragma: no cover - the loop covers (speeds[0], speeds[-1]]
