"""Annotated PNG: palette image, outlines in the severity colour, labels and a colour bar."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from analysis.scenes import paste_clamps, synthetic_background, three_phase
from irpatrol.analysis import find_hotspots
from irpatrol.analysis.annotate import SEVERITY_RGB, Mark, annotate_png


def test_outline_label_and_colour_bar_are_drawn() -> None:
    scene = paste_clamps(synthetic_background((256, 320)), three_phase((256, 320)), plateau_c=30.0,
                         heat_k=[0.0, 9.0, 0.0])
    (hot,) = find_hotspots(scene, ambient_c=15.0)
    png = annotate_png(scene, [Mark(hot.contour, "T1 39.0°C dT 9.0 K serious", severity=2)])
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert image.shape[0] == 256 and image.shape[1] > 320  # colour bar appended on the right
    x, y = (int(v) for v in hot.contour[0])
    assert tuple(image[y, x]) == SEVERITY_RGB[2]
    plain = np.asarray(Image.open(io.BytesIO(annotate_png(scene, []))).convert("RGB"))
    changed = np.any(image != plain, axis=2)
    bx, by, _bw, bh = hot.bbox
    assert changed[: by, bx: bx + 120].any(), "label expected above the outline"
    assert not changed[by + bh + 20:, :].any()


def test_small_frames_are_enlarged_and_marks_follow() -> None:
    frame = np.full((60, 80), 20.0, np.float32)
    frame[30:34, 40:44] = 50.0
    contour = np.array([[40, 30], [43, 30], [43, 33], [40, 33]])
    png = annotate_png(frame, [Mark(contour, "x", severity=3)])
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert image.shape[0] == 240  # 4× to reach the minimum render height
    assert tuple(image[30 * 4 + 2, 40 * 4 + 2]) == SEVERITY_RGB[3]
