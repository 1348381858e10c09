"""The structure reading (issue 10 item 2): a hot joint is the local excess over the line structure it
sits on; T2 the same part on another phase, else the same conductor away from the joint; nothing off
the structure is graded (item 3)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from tests.analysis.test_diagnostic_truth import AMBIENT_C, CLAMP_C, CONDUCTOR_C, _line_scene

from analysis.scenes import field_finding, nothing_wrong
from irpatrol.analysis.hotspots import Hotspot
from irpatrol.analysis.joint_hotspots import _the_reference_of, _with_twin
from irpatrol.analysis.joints import Joint, compact_maxima, find_joints
from irpatrol.conditions import CAMERA_ACCURACY, accuracy_k
from irpatrol.pipeline import examine
from irpatrol.simulate.scene import render


def _structure(scene: np.ndarray, t0: float = AMBIENT_C):  # type: ignore[no-untyped-def]
    return examine(scene, device="parallel-groove-clamp", ambient_c=t0, detector="structure")


def _defects(ex) -> list:  # type: ignore[no-untyped-def]
    return [f for f in ex.hotspots if f.diagnosis.grade_level > 0]


def test_hot_clamp_on_a_warm_conductor_is_graded_against_the_other_phases() -> None:
    # the case: 78 °C, its healthy phases at 27 °C, T0 20 °C: δ = 51 / 58 = 88 % → serious
    ex = _structure(_line_scene(3, 78.0))
    (hot,) = _defects(ex)
    h = hot.hotspot
    assert h.t_max_c == pytest.approx(78.0, abs=0.5)
    assert h.t2_source == "similar-component" and h.t2_c == pytest.approx(CLAMP_C, abs=1.0)
    assert h.delta_pct == pytest.approx(100 * (78.0 - CLAMP_C) / (78.0 - AMBIENT_C), abs=2.0)
    assert hot.grade == "serious" and h.on_structure and h.pattern == "local"
    assert len(h.peer_bboxes) == 2
    _, _, w, hh = h.bbox
    assert w * hh < 0.01 * 512 * 640  # the joint, not the frame-wide conductor


def test_three_healthy_phases_give_no_defect() -> None:
    assert _defects(_structure(_line_scene(3, CLAMP_C))) == []


def test_hot_joint_on_a_lone_conductor_takes_t2_from_the_conductor_away_from_the_joint() -> None:
    ex = _structure(_line_scene(1, 60.0))
    (hot,) = _defects(ex)
    assert hot.hotspot.t2_source == "same-conductor"
    assert hot.hotspot.t2_c == pytest.approx(CONDUCTOR_C, abs=1.0)
    assert hot.grade in ("serious", "critical")


def test_a_uniform_offset_changes_no_difference() -> None:
    scene = _line_scene(3, 60.0)
    a = _defects(_structure(scene))[0].hotspot
    b = _defects(_structure(scene + 15.0, AMBIENT_C + 15.0))[0].hotspot
    assert b.delta_t_k == pytest.approx(a.delta_t_k, abs=1e-3) and b.delta_pct == pytest.approx(a.delta_pct)


def test_sunlit_roof_vehicle_and_glint_off_the_structure_are_never_graded() -> None:
    rng = np.random.default_rng(5)
    scene = (AMBIENT_C + rng.normal(0.0, 0.05, (512, 640))).astype(np.float32)
    scene[300:420, 50:260] = 48.0  # roof in the sun
    scene[100:150, 400:520] = 45.0  # car
    scene[110:125, 400:430] = 60.0  # its engine bay: a compact maximum, but on no line
    scene[40:42, 600:602] = 55.0  # a glint
    ex = _structure(scene)
    assert ex.hotspots == []


def test_a_glint_on_a_conductor_is_not_measured_as_a_joint() -> None:
    scene = _line_scene(3, CLAMP_C)
    yy, xx = np.nonzero(np.abs(scene - CONDUCTOR_C) < 0.2)
    i = int(np.argmin(np.abs(yy - 60)))  # a conductor pixel far from the clamps
    scene[yy[i]: yy[i] + 2, xx[i]: xx[i] + 1] = 60.0  # a 1×2 px specular glint
    for f in _structure(scene).hotspots:
        assert f.diagnosis.grade_level == 0 and f.hotspot.t2_c is None  # unrated, for review


def test_compact_maxima_and_joints_on_a_blank_frame() -> None:
    blank = np.full((64, 80), 20.0, np.float32)
    assert compact_maxima(blank) == [] and find_joints(blank) == []


@pytest.mark.parametrize("shot", range(6))
def test_hot_terminal_clamp_with_its_neighbour_phases_in_view_is_graded(shot: int) -> None:
    # the demo's case (pole N14: a terminal clamp 75 K above its healthy phases), in the field-like
    # flight frames: found, never "none"; a T2, when found, is the neighbour phases' reading
    from irpatrol.simulate.flight_frame import render_view

    view = render_view(width=640, height=512, ambient_c=22.0, distance_m=5.0 + 0.3 * shot, jitter=(0, 0),
                       hot={"B": ("terminal-clamp", 75.0)}, seed=(7, shot), noise_k=0.05)
    x, y, w, h = view.parts[1].bbox
    ex = examine(view.celsius, device="terminal-clamp", ambient_c=22.0, detector="structure")
    at = [f for f in ex.hotspots
          if x - 3 <= f.hotspot.max_xy[0] < x + w + 3 and y - 3 <= f.hotspot.max_xy[1] < y + h + 3]
    assert at and all(f.grade in ("serious", "critical") for f in at)
    healthy = min(view.parts[0].peak_c, view.parts[2].peak_c)
    for f in at:
        assert f.hotspot.t2_c is None or abs(f.hotspot.t2_c - healthy) <= 1.0
    assert len(_defects(ex)) == 1


def test_detector_choice() -> None:
    from irpatrol.conditions import Conditions
    from irpatrol.errors import ParameterError

    scene = _line_scene(3, 78.0)
    with pytest.raises(ParameterError, match="valid: regions, structure, auto"):
        examine(scene, ambient_c=AMBIENT_C, detector="both")
    aerial = examine(scene, ambient_c=AMBIENT_C, detector="auto")
    assert [f.hotspot.t2_source for f in _defects(aerial)] == ["similar-component"]
    close = examine(scene, ambient_c=AMBIENT_C, detector="auto", conditions=Conditions(distance_m=1.0))
    regions = examine(scene, ambient_c=AMBIENT_C, detector="regions", conditions=Conditions(distance_m=1.0))
    assert [f.hotspot.bbox for f in close.hotspots] == [f.hotspot.bbox for f in regions.hotspots]


def test_rooftop_pipes_of_a_real_street_frame_are_no_phase_set(samples: Path) -> None:
    # the DJI H20T rooftop (HVAC units and their pipes in the sun): warm spots in a row by chance
    # read unlike each other or sit on no conductor parallel to the "joint's": no reference, no defect
    from irpatrol.radiometry import read

    thermogram = read(samples / "dji_h20t_dirp.jpg")
    for device in ("parallel-groove-clamp", "terminal-clamp"):
        assert _defects(examine(thermogram, device=device, detector="structure")) == []



def test_the_default_reading_grades_the_demo_clamp_in_every_shot() -> None:
    # the demo's pole N14 in the field-like flight frames, read by examine's default (auto): found and
    # graded serious or worse in every shot (97 °C is over the absolute limits), any reference given
    # reads like the healthy phases, and in 5 of 6 shots it is the neighbour phases' clamps. Those read
    # 24–25 °C on ground of 24–26 °C and stand 150–195 px apart behind the 0.68 mrad lens, beyond the
    # shift search at the frame's resolution (MAX_SHIFT_PX): they are found on the frame averaged over
    # 2×2 px. Before that, 1 of 6 shots had them, the others a row of two spots of ground that read
    # alike (at (181, 76) and (401, 281) in shot 0); shot 2 still has one
    from irpatrol.simulate.flight_frame import render_view

    on_clamps = 0
    for shot in range(6):
        view = render_view(width=640, height=512, ambient_c=22.0, distance_m=5.0 + 0.3 * shot, jitter=(0, 0),
                           hot={"B": ("terminal-clamp", 75.0)}, seed=(7, shot), noise_k=0.05)
        x, y, w, h = view.parts[1].bbox
        ex = examine(view.celsius, device="terminal-clamp", ambient_c=22.0)
        at = [f for f in ex.hotspots
              if x - 3 <= f.hotspot.max_xy[0] < x + w + 3 and y - 3 <= f.hotspot.max_xy[1] < y + h + 3]
        assert at and all(f.grade in ("serious", "critical") for f in at)
        healthy = min(view.parts[0].peak_c, view.parts[2].peak_c)
        assert all(f.hotspot.t2_c is None or abs(f.hotspot.t2_c - healthy) <= 1.0 for f in at)
        neighbours = (view.parts[0].bbox, view.parts[2].bbox)
        on_clamps += any(len(f.hotspot.peer_bboxes) == 2 and all(
            any(_near_box((px + 1, py + 1), nb, 4) for nb in neighbours)
            for px, py, _, _ in f.hotspot.peer_bboxes) for f in at)
    assert on_clamps >= 5


def _near_box(xy: tuple[int, int], box: tuple[int, int, int, int], pad: int) -> bool:
    """Whether ``xy`` (px) lies within ``pad`` px of ``box`` (x, y, w, h px)."""
    x, y, w, h = box
    return x - pad <= xy[0] < x + w + pad and y - pad <= xy[1] < y + h + pad


def _stubs(scene: np.ndarray, half_px: float) -> np.ndarray:
    """``scene`` with each conductor cut back to ±``half_px`` along it from its clamp: short
    straight warm bits, as the edges of a façade or a car, not span conductors."""
    h, w = scene.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    keep = np.zeros(scene.shape, bool)
    for dx in (-90, 0, 90):
        keep |= np.abs(((xx - (w / 2 + dx)) + 3.0 * (yy - h / 2)) / math.hypot(1.0, 3.0)) <= half_px
    out = scene.copy()
    out[~keep & (scene > AMBIENT_C + 1.0)] = AMBIENT_C
    return out


def test_a_small_difference_counts_against_a_row_on_span_conductors_or_of_one_set_of_parts() -> None:
    # 33 °C against its phases at 27 °C (δ = 6 / 13 = 46 %, general): on conductors that cross the
    # frame the row is a line's phase set; so it is on three alike 32 px leads that end at three, one
    # set of hardware (joint_hotspots._a_set_of_three: a terminal clamp's lead runs to other hardware
    # in the frame). The same stubs going on beyond the row, four alike around the warm one, are a
    # grid (a façade's), and 6 K over them is within the unspanned-row margin: unrated, for review
    spanned = _structure(_line_scene(3, 33.0))
    (hot,) = _defects(spanned)
    assert hot.grade == "general" and hot.hotspot.t2_source == "similar-component"
    (alike,) = _defects(_structure(_stubs(_line_scene(3, 33.0), 16.0)))
    assert alike.grade == "general" and alike.hotspot.reference_margin_k == 0.0
    grid = _structure(_grid(_stubs(_line_scene(3, 33.0), 16.0)))
    assert _defects(grid) == []
    (row,) = [f for f in grid.hotspots if f.hotspot.t2_source == "similar-component"]
    assert row.grade == "unrated" and row.hotspot.t2_c == pytest.approx(CLAMP_C, abs=1.0)
    # a joint far above the same grid's row is still graded against it
    assert [f.grade for f in _defects(_structure(_grid(_stubs(_line_scene(3, 78.0), 16.0))))] == ["serious"]


def _grid(scene: np.ndarray) -> np.ndarray:
    """``scene`` (three stubs 90 px apart, :func:`_stubs`) with a fourth and a fifth stub one spacing
    beyond either end: a row that goes on, as a façade's windows do."""
    w = scene.shape[1]
    xx = np.broadcast_to(np.arange(w)[None, :], scene.shape)
    out = scene.copy()
    for shift, beyond in ((90, xx > w / 2 + 135), (-90, xx < w / 2 - 135)):
        moved = np.roll(scene, shift, axis=1)
        warm = beyond & (moved > AMBIENT_C + 1.0)
        out[warm] = moved[warm]
    return out


