"""Helpers that only make the frame readers faster must give the same answers as the plain ways:
``pixels.where_yx`` as ``np.nonzero``, ``ridges.track_ridges`` (tracks followed side by side) as
``ridges.track_ridge`` one track at a time."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from irpatrol.analysis.pixels import where_yx
from irpatrol.analysis.ridges import compact_maxima, lines_through, track_ridge, track_ridges
from irpatrol.simulate.scene import render


@given(arrays(np.bool_, st.tuples(st.integers(1, 40), st.integers(1, 40))))
def test_where_yx_is_nonzero(mask):
    rows, cols = where_yx(mask)
    want_rows, want_cols = np.nonzero(mask)
    assert rows.tolist() == want_rows.tolist() and cols.tolist() == want_cols.tolist()


def test_where_yx_of_a_view():
    frame = np.zeros((8, 10), bool)
    frame[2, 7] = frame[5, 3] = True
    rows, cols = where_yx(frame[1:, 2:])  # not contiguous
    assert rows.tolist() == [1, 4] and cols.tolist() == [5, 1]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["hot-joint", "strain-clamp", "terminal-clamp"]))
def test_tracks_side_by_side_are_the_tracks_one_by_one(seed, scenario):
    img, _ = render(seed, scenario)
    together, tracks = _followed(img)
    assert len(together) == len(tracks)
    for (x, y, a, s), (d, v) in zip(tracks, together, strict=True):
        d1, v1 = track_ridge(img, int(x), int(y), a, s)
        assert d.tolist() == d1.tolist() and v.tolist() == v1.tolist()


def test_tracks_follow_the_conductors_of_a_generated_pole():
    img, _ = render(5552045, "hot-joint")
    together, _ = _followed(img)
    assert sum(len(d) > 0 for d, _ in together) >= 4
    assert max(float(d.max(initial=0.0)) for d, _ in together) >= 100.0  # a span runs on


def _followed(img):
    """Tracks from the strongest compact maxima along their own line directions and 10° off them,
    both ways, followed side by side."""
    cands = compact_maxima(img)[:4]
    xy = np.array([(c[0], c[1]) for c in cands], np.float64).reshape(-1, 2)
    if not len(xy):
        return [], []
    _, angles = lines_through(img, xy, 4.0)
    tracks = [(float(x), float(y), float(a) + da, s) for (x, y), a in zip(xy, angles, strict=True)
              for da in (0.0, 10.0) for s in (-1.0, 1.0)]
    return track_ridges(img, tracks), tracks
