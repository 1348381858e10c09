"""find_hotspots on scenes with known T1, T2 and T0, real and synthetic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.scenes import CLAMP_H, CLAMP_W, paste_clamps, synthetic_background, three_phase
from irpatrol.analysis import find_hotspots
from irpatrol.analysis.background import background, check_frame
from irpatrol.conditions import Conditions
from irpatrol.errors import InputError, ParameterError
from irpatrol.radiometry import read

PLATEAU_C = 24.0
HEAT_K = 12.0


@pytest.fixture(scope="module")
def real_background(samples: Path) -> np.ndarray:
    """The celsius frame of a real DJI M30T image (640×512, 11.9–23.1 °C)."""
    return read(samples / "dji_m30t_iirp.jpg").celsius


def _centers(shape: tuple[int, ...]) -> list[tuple[int, int]]:
    h, w = shape
    return [(w // 2 - 120, h // 2), (w // 2, h // 2), (w // 2 + 120, h // 2)]


def _contains(bbox: tuple[int, int, int, int] | list[int], xy: tuple[int, int]) -> bool:
    x, y, w, h = bbox
    return x <= xy[0] < x + w and y <= xy[1] < y + h


def test_real_background_heated_clamp_found_with_the_other_two_as_t2(real_background: np.ndarray) -> None:
    centers = _centers(real_background.shape)
    scene = paste_clamps(real_background, centers, plateau_c=PLATEAU_C, heat_k=[0.0, HEAT_K, 0.0])
    hotspots = find_hotspots(scene, ambient_c=14.0)
    on_clamps = [h for h in hotspots if any(_contains(h.bbox, c) for c in centers)]
    assert len(on_clamps) == 1
    hot = on_clamps[0]
    assert _contains(hot.bbox, centers[1])
    assert hot.max_xy == centers[1]
    assert hot.t_max_c == pytest.approx(PLATEAU_C + HEAT_K, abs=1e-3)
    assert hot.t2_source == "similar-component"
    assert hot.t2_c == pytest.approx(PLATEAU_C, abs=1e-3)
    peers = {tuple(b) for b in hot.peer_bboxes}
    assert len(peers) == 2 and all(any(_contains(b, c) for b in peers) for c in (centers[0], centers[2]))
    assert (hot.t0_c, hot.t0_source) == (14.0, "user")
    expected_pct = 100.0 * HEAT_K / (PLATEAU_C + HEAT_K - 14.0)
    assert hot.delta_pct is not None and abs(hot.delta_pct - expected_pct) < 1.0
    assert hot.delta_t_k == pytest.approx(HEAT_K, abs=1e-3)
    assert hot.rise_k == pytest.approx(PLATEAU_C + HEAT_K - 14.0, abs=1e-3)
    assert hot.bbox[2:] == (CLAMP_W, CLAMP_H)


def test_real_background_three_equal_clamps_give_no_hotspot(real_background: np.ndarray) -> None:
    centers = _centers(real_background.shape)
    scene = paste_clamps(real_background, centers, plateau_c=PLATEAU_C, heat_k=[2.0, 2.0, 2.0])
    hotspots = find_hotspots(scene, ambient_c=14.0)
    assert not [h for h in hotspots if any(_contains(h.bbox, c) for c in centers)]


def test_ambient_defaults_to_the_background_median(real_background: np.ndarray) -> None:
    scene = paste_clamps(real_background, _centers(real_background.shape), plateau_c=PLATEAU_C,
                         heat_k=[0.0, HEAT_K, 0.0])
    hot = find_hotspots(scene)[0]
    bg = background(scene)
    expected = float(np.median(scene[scene <= bg.threshold_c]))
    assert hot.t0_source == "background-median"
    assert hot.t0_c == pytest.approx(expected, abs=2 * bg.bin_k + 1e-6)
    assert hot.delta_pct == pytest.approx(100 * HEAT_K / (PLATEAU_C + HEAT_K - hot.t0_c), abs=0.01)


def test_user_reference_region_sets_t2_and_is_not_reported() -> None:
    centers = three_phase()
    scene = paste_clamps(synthetic_background(), centers, plateau_c=30.0, heat_k=[0.0, 5.0, 9.0])
    left = (centers[0][0] - CLAMP_W, centers[0][1] - CLAMP_H, 2 * CLAMP_W, 2 * CLAMP_H)
    hotspots = find_hotspots(scene, reference_bbox=left, ambient_c=15.0)
    assert [round(h.t_max_c, 3) for h in hotspots] == [39.0, 35.0]
    assert all(h.t2_source == "user-region" and h.t2_bbox == left for h in hotspots)
    assert [round(h.delta_t_k or 0, 3) for h in hotspots] == [9.0, 5.0]


def test_second_faulty_phase_does_not_hide_the_first() -> None:
    centers = three_phase()
    scene = paste_clamps(synthetic_background(), centers, plateau_c=30.0, heat_k=[0.0, 6.0, 15.0])
    hotspots = find_hotspots(scene, ambient_c=15.0)
    assert [round(h.delta_t_k or 0, 3) for h in hotspots] == [15.0, 6.0]
    assert all(h.t2_c == pytest.approx(30.0, abs=1e-4) for h in hotspots)


def test_a_congruent_peer_is_preferred_to_a_cooler_look_alike() -> None:
    bg = synthetic_background((128, 200))
    bg[20:44, 170:182] = 24.0  # a cooler 12×24 block: similar size and elongation, not congruent
    centers = [(40, 80), (80, 80), (120, 80)]
    scene = paste_clamps(bg, centers, plateau_c=30.0, heat_k=[0.0, 10.0, 0.0])
    (hot,) = find_hotspots(scene, ambient_c=15.0)
    assert hot.t2_c == pytest.approx(30.0, abs=1e-4)
    assert all(b[0] < 160 for b in hot.peer_bboxes)


def test_a_perpendicular_part_is_not_taken_as_the_same_part() -> None:
    centers = three_phase()
    scene = paste_clamps(synthetic_background(), centers, plateau_c=30.0, heat_k=[0.0, 10.0, 0.0],
                         angles_deg=[0, 0, 90])
    hot, across = find_hotspots(scene, ambient_c=15.0)
    assert hot.t2_c == pytest.approx(30.0, abs=1e-4)
    assert len(hot.peer_bboxes) == 1 and hot.peer_bboxes[0][2:] == (CLAMP_W, CLAMP_H)
    assert across.bbox[2:] == (CLAMP_H, CLAMP_W) and (across.t2_c, across.t2_source) == (None, "none")


def test_lone_region_is_reported_only_when_well_above_ambient() -> None:
    bg = synthetic_background()
    scene = paste_clamps(bg, [(80, 64)], plateau_c=40.0, heat_k=[0.0])
    (lone,) = find_hotspots(scene, ambient_c=15.0)
    assert (lone.t2_c, lone.t2_source, lone.delta_t_k, lone.delta_pct) == (None, "none", None, None)
    assert lone.rise_k == pytest.approx(25.0, abs=1e-4)
    warm = paste_clamps(bg, [(80, 64)], plateau_c=22.0, heat_k=[0.0])
    assert find_hotspots(warm, ambient_c=15.0) == []


def test_flags_carry_conditions_target_size_and_not_above_ambient() -> None:
    centers = three_phase()
    scene = paste_clamps(synthetic_background(), centers, plateau_c=30.0, heat_k=[0.0, 8.0, 0.0])
    (hot,) = find_hotspots(scene, ambient_c=45.0, conditions=Conditions(wind_m_s=7.0, rain=True))
    assert hot.flags == ("wind", "rain", "not-above-ambient")
    assert hot.delta_pct is None and hot.rise_k < 0
    tiny = synthetic_background(noise_k=0.0)
    tiny[50:52, 50:52] = 60.0
    (small,) = find_hotspots(tiny, min_area_px=1, ambient_c=15.0)
    assert small.area_px == 4 and "small-target" in small.flags


def test_uniform_frame_has_no_hotspot() -> None:
    assert find_hotspots(np.full((64, 80), 21.5, np.float32)) == []


def test_to_dict_is_plain_json() -> None:
    import json

    scene = paste_clamps(synthetic_background(), three_phase(), plateau_c=30.0, heat_k=[0.0, 8.0, 0.0])
    d = find_hotspots(scene, ambient_c=15.0)[0].to_dict()
    json.dumps(d, allow_nan=False)
    for key in ("bbox", "t_max_c", "t2_c", "t0_c", "delta_t_k", "delta_pct", "rise_k", "t0_source", "flags"):
        assert key in d
    assert d["t_max_c"] == 38.0 and d["delta_t_k"] == 8.0 and len(d["bbox"]) == 4


def test_no_data_pixels_are_left_out() -> None:
    scene = paste_clamps(synthetic_background(), three_phase(), plateau_c=30.0, heat_k=[0.0, 8.0, 0.0])
    holes = scene.copy()
    holes[:10, :] = np.nan
    holes[-5:, :20] = np.inf
    (hot,) = find_hotspots(holes, ambient_c=15.0)
    assert (hot.t_max_c, hot.delta_t_k) == (38.0, 8.0)
    assert background(check_frame(holes)).median_c == pytest.approx(np.median(scene[10:-5]), abs=0.05)


@pytest.mark.parametrize("bad", [np.zeros(10), np.zeros((1, 5)), np.full((4, 4), np.nan)])
def test_bad_frames_raise_input_error(bad: np.ndarray) -> None:
    with pytest.raises(InputError):
        find_hotspots(bad)


def test_bad_parameters_raise_parameter_error() -> None:
    with pytest.raises(ParameterError):
        find_hotspots(synthetic_background(), min_area_px=0)
    with pytest.raises(ParameterError):
        find_hotspots(synthetic_background(), reference_bbox=(150, 120, 40, 40))
    with pytest.raises(ParameterError):
        find_hotspots(synthetic_background(), ambient_c=float("nan"))


def test_a_thermogram_is_accepted_as_is(samples: Path) -> None:
    thermogram = read(samples / "dji_m3t_iirp.jpg")
    from_thermogram = find_hotspots(thermogram)
    assert from_thermogram
    assert [h.t_max_c for h in from_thermogram] == [h.t_max_c for h in find_hotspots(thermogram.celsius)]