@pytest.mark.parametrize(("scenario", "seed"), [("strain-clamp", 59), ("strain-clamp", 187),
                                                ("terminal-clamp", 5), ("terminal-clamp", 41),
                                                ("terminal-clamp", 213), ("terminal-clamp", 5557039),
                                                ("disconnector-contact", 5558061), ("dropout-fuse", 5559055),
                                                ("strain-clamp", 5556020)])
def test_a_row_leaving_one_way_or_ending_at_three_is_a_phase_set(scenario: str, seed: int) -> None:
    # a strain clamp's conductor leaves it one way (the jumper loops away the other), a terminal
    # clamp's lead one way (the blade runs the other): their rows are phase sets, so a joint a few
    # kelvin over them is graded against them, without the 8 K margin of a chance row (which made
    # these `unrated` while the rule asked for conductors running out both ways). So is a row whose
    # leads and blades run to other hardware within the frame (the development frames 555…), not seen
    # to leave it, when its healthy parts match each other ≥ 0.6 and nothing alike follows beyond it
    # (joint_hotspots._a_set_of_three; those were unrated, for review)
    f, truth = field_finding(seed, scenario)
    assert truth.t2_c is not None
    assert f.hotspot.t2_source == "similar-component" and f.hotspot.reference_margin_k == 0.0
    assert f.hotspot.t2_c is not None and abs(f.hotspot.t2_c - truth.t2_c) <= 0.5
    assert f.hotspot.t_max_c - f.hotspot.t2_c < 10.0  # within the old 2 + 8 K: it decided
    assert f.grade == "general"


