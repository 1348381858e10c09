"""Radiometric TIFF: round trips in both units, metadata read by independent readers, foreign files."""

from __future__ import annotations

import io
import json
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
import tifffile
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from irpatrol.errors import ParameterError, ThermalFormatError, UnsupportedCamera
from irpatrol.radiometry import decode, read, tiff
from irpatrol.radiometry.thermogram import CaptureParams, GeoPosition, Gimbal, ImageMeta

META = ImageMeta(
    make="DJI",
    model="M30T",
    gps=GeoPosition(lat=30.5928, lon=-114.3055, alt_m=-35.25, rel_alt_m=60.0),
    gimbal=Gimbal(yaw=12.5, pitch=-90.0, roll=0.0),
    captured_at=datetime(2024, 7, 1, 14, 5, 9, 120000, tzinfo=timezone(timedelta(hours=8))),
    lrf_distance_m=41.2,
)
PARAMS = CaptureParams(emissivity=0.92, distance_m=12.0, reflected_c=24.0, atmospheric_c=31.0, humidity=65.0)


def _frame(h: int = 48, w: int = 64) -> np.ndarray:
    rng = np.random.default_rng(7)
    return (rng.random((h, w)) * 80 - 10).astype(np.float32)


def test_celsius_round_trip_is_exact_with_metadata_and_params() -> None:
    c = _frame()
    t = decode(tiff.encode(c, META, PARAMS))
    assert t.source_format == "tiff" and t.details["unit"] == "celsius"
    np.testing.assert_array_equal(t.celsius, c)
    assert t.params == PARAMS
    assert t.meta.make == "DJI" and t.meta.model == "M30T"
    assert t.meta.captured_at == META.captured_at
    assert t.meta.gps is not None and META.gps is not None
    assert t.meta.gps.lat == pytest.approx(META.gps.lat, abs=1e-9)
    assert t.meta.gps.lon == pytest.approx(META.gps.lon, abs=1e-9)
    assert t.meta.gps.alt_m == META.gps.alt_m and t.meta.gps.rel_alt_m == META.gps.rel_alt_m
    assert t.meta.gimbal == META.gimbal and t.meta.lrf_distance_m == META.lrf_distance_m


def test_centikelvin_round_trip_within_a_hundredth() -> None:
    c = _frame()
    c[0, 0] = np.nan
    data = tiff.encode(c, META, PARAMS, unit="centikelvin")
    raw = tifffile.imread(io.BytesIO(data))
    assert raw.dtype == np.uint16 and raw[0, 0] == 0
    assert int(raw[1, 1]) == round((float(c[1, 1]) + 273.15) * 100)
    t = decode(data)
    assert t.details["unit"] == "centikelvin" and np.isnan(t.celsius[0, 0])
    np.testing.assert_allclose(t.celsius[1:, 1:], c[1:, 1:], atol=0.0051)


def test_independent_readers_see_gps_time_and_camera() -> None:
    data = tiff.encode(_frame(), META, PARAMS)
    exif = Image.open(io.BytesIO(data)).getexif()
    assert (exif[271], exif[272]) == ("DJI", "M30T")
    gps = exif.get_ifd(0x8825)
    lat = float(gps[2][0]) + float(gps[2][1]) / 60 + float(gps[2][2]) / 3600
    lon = float(gps[4][0]) + float(gps[4][1]) / 60 + float(gps[4][2]) / 3600
    assert gps[1] == "N" and lat == pytest.approx(30.5928, abs=1e-8)
    assert gps[3] == "W" and lon == pytest.approx(114.3055, abs=1e-8)
    assert gps[5] == b"\x01" and float(gps[6]) == pytest.approx(35.25)
    sub = exif.get_ifd(0x8769)
    assert (sub[0x9003], sub[0x9011]) == ("2024:07:01 14:05:09", "+08:00")
    with tifffile.TiffFile(io.BytesIO(data)) as tf:
        page = tf.pages.first
        assert page.compression == 1 and page.dtype == np.float32
        assert page.tags["GPSTag"].value["GPSLatitudeRef"] == "N"
        assert b"LWIR" in page.tags["XMP"].value
        assert json.loads(page.description)["irpatrol"]["unit"] == "celsius"


def test_no_metadata_writes_no_gps() -> None:
    t = decode(tiff.encode(_frame(4, 5)))
    assert t.meta.gps is None and t.meta.captured_at is None and t.meta.make is None
    assert t.params.emissivity == 1.0 and math.isnan(t.params.reflected_c)


