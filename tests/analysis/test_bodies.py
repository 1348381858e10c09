"""Whole-body readings of voltage-heating equipment (irpatrol.analysis.bodies): a row of alike
insulating bodies, T1 the warm body's interior reading, T2 the coolest alike peer's, graded by
DL/T 664-2016 Table I.1 with the comparative uncertainty in place of the camera's ±2 K."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from analysis.scenes import nothing_wrong
from irpatrol.analysis.bodies import COMPARATIVE_UNCERTAINTY_K, body_rows, continued, find_bodies
from irpatrol.analysis.body_hotspots import find_body_hotspots
from irpatrol.conditions import Conditions
from irpatrol.pipeline import examine
from irpatrol.simulate.scene import render

AMBIENT_C = 20.0


def _frame(excess_k: tuple[float, float, float] = (0.0, 0.0, 0.0), *, tank: bool = False,
           bodies: bool = True, seed: int = 3) -> np.ndarray:
    """A 640×512 aerial-like frame: textured ground 2 K above the air, three upright housings
    (10 × 30 px, 60 px apart, 1 K below the ground) each warmed by ``excess_k``, optionally a
    transformer tank (120 × 90 px, 8 K above the air) with fins; blurred (σ 0.7 px) with 50 mK noise
    (docs/physics.md §2, §6)."""
    rng, img = _ground(seed)
    if bodies:
        img[250:256, 250:450] = AMBIENT_C - 2.0  # the crossarm they stand on
        for k, e in enumerate(excess_k):
            x = 280 + 60 * k
            img[220:250, x: x + 10] = AMBIENT_C + 1.0 + e
            img[216:220, x + 2: x + 8] = AMBIENT_C - 4.0  # cap and lead, bare metal reflecting the sky
    if tank:
        img[320:410, 260:380] = AMBIENT_C + 8.0
        for x in range(265, 380, 12):  # radiator fins, a little cooler
            img[330:405, x: x + 3] = AMBIENT_C + 6.5
    return _seen(img, rng)


def _ground(seed: int) -> tuple[np.random.Generator, np.ndarray]:
    """Textured ground 2 K above the air (640×512 px) and the generator the frame goes on drawing from."""
    rng = np.random.default_rng(seed)
    img = np.full((512, 640), AMBIENT_C + 2.0, np.float32)
    img += cv2.GaussianBlur(rng.normal(0.0, 1.0, img.shape).astype(np.float32), (0, 0), 25.0) * 20.0
    return rng, img


def _seen(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``img`` as the camera shows it: blurred (σ 0.7 px) with 50 mK noise (docs/physics.md §6)."""
    img = cv2.GaussianBlur(img, (0, 0), 0.7)
    return img + rng.normal(0.0, 0.05, img.shape).astype(np.float32)


def _defects(ex):  # findings graded general or worse
    return [f for f in ex.hotspots if f.diagnosis.grade_level >= 1]


def test_one_warm_housing_of_three_is_serious_with_its_peer_as_t2():
    img = _frame((0.0, 1.2, 0.0))
    ex = examine(img, device="surge-arrester", ambient_c=AMBIENT_C, ambient_source="patrol")
    found = [f for f in ex.hotspots if f.hotspot.pattern == "whole-body" and f.hotspot.accuracy_k is not None]
    assert len(found) == 1
    f = found[0]
    x, y = f.hotspot.max_xy
    assert 340 <= x < 350 and 220 <= y < 250
    assert f.grade == "serious"
    assert f.hotspot.t2_source == "similar-component" and f.hotspot.on_structure
    assert f.hotspot.t2_c == pytest.approx(AMBIENT_C + 1.0, abs=0.2)
    assert f.hotspot.delta_t_k == pytest.approx(1.2, abs=0.2)
    assert f.diagnosis.accuracy_k == pytest.approx(COMPARATIVE_UNCERTAINTY_K)
    assert _defects(ex) == [f]


def test_same_difference_is_within_the_camera_accuracy_for_other_readers():
    """The comparative uncertainty is the body reader's only: a kind without voltage-heating rows
    gets no whole-body hotspot at all."""
    img = _frame((0.0, 1.2, 0.0))
    ex = examine(img, device="parallel-groove-clamp", ambient_c=AMBIENT_C, ambient_source="patrol")
    assert not [f for f in ex.hotspots if f.hotspot.accuracy_k is not None]