@pytest.mark.parametrize("seed", [105, 146])
def test_a_phase_row_seen_at_a_shallow_angle_to_its_conductors_gives_t2(seed: int) -> None:
    # a level oblique view: the crossarm and the conductors lie 19–27° apart in the frame
    # (phases.ROW_ANGLE_DEG); the other phases' clamps are still the joint's T2

    img, truth = render(seed, "hot-joint")
    assert truth.t2_c is not None and truth.xy is not None
    tx, ty = truth.xy
    (j,) = [j for j in find_joints(img, truth.t0_c) if abs(j.xy[0] - tx) < 4 and abs(j.xy[1] - ty) < 4]
    assert j.t2_source == "similar-component" and j.t2_c is not None
    assert abs(j.t2_c - truth.t2_c) <= 0.5
    far = max(j.peers_xy, key=lambda p: np.hypot(p[0] - j.xy[0], p[1] - j.xy[1]))
    row_deg = np.degrees(np.arctan2(far[1] - j.xy[1], far[0] - j.xy[0]))
    assert abs((row_deg - j.angle_deg + 90.0) % 180.0 - 90.0) < 30.0


def test_a_hot_clamp_whose_conductor_leaves_it_one_way_is_graded_against_the_other_phases() -> None:
    # generated frame 594: an 86 °C parallel-groove clamp hangs below the crossarm's end, its insulator
    # and the crossarm across its conductor's other way, so no thin ridge runs through it both ways;
    # its conductor leaves the frame, and the other phases' clamps (20 °C) sit on parallel conductors
    # in a row with it. It was not reported at all; now it is graded against them (truth: serious).
    f, truth = field_finding(594, "hot-joint")
    assert truth.t1_c is not None and truth.t1_c > 80.0
    h = f.hotspot
    assert h.t2_source == "similar-component" and h.t2_c is not None and abs(h.t2_c - truth.t2_c) <= 1.0
    assert len(h.peer_bboxes) == 2 and f.grade == "serious"


