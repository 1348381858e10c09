"""Nearest-pole matching and track length (pure)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.registry.geo import PoleIndex, destination, geodesic_m, track_length_m

_offsets = st.lists(st.tuples(st.floats(-0.002, 0.002), st.floats(-0.002, 0.002)), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-60, 60),
    st.floats(-179, 179),
    _offsets,
    st.floats(-0.002, 0.002),
    st.floats(-0.002, 0.002),
    st.floats(5, 300),
)
def test_nearest_agrees_with_brute_force(
    lat: float, lon: float, offsets: list[tuple[float, float]], dlat: float, dlon: float, radius: float
) -> None:
    poles = [(i + 1, lat + a, lon + b) for i, (a, b) in enumerate(offsets)]
    q = (lat + dlat, lon + dlon)
    got = PoleIndex.of(poles).nearest(q[0], q[1], radius)
    dists = sorted((geodesic_m(q[0], q[1], p[1], p[2]), p[0]) for p in poles)
    if dists[0][0] > radius:
        assert got is None
    else:
        assert got is not None and abs(got[1] - dists[0][0]) < 1e-6


def test_track_length_of_a_straight_line() -> None:
    pts = [destination(30.0, 120.0, 45.0, 100.0 * i) for i in range(11)]
    assert abs(track_length_m(pts) - 1000.0) < 0.01
    assert track_length_m(pts[:1]) == 0.0


def test_nearest_across_the_antimeridian() -> None:
    got = PoleIndex.of([(1, 10.0, 179.9999), (2, 10.0, 179.99)]).nearest(10.0, -179.9999, 100.0)
    assert got is not None and got[0] == 1 and got[1] < 25.0


def test_empty_index_matches_nothing() -> None:
    assert PoleIndex.of([]).nearest(30.0, 120.0, 100.0) is None
