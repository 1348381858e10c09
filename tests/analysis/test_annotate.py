"""Annotated PNG: palette image, outlines in the severity colour, labels and a colour bar."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from analysis.scenes import paste_clamps, synthetic_background, three_phase
from irpatrol.analysis import find_hotspots
from irpatrol.analysis.annotate import SEVERITY_RGB, Mark, annotate_png
from irpatrol.radiometry.render import scene_range


def test_outline_label_and_colour_bar_are_drawn() -> None:
    scene = paste_clamps(synthetic_background((256, 320)), three_phase((256, 320)), plateau_c=30.0,
                         heat_k=[0.0, 9.0, 0.0])
    (hot,) = find_hotspots(scene, ambient_c=15.0)
    png = annotate_png(scene, [Mark(hot.contour, "T1 39.0°C dT 9.0 K serious", severity=2)])
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert image.shape[0] == 256 and image.shape[1] > 320  # colour bar appended on the right
    x, y = (int(v) for v in hot.contour[0])
    assert tuple(image[y, x]) == SEVERITY_RGB[2]
    # the same colour scale without the mark: the scene's, up to the graded hotspot's T1
    same_scale = scene_range(scene, hot.t_max_c)
    plain = np.asarray(Image.open(io.BytesIO(annotate_png(scene, [], t_range=same_scale))).convert("RGB"))
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


def _rgb(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _ground_with_an_exhaust() -> tuple[np.ndarray, np.ndarray]:
    """Ground from 15 to 20 °C left to right and a 3×3 px exhaust at 175 °C (the shared DJI H30T
    frame's building site), and the exhaust's outline."""
    frame = np.tile(np.linspace(15.0, 20.0, 320, dtype=np.float32), (256, 1))
    frame[100:103, 200:203] = 175.0
    return frame, np.array([[200, 100], [202, 100], [202, 102], [200, 102]])


def test_a_lone_hot_pixel_that_is_not_graded_does_not_darken_the_scene() -> None:
    frame, outline = _ground_with_an_exhaust()
    image = _rgb(annotate_png(frame, [Mark(outline, "T1 175.0°C unrated", severity=0)]))
    cool, warm = image[200, 10], image[200, 310]  # 15.2 and 19.8 °C
    assert np.abs(cool - warm).sum() > 200  # the ground's 5 K span over the palette
    full = _rgb(annotate_png(frame, [], t_range=(15.0, 175.0)))
    assert np.abs(full[200, 10] - full[200, 310]).sum() < np.abs(cool - warm).sum() / 3


def test_a_graded_hotspot_keeps_its_own_colour_apart_from_its_reference() -> None:
    frame, outline = _ground_with_an_exhaust()
    frame[150:153, 200:203] = 60.0  # a cooler part, as the reference
    image = _rgb(annotate_png(frame, [Mark(outline, "T1 175.0°C critical", severity=3)], font_px=6))
    assert np.abs(image[101, 201] - image[151, 201]).sum() > 100  # 175 °C does not look like 60 °C


def test_labels_stay_on_the_image_beside_the_colour_bar() -> None:
    frame = np.full((256, 320), 20.0, np.float32)
    frame[120:124, 314:318] = 40.0
    outline = np.array([[314, 120], [317, 120], [317, 123], [314, 123]])
    plain = _rgb(annotate_png(frame, [], t_range=(20.0, 40.0)))
    marked = _rgb(annotate_png(frame, [Mark(outline, "T1 40.0°C dT 20.0 K critical", severity=3)],
                               t_range=(20.0, 40.0)))
    changed = np.any(marked != plain, axis=2)
    assert changed[:, :320].any()
    assert not changed[:, 320:].any()  # the colour bar is left as drawn


def _square(x: int, y: int, size: int) -> np.ndarray:
    return np.array([[x, y], [x + size, y], [x + size, y + size], [x, y + size]])


def test_a_label_does_not_cover_another_hotspot_when_there_is_room() -> None:
    frame = np.full((256, 320), 20.0, np.float32)
    lower, upper = _square(100, 110, 12), _square(100, 88, 12)  # the lower one's label would go above it
    frame[110:123, 100:113] = 45.0
    frame[88:101, 100:113] = 35.0
    image = _rgb(annotate_png(frame, [Mark(lower, "T1 45.0°C dT 15.0 K critical", severity=3),
                                      Mark(upper, "T1 35.0°C dT 5.0 K general", severity=1)],
                              t_range=(20.0, 45.0)))
    for outline, severity in ((lower, 3), (upper, 1)):
        for x, y in outline:  # the outline's corners keep its colour: no label box over them
            assert tuple(image[y, x]) == SEVERITY_RGB[severity]


def test_a_label_set_apart_points_at_its_outline() -> None:
    frame = np.full((256, 320), 20.0, np.float32)
    marks = [Mark(_square(150, 100, 10), f"hotspot {k}", severity=2) for k in range(5)]  # one place
    image = _rgb(annotate_png(frame, marks, t_range=(20.0, 40.0)))
    plain = _rgb(annotate_png(frame, marks[:1], t_range=(20.0, 40.0)))
    orange = np.all(image == SEVERITY_RGB[2], axis=2) & ~np.all(plain == SEVERITY_RGB[2], axis=2)
    # the labels stacked away from the shared outline are tied to it by lines in its colour
    assert orange[:, 148:153].sum() > 20