@pytest.mark.parametrize("seed", [36, 129])
def test_a_hot_part_on_a_line_one_way_is_graded_against_the_phases_the_structure_places(seed: int) -> None:
    # the same situation without a row of the other phases' parts through lines of their own: the
    # structure's repetition places the other phases' clamps (within 5 px of the generated ones) under
    # the tests of any located row. Until the thirteenth pass of docs/detector.md these were reported
    # unrated for review; the truth is `general`
    f, truth = field_finding(seed, "hot-joint")
    h = f.hotspot
    assert truth.t2_c is not None and h.t2_source == "similar-component" and h.t2_c is not None
    assert abs(h.t2_c - truth.t2_c) <= 0.5
    assert all(min(np.hypot(b[0] + 1 - p[0], b[1] + 1 - p[1]) for p in truth.peers_xy) <= 5.0
               for b in h.peer_bboxes)
    assert f.grade == "general"
    xs = [j for j in find_joints(render(seed, "hot-joint")[0], truth.t0_c) if j.one_way]
    assert any(abs(j.xy[0] - h.max_xy[0]) < 1 and abs(j.xy[1] - h.max_xy[1]) < 1 for j in xs)


@pytest.mark.parametrize(("seed", "t1_min_c"), [(272, 40.0)])
def test_a_hot_part_on_a_line_one_way_without_the_other_phases_is_sent_for_review(seed: int,
                                                                                 t1_min_c: float) -> None:
    # the same situation where neither a row of the other phases' parts through lines of their own nor
    # the structure's repetition places them: a line one way is weaker evidence of equipment than a
    # line through the part (a hot element at the end of a cable in a plant reads so too), so neither
    # the conductor nor parts on no visible line give it T2 — it is reported unrated and marked for
    # review (it rises ≥ 10 K), never dropped
    f, truth = field_finding(seed, "hot-joint")
    assert f.hotspot.t_max_c >= t1_min_c
    assert f.grade == "unrated" and f.hotspot.t2_c is None and f.diagnosis.review
    xs = [j for j in find_joints(render(seed, "hot-joint")[0], truth.t0_c) if j.one_way]
    assert any(abs(j.xy[0] - truth.xy[0]) < 4 and abs(j.xy[1] - truth.xy[1]) < 4 for j in xs)


def test_a_line_one_way_does_not_make_a_frame_a_line_structure() -> None:
    # a frame whose only line runs one way from a hot spot (no joint with a line through it) is read
    # by its warm regions, as before: the one-way reading does not switch the detector
    from irpatrol.analysis.joint_hotspots import find_joint_hotspots
    from irpatrol.conditions import Conditions

    scene = np.full((256, 320), AMBIENT_C, np.float32)
    scene[128, 160:] = CONDUCTOR_C  # a wire from the spot to the frame's right edge
    yy, xx = np.mgrid[0:256, 0:320]
    scene += (40.0 * np.exp(-((xx - 158) ** 2 + (yy - 128) ** 2) / 8.0)).astype(np.float32)
    found, confirmed = find_joint_hotspots(scene, t0_c=AMBIENT_C, t0_source="patrol", conditions=Conditions())
    assert confirmed == 0
    assert [h.max_xy for h in found] == [(158, 128)] and found[0].t2_c is None


def test_a_hot_fuse_contact_whose_own_tube_outshines_its_lead_is_reported_for_review() -> None:
    # development frame 5559054: an 80 °C upper contact of a drop-out fuse, 46 K over everything around
    # it; the fuse tube it warms ends below it at about 115° and its 1 px lead runs up at about 85° out
    # of the frame. Tried on the stronger ridge alone (the tube, which does not leave the frame), it was
    # not reported at all; every direction with a line one way is tried (joints._way_out). The other
    # phases' contacts show on no line, so it is unrated and marked for review, not left out
    f, truth = field_finding(5559054, "dropout-fuse")
    h = f.hotspot
    assert abs(h.t_max_c - truth.t1_c) <= 2.5
    assert f.grade == "unrated" and h.t2_c is None
    assert f.diagnosis.review


def test_a_joint_the_caller_could_not_report_is_given_no_reference() -> None:
    # find_joints(hopeless=...): the caller's reporting rules say before any search that a joint cannot
    # be reported whatever its T2 (joint_hotspots: a speck rising < 10 K); its search is skipped, the
    # other joints keep theirs
    img, truth = render(5552087, "hot-joint")
    hot = truth.xy
    assert hot is not None and truth.t0_c is not None
    full = find_joints(img, truth.t0_c)
    (j,) = [j for j in full if abs(j.xy[0] - hot[0]) <= 2 and abs(j.xy[1] - hot[1]) <= 2]
    assert j.t2_c is not None
    skipped = find_joints(img, truth.t0_c, hopeless=lambda k, sources: k.xy == j.xy)
    assert [k.xy for k in skipped] == [k.xy for k in full]
    for k, f in zip(skipped, full, strict=True):
        assert k.t2_c == (None if k.xy == j.xy else f.t2_c)


