"""Hotspots judged against the whole frame (``irpatrol.analysis.frame_context``): a part cut by the
frame's edge keeps no reference, a piece of a body off the line structure is off it too. Generated field
frames with nothing wrong (a base of ``bench/false_defects.py``) and property tests over drawn hotspots."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from analysis.scenes import nothing_wrong
from irpatrol.analysis.frame_context import EDGE_READ_PX, SAME_BODY_K, at_frame_edge, in_frame_context
from irpatrol.analysis.hotspots import Hotspot
from irpatrol.conditions import CUT_BY_FRAME_EDGE
from irpatrol.pipeline import examine
from irpatrol.radiometry import read

SHAPE = (512, 640)


PEERS = ((250, 150, 3, 3), (200, 150, 3, 3))
"""Two peers' boxes (x, y, w, h px) well inside the frame."""


def _hotspot(bbox: tuple[int, int, int, int], t1: float, *, t2: float | None = 20.0,
             on_structure: bool = True,
             peers: tuple[tuple[int, int, int, int], ...] = PEERS) -> Hotspot:
    """A hotspot at ``bbox`` peaking at ``t1`` (°C), with T0 15 °C and a reference ``t2`` (°C) from
    ``peers``, or none."""
    delta = None if t2 is None else t1 - t2
    return Hotspot(bbox=bbox, contour=np.zeros((0, 1, 2), np.int32), area_px=bbox[2] * bbox[3], t_max_c=t1,
                   max_xy=(bbox[0], bbox[1]), t_mean_c=t1 - 1.0, t2_c=t2,
                   t2_source="none" if t2 is None else "similar-component",
                   t2_bbox=None if t2 is None else peers[0],
                   t0_c=15.0, t0_source="patrol", delta_t_k=delta, rise_k=t1 - 15.0,
                   delta_pct=None if delta is None else 100.0 * delta / (t1 - 15.0),
                   peer_bboxes=() if t2 is None else peers, on_structure=on_structure,
                   reference_margin_k=0.0 if t2 is None else 3.0)


def test_a_part_cut_by_the_frame_edge_keeps_no_reference() -> None:
    cut = in_frame_context([_hotspot((600, 500, 40, 12), 40.0)], SHAPE)[0]
    assert (cut.t2_c, cut.t2_source, cut.peer_bboxes, cut.delta_pct) == (None, "none", (), None)
    assert cut.on_structure  # still a reading of the line, for review
    assert cut.flags == (CUT_BY_FRAME_EDGE,)
    inside = _hotspot((300, 200, 10, 10), 40.0)
    assert in_frame_context([inside], SHAPE) == [inside]


def test_a_part_whose_peer_the_frame_edge_cuts_keeps_no_reference() -> None:
    """SDK H20N frame 0006 (a night scene, docs/detector.md thirty-second pass): a 21.4 °C patch was
    graded `general` against a row whose far "phase" sat 2 px inside the right edge, its reading and
    its line read partly from the frame's replicated border."""
    row = ((489, 477, 3, 3), (636, 225, 3, 3))  # the far peer's box ends 1 px inside the edge
    cut = in_frame_context([_hotspot((569, 330, 15, 24), 21.4, t2=15.5, peers=row)], SHAPE, EDGE_READ_PX)[0]
    assert (cut.t2_c, cut.t2_source, cut.peer_bboxes, cut.flags) == (None, "none", (), (CUT_BY_FRAME_EDGE,))
    inside = _hotspot((569, 330, 15, 24), 21.4, t2=15.5, peers=((489, 477, 3, 3), (600, 225, 3, 3)))
    assert in_frame_context([inside], SHAPE, EDGE_READ_PX) == [inside]


