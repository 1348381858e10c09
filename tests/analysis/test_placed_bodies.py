"""Rows of voltage-heating bodies completed by placing the phase that does not stand out
(irpatrol.analysis.placed_bodies), on development frames of the scene generator (seeds 5550000…)."""

from __future__ import annotations

import numpy as np
import pytest

from irpatrol.analysis.bodies import BodyRow, body_rows, find_bodies
from irpatrol.analysis.body_hotspots import find_body_hotspots
from irpatrol.analysis.placed_bodies import completed_rows, searched_rows
from irpatrol.conditions import Conditions
from irpatrol.radiometry import read
from irpatrol.simulate.scene import Truth, render


def _near(xy: tuple[float, float], truth_xy: tuple[int, int]) -> bool:
    return abs(xy[0] - truth_xy[0]) <= 5 and abs(xy[1] - truth_xy[1]) <= 10


def _defect(seed: int, scenario: str) -> tuple[np.ndarray, Truth]:
    """A generated frame with a defect, its truth holding T1, T2 and the warm body's place."""
    img, truth = render(seed, scenario)
    assert truth.defect and truth.xy is not None and truth.t1_c is not None and truth.t2_c is not None
    return img, truth


def _read_right(rows: list[BodyRow], truth: Truth) -> None:
    """One of ``rows`` has its warm body at the truth's, and T1 and T2 come within 0.3 K of the truth."""
    assert truth.xy is not None and truth.t1_c is not None and truth.t2_c is not None
    (row,) = [r for r in rows if _near(r.hot.xy, truth.xy)]
    assert abs(row.hot.reading_c - truth.t1_c) <= 0.3 and abs(row.peers[0].reading_c - truth.t2_c) <= 0.3


def _completed_from_found_pair(seed: int, scenario: str) -> tuple[np.ndarray, Truth]:
    """A generated defect frame whose warm body is in no row of three found bodies but in a row
    :func:`completed_rows` completes from a found pair, read right (:func:`_read_right`)."""
    img, truth = _defect(seed, scenario)
    assert truth.xy is not None
    (bodies,) = find_bodies(img)
    assert not any(_near(r.hot.xy, truth.xy) for r in body_rows(bodies))
    _read_right(completed_rows(img, bodies, 0.5), truth)
    return img, truth


def _whole_body_at(img: np.ndarray, truth: Truth) -> bool:
    """Whether the whole-body reader reports a whole-body hotspot at the truth's warm body."""
    assert truth.xy is not None
    found = find_body_hotspots(img, t0_c=truth.t0_c, t0_source="patrol", conditions=Conditions())
    return any(_near(h.max_xy, truth.xy) and h.pattern == "whole-body" for h in found)


@pytest.mark.parametrize(("seed", "scenario", "placed"), [
    (5555029, "arrester", "the warm housing, as warm as the ground behind it"),
    (5555012, "arrester", "a healthy housing in front of the pole"),
    (5555019, "arrester", "the warm housing"),
])
def test_the_phase_that_does_not_stand_out_is_placed_and_the_row_read(seed, scenario, placed):
    """Two housings are found as bodies, the third ({placed}) does not stand off its surroundings, so
    no row of three found bodies holds the warm one; placed by the repetition it is read, and T1 and
    T2 come within 0.3 K of the truth."""
    img, truth = _defect(seed, scenario)
    (bodies,) = find_bodies(img)
    assert not any(_near(r.hot.xy, truth.xy) for r in body_rows(bodies))
    found = find_body_hotspots(img, t0_c=truth.t0_c, t0_source="patrol", conditions=Conditions())
    (h,) = [h for h in found if _near(h.max_xy, truth.xy)]
    assert h.t2_c is not None and h.pattern == "whole-body"
    assert abs(h.t_max_c - truth.t1_c) <= 0.3 and abs(h.t2_c - truth.t2_c) <= 0.3


@pytest.mark.parametrize(("seed", "scenario"), [
    (5555061, "arrester"), (5555068, "arrester"),
])
def test_smooth_ground_beyond_the_last_phase_does_not_make_the_row_a_bank(seed, scenario):
    """Development frames where the pattern matched weakly (≥ BANK_MATCH) one step beyond the row over
    smooth ground reading like the row: without the outline floor there the completed row was taken for
    three of a bank and the warm body was missed. It is read, T1 and T2 within 0.3 K of the truth."""
    img, truth = _defect(seed, scenario)
    (bodies,) = find_bodies(img)
    _read_right(completed_rows(img, bodies, 0.5), truth)