def test_a_hot_terminal_clamp_where_its_lead_meets_the_blade_at_an_angle_is_a_joint() -> None:
    # development frame 5557076: an 80 °C terminal clamp, 45 K over everything around it, joins a lead
    # coming in at 65–85° to a blade leaving at 90–110°; no straight ridge runs through it both ways,
    # so it was not reported at all. The way back may turn by one step of the line test (5°) for a
    # maximum standing ≥ 10 K out (joints.BEND_STEPS): graded against the other phases' clamps
    f, truth = field_finding(5557076, "terminal-clamp")
    assert truth.t2_c is not None
    h = f.hotspot
    assert h.t2_source == "similar-component" and h.t2_c is not None and abs(h.t2_c - truth.t2_c) <= 1.0
    assert f.grade == "critical"


def test_a_part_another_row_took_for_a_normal_phase_keeps_the_margin() -> None:
    # development frame 5557000: the hot terminal clamp's row takes the middle phase's healthy clamp
    # for T2; that clamp, compared on its own with two stretches of leads placed diagonally (alike,
    # as any two stretches of parallel line are), stood 5.5 K over them and was "general"
    img, truth = render(5557000, "terminal-clamp")
    assert truth.peers_xy
    ex = examine(img, device="terminal-clamp", ambient_c=truth.t0_c, ambient_source="patrol")
    px, py = truth.peers_xy[0]
    near = [f.hotspot.max_xy for f in _defects(ex)]
    at_peer = [xy for xy in near if abs(xy[0] - px) <= 4 and abs(xy[1] - py) <= 4]
    assert at_peer == []


@pytest.mark.parametrize(("seed", "scenario"), [(5557016, "terminal-clamp"), (5557048, "terminal-clamp"),
                                                (5558069, "disconnector-contact"), (5559078, "dropout-fuse")])
def test_a_hot_part_on_no_line_is_read_in_its_set_of_three(seed: int, scenario: str) -> None:
    # development frames where the hot part's lead or tube reads like the ground behind it, so no line
    # runs through it and it was not reported at all: the structure's repetition places its set of
    # three alike parts (the other two match each other, nothing alike follows beyond them), and it is
    # graded against them like a row the repetition places for a joint on a line
    f, truth = field_finding(seed, scenario)
    h = f.hotspot
    assert truth.t2_c is not None and h.t2_c is not None
    assert h.t2_source == "similar-component" and abs(h.t2_c - truth.t2_c) <= 0.5
    assert h.reference_margin_k == 0.0 and f.grade != "unrated"
    img, _ = render(seed, scenario)
    assert any(j.in_set and abs(j.xy[0] - h.max_xy[0]) <= 1 and abs(j.xy[1] - h.max_xy[1]) <= 1
               for j in find_joints(img, truth.t0_c))


@pytest.mark.parametrize(("seed", "scenario"), [(99000168, "healthy"), (66000039, "healthy"),
                                                (66001101, "healthy-clutter")])
def test_a_glint_over_warm_ground_whose_outline_is_the_ground_is_no_part(seed: int, scenario: str) -> None:
    # generated frames with nothing wrong (the wider check of bench/false_defects.py): a sun glint on a
    # conductor over 40 °C ground stands 6 K out; with T2 from peers read far away (31.9 °C), the
    # half-height from T2 lay under the ground, so its "outline" was the ground filling the whole
    # outline window, a resolved part graded serious (99000168). Such an outline is taken again from
    # what surrounds the maximum: a speck, not a defect
    ex, _ = nothing_wrong(seed, scenario, "parallel-groove-clamp")
    assert [f.grade for f in ex.hotspots if f.diagnosis.grade_level >= 1] == []


def test_a_long_hot_bar_is_no_part_on_the_line() -> None:
    # generated frame with nothing wrong 33001090 (bench/false_defects.py, base 33000000): a sunlit bar
    # of the clutter, 66 × 7 px at 57.7 °C, is a compact maximum with lines through it (its own
    # edges). Its half-height outline, even from what surrounds it, runs across the whole outline
    # window: no part but a long body as warm as the maximum. It was a `serious` bushing by the
    # absolute limit (55 °C); off the line structure no criterion applies (unrated, for review)
    ex, _ = nothing_wrong(33001090, "healthy-clutter", "transformer-bushing")
    assert [f.grade for f in ex.hotspots if f.diagnosis.grade_level >= 1] == []
    (bar,) = [f for f in ex.hotspots if f.hotspot.t_max_c > 55.0]
    assert bar.grade == "unrated" and not bar.hotspot.on_structure and bar.hotspot.bbox[2] >= 49


def test_glints_colder_than_the_air_take_no_set_search_from_a_hot_part() -> None:
    # development frame 5558038: two sun glints on no line in the sky (10.1 and 1.2 °C, T0 14.9 °C)
    # stand out more than the hot jaw contact (6.3 K) and took both of the frame's set searches
    # (joints.MAX_SET); a maximum colder than the air less the accuracy makes no defect and is not
    # searched, so the contact is read in its set of three
    f, truth = field_finding(5558038, "disconnector-contact")
    h = f.hotspot
    assert truth.t2_c is not None and h.t2_c is not None
    assert h.t2_source == "similar-component" and abs(h.t2_c - truth.t2_c) <= 0.5
    assert f.grade == "general"


