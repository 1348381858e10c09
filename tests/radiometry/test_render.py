"""Palettes, colour mapping, isotherm and PNG rendering."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from irpatrol.errors import ParameterError
from irpatrol.radiometry import render
from irpatrol.radiometry.palettes import PALETTES, build_lut, get_palette, palette_names

REQUIRED = {"iron", "rainbow", "white-hot", "black-hot", "lava", "arctic"}


def _luminance(lut: np.ndarray) -> np.ndarray:
    """Rec. 709 relative luminance of 8-bit RGB (not linearised; enough to check monotony)."""
    return lut.astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722])


def test_required_palettes_have_256_rgb_entries() -> None:
    assert set(palette_names()) >= REQUIRED
    for p in PALETTES.values():
        assert p.lut.shape == (256, 3) and p.lut.dtype == np.uint8
        assert len({tuple(row) for row in p.lut}) > 200, p.name  # a smooth ramp, not a few bands


def test_white_hot_rises_and_black_hot_falls_in_luminance() -> None:
    assert np.all(np.diff(_luminance(get_palette("white-hot").lut)) > 0)
    assert np.all(np.diff(_luminance(get_palette("black-hot").lut)) < 0)


@pytest.mark.parametrize("name", ["iron", "lava", "arctic"])
def test_hot_end_is_brighter_than_cold_end(name: str) -> None:
    lum = _luminance(get_palette(name).lut)
    assert lum[-1] > lum[0] + 150


def test_isotherm_colour_is_not_in_the_palette() -> None:
    for p in PALETTES.values():
        distance = np.abs(p.lut.astype(int) - np.array(p.isotherm_rgb)).sum(axis=1).min()
        assert distance > 60, p.name


def test_build_lut_rejects_unordered_points() -> None:
    with pytest.raises(ValueError, match="rise strictly"):
        build_lut(((0.0, 0, 0, 0), (0.5, 1, 1, 1), (0.4, 2, 2, 2), (1.0, 3, 3, 3)))


def test_colorize_maps_the_range_ends_to_the_palette_ends() -> None:
    c = np.array([[-5.0, 10.0, 20.0, 30.0, np.nan]], np.float32)
    rgb = render.colorize(c, "iron", 10.0, 30.0)
    lut = get_palette("iron").lut
    assert rgb.shape == (1, 5, 3) and rgb.dtype == np.uint8
    assert tuple(rgb[0, 0]) == tuple(lut[0]) == tuple(rgb[0, 1]) == tuple(rgb[0, 4])
    assert tuple(rgb[0, 3]) == tuple(lut[255])
    assert tuple(rgb[0, 2]) in {tuple(lut[127]), tuple(lut[128])}


def test_unknown_palette_lists_the_known_ones() -> None:
    with pytest.raises(ParameterError, match="iron, rainbow"):
        render.colorize(np.zeros((2, 2), np.float32), "sepia", 0, 1)


def _png(data: bytes) -> np.ndarray:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_png_without_colour_bar_has_the_frame_shape() -> None:
    c = np.linspace(0, 50, 320 * 256, dtype=np.float32).reshape(256, 320)
    img = _png(render.render_png(c, "white-hot", colorbar=False))
    assert img.shape == (256, 320, 3)
    assert img[0, 0].sum() == 0 and tuple(img[-1, -1]) == (255, 255, 255)


def test_colour_bar_is_drawn_beside_the_frame() -> None:
    c = np.linspace(0, 50, 320 * 256, dtype=np.float32).reshape(256, 320)
    img = _png(render.render_png(c, "iron"))
    assert img.shape[0] == 256 and img.shape[1] > 320 + 30
    np.testing.assert_array_equal(img[:, :320], render.colorize(c, "iron", 0.0, 50.0))


def test_isotherm_paints_hotter_pixels() -> None:
    c = np.tile(np.linspace(20, 80, 300, dtype=np.float32), (250, 1))
    img = _png(render.render_png(c, "iron", isotherm_c=60.0, colorbar=False))
    hot = c > 60.0
    assert np.all(img[hot] == np.array(get_palette("iron").isotherm_rgb))
    assert not np.any(np.all(img[~hot] == np.array(get_palette("iron").isotherm_rgb), axis=1))


def test_small_frames_are_enlarged_by_a_whole_factor() -> None:
    img = _png(render.render_png(np.zeros((60, 80), np.float32), "rainbow", colorbar=False))
    assert img.shape == (240, 320, 3)


def test_bad_ranges_are_refused() -> None:
    with pytest.raises(ParameterError, match="below t_min"):
        render.render_png(np.zeros((4, 4), np.float32), t_min=30, t_max=20)
    with pytest.raises(ParameterError, match="H×W"):
        render.render_png(np.zeros((4,), np.float32))


def test_nice_ticks_are_round_and_inside_the_range() -> None:
    ticks = render._nice_ticks(19.1, 56.5)
    assert ticks[0] >= 19.1 and ticks[-1] <= 56.5 and len(ticks) >= 4
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0]) and steps[0] in (2, 2.5, 5, 10)


@pytest.mark.parametrize(
    ("value", "step", "text"),
    [(24.75, 0.25, "24.75"), (25.0, 0.25, "25.00"), (12.5, 2.5, "12.5"), (40.0, 10, "40")],
)
def test_tick_labels_show_the_step_exactly(value: float, step: float, text: str) -> None:
    assert render._label(value, step) == text