def test_smooth_blobs_of_the_ground_start_no_row():
    """Development frame 5554019 ("far"): sun-warmed and shaded patches of ground outline as alike
    bodies 7 K apart; without the pattern floor (MIN_PATTERN_K) a third patch was placed by matching
    the sensor's noise and a 'serious' arrester made of ground."""
    img, _ = render(5554019, "far")
    (bodies,) = find_bodies(img)
    assert not any(_near(r.hot.xy, (427, 180)) for r in completed_rows(img, bodies, 0.5))


@pytest.mark.parametrize(("seed", "scenario"), [
    (44000176, "healthy"), (33000102, "healthy"), (33001128, "healthy-clutter"),
])
def test_a_placed_warm_body_whose_surroundings_go_on_beyond_the_row_is_no_housing(seed, scenario):
    """Frames with nothing wrong of unseen bases (bench/false_defects.py, 44000000 and 33000000): below
    a crossarm, strips of smooth sun-warmed ground beside the parallel conductors stood off as two alike
    bodies, and a third place between or beside them, warmer by 2.8–5 K, was read as a "serious"
    arrester. The conductors and the crossarm's edge run on past the row, so the peers' surroundings
    match one step beyond its ends too (0.52–0.68, placed_bodies.WARM_BEYOND): no row."""
    img, truth = render(seed, scenario)
    assert not truth.defect
    (bodies,) = find_bodies(img)
    assert completed_rows(img, bodies, 0.5) == []


def test_two_strips_of_ground_none_standing_out_clearly_complete_no_row():
    """Frame with nothing wrong 33001043 of an unseen base (bench/false_defects.py): two strips of ground
    standing off 0.24 and 0.29 K and a place 1.2 K warmer beside them were a "serious" arrester. One of
    the two found bodies must stand off by bodies.NARROW_ROW_FLANK_K (0.4 K)."""
    img, truth = render(33001043, "healthy-clutter")
    assert not truth.defect
    (bodies,) = find_bodies(img)
    assert completed_rows(img, bodies, 0.5) == []


@pytest.mark.parametrize("seed", [5551026, 5551037])
def test_ground_texture_and_pin_insulators_complete_no_row(seed):
    """Development frames of the clutter scenario where a completed row once stood on a pin insulator
    and bare ground (5551026) or on specks of ground texture (5551037)."""
    img, truth = render(seed, "healthy-clutter")
    assert not truth.defect
    (bodies,) = find_bodies(img)
    assert completed_rows(img, bodies, 0.5) == []


@pytest.mark.parametrize("name", ["dji_xts_dirp.jpg", "dji_m30t_iirp.jpg"])
def test_facade_columns_are_a_bank_not_three_phases(samples, name):
    """Shared real frames of high-rise façades: two window columns outline as alike bodies and a third
    column was placed 0.6–0.8 K cooler, a 'serious' arrester under --device surge-arrester. The
    columns go on beyond the row (BANK_MATCH), so no row is completed."""
    img = np.ascontiguousarray(read(samples / name).celsius, dtype=np.float32)
    (bodies,) = find_bodies(img)
    assert completed_rows(img, bodies, 0.5) == []


@pytest.mark.parametrize("seed", [5555030, 5555040, 5555062, 5555075, 5555080])
def test_the_middle_phase_is_placed_between_outer_phases_two_steps_apart(seed):
    """Development frames where the two outer housings are found and the middle one is not: they stand
    two phase steps apart, farther than bodies.MAX_SPACING_LENGTHS allows neighbours, so they were
    not alike and no row was completed (the warm housing missed). Alike at two steps and both standing
    out clearly, the middle is placed between them; T1 and T2 within 0.3 K of the truth."""
    img, truth = _defect(seed, "arrester")
    (bodies,) = find_bodies(img)
    _read_right(completed_rows(img, bodies, 0.5), truth)


@pytest.mark.parametrize(("seed", "scenario"), [
    (5555009, "arrester"), (5555010, "arrester"), (5555047, "arrester"), (5555050, "arrester"),
    (5560007, "bushing-voltage"),
])
def test_a_row_is_read_from_the_one_housing_that_stands_out(seed, scenario):
    """Development frames where only the warm housing stands out as a body (its healthy peers read like
    the ground or the pole behind them, or split at their sheds), so no row of found bodies holds it and
    none is completed from two; the step between phases is where its outline repeats beside it, both
    peers are placed there, and T1 and T2 come within 0.3 K of the truth. On 5560007 the warm bushing's
    outline repeats along its axis both ways, in the lead above and the tank's fins below, but colder
    and warmer than the bushing: it ends, and is not a stretch of something going on."""
    img, truth = _defect(seed, scenario)
    (bodies,) = find_bodies(img)
    assert not any(_near(r.hot.xy, truth.xy) for r in [*body_rows(bodies), *completed_rows(img, bodies, 0.5)])
    _read_right(searched_rows(img, bodies, 0.5), truth)
    assert _whole_body_at(img, truth)


