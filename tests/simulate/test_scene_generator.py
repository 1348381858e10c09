"""Issue 10 item 1: the scene generator draws the parts of the catalogue at their real sizes, with
the physics of docs/physics.md, and every scenario carries a truth record that matches the frame."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from irpatrol.diagnosis.catalogue import KINDS
from irpatrol.simulate import layouts
from irpatrol.simulate import parts as P
from irpatrol.simulate.canvas import Canvas, Surroundings
from irpatrol.simulate.physics import IFOV_MRAD, apparent_c, fin_length_flat_m, fin_length_m, reflected_c
from irpatrol.simulate.scene import SCENARIO_DEVICE, SCENARIOS, render, render_with_line

NEW = ("strain-clamp", "terminal-clamp", "disconnector-contact", "dropout-fuse", "bushing-voltage")


def test_the_existing_scenarios_are_kept_and_the_new_component_kinds_added() -> None:
    assert SCENARIOS[:6] == ("healthy", "healthy-clutter", "hot-joint", "hot-joint-single-phase", "far",
                             "arrester")
    assert set(NEW) <= set(SCENARIOS)
    assert set(SCENARIO_DEVICE) == set(SCENARIOS) and set(SCENARIO_DEVICE.values()) <= set(KINDS)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_truth_matches_the_frame(scenario: str) -> None:
    defects = 0
    for seed in range(12):
        img, t = render(seed, scenario)
        assert t.device == SCENARIO_DEVICE[scenario] and t.component
        assert t.px_m == pytest.approx(t.distance_m * IFOV_MRAD * 1e-3, rel=1e-3)
        assert t.parts[:2] == ("pole", "crossarm")
        if scenario in ("healthy", "healthy-clutter"):
            assert not t.defect and t.t1_c is None
            continue
        if not t.defect:
            continue
        defects += 1
        assert t.t1_c is not None and t.t2_c is not None and t.xy is not None and t.bbox is not None
        assert t.t1_c > t.t2_c
        x, y = t.xy
        bx, by, bw, bh = t.bbox
        assert bx - 1 <= x <= bx + bw + 1 and by - 1 <= y <= by + bh + 1
        # the frame's peak around the hot part is T1, lowered only by the blur of a small part
        win = img[max(0, y - 1):y + 2, max(0, x - 1):x + 2]
        if not t.clutter and not t.glints and t.t1_c > t.t0_c + 2.0:  # nothing warmer around the part
            assert float(win.max()) <= t.t1_c + 0.5
        if t.resolved and t.heating == "current":
            assert float(win.max()) >= t.t1_c - 0.5 * (t.t1_c - t.t2_c) - 0.3
        if t.heating == "voltage":
            assert t.t1_c - t.t2_c <= 4.5  # whole-body warming: a few kelvin at most
    if scenario not in ("healthy", "healthy-clutter"):
        assert defects >= 6  # 9 frames in 10 carry a defect


@pytest.mark.parametrize(("scenario", "seed"), [("dropout-fuse", 5559011), ("disconnector-contact", 5558004),
                                              ("disconnector-contact", 5558010)])
def test_t1_is_the_hot_spot_wherever_the_fault_s_heat_shows_hottest(scenario: str, seed: int) -> None:
    # a copper duckbill or jaw heats the epoxy tube or weathered clamp beside it, which read hotter
    # (higher emissivity): T1 was the copper part's own reading, 4.4–12.1 K below what the camera
    # shows a few pixels away (5559011: 44.2 °C truth, 56.3 °C in the frame)
    img, t = render(seed, scenario)
    assert t.t1_c is not None and t.t2_c is not None and t.xy is not None
    x, y = t.xy
    near = img[max(0, y - 8):y + 9, max(0, x - 8):x + 9]
    assert t.t1_c - 3.0 <= float(near.max()) <= t.t1_c + 0.5


def test_parts_are_drawn_at_their_real_size() -> None:
    for seed in range(6):
        _, t = render(seed, "hot-joint")
        assert t.size_px is not None and t.px_m is not None
        assert t.size_px[0] == pytest.approx(P.PARALLEL_GROOVE_CLAMP.length_m / t.px_m, abs=0.02)
        assert t.resolved == (min(t.size_px) >= 3.0)
    for seed in range(6):
        _, t = render(seed, "far")
        assert 25.0 <= t.distance_m <= 30.0 and not t.resolved  # a 0.1 m clamp at 25–30 m: under 3 px


def _line_frame(eps_conductor: float, hot: dict[int, float]) -> tuple[Canvas, layouts.Frame, layouts.Drawn]:
    canvas = Canvas(np.full((300, 1000), 15.0), Surroundings(sky_c=-10.0, ground_c=22.0))
    eps = {"porcelain": 0.92, "aluminium-bare": eps_conductor, "aluminium-cast-weathered": 0.9}
    frame = layouts.Frame(px_m=0.003, ambient_c=20.0, sun=0.0, load_rise_k=3.0, slope=0.0,
                          anchors=((100.0, 180.0), (200.0, 220.0), (300.0, 260.0)), eps=eps)
    return canvas, frame, layouts.line(canvas, frame, hot)


def test_bare_metal_reflects_the_cold_sky_above_and_the_ground_below() -> None:
    canvas, frame, _ = _line_frame(0.2, {})
    # a horizontal 13.5 mm conductor at 3 mm/px (4.5 px) through y = 113, x = 40 (away from the clamps)
    column = canvas.img[105:122, 40]
    drawn = column[column != 15.0]
    assert drawn[0] < drawn[-1]  # top edge reflects the sky, bottom edge the ground
    assert float(drawn.min()) < frame.ambient_c  # new aluminium at 23 °C reads below the air
    assert float(apparent_c(23.0, 0.95, 10.0)) == pytest.approx(23.0, abs=0.6)
    assert float(reflected_c(-10.0, 22.0, 1.0)) == pytest.approx(-10.0)


def test_a_hot_joint_heats_its_conductor_with_the_fin_decay() -> None:
    canvas, frame, drawn = _line_frame(0.9, {1: 40.0})
    cold, _, _ = _line_frame(0.9, {})
    cx, cy = drawn.targets[1].centre
    lam_px = fin_length_m(P.CONDUCTOR_DIAMETER_M) / frame.px_m
    row = round(cy)
    rise = canvas.img[row] - cold.img[row]
    near = rise[int(cx + 2 * lam_px)]
    far = rise[int(cx + 4 * lam_px)]
    assert near > 0 and far > 0
    assert far / near == pytest.approx(math.exp(-2.0), rel=0.25)
    other = round(drawn.targets[0].centre[1])
    assert float(np.abs(canvas.img[other] - cold.img[other]).max()) < 1e-9  # the other phases untouched


def test_fin_lengths() -> None:
    assert 0.1 < fin_length_m() < 0.5
    assert fin_length_flat_m(0.05, 0.008, 390.0) == pytest.approx(0.30, abs=0.01)


@pytest.mark.parametrize("scenario", NEW)
def test_new_scenarios_show_their_components(scenario: str) -> None:
    _, t = render(3, scenario)
    expect = {"strain-clamp": "strain-clamp", "terminal-clamp": "terminal-clamp",
              "disconnector-contact": "disconnector-contact", "dropout-fuse": "fuse-tube",
              "bushing-voltage": "bushing"}[scenario]
    assert expect in t.parts


def test_a_line_drawn_in_front_of_a_real_scene_leaves_the_scene_where_it_is_not(samples: Path) -> None:
    from irpatrol.radiometry import read

    scene = read(samples / "dji_m30t_iirp.jpg").celsius.astype(np.float64)  # a car park, 11.9–23.1 °C
    img, t = render(20263207, "hot-joint", background=scene)
    _, own = render(20263207, "hot-joint")
    assert img.shape == scene.shape and not t.clutter
    # the same draws of the seed: the same line, the same hot part
    assert t.xy == own.xy and t.bbox == own.bbox
    # the air as far below the scene's ground as the generated air lies below its drawn ground
    assert t.ground_c == pytest.approx(float(np.median(scene)), abs=1e-3)
    assert t.ground_c - t.t0_c == pytest.approx(own.ground_c - own.t0_c, abs=1e-3)
    # away from the pole and the line the scene is as recorded, with the noise of the generated frames
    far = np.abs(img - scene) < 0.3
    assert far.mean() > 0.8
    assert float(np.median(np.abs(img - scene)[far])) < 0.1
    # in front of it the hot part reads its truth
    x, y = t.xy
    assert t.t1_c is not None and float(img[y - 1:y + 2, x - 1:x + 2].max()) == pytest.approx(t.t1_c, abs=3.0)


def test_where_the_line_was_drawn_is_known_in_front_of_a_real_scene_and_the_generated_ground(
        samples: Path) -> None:
    from irpatrol.radiometry import read

    scene = read(samples / "dji_m30t_iirp.jpg").celsius.astype(np.float64)
    for background in (scene, None):
        img, t, line = render_with_line(20263207, "hot-joint", background=background)
        same, truth = render(20263207, "hot-joint", background=background)
        assert np.array_equal(img, same) and truth == t  # render's own frame and truth
        assert line.shape == img.shape and line.dtype == bool
        # the hot part and its healthy phases stand on the line; most of the frame does not
        x, y = t.xy
        assert line[y - 1:y + 2, x - 1:x + 2].any()
        assert all(line[py - 1:py + 2, px - 1:px + 2].any() for px, py in t.peers_xy)
        assert 0.005 < line.mean() < 0.1
        if background is not None:  # off the line the frame is the scene with the noise alone
            assert float(np.median(np.abs(img - scene)[~line])) < 0.1


def test_a_background_must_be_finite_temperatures() -> None:
    with pytest.raises(ValueError, match="finite"):
        render(1, "hot-joint", background=np.full((512, 640), np.nan))
