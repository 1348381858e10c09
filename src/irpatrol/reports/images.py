"""The pictures of a report: the thermogram of an image in a palette with the finding outlined,
and the visible photo embedded in the same file when there is one."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from irpatrol.errors import IrPatrolError
from irpatrol.registry.model import Finding, Image
from irpatrol.reports.content import ImageLoader

log = logging.getLogger(__name__)

OUTLINE_RGB = (0, 255, 255)


def stored_file(image: Image, data_dir: Path) -> Path | None:
    """Where the image's file is: ``stored_path`` as is when absolute, else under ``data_dir``."""
    if not image.stored_path:
        return None
    path = Path(image.stored_path)
    return path if path.is_absolute() else data_dir / path


def file_loader(data_dir: Path, palette: str = "iron") -> ImageLoader:
    """An :data:`irpatrol.reports.content.ImageLoader` reading stored files under ``data_dir``."""

    def load(image: Image, finding: Finding | None) -> tuple[bytes | None, bytes | None]:
        path = stored_file(image, data_dir)
        if path is None or not path.exists():
            return None, None
        try:
            from irpatrol.radiometry import read

            thermogram = read(path)
            return outlined_png(thermogram.celsius, finding, palette), thermogram.visible_jpeg
        except (IrPatrolError, OSError) as exc:  # a damaged file must not stop the report
            log.warning("report image %s skipped: %s", path, exc)
            return None, None

    return load


def display_range(celsius: np.ndarray) -> tuple[float, float]:
    """Colour-scale ends (°C) that show the scene: the 0.5th and 99.5th percentiles, so a small
    hotspot saturates to the hottest colour instead of turning the rest of the frame dark."""
    finite = celsius[np.isfinite(celsius)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = (float(v) for v in np.percentile(finite, [0.5, 99.5]))
    return lo, max(hi, lo + 0.5)


def outlined_png(celsius: np.ndarray, finding: Finding | None, palette: str = "iron") -> bytes:
    """The thermogram in ``palette`` (no colour bar) with the finding's box and hottest point."""
    from irpatrol.radiometry.render import colorize

    lo, hi = display_range(celsius)
    img = PILImage.fromarray(colorize(celsius, palette, lo, hi))
    if finding is not None:
        draw = ImageDraw.Draw(img)
        x, y, w, h = finding.bbox_x, finding.bbox_y, finding.bbox_w, finding.bbox_h
        pad = max(4, img.width // 80)
        draw.rectangle((x - pad, y - pad, x + w + pad, y + h + pad), outline=OUTLINE_RGB,
                       width=max(2, img.width // 200))
        if finding.max_x is not None and finding.max_y is not None:
            mx, my = finding.max_x, finding.max_y
            draw.line((mx - 6, my, mx + 6, my), fill=(255, 255, 255), width=1)
            draw.line((mx, my - 6, mx, my + 6), fill=(255, 255, 255), width=1)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