@pytest.mark.parametrize("seed", [5555026, 5555038, 5555064])
def test_the_far_healthy_phase_of_a_searched_row_is_placed_by_its_reading(seed):
    """Development arrester frames where only the warm housing stands out: the near healthy phase is
    placed where its outline repeats (matched 0.58–0.63), but the far one stands before other ground or
    the crossarm and matches only 0.32–0.43, or shows its own outline under MIN_OWN_MATCH. Read there it
    agrees with the near one within 0.01 K (placed_bodies._placement at SEARCHED_AGREE_MATCH), so the row
    stands: T1 and T2 within 0.3 K of the truth and a whole-body hotspot at the warm housing. Missed (no
    row) before the twentieth pass."""
    img, truth = _defect(seed, "arrester")
    (bodies,) = find_bodies(img)
    _read_right(searched_rows(img, bodies, 0.5), truth)
    assert _whole_body_at(img, truth)


@pytest.mark.parametrize(("seed", "scenario"), [
    (99000133, "healthy"), (99010125, "bushing-voltage"), (33001087, "healthy-clutter"),
    (33005000, "arrester"),
])
def test_a_far_phase_placed_by_its_reading_needs_a_trace_of_the_pattern(seed, scenario):
    """Frames with nothing wrong of the unseen bases where a searched row's far phase placed wherever the
    pattern matches at all and read like the near one made a 'serious' arrester or bushing (seventeenth
    pass): both places on the sky or on one smooth surface, matching 0.04–0.19. The far phase placed by
    its reading must match by placed_bodies.SEARCHED_AGREE_MATCH (0.3); without it each of these frames
    gives a row again."""
    img, truth = render(seed, scenario)
    assert not truth.defect
    (bodies,) = find_bodies(img)
    assert searched_rows(img, bodies, 0.5) == []


@pytest.mark.parametrize(("seed", "scenario", "what"), [
    (5550027, "healthy", "a warm building edge going on along its axis"),
    (77001048, "healthy-clutter", "pin insulators whose 'warm' member is the ground behind it"),
    (77001050, "healthy-clutter", "a strip of sunlit ground beside the conductors, 0.26 K off its sides"),
    (77001063, "healthy-clutter", "ground between parallel conductors, 0.21 K off its sides"),
])
def test_no_row_is_read_from_one_outline_that_is_no_housing(seed, scenario, what):
    """Generated frames with nothing wrong where a row read from one outline ({what}) gave a 'serious'
    arrester before the guards of searched_rows: the parallel conductors crossing the outline's box repeat
    at the phase spacing and place 'peers' wherever they cross alike."""
    img, truth = render(seed, scenario)
    assert not truth.defect
    (bodies,) = find_bodies(img)
    assert searched_rows(img, bodies, 0.5) == []


@pytest.mark.parametrize("name", [
    "dji_xt2_flir_core.jpg", "flir_t640.jpg", "dji_xts_dirp.jpg", "dji_m30t_iirp.jpg",
])
def test_pipes_cables_and_facades_give_no_row_from_one_outline(samples, name):
    """Shared real frames without an arrester or a bushing: an industrial plant's pipes and cables (XT2),
    a panel's stripes (T640) and high-rise façades (XT-S, M30T). Vertical stretches of pipe and cable
    repeat beside each other like phases, but they go on along their axis, so no row is read."""
    img = np.ascontiguousarray(read(samples / name).celsius, dtype=np.float32)
    (bodies,) = find_bodies(img)
    assert searched_rows(img, bodies, 0.5) == []


@pytest.mark.parametrize("seed", [5560005, 5560017, 5560031, 5560043])
def test_a_row_of_narrow_bushings_that_is_one_set_is_completed(seed):
    """Development bushing frames beyond 6 m: the porcelain is 3–5 px wide, read on its centre line (a
    narrow body), and one healthy bushing reads like the tank behind it, so no row of three found bodies
    holds the warm one. The pair found completes the row when the row is one set of three alike parts
    (phase_shift.one_set); T1 and T2 come within 0.3 K of the truth."""
    _completed_from_found_pair(seed, "bushing-voltage")