def test_with_params_is_refused_for_temperature_only_data() -> None:
    t = decode(tiff.encode(_frame(), META, PARAMS))
    with pytest.raises(ParameterError, match="temperatures only"):
        t.with_params(emissivity=0.8)


def test_foreign_float_tiff_from_tifffile_reads_as_celsius(tmp_path: Path) -> None:
    c = _frame()
    path = tmp_path / "dtat.tif"
    tifffile.imwrite(path, c, compression="zlib")
    t = read(path)
    np.testing.assert_array_equal(t.celsius, c)
    assert t.details == {"unit": "celsius", "dtype": "float32", "params_known": False}


def test_foreign_uint16_centikelvin_is_detected_by_range() -> None:
    ck = np.full((10, 12), 29815, np.uint16)  # 25 °C
    ck[2, 3] = 45000  # a 176.85 °C hot spot does not change the decision
    buf = io.BytesIO()
    tifffile.imwrite(buf, ck)
    t = decode(buf.getvalue())
    assert t.details["unit"] == "centikelvin"
    assert float(t.celsius[0, 0]) == pytest.approx(25.0, abs=1e-3)
    assert float(t.celsius[2, 3]) == pytest.approx(176.85, abs=1e-3)


def test_uint16_outside_the_centikelvin_range_is_refused() -> None:
    buf = io.BytesIO()
    tifffile.imwrite(buf, np.full((4, 4), 1234, np.uint16))
    with pytest.raises(UnsupportedCamera, match="median value 1234"):
        decode(buf.getvalue())


def test_multiband_tiff_is_refused() -> None:
    buf = io.BytesIO()
    tifffile.imwrite(buf, np.zeros((8, 8, 3), np.uint8), photometric="rgb")
    with pytest.raises(ThermalFormatError, match="one band"):
        decode(buf.getvalue())


@pytest.mark.parametrize("bad", [np.zeros((3,), np.float32), np.zeros((0, 4), np.float32)])
def test_encode_refuses_non_frames(bad: np.ndarray) -> None:
    with pytest.raises(ParameterError, match="H×W"):
        tiff.encode(bad)


def test_centikelvin_refuses_unrepresentable_temperatures() -> None:
    with pytest.raises(ParameterError, match="centikelvin range"):
        tiff.encode(np.array([[400.0]], np.float32), unit="centikelvin")


def test_encoding_a_real_dji_frame_keeps_its_statistics(samples: Path) -> None:
    t = read(samples / "dji_m30t_iirp.jpg")
    back = decode(tiff.encode(t.celsius, t.meta, t.params))
    np.testing.assert_array_equal(back.celsius, t.celsius)
    assert back.meta.captured_at == t.meta.captured_at and back.params == t.params


finite_c = st.floats(-60.0, 350.0, width=32, allow_nan=False)
positions = st.builds(
    GeoPosition,
    lat=st.floats(-89.9, 89.9).filter(lambda v: abs(v) > 1e-6),
    lon=st.floats(-179.9, 179.9),
    alt_m=st.none() | st.floats(-400.0, 9000.0),
    rel_alt_m=st.none() | st.floats(-100.0, 500.0),
)
times = st.none() | st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.none()
    | st.builds(timezone, st.integers(-14 * 60, 14 * 60).map(lambda m: timedelta(minutes=m))),
)


@settings(max_examples=40, deadline=None)
@given(
    c=arrays(np.float32, st.tuples(st.integers(1, 20), st.integers(1, 20)), elements=finite_c),
    gps=positions,
    when=times,
    unit=st.sampled_from(["celsius", "centikelvin"]),
)
def test_round_trip_property(c: np.ndarray, gps: GeoPosition, when: datetime | None, unit: str) -> None:
    meta = ImageMeta(make="DJI", model="H20T", gps=gps, captured_at=when)
    t = decode(tiff.encode(c, meta, unit=unit))  # type: ignore[arg-type]
    assert t.celsius.shape == c.shape
    if unit == "celsius":
        np.testing.assert_array_equal(t.celsius, c)
    else:
        np.testing.assert_allclose(t.celsius, c, atol=0.0051 + 4e-7 * float(np.abs(c).max()))
    assert t.meta.gps is not None
    assert t.meta.gps.lat == pytest.approx(gps.lat, abs=1e-9)
    assert t.meta.gps.lon == pytest.approx(gps.lon, abs=1e-9)
    assert t.meta.gps.alt_m == gps.alt_m and t.meta.gps.rel_alt_m == gps.rel_alt_m
    if when is None:
        assert t.meta.captured_at is None
    else:
        assert t.meta.captured_at == when
        assert (t.meta.captured_at.utcoffset() is None) == (when.utcoffset() is None)