def test_three_alike_housings_give_no_defect():
    img = _frame((0.0, 0.0, 0.0))
    rows = [b for b in find_bodies(img)[0] if 220 <= b.xy[1] < 250]
    assert len(rows) == 3  # the three housings are seen as bodies
    assert body_rows(find_bodies(img)[0]) == []
    ex = examine(img, device="surge-arrester", ambient_c=AMBIENT_C, ambient_source="patrol")
    assert _defects(ex) == []


def test_a_warm_tank_alone_is_no_defect():
    img = _frame(tank=True, bodies=False)
    assert find_body_hotspots(img, t0_c=AMBIENT_C, t0_source="patrol", conditions=Conditions()) == []
    ex = examine(img, device="transformer-bushing", ambient_c=AMBIENT_C, ambient_source="patrol")
    assert _defects(ex) == []


def test_a_housing_warm_only_at_one_spot_is_not_whole_body():
    """A spot on one housing (a connection, current heating) is not the whole-body pattern."""
    img = _frame((0.0, 0.0, 0.0))
    img[222:228, 342:348] += 2.0
    assert find_body_hotspots(img, t0_c=AMBIENT_C, t0_source="patrol", conditions=Conditions()) == []


@pytest.mark.parametrize("seed", [102, 137, 174])
def test_generated_arrester_frame_hot_housing_found_and_serious(seed):
    img, truth = render(seed, "arrester")
    assert truth.defect and truth.t2_c is not None and truth.xy is not None
    ex = examine(img, device=truth.device, ambient_c=truth.t0_c, ambient_source="patrol")
    at = [f for f in ex.hotspots
          if f.hotspot.bbox[0] - 3 <= truth.xy[0] < f.hotspot.bbox[0] + f.hotspot.bbox[2] + 3
          and f.hotspot.bbox[1] - 3 <= truth.xy[1] < f.hotspot.bbox[1] + f.hotspot.bbox[3] + 3]
    assert at and at[0].grade == "serious"
    assert at[0].hotspot.pattern == "whole-body"
    assert abs(at[0].hotspot.t2_c - truth.t2_c) <= 0.5


@pytest.mark.parametrize("seed", [104, 133, 157])
def test_generated_healthy_arrester_and_transformer_frames_give_no_whole_body_defect(seed):
    """No row of healthy arresters is read at all (0.5 K is already serious for a 10 kV arrester, DL/T
    664-2016 Table I.1). A row of healthy bushings may be read, below its 2 K criterion: on frame 133
    three 1 px porcelain lines over a ground sloping 2.5 K across the row read 35.0, 34.3 and 33.7 °C,
    and with the outer two alike at two steps the middle is placed and the row read (ΔT 0.84 K), graded
    none."""
    img, truth = render(seed, "arrester")
    assert not truth.defect
    assert find_body_hotspots(img, t0_c=truth.t0_c, t0_source="patrol", conditions=Conditions()) == []
    img, truth = render(seed, "bushing-voltage")
    assert not truth.defect
    found = find_body_hotspots(img, t0_c=truth.t0_c, t0_source="patrol", conditions=Conditions())
    assert all(h.delta_t_k is not None and h.delta_t_k < 1.0 for h in found)
    ex = examine(img, device=truth.device, ambient_c=truth.t0_c, ambient_source="patrol")
    assert not [f for f in ex.hotspots if f.hotspot.pattern == "whole-body" and f.diagnosis.grade_level >= 1]


def test_heating_choice_decides_whether_bodies_are_read():
    """A kind with both tables: the whole-body reading by its pattern, or when the analyst says
    voltage; not when the analyst says current (never both tables at once, issue 10 item 5)."""
    img = _frame((0.0, 2.5, 0.0))

    def bodies(**kw):
        ex = examine(img, device="transformer-bushing", ambient_c=AMBIENT_C, ambient_source="patrol", **kw)
        return [f for f in ex.hotspots if f.hotspot.accuracy_k is not None]

    assert [f.grade for f in bodies()] == ["serious"]
    assert [f.grade for f in bodies(heating="voltage")] == ["serious"]
    assert bodies(heating="current") == []