@pytest.mark.parametrize(("name", "xy", "repeats"), [("dji_xts_dirp.jpg", (356, 415), False),
                                                     ("dji_h30t_iirp_1280x1024.jpg", (725, 27), True),
                                                     ("dji_m3t_iirp.jpg", (587, 301), True)])
def test_a_hot_spot_on_no_line_in_a_row_that_goes_on_is_no_part(samples: Path, name: str,
                                                                 xy: tuple[int, int], repeats: bool) -> None:
    # shared real frames: a warm spot on no line (a façade's, a roof's) whose surroundings repeat at a
    # spacing like phases' and read alike there, but go on beyond a row of three (a window grid, a roof's
    # fixtures): no set of three, so not a part (on the XT-S façade it would stand 12.8 K over its
    # "peers", on the H30T roof 11.5 K). On the XT-S façade the structure's best shift was 12 px
    # diagonally, where the autocorrelation had not fallen from its value at half the shift (a structure
    # overlapping itself, not a repetition, phase_shift.phase_shift): no row is placed there at all
    import cv2

    from irpatrol.analysis.joints import SET_AXIS_DEG, Joint, _in_a_set
    from irpatrol.analysis.phase_shift import CLEAR_MATCH, shift_row
    from irpatrol.radiometry import read

    img = np.ascontiguousarray(read(samples / name).celsius, dtype=np.float32)
    (top,) = [c for c in compact_maxima(img) if (c[0], c[1]) == xy]
    assert top[3] >= 3.0
    placed = shift_row(img, xy, SET_AXIS_DEG)
    if repeats:
        assert placed is not None and placed[1] >= CLEAR_MATCH  # the structure repeats beside it
    else:
        assert placed is None
    grown = cv2.dilate(img, np.ones((3, 3), np.uint8))
    j = Joint(xy, top[2], top[3], 5, SET_AXIS_DEG, in_set=True)
    assert _in_a_set(img, grown, j, float(np.median(img)), 2.0) is None


@pytest.mark.parametrize(("seed", "scenario"), [(5558049, "disconnector-contact"), (5556033, "strain-clamp")])
def test_a_compact_joint_rising_under_10_k_is_graded_against_its_located_set(seed: int,
                                                                             scenario: str) -> None:
    # development frames: a hot contact or clamp rising under 10 K over T0 whose other phases' parts
    # show as no row; its own conductor gave T2, within the 6 K margin of that reference: unrated.
    # The structure's repetition places the row: T2 from it. Until December 2026 (a located row from
    # 10 K only) through `_low_set`, as one set of three alike parts with the 3 K margin for a row a few
    # pixels off the parts; rising 6.2 and 7.6 K, both compact, they now take the located row at once,
    # without that margin (the row lies within 3 px of the generated peers)
    f, truth = field_finding(seed, scenario)
    h = f.hotspot
    assert truth.t2_c is not None and truth.t1_c is not None and truth.t1_c - truth.t0_c < 10.0
    assert h.t2_source == "similar-component" and h.t2_c is not None and abs(h.t2_c - truth.t2_c) <= 0.6
    assert all(min(abs(b[0] + 1 - p[0]) + abs(b[1] + 1 - p[1]) for p in truth.peers_xy) <= 3
               for b in h.peer_bboxes)
    assert h.reference_margin_k == 0.0 and f.grade == "general"


def test_a_warm_patch_of_ground_behind_a_conductor_takes_no_located_set() -> None:
    # development frame 5550001 (nothing wrong): a sunlit patch of ground 20 px across behind a conductor
    # reads as a maximum on that line, 5 K over T0; the other two conductors repeat beside it, a set of
    # three alike crossings. Only a compact joint (the two finest scales) takes such a row: this one
    # would have been a "general" defect 3.3 K over them. (Since the healthy phases are also placed by
    # their likeness to each other, phase_shift._alike_peers_row, the row's near place lies on the patch
    # itself and a compact joint would not take it either: the place is not separate from the joint.)
    import cv2

    from irpatrol.analysis.joints import _low_set
    from irpatrol.analysis.phase_shift import one_set, shift_row
    from irpatrol.analysis.ridges import padded

    img, truth = render(5550001, "healthy")
    assert not truth.defect
    (j,) = [j for j in find_joints(img, truth.t0_c) if j.xy == (494, 368)]
    assert j.radius_px > 10 and j.t1_c - truth.t0_c < 10.0
    grown = cv2.dilate(img, np.ones((3, 3), np.uint8))
    assert _low_set(img, grown, padded(img), j, truth.t0_c, 2.0) is None
    placed = shift_row(img, j.xy, j.angle_deg, wide=False)
    assert placed is not None and one_set(img, j.xy, placed[0])  # the set of three crossings is there


@pytest.mark.parametrize(("seed", "scenario"), [(5558089, "disconnector-contact"), (5559065, "dropout-fuse"),
                                                (5557043, "terminal-clamp")])