@pytest.mark.parametrize("seed", [5560008, 5560022, 5560054, 5560061])
def test_a_narrow_row_stands_by_its_placed_healthy_phase_reading_as_the_found_one(seed):
    """Development bushing frames beyond 6 m where the warm bushing and one healthy bushing are found as
    narrow bodies and the other healthy one is placed by the pattern, but the row is no one set of alike
    parts (phase_shift.one_set): the two healthy bushings stand before the tank, the pole or the ground,
    and their surroundings match each other by 0.18–0.56 at the best placements. The placed bushing
    reads as the found healthy one within two NETDs (placed_bodies._agreeing_phase), so the row stands:
    T1 and T2 within 0.3 K of the truth and a whole-body hotspot at the warm bushing. Missed (no row)
    before the twentieth pass."""
    img, truth = _completed_from_found_pair(seed, "bushing-voltage")
    assert _whole_body_at(img, truth)


@pytest.mark.parametrize("name", [
    "dji_h20t_dirp.jpg", "dji_m4t_hirp.jpg", "dji_xt2_flir_core.jpg", "flir_e40.jpg", "flir_t640.jpg",
])
def test_narrow_outlines_of_real_frames_complete_no_row(samples, name):
    """Shared real frames without an arrester or a bushing where narrow outlines (a panel's edges,
    façade details, pipes) pair as alike bodies and a third is placed beside them: "serious" arresters
    had a narrow body started rows without the one-set test. Their peers match each other 0.44–0.71,
    with as much or more beyond the row's ends, so no row is completed."""
    img = np.ascontiguousarray(read(samples / name).celsius, dtype=np.float32)
    (bodies,) = find_bodies(img)
    assert completed_rows(img, bodies, 0.5) == []


@pytest.mark.parametrize(("seed", "scenario"), [
    (5555036, "arrester"), (5555089, "arrester"), (5560012, "bushing-voltage"), (5560039, "bushing-voltage"),
])
def test_a_healthy_phase_hidden_against_its_background_completes_the_row(seed, scenario):
    """Development frames where the warm housing and one healthy housing are found and the other healthy
    one reads like the ground behind it (5560012: 20.0 °C before ground running from 18.5 to 21.8 °C
    across it), so the found bodies' pattern matches it by no more than 0.22–0.35. Placed where the
    pattern matches best anyway, it reads as the found healthy housing within two NETDs
    (placed_bodies.HIDDEN_AGREE_K), and the row is read: T1 and T2 within 0.3 K of the truth."""
    img, truth = _completed_from_found_pair(seed, scenario)
    assert _whole_body_at(img, truth)


@pytest.mark.parametrize(("seed", "scenario", "what"), [
    (33000099, "healthy", "a warm body standing off only 0.6 K (HIDDEN_WARM_FLANK_K)"),
    (99001055, "healthy-clutter", "a warm body standing off only 0.4 K (HIDDEN_WARM_FLANK_K)"),
    (99001194, "healthy-clutter", "a pole top and ground 0.22–0.29 K off the found peer (HIDDEN_AGREE_K)"),
    (23001081, "healthy-clutter", "a pole's sunlit edge and two places on smooth ground reading alike, a "
                                  "narrow row placed under MIN_MATCH (_agreeing_phase)"),
])
def test_a_hidden_phase_completes_no_row_of_what_is_no_housing(seed, scenario, what):
    """Frames with nothing wrong of the unseen bases (bench/false_defects.py) where a place the pattern
    matched under placed_bodies.MIN_MATCH, taken for a hidden healthy phase, made a 'serious' arrester
    of {what}."""
    img, truth = render(seed, scenario)
    assert not truth.defect
    (bodies,) = find_bodies(img)
    assert completed_rows(img, bodies, 0.5) == []


def test_window_cells_of_a_facade_are_no_row_with_a_hidden_phase(samples):
    """Shared real DJI M30T frame of high-rise façades: two window cells 9 px apart outline as alike bodies
    (5 px boxes), and a hidden healthy "phase" placed beside them overlapped one of them; phases stand
    five or more housing widths apart (bodies.ROW_SPACING_WIDTHS), so no row is completed. Three
    window mullions (narrow bodies 25 px apart) also made a row whose placed "phase" read 0.10 K off the
    found one, at a place the mullion's pattern matched by 0.01: a narrow row standing by its placed
    phase's reading needs the phase placed by placed_bodies.MIN_MATCH (placed_bodies._agreeing_phase)."""
    img = np.ascontiguousarray(read(samples / "dji_m30t_girp.jpg").celsius, dtype=np.float32)
    (bodies,) = find_bodies(img)
    assert completed_rows(img, bodies, 0.5) == []