def test_a_cold_body_between_two_housings_does_not_make_the_row_a_bank():
    """Development frame 5555032: the crossarm's cold steel (≈ 4 °C) between two housings is outlined
    as a body alike in size to the warm one; counted as a fourth member it made the row "a bank" and
    the warm housing (1 K over its peers) went unread. Only bodies reading like the row continue it."""
    img, truth = render(5555032, "arrester")
    assert truth.defect and truth.xy is not None and truth.t2_c is not None
    found = find_body_hotspots(img, t0_c=truth.t0_c, t0_source="patrol", conditions=Conditions())
    (h,) = [h for h in found if abs(h.max_xy[0] - truth.xy[0]) <= 4 and abs(h.max_xy[1] - truth.xy[1]) <= 8]
    assert h.t2_c is not None and truth.t1_c is not None
    assert abs(h.t2_c - truth.t2_c) <= 0.3 and abs(h.t_max_c - truth.t1_c) <= 0.3


def test_of_two_rows_sharing_two_housings_the_evenly_spaced_one_is_the_phase_set():
    """Development frame 5555005, three healthy arresters: the pin insulator 10 px beside the third
    reads 3.6 K warmer (porcelain in the sun) and stands in a row with the other two as well (spacings
    60 and 47 px); the housing itself gives 60 and 57. The even row wins, so nothing is warm."""
    img, truth = render(5555005, "arrester")
    assert not truth.defect
    assert find_body_hotspots(img, t0_c=truth.t0_c, t0_source="patrol", conditions=Conditions()) == []


def test_a_row_a_fourth_alike_body_continues_is_a_bank():
    img = _frame((0.0, 1.2, 0.0))
    x = 280 + 60 * 3  # a fourth housing one spacing on, as warm as the first: fins, not phases
    img[220:250, x: x + 10] = AMBIENT_C + 1.0
    img[216:220, x + 2: x + 8] = AMBIENT_C - 4.0
    img = cv2.GaussianBlur(img, (0, 0), 0.7)
    assert find_body_hotspots(img, t0_c=AMBIENT_C, t0_source="patrol", conditions=Conditions()) == []


def _narrow_housings(spacing_px: int, seed: int = 3) -> np.ndarray:
    """Three upright 3 px housings ``spacing_px`` apart (read on their centre lines, boxes 5 px wide),
    the middle one 1.5 K warmer, on the textured ground of :func:`_frame`, seen as it is."""
    rng, img = _ground(seed)
    img[250:256, 250:450] = AMBIENT_C - 2.0
    for k, e in enumerate((0.0, 1.5, 0.0)):
        x = 300 + spacing_px * k
        img[220:250, x: x + 3] = AMBIENT_C + 1.0 + e
        img[216:220, x + 1: x + 2] = AMBIENT_C - 4.0
    return _seen(img, rng)


@pytest.mark.parametrize("spacing_px", [7, 8, 9])
def test_bodies_closer_than_two_box_widths_are_no_row_of_phases(spacing_px):
    """Found rows of touching outlines on the SDK sample frames of textured ground and roofs (DJI M4T
    0005: three 5–7 px boxes 6.5–8 px apart, graded a `serious` arrester by 1.1 K): phases stand five
    or more housing widths apart, so the bodies of a row stand two box widths apart or more
    (bodies.ROW_SPACING_WIDTHS); the same housings 14 px apart are a row."""
    conditions = Conditions()
    assert find_body_hotspots(_narrow_housings(spacing_px), t0_c=AMBIENT_C, t0_source="patrol",
                              conditions=conditions) == []
    (h,) = find_body_hotspots(_narrow_housings(14), t0_c=AMBIENT_C, t0_source="patrol", conditions=conditions)
    assert h.t2_c is not None and abs(h.t_max_c - h.t2_c - 1.5) <= 0.2