def test_a_weakly_repeating_structure_gives_a_row_when_it_is_one_set(seed: int, scenario: str) -> None:
    # development frames where the other phases' hardware is a small share of the window's structure
    # (the ground's texture dominates it: the shift repeats 0.18–0.25 of it, under MIN_STRENGTH), so no
    # row was sought and the hot part went unreported or got its own conductor for T2. Such a row now
    # stands when it is one set of three alike parts, and T2 comes from it
    from irpatrol.analysis.phase_shift import MIN_STRENGTH, SET_STRENGTH, phase_shift

    f, truth = field_finding(seed, scenario)
    h = f.hotspot
    assert truth.t2_c is not None
    assert h.t2_source == "similar-component" and h.t2_c is not None and abs(h.t2_c - truth.t2_c) <= 0.5
    assert f.grade == "general"
    img, _ = render(seed, scenario)
    (j,) = [j for j in find_joints(img, truth.t0_c) if j.xy == h.max_xy]
    s = phase_shift(img, j.xy, j.angle_deg)
    assert s is not None and SET_STRENGTH <= s.strength < MIN_STRENGTH


@pytest.mark.parametrize(("scenario", "seed"), [("terminal-clamp", 5557017), ("terminal-clamp", 5557087),
                                                 ("terminal-clamp", 5557037), ("terminal-clamp", 5557069),
                                                 ("disconnector-contact", 5558026)])
def test_a_hot_parts_heat_down_its_lead_is_reported_once(scenario: str, seed: int) -> None:
    # development frames: the lead or blade below a hot terminal clamp or contact carries its heat to
    # the part at its other end, 33–47 px away, which then reads 10–14 K over the same part of the
    # healthy phases (0.15–0.26 of the hot part's difference); a crossarm in front of the lead breaks
    # the reading between them, and the lead leaves the hot clamp at another angle than the clamp's own
    # (5557037, 5557069). Before: a second graded finding (general or serious) for the one fault
    img, truth = render(seed, scenario)
    assert truth.xy is not None
    ex = examine(img, device=truth.device, ambient_c=truth.t0_c, ambient_source="patrol")
    graded = [f for f in ex.hotspots if f.diagnosis.grade_level >= 1]
    assert len(graded) == 1
    b = graded[0].hotspot.bbox
    assert b[0] - 3 <= truth.xy[0] < b[0] + b[2] + 3 and b[1] - 3 <= truth.xy[1] < b[1] + b[3] + 3


@pytest.mark.parametrize(("scenario", "seed"), [("strain-clamp", 5556062), ("disconnector-contact", 5558052),
                                                 ("disconnector-contact", 5558062)])
def test_the_healthy_phase_a_hot_part_is_graded_against_is_not_graded_again(scenario: str, seed: int) -> None:
    # development frames: the healthy clamp or contact that the hot part's row reads as its T2 (within
    # 0.05 K) was also reported, `general` against two compact maxima of other hardware 2.6–3.5 K
    # colder (joint_hotspots._the_reference_of)
    img, truth = render(seed, scenario)
    assert truth.xy is not None
    ex = examine(img, device=truth.device, ambient_c=truth.t0_c, ambient_source="patrol")
    (graded,) = [f for f in ex.hotspots if f.diagnosis.grade_level >= 1]
    b = graded.hotspot.bbox
    assert b[0] - 3 <= truth.xy[0] < b[0] + b[2] + 3 and b[1] - 3 <= truth.xy[1] < b[1] + b[3] + 3


def _graded_joint(t1_c: float, t2_c: float, peers: tuple[tuple[int, int], ...]) -> Hotspot:
    """A reported joint at (100, 100) graded against the parts at ``peers`` (x, y px)."""
    return Hotspot(bbox=(97, 97, 7, 7), contour=np.zeros((0, 2), np.int32), area_px=30, t_max_c=t1_c,
                   max_xy=(100, 100), t_mean_c=t1_c - 1.0, t2_c=t2_c, t2_source="similar-component",
                   t2_bbox=(peers[0][0] - 1, peers[0][1] - 1, 3, 3), t0_c=20.0, t0_source="user",
                   delta_t_k=t1_c - t2_c, rise_k=t1_c - 20.0, delta_pct=100.0 * (t1_c - t2_c) / (t1_c - 20.0),
                   peer_bboxes=tuple((x - 1, y - 1, 3, 3) for x, y in peers))


@pytest.mark.parametrize(("t1_c", "peers", "outline", "expected"), [
    (25.5, ((160, 100), (220, 100)), (155, 95, 10, 12), True),   # the cooler phase of a row of two, as warm
    (31.0, ((160, 100), (220, 100)), (155, 95, 10, 12), False),  # 6 K over that T2: a fault of its own
    (25.5, ((160, 100),), (155, 95, 10, 12), False),             # the one neighbour compared with alone
    (25.5, ((160, 100), (220, 100)), (165, 95, 10, 12), False),  # no peer within its outline
])
def test_the_normal_phase_of_a_graded_row_is_its_coolest_peer_only(
        t1_c: float, peers: tuple[tuple[int, int], ...], outline: tuple[int, int, int, int],
        expected: bool) -> None:
    hot = _graded_joint(50.0, 25.0, peers)
    j = Joint((160, 104), t1_c, 3.0, 5, 0.0)
    assert _the_reference_of(j, outline, [hot], 2.0) is expected


def test_a_hot_clamp_split_by_a_cold_line_is_reported_once() -> None:
    # development frame 5556002: a 20 px strain clamp at 43 °C crossed by a line of bare wire 10–15 K
    # colder; its second lobe, 5 px from the first and 1.5 K out of its own 10 px ring (which holds the
    # first), was a second `serious` finding against another row (joint_hotspots._within_its_ring)
    img, truth = render(5556002, "strain-clamp")
    assert truth.xy is not None
    ex = examine(img, device=truth.device, ambient_c=truth.t0_c, ambient_source="patrol")
    (graded,) = [f for f in ex.hotspots if f.diagnosis.grade_level >= 1]
    assert graded.hotspot.max_xy == truth.xy


