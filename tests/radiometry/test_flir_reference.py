"""FLIR R-JPEGs and DJI XT/XT2 (FLIR core) against reference.csv and against flyr as an oracle."""

from __future__ import annotations

import functools
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from irpatrol.radiometry import Thermogram, read

FLIR_FILES = [
    "dji_xt2_flir_core.jpg",
    "dji_xtr_flir_core.jpg",
    "flir_ax8.jpg",
    "flir_b60.jpg",
    "flir_e40.jpg",
    "flir_sc660_thermimage_IR_2412.jpg",
    "flir_t640.jpg",
    "flir_unknown_model_320x240.jpg",
]
FLYR_FILES = [f for f in FLIR_FILES if f.startswith("flir_")]
TOLERANCE_C = 0.05
"""Acceptance tolerance of issue 2 for temperatures (°C)."""


@functools.cache
def _read(path: str) -> Thermogram:
    return read(path)


def test_every_flir_row_of_reference_csv_is_covered(reference: dict[str, dict[str, str]]) -> None:
    flir_rows = {name for name in reference if name.startswith("flir_") or name.endswith("_flir_core.jpg")}
    assert flir_rows == set(FLIR_FILES)


@pytest.mark.parametrize("name", FLIR_FILES)
def test_reference_temperatures_and_parameters(
    name: str, samples: Path, reference: dict[str, dict[str, str]]
) -> None:
    row = reference[name]
    t = _read(str(samples / name))
    assert t.source_format == "flir-rjpeg"
    assert (t.width, t.height) == (int(row["width"]), int(row["height"]))
    c = t.celsius
    assert c.dtype == np.float32
    assert float(c.min()) == pytest.approx(float(row["t_min_c"]), abs=TOLERANCE_C)
    assert float(c.max()) == pytest.approx(float(row["t_max_c"]), abs=TOLERANCE_C)
    assert float(c.mean(dtype=np.float64)) == pytest.approx(float(row["t_mean_c"]), abs=TOLERANCE_C)
    assert t.center_c == pytest.approx(float(row["t_center_c"]), abs=TOLERANCE_C)
    assert t.params.emissivity == pytest.approx(float(row["emissivity"]), abs=1e-6)
    assert t.params.distance_m == pytest.approx(float(row["object_distance_m"]), abs=1e-6)
    assert t.params.reflected_c == pytest.approx(float(row["reflected_temp_c"]), abs=1e-3)


@pytest.mark.parametrize("name", FLIR_FILES)
def test_raw_counts_calibration_and_atmosphere_are_kept(name: str, samples: Path) -> None:
    t = _read(str(samples / name))
    assert t.raw is not None and t.raw.dtype == np.uint16 and t.raw.shape == t.celsius.shape
    assert t.details["PlanckR1"] > 0 and t.details["PlanckB"] > 0
    assert t.details["raw_layout"] in {"png", "raw-le", "raw-be"}
    assert t.params.humidity is not None and 0 <= t.params.humidity <= 100
    assert t.params.atmospheric_c is not None and -60 < t.params.atmospheric_c < 80
    assert t.meta.captured_at is not None and t.meta.captured_at.tzinfo is not None


@pytest.mark.parametrize("name", FLIR_FILES)
def test_capture_time_is_the_exif_local_time_with_the_camera_utc_offset(name: str, samples: Path) -> None:
    with Image.open(samples / name) as img:
        exif = img.getexif()
        text = exif.get_ifd(0x8769).get(36867) or exif.get(306)
    exif_local = datetime.strptime(text, "%Y:%m:%d %H:%M:%S")
    captured = _read(str(samples / name)).meta.captured_at
    assert captured is not None and captured.utcoffset() is not None
    assert captured.replace(tzinfo=None, microsecond=0) == exif_local


def test_embedded_visible_jpeg_and_flir_gps(samples: Path) -> None:
    t640 = _read(str(samples / "flir_t640.jpg"))
    assert t640.visible_jpeg is not None and t640.visible_jpeg[:3] == b"\xff\xd8\xff"
    assert t640.details["embedded_image"] == "jpeg"
    b60 = _read(str(samples / "flir_b60.jpg"))
    assert b60.visible_jpeg is None and b60.details["embedded_image"] == "png"
    gps = _read(str(samples / "flir_unknown_model_320x240.jpg")).meta.gps
    assert (
        gps is not None
        and gps.lat == pytest.approx(49.0107, abs=1e-3)
        and gps.lon == pytest.approx(8.4184, abs=1e-3)
    )


def test_with_params_recomputes_from_raw_without_the_file(samples: Path) -> None:
    t = _read(str(samples / "flir_e40.jpg"))
    same = t.with_params(emissivity=t.params.emissivity)
    assert same is t
    lower_e = t.with_params(emissivity=0.5)
    hot = t.celsius > t.params.reflected_c + 1
    assert hot.any()
    # A lower emissivity means the same radiance comes from a hotter object (above the reflected temperature).
    assert np.all(lower_e.celsius[hot] > t.celsius[hot])
    assert lower_e.params.emissivity == 0.5 and lower_e.params.distance_m == t.params.distance_m


@pytest.mark.parametrize("name", FLYR_FILES)
def test_with_params_agrees_with_flyr(name: str, samples: Path) -> None:
    flyr = pytest.importorskip("flyr")
    ours = _read(str(samples / name)).with_params(emissivity=0.9, distance_m=10, reflected_c=15)
    theirs = (
        flyr.unpack(str(samples / name))
        .adjust_metadata(emissivity=0.9, object_distance=10.0, reflected_apparent_temperature=15 + 273.15)
        .celsius
    )
    assert ours.params.emissivity == 0.9 and ours.params.distance_m == 10 and ours.params.reflected_c == 15
    assert theirs.shape == ours.celsius.shape
    diff = np.abs(ours.celsius.astype(np.float64) - theirs)
    assert math.isfinite(float(diff.max())) and float(diff.max()) < TOLERANCE_C
