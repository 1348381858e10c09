"""A small offline map of a defect's place on its feeder, as an SVG picture for the PDF report.

Drawn from the stored pole coordinates alone — no tiles, no network (utility networks are
closed): the feeder's line through its poles in order, the poles around the defect's pole, the
defect's pole marked, a scale bar and a north arrow.

Projection: local equirectangular about the marked pole, x = R·Δλ·cos φ₀, y = R·Δφ with the
mean Earth radius R = 6 371 008.8 m (IUGG). Over the few hundred metres a map spans the error
against the geodesic is far below a metre (the same approximation as
:func:`irpatrol.registry.geo.equirectangular_m`), so the scale bar is true to the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (m), IUGG."""
SIZE_PX = 300
"""Width and height of the drawing (SVG user units; the PDF scales it to its box)."""
MIN_HALF_SIDE_M = 60.0
"""Smallest half-width of the map (m): a lone pole still shows 120 m around it."""
MAX_HALF_SIDE_M = 800.0
"""Largest half-width of the map (m): beyond it a pole's neighbours would be dots."""
NEIGHBOURS = 4
"""The map spans at least the 4th-nearest pole of the feeder (about two spans each way)."""
MAX_LABELS = 14
"""Pole numbers written on the map, nearest first (more would overlap)."""
NORTH = {"en": "N", "zh": "北"}
"""The north arrow's letter."""


@dataclass(frozen=True)
class MapPole:
    """A pole of the feeder: its number, order along the line and WGS-84 position (degrees)."""

    number: str
    seq: int
    lat: float
    lon: float


def minimap_svg(poles: Sequence[MapPole], marked: str, lang: str = "en") -> str | None:
    """An SVG document: the feeder's ``poles`` around pole ``marked`` (marked in red), the line
    through the poles in ``seq`` order, a scale bar and a north arrow; None when ``marked`` is
    not among ``poles``."""
    centre = next((p for p in poles if p.number == marked), None)
    if centre is None:
        return None
    xy = {p.number: _project(p, centre) for p in poles}
    half = _half_side(sorted(math.hypot(*xy[p.number]) for p in poles if p.number != marked))
    scale = (SIZE_PX / 2) / (half * 1.08)  # px per metre, with a margin inside the frame

    def px(x_m: float, y_m: float) -> tuple[float, float]:
        return SIZE_PX / 2 + x_m * scale, SIZE_PX / 2 - y_m * scale

    ordered = sorted(poles, key=lambda p: (p.seq, p.number))
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE_PX}" height="{SIZE_PX}" '
        f'viewBox="0 0 {SIZE_PX} {SIZE_PX}" font-family="Noto Sans CJK SC, Noto Sans, sans-serif">',
        f'<defs><clipPath id="frame"><rect x="0" y="0" width="{SIZE_PX}" height="{SIZE_PX}"/>'
        "</clipPath></defs>",
        f'<rect x="0.5" y="0.5" width="{SIZE_PX - 1}" height="{SIZE_PX - 1}" fill="#fbfbf8" stroke="#888"/>',
        '<g clip-path="url(#frame)">',
    ]
    if len(ordered) > 1:
        points = " ".join("{:.1f},{:.1f}".format(*px(*xy[p.number])) for p in ordered)
        parts.append(f'<polyline points="{points}" fill="none" stroke="#3a5f8f" stroke-width="1.6"/>')
    inside = [p for p in ordered if _inside(px(*xy[p.number]))]
    labelled = sorted(inside, key=lambda p: math.hypot(*xy[p.number]))[:MAX_LABELS]
    for p in inside:
        if p.number == marked:
            continue
        x, y = px(*xy[p.number])
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#fff" stroke="#333" stroke-width="1.5"/>'
        )
    side = _label_sides(ordered, {p.number: px(*xy[p.number]) for p in ordered})
    for p in labelled:
        if p.number == marked:
            continue
        x, y = px(*xy[p.number])
        nx, ny = side[p.number]
        parts.append(
            f'<text x="{x + 8 * nx:.1f}" y="{y + 10 * ny + 4 + 4 * max(ny, 0):.1f}" font-size="13" '
            f'fill="#333"{_anchor(nx)}>'
            f"{escape(p.number)}</text>"
        )
    x, y = px(0.0, 0.0)
    nx, ny = side[marked]
    parts += [
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="13" fill="none" stroke="#c00000" stroke-width="2.5"/>',
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#c00000"/>',
        f'<text x="{x + 18 * nx:.1f}" y="{y + 18 * ny + 5 + 6 * max(ny, 0):.1f}" font-size="16" '
        'font-weight="bold" '
        f'fill="#c00000"{_anchor(nx)}>{escape(marked)}</text>',
        "</g>",
        *_scale_bar(half, scale),
        *_north_arrow(lang),
        "</svg>",
    ]
    return "\n".join(parts)


