"""How good a crew day is for infrared readings: a score the campaign prefers (never a constraint).

DL/T 664-2016 §4.3 general detection (standards.md §1.7, "Weather" and "Sun and lights" rows):
overcast or cloudy weather is preferred and night gives the best images; outdoors, direct or
reflected sunlight on the target and into the lens is to be avoided. The 2008 edition's precise
detection asks for overcast, night or ≥ 2 h after sunset. The standard also prefers peak load
(standards.md §1.7 "Load"): the planner has no load forecast per feeder, so load is not scored.

The score of a crew day is the share of its working hours *without sun on the target*:
``1 − (1 − cloud) × sunlit``, where ``cloud`` is the forecast cloud cover (0…1) and ``sunlit`` the
share of the working hours between sunrise + :data:`LOW_SUN_H` and sunset (the sun is then high
enough to shine on a pole top; the early morning before that counts as "no sun on the target").
1 is best (overcast, or work at night/early morning), 0 worst (clear sky all day). A day without a
cloud forecast (also every day beyond the forecast horizon) takes :data:`UNKNOWN_CLOUD`.
"""

from __future__ import annotations

import math
from datetime import date

from irpatrol.scheduling.core.model import Weather

LOW_SUN_H = 1.0
"""Hours after sunrise during which the sun is taken as too low to heat or light the target
(planning assumption for "early morning", DL/T 664-2016 §4.3; standards.md §1.7)."""
UNKNOWN_CLOUD = 0.5
"""Cloud cover (share) assumed when the forecast gives none: neither preferred nor avoided."""
ZONE_MERIDIAN_DEG = 120.0
"""Meridian (° east) of the local clock the crews' hours are written in: China Standard Time,
UTC+8. Used to turn solar time into clock time (4 min per degree of longitude)."""


def sun_hours(day: date, lat: float, lon: float) -> tuple[float, float]:
    """Sunrise and sunset (clock hours after local midnight) at ``lat``/``lon`` (WGS84 °) on
    ``day``: solar declination δ = −23.44° cos(2π(N + 10)/365) and hour angle
    ω0 = arccos(−tan φ tan δ) (the usual astronomical approximation, ± ~10 min; no equation of
    time, no refraction), solar noon at 12 h − (lon − :data:`ZONE_MERIDIAN_DEG`)/15 h."""
    n = day.timetuple().tm_yday
    decl = math.radians(-23.44) * math.cos(2 * math.pi * (n + 10) / 365.0)
    x = -math.tan(math.radians(lat)) * math.tan(decl)
    half = 12.0 if x <= -1.0 else 0.0 if x >= 1.0 else math.degrees(math.acos(x)) / 15.0
    noon = 12.0 - (lon - ZONE_MERIDIAN_DEG) / 15.0
    return noon - half, noon + half


def sunlit_share(day: date, lat: float, lon: float, start_s: int, end_s: int) -> float:
    """Share (0…1) of the working hours ``start_s``…``end_s`` (s after local midnight) between
    sunrise + :data:`LOW_SUN_H` and sunset."""
    if end_s <= start_s:
        return 0.0
    rise, set_ = sun_hours(day, lat, lon)
    lo, hi = max(start_s, (rise + LOW_SUN_H) * 3600.0), min(end_s, set_ * 3600.0)
    return max(0.0, hi - lo) / (end_s - start_s)


def day_score(w: Weather | None, day: date, lat: float, lon: float, start_s: int, end_s: int) -> float:
    """Score (0…1, higher is better, 3 decimals) of working ``start_s``…``end_s`` on ``day`` at
    ``lat``/``lon`` under forecast ``w`` (module docstring: DL/T 664-2016 §4.3)."""
    cloud = UNKNOWN_CLOUD if w is None or w.cloud_pct is None else min(1.0, max(0.0, w.cloud_pct / 100.0))
    return round(1.0 - (1.0 - cloud) * sunlit_share(day, lat, lon, start_s, end_s), 3)
