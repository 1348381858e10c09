"""Matching a mission's photos to the project's poles (pure).

The acceptance mission names each shot with the pole id as its file suffix (DJI WPML
``fileSuffix``; DJI Pilot appends it to the file name, e.g. ``DJI_20260501101530_0003_T_1042.JPG``).
A photo whose name carries no known pole id is matched by its GPS position to the nearest pole
within :data:`MAX_DISTANCE_M`. ``_T`` / ``_IR`` in the name or a radiometric file marks an
infrared shot, anything else a visible one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

MAX_DISTANCE_M = 30.0
"""Farthest a photo's GPS position may be from a pole to be matched to it (m): a drone shooting a
pole from the mission's stand-off (≈ 10–15 m) plus GNSS error."""
_SUFFIX = re.compile(r"_(\d+)\.[A-Za-z0-9]+$")
_THERMAL = re.compile(r"(^|_)(T|IR|THERMAL)(_|\.|$)", re.IGNORECASE)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (m, haversine on a 6 371 008.8 m sphere)."""
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def match_pole(
    name: str, lat: float | None, lon: float | None, poles: Mapping[int, tuple[float, float]]
) -> int | None:
    """The pole id a photo belongs to: the pole id at the end of its name when it is one of
    ``poles`` (id → (lat, lon)), else the nearest pole within MAX_DISTANCE_M, else None."""
    m = _SUFFIX.search(name)
    if m and int(m.group(1)) in poles:
        return int(m.group(1))
    if lat is None or lon is None or not poles:
        return None
    best = min(poles, key=lambda pid: distance_m(lat, lon, *poles[pid]))
    return best if distance_m(lat, lon, *poles[best]) <= MAX_DISTANCE_M else None


def is_thermal_name(name: str) -> bool:
    """True when the file name marks an infrared shot (``_T``, ``_IR``, ``_THERMAL``)."""
    stem = name.rsplit(".", 1)[0]
    return bool(_THERMAL.search(stem))