def _project(p: MapPole, centre: MapPole) -> tuple[float, float]:
    """(east, north) of ``p`` from ``centre`` in metres (local equirectangular)."""
    phi = math.radians(centre.lat)
    dlon = (p.lon - centre.lon + 180.0) % 360.0 - 180.0
    return (
        math.radians(dlon) * math.cos(phi) * EARTH_RADIUS_M,
        math.radians(p.lat - centre.lat) * EARTH_RADIUS_M,
    )


def _half_side(distances: Sequence[float]) -> float:
    """Half the map's width (m): reaching the :data:`NEIGHBOURS`-th nearest pole, within bounds."""
    if not distances:
        return MIN_HALF_SIDE_M
    reach = distances[min(NEIGHBOURS, len(distances)) - 1]
    return min(max(reach * 1.1, MIN_HALF_SIDE_M), MAX_HALF_SIDE_M)


def _label_sides(
    ordered: Sequence[MapPole], points: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """For each pole, a unit vector across the line at it (on the drawing, pointing right or, for
    a horizontal line, down), so its number sits beside the line rather than on it."""
    sides: dict[str, tuple[float, float]] = {}
    for i, p in enumerate(ordered):
        a = points[ordered[max(i - 1, 0)].number]
        b = points[ordered[min(i + 1, len(ordered) - 1)].number]
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = math.hypot(dx, dy)
        if length == 0.0:
            sides[p.number] = (0.7, -0.7)  # a lone pole: above right
            continue
        nx, ny = -dy / length, dx / length
        if (abs(nx) < 0.3 and ny < 0) or (abs(nx) >= 0.3 and nx < 0):  # below a level line, else right
            nx, ny = -nx, -ny
        sides[p.number] = (nx, ny)
    return sides


def _anchor(nx: float) -> str:
    """Text starting at the point when the label goes right, centred when it goes straight down."""
    return "" if nx > 0.3 else ' text-anchor="middle"'


def _inside(point: tuple[float, float]) -> bool:
    return 0.0 <= point[0] <= SIZE_PX and 0.0 <= point[1] <= SIZE_PX


def nice_length(max_m: float) -> float:
    """The longest 1, 2 or 5 × 10ⁿ metres not above ``max_m`` (the scale bar's length)."""
    exponent = math.floor(math.log10(max_m))
    for step in (5.0, 2.0, 1.0):
        value = step * 10.0**exponent
        if value <= max_m:
            return value
    return 10.0 ** (exponent - 1) * 5.0


def _scale_bar(half_m: float, scale: float) -> list[str]:
    """A bar of a round length, at most 40 % of the map's width, bottom left."""
    length_m = nice_length(0.4 * 2 * half_m)
    length_px = length_m * scale
    x0, y0 = 12.0, SIZE_PX - 14.0
    text = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    return [
        f'<rect x="{x0 - 4}" y="{y0 - 20}" width="{length_px + 8:.1f}" height="28" fill="#fff" '
        'opacity="0.8"/>',
        f'<path d="M{x0},{y0 - 4} V{y0} H{x0 + length_px:.1f} V{y0 - 4}" fill="none" stroke="#111" '
        'stroke-width="1.5"/>',
        f'<text x="{x0 + length_px / 2:.1f}" y="{y0 - 7}" font-size="14" text-anchor="middle" '
        f'fill="#111">{escape(text)}</text>',
    ]


def _north_arrow(lang: str) -> list[str]:
    """An arrow pointing up (the map is drawn north up), top right, with its letter."""
    x, y = SIZE_PX - 24.0, 12.0
    letter = NORTH.get(lang, NORTH["en"])
    return [
        f'<rect x="{x - 13}" y="{y - 4}" width="26" height="54" rx="4" fill="#fff" opacity="0.85"/>',
        f'<path d="M{x},{y} L{x + 9},{y + 28} L{x},{y + 22} L{x - 9},{y + 28} Z" fill="#111"/>',
        f'<text x="{x}" y="{y + 46}" font-size="15" font-weight="bold" text-anchor="middle" '
        f'fill="#111" aria-label={quoteattr(letter)}>{escape(letter)}</text>',
    ]
