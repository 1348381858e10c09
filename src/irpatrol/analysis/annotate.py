"""Annotated thermograms: the false-colour image with hotspot outlines, labels and a colour bar.

Pure: temperatures and marks in, PNG bytes out. The palette and the colour bar come from
:func:`irpatrol.radiometry.render.render_png`; outlines and labels are drawn over the image part
with Pillow's built-in font (no font file is read).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from irpatrol.radiometry import render

SEVERITY_RGB: tuple[tuple[int, int, int], ...] = ((255, 255, 255), (255, 221, 0), (255, 128, 0), (255, 0, 0))
"""Outline colour by severity 0–3 (no defect, general, serious, critical)."""


@dataclass(frozen=True, eq=False)
class Mark:
    """One outline to draw: K×2 (x, y) contour in frame pixels, its label and severity 0–3."""

    contour: np.ndarray
    label: str
    severity: int = 0


def _scale_of(height: int) -> int:
    return math.ceil(render.MIN_RENDER_HEIGHT / height) if height < render.MIN_RENDER_HEIGHT else 1


def annotate_png(celsius: np.ndarray, marks: Sequence[Mark], *, palette: str = "iron",
                 font_px: int = 12, t_range: tuple[float, float] | None = None) -> bytes:
    """PNG of ``celsius`` (°C) in ``palette`` with a colour bar, each mark outlined and labelled.

    The colour scale spans ``t_range`` (°C), by default the scene's
    (:func:`irpatrol.radiometry.render.scene_range`) up to the hottest pixel within a graded mark
    (severity ≥ 1), so a graded hotspot shows in its own colour while a lone hot pixel elsewhere
    (an exhaust, a lamp) no longer darkens the rest of the frame. Labels sit beside their outline
    (above its top-left corner when there is room, :func:`_place`), clear of every outline and
    label where the frame allows, on a dark box so they read on any palette colour, within the image
    (never over the colour bar).
    """
    c = np.asarray(celsius, dtype=np.float32)
    lo, hi = t_range if t_range is not None else render.scene_range(c, _hottest_graded(c, marks))
    png = render.render_png(c, palette, t_min=lo, t_max=hi, colorbar=True)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    s = _scale_of(int(c.shape[0]))
    # the image part, left of the colour bar; less a pixel, as Pillow fills a box's far edge too
    frame_size = (int(c.shape[1]) * s - 1, int(c.shape[0]) * s - 1)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=font_px)
    ordered = sorted(marks, key=lambda m: -m.severity)  # the most severe get the first places
    outlines = [[(float(x), float(y))
                 for x, y in np.asarray(m.contour, dtype=np.float64).reshape(-1, 2) * s + s / 2]
                for m in ordered]
    for mark, pts in reversed(list(zip(ordered, outlines, strict=True))):  # the most severe on top
        colour = _colour(mark.severity)
        if len(pts) > 1:
            draw.line([*pts, pts[0]], fill=(0, 0, 0), width=3)
            draw.line([*pts, pts[0]], fill=colour, width=1)
        elif pts:
            draw.rectangle([pts[0][0] - 2, pts[0][1] - 2, pts[0][0] + 2, pts[0][1] + 2], outline=colour)
    boxes = [(min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))
             if pts else None for pts in outlines]
    # every outline's box, 2 px wider (the 3 px black edge drawn under it), for the labels to keep clear of
    kept = [(b[0] - 2, b[1] - 2, b[2] + 2, b[3] + 2) for b in boxes if b is not None]
    placed: list[tuple[float, float, float, float]] = []
    for mark, pts, outline_box in zip(ordered, outlines, boxes, strict=True):
        if outline_box is None:
            continue
        left, top, right, bottom = draw.textbbox((0, 0), mark.label, font=font)
        box = _place(outline_box, (right - left + 4, bottom - top + 4), placed, kept, frame_size)
        placed.append(box)
        leader = _leader(box, pts)
        if leader is not None:  # a label set apart points at its outline
            draw.line(leader, fill=(0, 0, 0), width=3)
            draw.line(leader, fill=_colour(mark.severity), width=1)
        draw.rectangle(box, fill=(0, 0, 0))
        draw.text((box[0] + 2, box[1] + 2 - top), mark.label, fill=_colour(mark.severity), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _hottest_graded(celsius: np.ndarray, marks: Sequence[Mark]) -> float | None:
    """The hottest finite pixel (°C) within the bounding boxes of the marks graded general or worse
    (severity ≥ 1), None when there are none: the hotspot's T1 lies inside its outline."""
    h, w = celsius.shape
    hottest = None
    for mark in marks:
        if mark.severity < 1:
            continue
        xy = np.asarray(mark.contour, dtype=np.float64).reshape(-1, 2)
        if not len(xy):
            continue
        x0, y0 = (max(0, int(np.floor(v))) for v in xy.min(axis=0))
        x1, y1 = (int(np.ceil(v)) + 1 for v in xy.max(axis=0))
        part = celsius[y0: min(h, y1), x0: min(w, x1)]
        part = part[np.isfinite(part)]
        if part.size:
            top = float(part.max())
            hottest = top if hottest is None else max(hottest, top)
    return hottest


LEADER_MIN_PX = 6.0
"""A label box farther than this (px) from its outline gets a line pointing at the outline."""


def _leader(box: tuple[float, float, float, float], pts: list[tuple[float, float]],
            ) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The line from a label ``box`` to the nearest point of its outline ``pts`` (both ends in image
    px), when that point lies more than :data:`LEADER_MIN_PX` from the box; else None."""
    def nearest_on_box(x: float, y: float) -> tuple[float, float]:
        return min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])

    gaps = [(math.dist(nearest_on_box(x, y), (x, y)), (x, y)) for x, y in pts]
    gap, point = min(gaps)
    return (nearest_on_box(*point), point) if gap > LEADER_MIN_PX else None


def _colour(severity: int) -> tuple[int, int, int]:
    return SEVERITY_RGB[max(0, min(severity, len(SEVERITY_RGB) - 1))]


def _place(outline: tuple[float, float, float, float], size: tuple[float, float],
           placed: list[tuple[float, float, float, float]], kept: list[tuple[float, float, float, float]],
           image_size: tuple[int, int]) -> tuple[float, float, float, float]:
    """A label box of ``size`` beside an outline's box (x0, y0, x1, y1), within ``image_size`` and clear
    of the ``placed`` labels and of every outline's box in ``kept`` (a label over a hotspot hides
    it): above the outline, else below, right of it, left of it, then stepped further below and
    above (greedy, first fit). When none is clear, the first of those clear of the labels, else
    above the outline, moved into the image."""
    x0, y_top, x1, y_bottom = outline
    w, h = size

    def at(x: float, y: float) -> tuple[float, float, float, float]:
        x = min(max(0.0, x), max(0.0, image_size[0] - w))
        return (x, y, x + w, y + h)

    candidates = [at(x0, y_top - h - 2), at(x0, y_bottom + 3), at(x1 + 3, y_top), at(x0 - w - 3, y_top),
                  *(at(x0, y_bottom + 3 + k * (h + 1)) for k in range(1, 8)),
                  *(at(x0, y_top - h - 2 - k * (h + 1)) for k in range(1, 8))]
    inside = [b for b in candidates if b[1] >= 0 and b[3] <= image_size[1]]
    for clear_of in (placed + kept, placed):
        for box in inside:
            if not any(_overlap(box, b) for b in clear_of):
                return box
    y = min(max(0.0, y_top - h - 2), image_size[1] - h)
    return at(x0, y)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