def test_a_patch_shown_only_at_the_coarsest_ring_rising_under_10_k_is_not_reported() -> None:
    # base 99000000 of bench/false_defects.py, nothing wrong: a sunlit patch behind a conductor, 3.6 K
    # over T0, shows as a maximum only at the 40 px ring; it was a `general` defect against two compact
    # spots 150 px either side of it (BROAD_RING_PX)
    from irpatrol.analysis.joint_hotspots import BROAD_RING_PX
    from irpatrol.analysis.joints import find_joints

    ex, img = nothing_wrong(99001131, "healthy-clutter", "parallel-groove-clamp")
    assert [f for f in ex.hotspots if f.diagnosis.grade_level >= 1] == []
    patch = [j for j in find_joints(img, ex.t0_c) if abs(j.xy[0] - 397) <= 2 and abs(j.xy[1] - 271) <= 2]
    assert patch and patch[0].radius_px > BROAD_RING_PX and patch[0].t2_c is not None  # a reference found


@pytest.mark.parametrize(("seed", "scenario", "at"), [(99000048, "healthy", (440, 254)),
                                                      (44000028, "healthy", (495, 94))])
def test_a_part_as_warm_as_an_alike_part_beside_it_is_no_defect(seed: int, scenario: str,
                                                                 at: tuple[int, int]) -> None:
    # generated frames with nothing wrong (bench/false_defects.py, bases 99000000 and 44000000): a warm
    # spot of the ground graded `general` against a chance row of two cooler spots while an alike spot
    # a row step away read as warm as itself (30.9 against 31.0 °C; 18.5 against 18.5 °C). Compared
    # with that twin, as DL/T 664 compares corresponding parts, it is no defect
    img, truth = render(seed, scenario)
    floor_k = accuracy_k(truth.t0_c, CAMERA_ACCURACY)
    joints = find_joints(img, truth.t0_c, floor_k)
    (j,) = [j for j in joints if j.xy == at]
    twin = _with_twin(img, lambda: img, j, joints, floor_k)
    assert j.t2_c is not None and twin.t2_c is not None and j.t1_c - j.t2_c > 2.0
    assert abs(twin.t1_c - twin.t2_c) <= floor_k and twin.peers_xy != j.peers_xy
    ex, _ = nothing_wrong(seed, scenario, "parallel-groove-clamp")
    assert [f.grade for f in ex.hotspots if f.diagnosis.grade_level >= 1] == []


def test_a_twin_past_the_cut_of_candidates_still_serves() -> None:
    # base 44000000 frame 44000028 (nothing wrong): the warm ground spot at (495, 94) has a twin at
    # (391, 97), tenth of the frame's compact maxima. Forty cold specks of 3 K excess drawn in the lower
    # left (each 4 K under T0: neither a joint nor a peer) push the twin past the 30 candidates while
    # the spot, at 3.8 K of excess, stays first. The twin still serves (joints.MAX_TWIN_CANDIDATES):
    # without it the spot was `general` against its chance row
    from irpatrol.analysis.ridges import MAX_CANDIDATES

    img, truth = render(44000028, "healthy")
    img = img.copy()
    for x in range(20, 260, 30):
        for y in range(340, 490, 30):
            img[y - 12:y + 13, x - 12:x + 13] = truth.t0_c - 7.0
            img[y:y + 2, x:x + 2] = truth.t0_c - 4.0
    every = compact_maxima(img, limit=10 ** 6)
    assert next(k for k, c in enumerate(every) if (c[0], c[1]) == (391, 97)) >= MAX_CANDIDATES
    assert any((c[0], c[1]) == (495, 94) for c in every[:MAX_CANDIDATES])
    ex = examine(img, device="parallel-groove-clamp", ambient_c=truth.t0_c, ambient_source="patrol")
    assert [f.grade for f in ex.hotspots if f.diagnosis.grade_level >= 1] == []
    assert all(f.hotspot.max_xy != (391, 97) for f in ex.hotspots)  # a twin only: not reported
    joints = find_joints(img, truth.t0_c, accuracy_k(truth.t0_c, CAMERA_ACCURACY))
    twins = [j for j in joints if j.twin_only]
    assert joints[len(joints) - len(twins):] == twins  # after the joints proper
    assert any(j.xy == (391, 97) and j.t2_c is None for j in twins)


def test_a_second_faulty_phase_is_no_twin() -> None:
    # two hot clamps of a row and a healthy third: the row takes the healthy one for T2, and the other
    # hot clamp, as warm as the joint, is one of its peers, not a twin that would make both normal
    j = Joint((100, 100), 60.0, 20.0, 3, 0.0, t2_c=30.0, t2_source="similar-component",
              peers_xy=((100, 140), (100, 180)))
    hot_peer = Joint((101, 141), 59.5, 19.0, 3, 0.0)
    img = np.full((256, 256), 20.0, np.float32)
    assert _with_twin(img, lambda: img, j, [j, hot_peer], 2.0) is j
