"""The pictures of a report: the thermogram of an image in a palette with the finding outlined,
and the visible photo embedded in the same file when there is one."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from irpatrol.errors import IrPatrolError, NotFound
from irpatrol.radiometry.thermogram import Thermogram
from irpatrol.registry.model import Finding, Image
from irpatrol.registry.store import stored_file, visible_jpeg
from irpatrol.reports.content import ImageLoader

log = logging.getLogger(__name__)

OUTLINE_RGB = (0, 255, 255)


def file_loader(data_dir: Path, palette: str = "iron",
                ranges: dict[int, tuple[float, float]] | None = None) -> ImageLoader:
    """An :data:`irpatrol.reports.content.ImageLoader` reading stored files under ``data_dir``.

    ``ranges`` maps a patrol id to its fixed colour range (°C); other images use their own
    minimum and maximum. Every picture carries its colour bar with the °C scale."""

    def load(image: Image, finding: Finding | None) -> tuple[bytes | None, bytes | None]:
        try:
            path = stored_file(image, data_dir)
        except NotFound:
            return None, None
        try:
            from irpatrol.radiometry import read

            thermogram = read(path)
            if finding is not None and finding.params:
                thermogram = _with_finding_params(thermogram, finding.params)
            fixed = (ranges or {}).get(image.patrol_id or -1)
            png = outlined_png(thermogram.celsius, finding, palette, t_range=fixed)
            return png, visible_jpeg(image, data_dir, thermogram.visible_jpeg)
        except (IrPatrolError, OSError) as exc:  # a damaged file must not stop the report
            log.warning("report image %s skipped: %s", path, exc)
            return None, None

    return load


def _with_finding_params(thermogram: Thermogram, params: dict[str, object]) -> Thermogram:
    """The thermogram as the finding's last recompute saw it (so picture and numbers agree)."""
    keys = ("emissivity", "distance_m", "reflected_c")
    values = {k: float(v) for k in keys if isinstance((v := params.get(k)), int | float)}
    if not values:
        return thermogram
    try:
        return thermogram.with_params(**values)
    except IrPatrolError:
        return thermogram


def full_range(celsius: np.ndarray) -> tuple[float, float]:
    """Colour-scale ends (°C): the frame's coldest and hottest finite pixel (at least 0.5 K
    apart), so a 100 °C clamp never looks like its 25 °C neighbours. (An overview with the tails
    clipped: :func:`irpatrol.radiometry.render.scene_range`.)"""
    finite = celsius[np.isfinite(celsius)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    return lo, max(hi, lo + 0.5)


def thermal_png(
    celsius: np.ndarray,
    palette: str = "iron",
    *,
    t_range: tuple[float, float] | None = None,
    isotherm_c: float | None = None,
    colorbar: bool = True,
    boxes: Sequence[tuple[int, int, int, int]] = (),
    mark: tuple[int, int] | None = None,
    width: int = 0,
) -> bytes:
    """The thermogram in ``palette`` with its colour bar (°C scale), ``t_range`` (°C; default
    :func:`full_range`), pixels above ``isotherm_c`` in the isotherm colour, ``boxes`` (x, y, w, h
    in image pixels) outlined, a cross at ``mark``; scaled to ``width`` px when smaller."""
    from irpatrol.radiometry.render import render_png

    lo, hi = t_range if t_range is not None else full_range(celsius)
    png = render_png(celsius, palette, t_min=lo, t_max=max(hi, lo + 0.1), isotherm_c=isotherm_c,
                     colorbar=colorbar)
    img = PILImage.open(io.BytesIO(png)).convert("RGB")
    if boxes or mark is not None:
        k = img.height / celsius.shape[0]  # small frames are enlarged by a whole factor
        draw = ImageDraw.Draw(img)
        pad = max(4, round(celsius.shape[1] * k) // 80)
        for x, y, w, h in boxes:
            draw.rectangle((x * k - pad, y * k - pad, (x + w) * k + pad, (y + h) * k + pad),
                           outline=OUTLINE_RGB, width=max(2, img.width // 250))
        if mark is not None:
            mx, my = mark[0] * k + k / 2, mark[1] * k + k / 2
            draw.line((mx - 6, my, mx + 6, my), fill=(255, 255, 255), width=1)
            draw.line((mx, my - 6, mx, my + 6), fill=(255, 255, 255), width=1)
    if width and width < img.width:
        img = img.resize((width, max(1, round(img.height * width / img.width))), PILImage.Resampling.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=3)
    return buf.getvalue()


def outlined_png(celsius: np.ndarray, finding: Finding | None, palette: str = "iron", *,
                 t_range: tuple[float, float] | None = None) -> bytes:
    """The thermogram in ``palette`` with its colour bar, the finding's box and hottest point."""
    boxes: list[tuple[int, int, int, int]] = []
    mark = None
    if finding is not None:
        boxes.append((finding.bbox_x, finding.bbox_y, finding.bbox_w, finding.bbox_h))
        if finding.max_x is not None and finding.max_y is not None:
            mark = (finding.max_x, finding.max_y)
    return thermal_png(celsius, palette, t_range=t_range, boxes=boxes, mark=mark)
