"""Analysis: hotspots with their references, and measurement tools (pure; knows no standard).

* :func:`find_hotspots` → :class:`Hotspot` (T1, T2, T0, ΔT, τ, δ, validity flags);
* :func:`spot`, :func:`box`, :func:`polygon`, :func:`line_profile` → :class:`Measurement`.
"""

from __future__ import annotations

from irpatrol.analysis.hotspots import Hotspot, find_hotspots
from irpatrol.analysis.measure import LineProfile, Measurement, box, line_profile, polygon, spot
from irpatrol.analysis.segmentation import BBox

__all__ = [
    "BBox",
    "Hotspot",
    "LineProfile",
    "Measurement",
    "box",
    "find_hotspots",
    "line_profile",
    "polygon",
    "spot",
]
