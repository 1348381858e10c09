"""DJI R-JPEG decoding through the back-end interface, recalibration and parameter ranges."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from dji_thermal_cli import tsdk

from irpatrol.errors import ParameterError, ThermalFormatError, UnsupportedCamera
from irpatrol.radiometry import decode as decode_any
from irpatrol.radiometry import dji
from irpatrol.radiometry.thermogram import CaptureParams, Thermogram

PLUGINS = {
    "dji_xts_dirp.jpg": "dirp",
    "dji_h20t_dirp.jpg": "dirp",
    "dji_h20n_iirp.jpg": "iirp",
    "dji_m2ea_iirp.jpg": "iirp",
    "dji_m30t_iirp.jpg": "iirp",
    "dji_m30t_girp.jpg": "girp",
    "dji_m3t_iirp.jpg": "iirp",
    "dji_m3td_iirp.jpg": "iirp",
    "dji_m3td_hirp.jpg": "hirp",
    "dji_m4t_iirp.jpg": "iirp",
    "dji_m4t_hirp.jpg": "hirp",
    "dji_h30t_iirp_1280x1024.jpg": "iirp",
}
"""Every DJI TSDK sample and the plugin the SDK picks for it (shared/domain/radiometry.md §2)."""

# One file per plugin (and the two iirp ambient variants) for the slower recalibration tests.
RECAL_FILES = [
    "dji_h20t_dirp.jpg",
    "dji_m30t_girp.jpg",
    "dji_m3t_iirp.jpg",
    "dji_m4t_iirp.jpg",
    "dji_m4t_hirp.jpg",
]


@functools.cache
def _bytes(path: Path) -> bytes:
    return path.read_bytes()


@functools.cache
def _decoded(path: Path) -> Thermogram:
    return dji.decode(_bytes(path))


def _tsdk_celsius(data: bytes, **changes: float) -> np.ndarray:
    """The oracle: dji_thermal_cli.tsdk used directly, embedded parameters with ``changes``."""
    rj = tsdk.open(data)
    p = rj.get_measurement_params()
    for name, value in changes.items():
        setattr(p, name, value)
    rj.set_measurement_params(p)
    return rj.measure_temperature_c()


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_decode_matches_the_sdk_at_embedded_parameters(samples: Path, name: str) -> None:
    data = _bytes(samples / name)
    t = _decoded(samples / name)
    rj = tsdk.open(data)
    assert t.source_format == "dji-rjpeg"
    assert t.details["plugin"] == PLUGINS[name]
    assert t.celsius.dtype == np.float32 and t.celsius.shape == (rj.height, rj.width)
    np.testing.assert_array_equal(t.celsius, rj.measure_temperature_c())
    assert t.raw is not None and t.raw.dtype == np.uint16 and t.raw.shape == t.celsius.shape
    np.testing.assert_array_equal(t.raw, rj.get_original_raw())
    embedded = rj.get_measurement_params()
    assert t.params.emissivity == pytest.approx(embedded.emissivity)
    assert t.params.distance_m == pytest.approx(embedded.distance)
    assert t.params.reflected_c == pytest.approx(embedded.reflection)
    assert t.params.humidity == pytest.approx(embedded.humidity)
    assert t.meta.make == "DJI" and t.meta.model


@pytest.mark.parametrize("name", ["dji_h20t_dirp.jpg", "dji_xts_dirp.jpg", "dji_m30t_girp.jpg"])
def test_files_without_an_ambient_parameter_report_none(samples: Path, name: str) -> None:
    t = _decoded(samples / name)
    assert t.params.atmospheric_c is None
    assert t.details["ambient_source"] == "none"
    with pytest.raises(ParameterError, match="no ambient-temperature parameter"):
        t.with_params(atmospheric_c=10.0)


def test_old_iirp_header_takes_ambient_from_reflected(samples: Path) -> None:
    t = _decoded(samples / "dji_m3t_iirp.jpg")
    assert t.details["ambient_source"] == "reflected"
    assert t.params.atmospheric_c is None
    with pytest.raises(ParameterError, match="reflected"):
        t.with_params(atmospheric_c=10.0)


@pytest.mark.parametrize("name", RECAL_FILES)
def test_with_params_agrees_with_the_sdk(samples: Path, name: str) -> None:
    t = _decoded(samples / name)
    changed = t.with_params(emissivity=0.9, distance_m=10.0, reflected_c=15.0, humidity=60.0)
    expected = _tsdk_celsius(
        _bytes(samples / name), emissivity=0.9, distance=10.0, reflection=15.0, humidity=60.0
    )
    np.testing.assert_allclose(changed.celsius, expected, atol=0.01)
    assert changed.params.emissivity == 0.9 and changed.params.distance_m == 10.0
    assert not np.array_equal(changed.celsius, t.celsius)
    np.testing.assert_array_equal(t.celsius, _decoded(samples / name).celsius)  # the original is untouched


def test_with_params_moves_temperatures_the_physical_way(samples: Path) -> None:
    """Lower emissivity → a hot object (above the reflected temperature) reads hotter."""
    t = _decoded(samples / "dji_m3t_iirp.jpg")
    hot = t.celsius > t.params.reflected_c + 5
    assert hot.any()
    lower = t.with_params(emissivity=0.7)
    assert float(np.mean(lower.celsius[hot] - t.celsius[hot])) > 0.5


def test_ambient_is_applied_where_the_camera_has_it(samples: Path) -> None:
    t = _decoded(samples / "dji_m4t_iirp.jpg")
    assert t.details["ambient_source"] == "own"
    warmer = t.with_params(atmospheric_c=35.0)
    np.testing.assert_allclose(
        warmer.celsius, _tsdk_celsius(_bytes(samples / "dji_m4t_iirp.jpg"), ambient_temp=35.0), atol=0.01
    )


@pytest.mark.parametrize(
    ("name", "change", "label"),
    [
        (
            "dji_m30t_iirp.jpg",
            {"distance_m": 30.0},
            "distance 30 m is outside the camera's accepted range 1–25 m",
        ),
        (
            "dji_h20t_dirp.jpg",
            {"humidity": 10.0},
            "relative humidity 10 % is outside the camera's accepted range 20–100 %",
        ),
        ("dji_m3t_iirp.jpg", {"reflected_c": 150.0}, "reflected temperature 150 °C is outside .* -40–100 °C"),
        (
            "dji_m4t_iirp.jpg",
            {"atmospheric_c": 90.0},
            "atmospheric temperature 90 °C is outside .* -40–80 °C",
        ),
        ("dji_m2ea_iirp.jpg", {"emissivity": 0.05}, "emissivity 0.05 is outside .* 0.1–1"),
    ],
)
def test_out_of_range_parameters_name_the_parameter_and_range(
    samples: Path, name: str, change: dict[str, float], label: str
) -> None:
    t = _decoded(samples / name)
    with pytest.raises(ParameterError, match=label) as info:
        t.with_params(**change)
    assert t.meta.model in str(info.value)


def test_h30t_accepts_the_long_distances_its_sdk_allows(samples: Path) -> None:
    t = _decoded(samples / "dji_h30t_iirp_1280x1024.jpg")
    assert t.details["param_ranges"]["distance_m"] == [1.0, 300.0]
    far = t.with_params(distance_m=120.0)
    assert far.params.distance_m == 120.0 and far.celsius.shape == (1024, 1280)


def test_decode_through_the_package_entry_point(samples: Path) -> None:
    t = decode_any(_bytes(samples / "dji_m30t_girp.jpg"))
    assert t.source_format == "dji-rjpeg" and t.camera == "DJI M30T"


class _FakeBackend:
    """A second back-end: proves decode() and the recalibrator only use the DjiBackend protocol."""

    name = "fake"

    def __init__(self) -> None:
        self.measured: list[CaptureParams] = []

    def open(self, data: bytes) -> dji.DjiFrame:
        return dji.DjiFrame(
            celsius=np.full((4, 6), 20.0, np.float32),
            raw=np.zeros((4, 6), np.uint16),
            params=CaptureParams(emissivity=1.0, distance_m=5.0, reflected_c=23.0, humidity=70.0),
            ranges={"emissivity": (0.1, 1.0), "distance_m": (1.0, 25.0)},
            plugin="fake",
            ambient="none",
            details={},
        )

    def measure(self, data: bytes, params: CaptureParams) -> np.ndarray:
        self.measured.append(params)
        return np.full((4, 6), 20.0 + params.distance_m, np.float32)


def test_a_second_backend_plugs_in() -> None:
    backend = _FakeBackend()
    t = dji.decode(b"\xff\xd8 any bytes", backend=backend)
    assert t.details["backend"] == "fake" and t.width == 6 and t.height == 4
    assert float(t.with_params(distance_m=7.0).celsius[0, 0]) == 27.0
    assert backend.measured[-1].distance_m == 7.0
    with pytest.raises(ParameterError, match="outside the camera's accepted range 1–25 m"):
        t.with_params(distance_m=40.0)


def test_a_jpeg_without_thermal_data_is_a_format_error() -> None:
    plain = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
    with pytest.raises(ThermalFormatError, match="not a readable DJI R-JPEG"):
        dji.decode(plain)


def test_an_unknown_dji_plugin_is_unsupported_camera(samples: Path) -> None:
    data = bytearray(_bytes(samples / "dji_m3t_iirp.jpg"))
    app4 = data.find(b"\xff\xe4")
    assert data[app4 + 4 : app4 + 8] == b"\xff\xd2\xd1\xff" and data[app4 + 8 : app4 + 12] == b"iirp"
    data[app4 + 8 : app4 + 12] = b"zirp"
    with pytest.raises(UnsupportedCamera, match="zirp"):
        dji.decode(bytes(data))
