"""The Planck/atmosphere equation: blackbody limit, round trips, monotonicity, and flyr as an oracle."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.errors import ParameterError
from irpatrol.radiometry.planck import (
    PlanckCalibration,
    PlanckRecalibrator,
    atmospheric_transmission,
    blackbody_celsius,
    blackbody_raw,
    celsius_to_raw,
    raw_to_celsius,
)
from irpatrol.radiometry.thermogram import CaptureParams

T640 = PlanckCalibration(
    r1=17096.453, r2=0.046654686, b=1428.0, f=1.0, o=-1001.0,
    alpha1=0.006569, alpha2=0.01262, beta1=-0.002276, beta2=-0.00667, x=1.9,
)  # fmt: skip
"""Constants of the FLIR T640 sample (CameraInfo record, rounded as ExifTool prints them)."""
BLACKBODY = CaptureParams(emissivity=1.0, distance_m=0.0, reflected_c=20.0, atmospheric_c=20.0, humidity=50.0)

params_st = st.builds(
    CaptureParams,
    emissivity=st.floats(0.3, 1.0),
    distance_m=st.floats(0.0, 100.0),
    reflected_c=st.floats(-30.0, 60.0),
    atmospheric_c=st.floats(-30.0, 45.0),
    humidity=st.floats(0.0, 100.0),
    ir_window_c=st.floats(-30.0, 45.0),
    ir_window_transmission=st.floats(0.5, 1.0),
)


def test_blackbody_limit_is_the_bare_planck_curve() -> None:
    raw = np.array([[9000, 12000], [15000, 20000]], dtype=np.uint16)
    expected = T640.b / np.log(T640.r1 / (T640.r2 * (raw + T640.o)) + T640.f) - 273.15
    np.testing.assert_allclose(raw_to_celsius(raw, T640, BLACKBODY), expected, atol=1e-4)
    assert blackbody_celsius(blackbody_raw(36.6, T640), T640) == pytest.approx(36.6, abs=1e-9)


def test_transmission_is_one_at_zero_distance_and_falls_with_distance_and_humidity() -> None:
    assert atmospheric_transmission(0.0, 20.0, 50.0, T640) == pytest.approx(1.0)
    taus = [atmospheric_transmission(d, 20.0, 50.0, T640) for d in (1, 10, 100, 1000)]
    assert all(a > b for a, b in itertools.pairwise(taus)) and 0 < taus[-1] < 1
    assert atmospheric_transmission(30, 25.0, 90.0, T640) < atmospheric_transmission(30, 25.0, 10.0, T640)


@settings(max_examples=60, deadline=None)
@given(params_st, st.lists(st.integers(6000, 30000), min_size=1, max_size=32))
def test_raw_to_celsius_to_raw_round_trip(params: CaptureParams, counts: list[int]) -> None:
    raw = np.array(counts, dtype=np.uint16)
    celsius = raw_to_celsius(raw, T640, params)
    ok = np.isfinite(celsius)
    back = celsius_to_raw(celsius[ok].astype(np.float64), T640, params)
    np.testing.assert_allclose(back, raw[ok], atol=0.05, rtol=1e-5)


@settings(max_examples=60, deadline=None)
@given(params_st, st.floats(-30.0, 400.0))
def test_celsius_to_raw_to_celsius_round_trip(params: CaptureParams, t_c: float) -> None:
    raw = celsius_to_raw(t_c, T640, params)
    assert isinstance(raw, float)
    assert float(raw_to_celsius(np.array([raw]), T640, params)[0]) == pytest.approx(t_c, abs=1e-3)


@settings(max_examples=40, deadline=None)
@given(params_st)
def test_more_counts_mean_a_hotter_object(params: CaptureParams) -> None:
    celsius = raw_to_celsius(np.arange(8000, 30000, 97, dtype=np.uint16), T640, params)
    finite = celsius[np.isfinite(celsius)]
    assert finite.size > 0 and np.all(np.diff(finite) > 0)


def test_lookup_table_path_equals_direct_float_path() -> None:
    rng = np.random.default_rng(7)
    raw = rng.integers(7000, 25000, size=(48, 64)).astype(np.uint16)
    params = CaptureParams(0.9, 12.0, 15.0, atmospheric_c=25.0, humidity=70.0)
    via_lut = raw_to_celsius(raw, T640, params)
    direct = raw_to_celsius(raw.astype(np.float64), T640, params)
    assert via_lut.dtype == direct.dtype == np.float32 and via_lut.shape == raw.shape
    np.testing.assert_allclose(via_lut, direct, atol=1e-4)
    np.testing.assert_array_equal(PlanckRecalibrator(raw, T640).celsius(params), via_lut)


def test_missing_optional_parameters_use_thermimage_defaults() -> None:
    raw = np.array([15000], dtype=np.uint16)
    sparse = CaptureParams(emissivity=0.95, distance_m=5.0, reflected_c=20.0)
    full = CaptureParams(
        0.95, 5.0, 20.0, atmospheric_c=20.0, humidity=50.0, ir_window_c=20.0, ir_window_transmission=1
    )
    np.testing.assert_array_equal(raw_to_celsius(raw, T640, sparse), raw_to_celsius(raw, T640, full))


def test_counts_outside_the_curve_give_nan_not_an_exception() -> None:
    out = raw_to_celsius(np.array([0, 15000], dtype=np.uint16), T640, BLACKBODY)
    assert math.isnan(float(out[0])) and math.isfinite(float(out[1]))


def test_parameters_that_make_the_atmosphere_meaningless_raise_parameter_error() -> None:
    absurd = CaptureParams(
        emissivity=0.9, distance_m=1e6, reflected_c=20.0, atmospheric_c=1500.0, humidity=100.0
    )
    with pytest.raises(ParameterError, match="transmission"):
        raw_to_celsius(np.array([15000], dtype=np.uint16), T640, absurd)


@settings(max_examples=40, deadline=None)
@given(params_st)
def test_agrees_with_flyr_equation(params: CaptureParams) -> None:
    flyr_thermogram = pytest.importorskip("flyr.thermogram")
    raw = np.arange(8000, 30000, 211, dtype=np.uint16)
    assert params.atmospheric_c is not None and params.ir_window_c is not None and params.humidity is not None
    # flyr squares (Tatm − 273.17) in the water-vapour fit, a typo for 273.15; scaling its humidity
    # by the inverse factor makes its water-vapour content exactly the published one.
    t_atm = params.atmospheric_c
    typo_fix = math.exp(0.00027816 * ((t_atm - 0.02) ** 2 - t_atm**2))
    kelvin = flyr_thermogram.FlyrThermogram._FlyrThermogram__raw_to_kelvin(
        raw.astype(np.float64),
        params.emissivity,
        params.distance_m,
        params.atmospheric_c + 273.15,
        params.ir_window_c + 273.15,
        params.ir_window_transmission,
        params.reflected_c + 273.15,
        params.humidity / 100.0 * typo_fix,
        T640.r1, T640.r2, T640.b, T640.f, T640.o,
        T640.alpha1, T640.alpha2, T640.beta1, T640.beta2, T640.x,
    )  # fmt: skip
    ours = raw_to_celsius(raw, T640, params)
    finite = np.isfinite(ours) & np.isfinite(kelvin)
    assert finite.sum() > raw.size // 2
    np.testing.assert_allclose(ours[finite], kelvin[finite] - 273.15, atol=1e-3, rtol=1e-6)


def test_zero_emissivity_or_window_transmission_is_a_parameter_error() -> None:
    raw = np.array([15000], dtype=np.uint16)
    with pytest.raises(ParameterError, match="emissivity"):
        raw_to_celsius(raw, T640, CaptureParams(emissivity=0.0, distance_m=1.0, reflected_c=20.0))
    with pytest.raises(ParameterError, match="transmission"):
        raw_to_celsius(raw, T640, CaptureParams(0.9, 1.0, 20.0, ir_window_transmission=0.0))
