"""When a day counts for infrared patrol: DL/T 664 measuring conditions, airframe limits, the
forecast horizon and, beyond it, a climatological flyable fraction per month; and the battery
derating the plan uses.

Infrared validity (DL/T 664-2016 §4.3 general detection, summarised with sources in
/work/shared/domain/standards.md §1.7): wind ≤ 5 m/s, relative humidity ≤ 85 %, no rain, fog,
snow or thunder. These are hard constraints: a day that breaks one is not planned (the standard
allows a correction above 5 m/s; the planner takes the stricter reading, as the radiometry's
validity flags do). The airframe's wind limit and the policy's operating limit apply beside them.

Beyond the forecast horizon nothing is known about a day. There the plan counts a share of each
month's days as flyable (:data:`CLIMATE_FLYABLE`, a planning assumption to be replaced by the
county's own station statistics) and marks them "weather unknown".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

from irpatrol.errors import ParameterError
from irpatrol.scheduling.core.model import Drone, Policy, Weather

IR_MAX_WIND_M_S = 5.0
"""Wind limit for infrared readings (m/s): DL/T 664-2016 §4.3 general detection (standards.md §1.7)."""
MAX_HUMIDITY_PCT = 85.0
"""Relative humidity limit (%): DL/T 664-2016 §4.3 (standards.md §1.7)."""
CLIMATE_FLYABLE: tuple[float, ...] = (0.40, 0.40, 0.35, 0.35, 0.35, 0.30, 0.45, 0.50, 0.50, 0.55, 0.50, 0.45)
"""Share of days (January … December) with no rain or fog, wind ≤ 5 m/s and humidity ≤ 85 %
assumed beyond the forecast horizon. Planning assumption for a humid subtropical county in
central China (wet late winter and spring, plum rains in June, drier autumn); replace it with the
county's station statistics (``--climate`` in ``schedule plan``)."""
WEATHER_UNKNOWN = "weather unknown"
"""The mark every view puts on a day beyond the forecast horizon."""


def no_fly_reason(w: Weather, drone: Drone, policy: Policy) -> str | None:
    """Why ``w`` grounds ``drone`` for infrared patrol (None: it does not)."""
    if w.rain:
        return "rain"
    if w.fog:
        return "fog"
    if w.wind_m_s > policy.ir_max_wind_m_s:
        return f"wind {w.wind_m_s} m/s > {policy.ir_max_wind_m_s} m/s (DL/T 664 infrared limit)"
    if w.wind_m_s > min(policy.max_wind_m_s, drone.max_wind_m_s):
        return f"wind {w.wind_m_s} m/s above the operating or airframe limit"
    if w.humidity_pct is not None and w.humidity_pct > policy.max_humidity_pct:
        return f"humidity {w.humidity_pct} % > {policy.max_humidity_pct} % (DL/T 664)"
    return None


def beyond_horizon(day: date, policy: Policy) -> bool:
    """True when ``day`` lies after the forecast horizon and the plan uses climatology there."""
    return (policy.climate_flyable is not None and policy.forecast_until is not None
            and day > policy.forecast_until)


def climate_flyable(day: date, fractions: tuple[float, ...]) -> bool:
    """Deterministic stand-in for an unknown day: the n-th day of a month (n from 0) is flyable
    when ``floor((n + 1) f) > floor(n f)`` for the month's fraction ``f``, so a month gets its
    share of flyable days spread evenly, the same on every run."""
    f = fractions[day.month - 1]
    n = day.day - 1
    return math.floor((n + 1) * f + 1e-9) > math.floor(n * f + 1e-9)


def check_fractions(fractions: tuple[float, ...]) -> tuple[float, ...]:
    if len(fractions) != 12 or not all(0.0 <= f <= 1.0 for f in fractions):
        raise ParameterError(f"climatological flyable fractions need 12 values in 0…1, got {fractions}")
    return fractions


# ---- battery ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Derating:
    """Battery derating applied to every drone's usable endurance: the planning air temperature
    (°C), the wind the sorties are planned for (m/s) and the reserve kept on top (share of the
    derated time)."""

    temp_c: float
    wind_m_s: float
    reserve: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.reserve < 0.5 or self.wind_m_s < 0:
            raise ParameterError(f"battery reserve {self.reserve} must be in 0…0.5 and wind ≥ 0 m/s")


def temperature_factor(temp_c: float) -> float:
    """Share of the rated flight time available at ``temp_c`` (°C): 1 at ≥ 20 °C, 0.85 at 0 °C,
    0.75 at −10 °C and below, linear between. Planning assumption after the usual lithium-ion
    behaviour (capacity and voltage sag in the cold) and DJI's advice to pre-heat TB30/TB65 packs
    below 15 °C; calibrate with flight logs."""
    if temp_c >= 20.0:
        return 1.0
    if temp_c >= 0.0:
        return 0.85 + 0.15 * temp_c / 20.0
    return max(0.75, 0.85 + 0.01 * temp_c)


def wind_factor(wind_m_s: float) -> float:
    """Share of the still-air flight time left when flying in ``wind_m_s`` (m/s): 2 % less per
    m/s (planning assumption: more power against the wind on half the legs), at least 0.7."""
    return max(0.7, 1.0 - 0.02 * wind_m_s)


def derated(drone: Drone, d: Derating) -> Drone:
    """``drone`` with its usable endurance derated for cold and wind and the reserve taken off."""
    s = int(drone.endurance_s * temperature_factor(d.temp_c) * wind_factor(d.wind_m_s) * (1.0 - d.reserve))
    return replace(drone, endurance_s=max(60, s))