def _solar_array(seed: int) -> np.ndarray:
    """A 640×512 frame of three rows of solar modules seen from above (docs/detector.md, twenty-fourth
    pass; after the DJI XT S solar-farm frames of the DJI Thermal SDK samples): modules 12 px wide on a
    13 px pitch, two high, 27–28.5 °C and warmer towards their foot, the 1 px gaps between them colder by
    a reading that wanders along each gap, over ground 2 K above the air; blurred (σ 0.7 px) with
    50 mK noise."""
    rng = np.random.default_rng(seed)
    img = np.full((512, 640), AMBIENT_C + 2.0, np.float32)
    img += cv2.GaussianBlur(rng.normal(0.0, 1.0, img.shape).astype(np.float32), (0, 0), 25.0) * 20.0
    for top in (100, 250, 400):
        xs = range(30, 610, 13)
        for x in xs:
            for half in (0, 1):
                y0 = top + 32 * half
                foot = np.linspace(0.0, 1.5, 30)[:, None]  # warmer towards the foot
                img[y0: y0 + 30, x: x + 12] = 27.0 + rng.uniform(-0.5, 0.5) + foot
            img[top: top + 62, x + 12: x + 13] = (24.5 + 0.15 * np.cumsum(rng.normal(0.0, 1.5, 62)))[:, None]
        img[top + 30: top + 32, 30: xs[-1] + 13] = 24.0
    img = cv2.GaussianBlur(img, (0, 0), 0.7)
    return img + rng.normal(0.0, 0.05, img.shape).astype(np.float32)


def test_a_row_of_an_array_that_goes_on_beyond_it_is_no_phase_set():
    """The gaps between solar modules stand out as narrow bodies, alike in width, broken along their
    length by the wandering reading, so a row of three of them is not continued by a fourth alike
    found body (the bank rule on bodies); 0.5 K between them made a `serious` arrester. Six on this frame
    before `bodies.continued` read the frame itself beyond the rows' ends."""
    img = _solar_array(3)
    for kind in ("surge-arrester", "transformer-bushing"):
        ex = examine(img, device=kind, ambient_c=AMBIENT_C, ambient_source="patrol")
        assert [f.grade for f in ex.hotspots if f.hotspot.pattern == "whole-body"
                and f.diagnosis.grade_level >= 1] == []


def test_continued_reads_the_frame_beyond_the_row_ends():
    """Three narrow bodies (3 px porcelain lines 60 px apart, a bushing's at about 15 m) end at three:
    quiet ground beyond both outer ones. The same row with such lines drawn on every half spacing, two
    spacings beyond each end (a grating, as an array's gaps), goes on."""
    rng = np.random.default_rng(11)
    ground = np.full((512, 640), AMBIENT_C + 2.0, np.float32)
    ground += cv2.GaussianBlur(rng.normal(0.0, 1.0, ground.shape).astype(np.float32), (0, 0), 25.0) * 20.0

    def lines(xs):
        img = ground.copy()
        for x in xs:
            img[220:250, x: x + 3] = AMBIENT_C - 1.0 + (1.2 if x == 340 else 0.0)
        img = cv2.GaussianBlur(img, (0, 0), 0.7)
        return img + rng.normal(0.0, 0.05, img.shape).astype(np.float32)

    img = lines((280, 340, 400))
    (bodies,) = find_bodies(img)
    trio = tuple(b for b in bodies if 220 <= b.xy[1] <= 250 and 275 <= b.xy[0] <= 405)
    assert len(trio) == 3
    assert not continued(img, trio)
    assert continued(lines((160, 190, 220, 250, 280, 340, 400, 430, 460, 490, 520)), trio)


@pytest.mark.parametrize(("seed", "scenario"), [(5550080, "healthy"), (33001068, "healthy-clutter")])
def test_three_specks_of_ground_none_standing_out_clearly_are_no_row(seed, scenario):
    """Frames with nothing wrong (development 5550080; 33001068 of an unseen base, bench/false_defects.py):
    specks of the ground outline as three alike "bodies" side by side, standing off 0.2–0.4 K, the warmest
    0.6–0.9 K over the others: a `serious` arrester. A row needs a body standing off by
    bodies.NARROW_ROW_FLANK_K (0.4 K); the generated arrester and bushing rows have one of 0.6 K or more."""
    ex, img = nothing_wrong(seed, scenario, "surge-arrester")
    (bodies,) = find_bodies(img)
    assert [b for b in bodies if 0.2 <= b.flank_k < 0.4]
    assert body_rows(bodies, 0.3) == []
    assert [f.grade for f in ex.hotspots if f.diagnosis.grade_level >= 1] == []
