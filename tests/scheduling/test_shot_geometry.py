"""Shot geometry: the crossarm and its clamps project inside every payload's thermal frame, the
clearances hold, the aim is the frame centre, and a second shot comes where one view hides a
phase."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.errors import ParameterError
from irpatrol.scheduling.core.payloads import CAMERAS, camera_for
from irpatrol.scheduling.core.shot import (
    PoleHead,
    ShotSettings,
    _rot,
    hidden_clamps,
    in_frame,
    project,
    shots,
)

PAYLOADS = ["M30T", "M300-H20T", "M350-H20T", "M3T", "M4T"]


def _corners_px(shot, bearing, cam, head):
    pts = head.framed_points() @ _rot(bearing).T
    cam_at = np.array([shot.east_m, shot.north_m, shot.up_m])
    return project(pts, cam_at, shot.heading_deg, shot.pitch_deg, cam)


@pytest.mark.parametrize("model", PAYLOADS)
@pytest.mark.parametrize("bearing", [0.0, 37.0, 90.0, -123.0, 180.0])
def test_crossarm_corners_project_inside_the_thermal_frame(model, bearing):
    cam = camera_for(model)
    head = PoleHead()
    for shot in shots(bearing, cam, head):
        px = _corners_px(shot, bearing, cam, head)
        assert in_frame(px, cam), f"{model} bearing {bearing}: {px}"
        assert shot.resolution_ok and shot.footprint_mm * ShotSettings().min_target_px <= 60.0


@pytest.mark.parametrize("model", PAYLOADS)
def test_wide_crossarm_still_fits_or_moves_back(model):
    cam = camera_for(model)
    head = PoleHead(crossarm_m=2.4)
    shot = shots(12.0, cam, head)[0]
    assert in_frame(_corners_px(shot, 12.0, cam, head), cam, 16.0)


def test_narrow_payload_needs_more_distance_than_its_margin_alone():
    """With no clearance the distance is set by the frame: the narrower H20T frame needs more."""
    s = ShotSettings(conductor_clearance_m=0.0, pole_clearance_m=0.0)
    wide = shots(0.0, CAMERAS["M30T"], settings=s)[0]
    narrow = shots(0.0, CAMERAS["H20T"], settings=s)[0]
    assert narrow.distance_m > wide.distance_m
    assert in_frame(_corners_px(narrow, 0.0, CAMERAS["H20T"], PoleHead()), CAMERAS["H20T"], 16.0)


def test_the_pole_top_is_at_the_frame_centre_and_the_camera_looks_down():
    cam = CAMERAS["M30T"]
    shot = shots(60.0, cam)[0]
    head = PoleHead()
    aim = (head.framed_points().min(axis=0) + head.framed_points().max(axis=0)) / 2
    px = project((aim @ _rot(60.0).T)[None, :], np.array([shot.east_m, shot.north_m, shot.up_m]),
                 shot.heading_deg, shot.pitch_deg, cam)[0]
    assert px == pytest.approx([cam.width_px / 2, cam.height_px / 2], abs=0.5)
    assert shot.pitch_deg == pytest.approx(-45.0, abs=0.1)
    assert shot.up_m > 0


@settings(max_examples=40, deadline=None)
@given(bearing=st.floats(-180, 180), cond=st.floats(1.0, 12.0), pole=st.floats(1.0, 12.0),
       az=st.floats(20.0, 160.0), dep=st.floats(20.0, 80.0))
def test_clearances_hold_for_any_setting(bearing, cond, pole, az, dep):
    head = PoleHead()
    s = ShotSettings(conductor_clearance_m=cond, pole_clearance_m=pole, azimuth_deg=az, depression_deg=dep)
    for shot in shots(bearing, CAMERAS["M30T"], head, s):
        rot = _rot(bearing)
        local = rot.T @ np.array([shot.east_m, shot.north_m, shot.up_m])
        clamps = head.clamps()
        d_cond = np.hypot(local[1] - clamps[:, 1], local[2] - clamps[:, 2]).min()
        assert d_cond >= cond - 0.05
        top = clamps[:, 2].max()
        assert math.hypot(math.hypot(local[0], local[1]), max(0.0, local[2] - top)) >= pole - 0.05
        assert in_frame(_corners_px(shot, bearing, CAMERAS["M30T"], head), CAMERAS["M30T"], 16.0)


def test_a_view_across_the_line_hides_a_phase_and_gets_a_second_shot():
    s = ShotSettings(azimuth_deg=90.0, depression_deg=8.0)
    cam = CAMERAS["M30T"]
    first, second = shots(0.0, cam, settings=s)
    assert hidden_clamps(first, 0.0, cam, PoleHead(), s)
    assert second.view == 2
    assert second.east_m == pytest.approx(-first.east_m, abs=0.01)
    assert abs(((second.heading_deg - first.heading_deg) + 180) % 360 - 180) == pytest.approx(180, abs=0.2)
    assert len(shots(0.0, cam)) == 1  # the default oblique view from above sees all three clamps


def test_camera_figures_carry_their_sources_and_derived_fov():
    for cam in CAMERAS.values():
        assert cam.source.startswith("https://")
    # pinhole from the EXIF focal length (payloads.py): issue 13's "about 20°" and "about 13°"
    assert CAMERAS["M30T"].vfov_deg / 2 == pytest.approx(18.6, abs=0.1)
    assert CAMERAS["H20T"].vfov_deg / 2 == pytest.approx(12.8, abs=0.1)
    assert CAMERAS["M30T"].ifov_rad == pytest.approx(1.32e-3, rel=0.01)
    with pytest.raises(ParameterError):
        camera_for("Phantom 4")
    with pytest.raises(ParameterError):
        ShotSettings(depression_deg=2.0)


@pytest.mark.parametrize(("az", "dep"), [(40.0, 80.0), (60.0, 20.0), (120.0, 50.0)])
def test_a_close_shot_as_stored_still_frames_the_head(az, dep):
    # clearances of 1 m let the shot come within 1.6–2.1 m, where the rounding of the stored
    # position (0.01 m) and angles (0.1°) moves the framed corners by up to 5 px: the search keeps
    # that much more margin (hypothesis found a shot 2.1 m away that framed 16 px short by rounding;
    # without the extra margin az 40°, depression 80° fails at four bearings of these)
    head = PoleHead()
    s = ShotSettings(conductor_clearance_m=1.0, pole_clearance_m=1.0, azimuth_deg=az, depression_deg=dep)
    for bearing in np.arange(-180.0, 180.0, 15.0):
        for shot in shots(float(bearing), CAMERAS["M30T"], head, s):
            assert in_frame(_corners_px(shot, float(bearing), CAMERAS["M30T"], head), CAMERAS["M30T"], 16.0)
