from __future__ import annotations

import numpy as np
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.scheduling.core.geo import bearing_deg, distances, leg_seconds, project, unproject


@settings(max_examples=80, deadline=None)
@given(lat0=st.floats(-60, 60), lon0=st.floats(-179, 179),
       a=st.tuples(st.floats(-0.3, 0.3), st.floats(-0.3, 0.3)),
       b=st.tuples(st.floats(-0.3, 0.3), st.floats(-0.3, 0.3)))
def test_plane_distance_within_1e4_of_the_geodesic_around_a_county(lat0, lon0, a, b):
    lats, lons = [lat0 + a[0], lat0 + b[0]], [lon0 + a[1], lon0 + b[1]]
    xy = project(lats, lons, lat0, lon0)
    plane = float(distances(xy[:1], xy[1:])[0, 0])
    geo = Geodesic.WGS84.Inverse(lats[0], lons[0], lats[1], lons[1])["s12"]
    assert abs(plane - geo) <= 1e-4 * geo + 0.01
    lat, lon = unproject(xy, lat0, lon0)
    assert np.allclose(lat, lats, atol=1e-9) and np.allclose(lon, lons, atol=1e-9)


def test_leg_seconds_round_up_and_bearings_point_the_right_way():
    assert leg_seconds(np.array([0.0, 10.0, 10.01, 99.99]), 10.0).tolist() == [0, 1, 2, 10]
    assert round(bearing_deg(28.0, 113.0, 28.1, 113.0)) == 0
    assert round(bearing_deg(28.0, 113.0, 28.0, 113.1)) == 90
    assert round(bearing_deg(28.0, 113.0, 27.9, 113.0)) == 180
