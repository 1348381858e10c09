"""Radiometric TIFF with raw counts: round trip within the count quantisation, recalibration by the
Planck/atmosphere equation (shared/domain/radiometry.md §1), refusal of inconsistent files."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, datetime

import numpy as np
import pytest
import tifffile
from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.errors import ParameterError, ThermalFormatError
from irpatrol.radiometry import decode, tiff
from irpatrol.radiometry.planck import PlanckCalibration, celsius_to_raw
from irpatrol.radiometry.thermogram import CaptureParams, GeoPosition, ImageMeta

# FLIR Tau-core constants (the DJI XT-R sample's CameraInfo), α/β/X the FLIR defaults
TAU = PlanckCalibration(r1=17096.453, r2=0.048084795, b=1428.0, f=1.0, o=-370.0)
PARAMS = CaptureParams(emissivity=0.95, distance_m=5.0, reflected_c=25.0, atmospheric_c=25.0, humidity=50.0)
META = ImageMeta(
    make="irpatrol",
    model="simulated 640",
    gps=GeoPosition(lat=30.1, lon=120.2, alt_m=62.0, rel_alt_m=12.0),
    captured_at=datetime(2026, 7, 15, 9, 0, 3, tzinfo=UTC),
)


def _frame(lo: float = -20.0, hi: float = 140.0, h: int = 40, w: int = 56) -> np.ndarray:
    rng = np.random.default_rng(11)
    return (lo + rng.random((h, w)) * (hi - lo)).astype(np.float32)


def _half_count_k(celsius: np.ndarray, params: CaptureParams) -> np.ndarray:
    """Half a count expressed in kelvin at each temperature: 0.5 / (∂raw/∂T) (central difference)."""
    t = celsius.astype(np.float64)
    slope = (celsius_to_raw(t + 0.01, TAU, params) - celsius_to_raw(t - 0.01, TAU, params)) / 0.02
    return 0.5 / slope


def planck_reference(raw: float, cal: PlanckCalibration, p: CaptureParams) -> float:
    """The raw → °C equation of radiometry.md §1, written out term by term in scalar math."""
    rh = p.humidity if p.humidity is not None else 50.0
    t_atm = p.atmospheric_c if p.atmospheric_c is not None else p.reflected_c
    irt = 1.0
    h2o = (rh / 100) * math.exp(1.5587 + 0.06939 * t_atm - 0.00027816 * t_atm**2 + 0.00000068455 * t_atm**3)
    d = math.sqrt(p.distance_m / 2)
    tau = cal.x * math.exp(-d * (cal.alpha1 + cal.beta1 * math.sqrt(h2o))) + (1 - cal.x) * math.exp(
        -d * (cal.alpha2 + cal.beta2 * math.sqrt(h2o))
    )

    def s(t_c: float) -> float:
        return cal.r1 / (cal.r2 * (math.exp(cal.b / (t_c + 273.15)) - cal.f)) - cal.o

    e = p.emissivity
    raw_obj = (
        raw / (e * tau * irt * tau)
        - (1 - tau) / (e * tau) * s(t_atm)
        - (1 - tau) / (e * tau * irt * tau) * s(t_atm)
        - (1 - irt) / (e * tau * irt) * s(t_atm)
        - (1 - e) / e * s(p.reflected_c)
    )
    arg = cal.r1 / (cal.r2 * (raw_obj + cal.o)) + cal.f if raw_obj + cal.o != 0 else math.inf
    if not 0 < arg < math.inf:
        return math.nan  # object radiance outside the Planck curve's domain
    return cal.b / math.log(arg) - 273.15


def test_raw_round_trip_within_half_a_count_with_metadata() -> None:
    c = _frame()
    data = tiff.encode(c, META, PARAMS, unit="raw", calibration=TAU)
    t = decode(data)
    assert t.source_format == "tiff" and t.details["unit"] == "raw"
    assert t.params == PARAMS and t.recalibrator is not None
    assert t.raw is not None and t.raw.dtype == np.uint16
    # the stored counts are the rounded Planck counts, as an independent reader sees them
    stored = tifffile.imread(io.BytesIO(data))
    np.testing.assert_array_equal(stored, t.raw)
    np.testing.assert_array_equal(stored, np.rint(celsius_to_raw(c.astype(np.float64), TAU, PARAMS)))
    err = np.abs(t.celsius.astype(np.float64) - c)
    assert np.all(err <= _half_count_k(c, PARAMS) + 1e-4)
    # the documented figures for this calibration: ≤ 0.012 K above 20 °C, ≤ 0.027 K at −20 °C
    assert err[c >= 20].max() <= 0.012 and err.max() <= 0.027
    assert err.max() > 1e-4  # the counts really are quantised (not a float disguised as uint16)
    assert {k: t.details[k] for k in TAU.to_dict()} == TAU.to_dict()
    assert (t.meta.make, t.meta.model, t.meta.captured_at) == (META.make, META.model, META.captured_at)
    assert t.meta.gps is not None and t.meta.gps.lat == pytest.approx(30.1, abs=1e-9)


def test_with_params_is_the_planck_equation_applied_to_the_raw() -> None:
    t = decode(tiff.encode(_frame(0, 90), META, PARAMS, unit="raw", calibration=TAU))
    assert t.raw is not None
    new = t.with_params(emissivity=0.7, distance_m=20.0, reflected_c=10.0)
    p = new.params
    assert (p.emissivity, p.distance_m, p.reflected_c, p.atmospheric_c) == (0.7, 20.0, 10.0, 25.0)
    for y, x in [(0, 0), (5, 17), (20, 30), (39, 55)]:
        assert float(new.celsius[y, x]) == pytest.approx(
            planck_reference(float(t.raw[y, x]), TAU, p), abs=1e-3
        )
    # a lower emissivity: the same counts came from hotter objects (warmer than the reflected 10 °C)
    assert float(np.mean(new.celsius - t.celsius)) > 1.0
    back = new.with_params(emissivity=0.95, distance_m=5.0, reflected_c=25.0)
    np.testing.assert_allclose(back.celsius, t.celsius, atol=1e-4)


@settings(max_examples=40, deadline=None)
@given(
    emissivity=st.floats(0.3, 1.0),
    distance_m=st.floats(0.0, 100.0),
    reflected_c=st.floats(-30.0, 60.0),
    atmospheric_c=st.floats(-20.0, 40.0),
    humidity=st.floats(0.0, 100.0),
    new_emissivity=st.floats(0.3, 1.0),
    new_distance_m=st.floats(0.0, 100.0),
    new_reflected_c=st.floats(-30.0, 60.0),
)
def test_any_params_round_trip_and_recalibrate(
    emissivity: float,
    distance_m: float,
    reflected_c: float,
    atmospheric_c: float,
    humidity: float,
    new_emissivity: float,
    new_distance_m: float,
    new_reflected_c: float,
) -> None:
    params = CaptureParams(
        emissivity=emissivity,
        distance_m=distance_m,
        reflected_c=reflected_c,
        atmospheric_c=atmospheric_c,
        humidity=humidity,
    )
    c = _frame(0.0, 120.0, 8, 10)
    t = decode(tiff.encode(c, ImageMeta(), params, unit="raw", calibration=TAU))
    assert t.params == params
    assert np.all(np.abs(t.celsius.astype(np.float64) - c) <= _half_count_k(c, params) + 1e-4)
    assert t.raw is not None
    new = t.with_params(emissivity=new_emissivity, distance_m=new_distance_m, reflected_c=new_reflected_c)
    for y, x in [(0, 0), (3, 7), (7, 9)]:
        want = planck_reference(float(t.raw[y, x]), TAU, new.params)
        got = float(new.celsius[y, x])
        assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, abs=2e-3)


def test_encoding_refuses_what_counts_cannot_hold() -> None:
    c = _frame(10, 40)
    with pytest.raises(ParameterError, match="calibration"):
        tiff.encode(c, META, PARAMS, unit="raw")
    with pytest.raises(ParameterError, match="calibration"):
        tiff.encode(c, META, None, unit="raw", calibration=TAU)
    hole = c.copy()
    hole[3, 3] = np.nan
    with pytest.raises(ParameterError, match="1 temperature"):
        tiff.encode(hole, META, PARAMS, unit="raw", calibration=TAU)
    with pytest.raises(ParameterError, match="2 temperature"):
        tiff.encode(np.array([[25.0, 900.0, 1500.0]]), META, PARAMS, unit="raw", calibration=TAU)


def _tiff_with(description: dict[str, object], pixels: np.ndarray) -> bytes:
    buf = io.BytesIO()
    tifffile.imwrite(buf, pixels, description=json.dumps(description), metadata=None)
    return buf.getvalue()


def test_raw_files_without_calibration_or_params_or_counts_are_refused() -> None:
    counts = np.full((8, 8), 3300, dtype=np.uint16)
    params = {
        "emissivity": 0.95,
        "distance_m": 5.0,
        "reflected_c": 25.0,
        "atmospheric_c": None,
        "humidity": None,
        "ir_window_c": None,
        "ir_window_transmission": None,
    }
    cal = {"r1": 17096.453, "r2": 0.048084795, "b": 1428.0, "f": 1.0, "o": -370.0}
    ok = decode(_tiff_with({"irpatrol": {"unit": "raw", "params": params, "calibration": cal}}, counts))
    assert ok.recalibrator is not None and 20.0 < ok.center_c < 30.0
    with pytest.raises(ThermalFormatError, match="calibration"):
        decode(_tiff_with({"irpatrol": {"unit": "raw", "params": params}}, counts))
    with pytest.raises(ThermalFormatError, match="calibration"):
        decode(_tiff_with({"irpatrol": {"unit": "raw", "params": params, "calibration": {"r1": 1}}}, counts))
    with pytest.raises(ThermalFormatError, match="calibration"):
        decode(
            _tiff_with(
                {"irpatrol": {"unit": "raw", "params": params, "calibration": {**cal, "r2": 0}}}, counts
            )
        )
    with pytest.raises(ThermalFormatError, match="capture parameters"):
        decode(_tiff_with({"irpatrol": {"unit": "raw", "params": None, "calibration": cal}}, counts))
    with pytest.raises(ThermalFormatError, match="uint16"):
        decode(
            _tiff_with(
                {"irpatrol": {"unit": "raw", "params": params, "calibration": cal}}, counts.astype(np.float32)
            )
        )
    with pytest.raises(ThermalFormatError, match="raw-count TIFF"):
        decode(
            _tiff_with(
                {"irpatrol": {"unit": "raw", "params": {**params, "emissivity": 0.0}, "calibration": cal}},
                counts,
            )
        )


def test_temperature_tiffs_still_cannot_be_recalibrated() -> None:
    for unit in ("celsius", "centikelvin"):
        t = decode(tiff.encode(_frame(10, 40), META, PARAMS, unit=unit))  # type: ignore[arg-type]
        assert t.recalibrator is None and t.raw is None
        with pytest.raises(ParameterError, match="temperatures only"):
            t.with_params(emissivity=0.8)
