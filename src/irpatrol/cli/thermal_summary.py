"""What ``irpatrol thermal read`` says of one frame: the ``--json`` object (:func:`summary`;
temperatures °C, distances m) and its human-readable form (:func:`text_block`)."""

from __future__ import annotations

import math
from typing import Any


def _round(v: float | None, digits: int) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), digits)


def summary(name: str, t: Any, distance_source: str = "embedded") -> dict[str, Any]:
    """The ``thermal read --json`` object of one frame (temperatures in °C, distances in m)."""
    import numpy as np

    c = t.celsius
    finite = c[np.isfinite(c)]
    stats = (
        (float(finite.min()), float(finite.max()), float(finite.mean(dtype=np.float64)))
        if finite.size
        else (None, None, None)
    )
    p, m = t.params, t.meta
    gps, gimbal = m.gps, m.gimbal
    return {
        "file": name,
        "frame": t.frame,
        "camera": t.camera or None,
        "make": m.make,
        "model": m.model,
        "source_format": t.source_format,
        "width": t.width,
        "height": t.height,
        "t_min_c": _round(stats[0], 4),
        "t_max_c": _round(stats[1], 4),
        "t_mean_c": _round(stats[2], 4),
        "t_center_c": _round(t.center_c, 4),
        "emissivity": _round(p.emissivity, 6),
        "distance_m": _round(p.distance_m, 6),
        "distance_source": distance_source,
        "reflected_c": _round(p.reflected_c, 6),
        "humidity": _round(p.humidity, 6),
        "atmospheric_c": _round(p.atmospheric_c, 6),
        "lat": gps.lat if gps else None,
        "lon": gps.lon if gps else None,
        "alt_m": gps.alt_m if gps else None,
        "rel_alt_m": gps.rel_alt_m if gps else None,
        "gimbal_yaw": gimbal.yaw if gimbal else None,
        "gimbal_pitch": gimbal.pitch if gimbal else None,
        "gimbal_roll": gimbal.roll if gimbal else None,
        "lrf_distance_m": m.lrf_distance_m,
        "captured_at": m.captured_at.isoformat() if m.captured_at else None,
        "plugin": t.details.get("plugin"),
        **_validity(t),
    }


def _validity(t: Any) -> dict[str, Any]:
    """``flags`` (``outside-calibrated-range`` when any pixel is outside the camera's stated range
    or RawValueRange), the calibrated range (°C) and how many pixels lie outside it."""
    from irpatrol.radiometry import validity

    outside = validity.outside_count(t)
    rng = validity.calibrated_range_c(t)
    return {
        "flags": [validity.OUTSIDE_CALIBRATED_RANGE] if outside else [],
        "calibrated_range_c": None if rng is None else [_round(rng[0], 4), _round(rng[1], 4)],
        "outside_calibrated_px": outside,
        "raw_byte_order": t.details.get("raw_byte_order"),
        "byte_order_evidence": t.details.get("byte_order_evidence"),
        "tiff_scale_k": t.details.get("scale_k"),
    }


_TEXT_ROWS = (
    (
        "temperature",
        (
            ("min", "t_min_c", " °C"),
            ("max", "t_max_c", " °C"),
            ("mean", "t_mean_c", " °C"),
            ("centre", "t_center_c", " °C"),
        ),
    ),
    (
        "parameters",
        (
            ("emissivity", "emissivity", ""),
            ("distance", "distance_m", " m"),
            ("reflected", "reflected_c", " °C"),
            ("humidity", "humidity", " %"),
            ("atmospheric", "atmospheric_c", " °C"),
        ),
    ),
    (
        "position",
        (("lat", "lat", ""), ("lon", "lon", ""), ("alt", "alt_m", " m"), ("rel. alt", "rel_alt_m", " m")),
    ),
    ("gimbal", (("yaw", "gimbal_yaw", "°"), ("pitch", "gimbal_pitch", "°"), ("roll", "gimbal_roll", "°"))),
    ("rangefinder", (("", "lrf_distance_m", " m"),)),
    ("time", (("", "captured_at", ""),)),
)


def text_block(s: dict[str, Any]) -> str:
    """The human-readable form of one :func:`summary`: a title line, then one line per group."""

    def value(key: str, unit: str) -> str:
        v = s[key]
        return "–" if v is None else f"{v:g}{unit}" if isinstance(v, float) else f"{v}{unit}"

    frame = f" frame {s['frame']}" if s["frame"] else ""
    camera = s["camera"] or "unknown camera"
    lines = [f"{s['file']}{frame}: {camera} ({s['source_format']}), {s['width']}×{s['height']}"]
    for title, fields in _TEXT_ROWS:
        if all(s[key] is None for _, key, _ in fields) and title in ("gimbal", "rangefinder"):
            continue
        parts = [f"{label} {value(key, unit)}".strip() for label, key, unit in fields]
        lines.append(f"  {title:<12} " + "  ".join(parts))
    if s.get("flags"):
        rng = s.get("calibrated_range_c")
        within = f" {rng[0]:g}…{rng[1]:g} °C" if rng else ""
        lines.append(
            f"  {'validity':<12} {', '.join(s['flags'])}: {s['outside_calibrated_px']} px outside{within}"
        )
    return "\n".join(lines)