def test_a_body_whose_interior_starts_a_pixel_inside_the_frame_is_cut() -> None:
    """A whole-body hotspot's box is its body's interior; the blurred outline lies a pixel beyond it
    (body_hotspots.INTERIOR_INSET_PX). On the DJI XT S solar-farm frame DJI_0005 (docs/detector.md,
    twenty-fourth pass) a row's warm "body" began at the frame's second row, a piece of a module gap
    running out of the frame, and was a `serious` arrester."""
    body = _hotspot((352, 1, 6, 11), 21.7, t2=19.5)
    assert in_frame_context([body], SHAPE) == [body]  # a box one pixel in: not cut as a box
    cut = in_frame_context([body], SHAPE, outline_px=1)[0]
    assert (cut.t2_c, cut.t2_source, cut.flags) == (None, "none", (CUT_BY_FRAME_EDGE,))
    inside = _hotspot((352, 2, 6, 11), 21.7, t2=19.5)
    assert in_frame_context([inside], SHAPE, outline_px=1) == [inside]
    assert at_frame_edge((633, 200, 6, 11), SHAPE, outline_px=1)  # 633 + 6 + 1 reaches column 640
    assert not at_frame_edge((632, 200, 6, 11), SHAPE, outline_px=1)


def test_a_piece_of_an_off_structure_body_is_off_the_structure() -> None:
    car = _hotspot((282, 184, 45, 38), 46.8, t2=None, on_structure=False)
    piece = _hotspot((282, 184, 30, 11), 46.8)
    clamp = _hotspot((300, 190, 6, 6), 46.8 + 2 * SAME_BODY_K)  # hotter than the car it stands before
    out = in_frame_context([piece, car, clamp], SHAPE)
    assert not out[0].on_structure and out[0].t2_c is None
    assert out[1] is car and out[2] is clamp


@given(st.lists(st.tuples(st.integers(0, 639), st.integers(0, 511), st.integers(1, 60), st.integers(1, 60),
                          st.floats(16.0, 80.0), st.booleans(), st.booleans()), max_size=8))
def test_the_frame_never_adds_a_reference_nor_a_part(
        rows: list[tuple[int, int, int, int, float, bool, bool]]) -> None:
    hs = [_hotspot((x, y, min(w, 640 - x), min(h, 512 - y)), t1, t2=20.0 if ref else None, on_structure=on)
          for x, y, w, h, t1, ref, on in rows]
    out = in_frame_context(hs, SHAPE)
    assert len(out) == len(hs)
    for a, b in zip(hs, out, strict=True):
        assert b.bbox == a.bbox and b.t_max_c == a.t_max_c
        assert (b.t2_c is None) or (b.t2_c == a.t2_c)
        assert b.on_structure <= a.on_structure
        if at_frame_edge(a.bbox, SHAPE) and a.on_structure:
            assert b.t2_c is None


def test_the_generated_road_edge_and_car_piece_are_no_defects() -> None:
    # base 99000000 of bench/false_defects.py, nothing wrong: 99001162's warm strip of road along the
    # frame's bottom edge was `critical` against spots of a conductor; 99001184's piece of a 46.8 °C car
    # above a crossarm `serious` against the crossarm's conductor
    for seed in (99001162, 99001184):
        ex, _ = nothing_wrong(seed, "healthy-clutter", "parallel-groove-clamp")
        assert [f for f in ex.hotspots if f.diagnosis.grade_level >= 1] == []
    ex, _ = nothing_wrong(99001162, "healthy-clutter", "parallel-groove-clamp")
    (strip,) = [f for f in ex.hotspots if CUT_BY_FRAME_EDGE in f.hotspot.flags]
    assert strip.grade == "unrated" and strip.diagnosis.unrated_reason is not None
    assert "frame's edge" in strip.diagnosis.unrated_reason and CUT_BY_FRAME_EDGE in strip.diagnosis.flags


def test_a_hot_spot_a_few_pixels_from_the_frames_edge_is_graded_by_no_reference(samples: Path) -> None:
    # the shared DJI XT2 frame: an 82.9 °C spot whose box ends 3 px below the top edge was a `critical`
    # clamp against a "conductor" whose line the line test read partly from the frame's replicated
    # border (its nearest samples lie EDGE_READ_PX out). Its reference is withheld and it is marked
    # cut by the frame's edge; a clamp's absolute limits are not reached at 82.9 °C: unrated, for review
    ex = examine(read(samples / "dji_xt2_flir_core.jpg"), device="parallel-groove-clamp")
    (f,) = [f for f in ex.hotspots if f.hotspot.t_max_c > 80.0]
    assert f.hotspot.bbox[1] < EDGE_READ_PX
    assert f.hotspot.t2_source == "none" and CUT_BY_FRAME_EDGE in f.hotspot.flags
    assert f.grade == "unrated"
